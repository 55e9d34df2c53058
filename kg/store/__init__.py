"""Graph stores: one small base class and an explicit factory.

* :class:`OxigraphStore` — persistent, embedded (pyoxigraph through oxrdflib), the default;
* :class:`MemoryStore` — rdflib's in-memory dataset, for tests and throwaway runs;
* :class:`kg.store.remote.SparqlStore` — a remote SPARQL 1.1 server (``sparql+http://host:port/path``).

Each document lives in its own named graph. :meth:`GraphStore.replace` swaps a document's graph
in one transaction: the old graph is dropped and the new one inserted together, or nothing
changes. Queries see the union of all named graphs as the default graph.
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import StoreError
from kg.store.base import DOCUMENTS_QUERY, LOADED_QUERY, LOADED_REGISTRY, GraphStore, StoredDocument, Triple, _bind
from kg.store.memory import MemoryStore
from kg.store.oxigraph import OxigraphStore, _from_ox

__all__ = ["DOCUMENTS_QUERY", "LOADED_QUERY", "LOADED_REGISTRY", "GraphStore", "MemoryStore", "OxigraphStore", "StoredDocument", "Triple", "_bind",
           "_from_ox", "open_store"]


def open_store(kind: str, data_dir: Path, read_only: bool = False) -> GraphStore:
    """The factory: 'oxigraph' (default), 'memory', or a remote 'sparql+http(s)://…' endpoint."""
    if kind == "memory":
        return MemoryStore()
    if kind == "oxigraph":
        return OxigraphStore(Path(data_dir) / "graph", read_only=read_only)
    if kind.startswith("sparql+"):
        from kg.store.remote import SparqlStore

        return SparqlStore(kind, read_only=read_only)
    raise StoreError(f"unknown store {kind!r}: use 'oxigraph', 'memory' or 'sparql+http://host:port/path'")
