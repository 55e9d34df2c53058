"""The base class every graph store implements, and what the backends share.

Each document lives in its own named graph. :meth:`GraphStore.replace` swaps a document's graph
in one transaction: the old graph is dropped and the new one inserted together, or nothing
changes. Queries see the union of all named graphs as the default graph, unless the query's
``FROM`` / ``FROM NAMED`` or a protocol dataset say otherwise (:mod:`kg.dataset`).

Graphs put here by ``kg load`` (reference data beside the extracted graph) are listed in
:data:`LOADED_REGISTRY` as ``kg:LoadedGraph``: they are not documents, so :meth:`GraphStore.documents`
and the search index (:meth:`GraphStore.ingested_dataset`) leave them alone.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.query import Result

from kg.dataset import QueryDataset
from kg.errors import QueryError
from kg.namespace import KGR, PREFIXES, sparql_prologue
from kg.sparql_build import V

Triple = tuple[URIRef, URIRef, URIRef | Literal]

LOADED_REGISTRY = KGR["graph/loaded"]  # the named graph listing every kg:LoadedGraph (kg/load.py)

DOCUMENTS_QUERY = f"""
SELECT ?g ?doc ?key ?hash ?pipeline WHERE {{
  GRAPH ?g {{ ?doc a {V.Document} ; {V.sourceKey} ?key ; {V.contentHash} ?hash
             OPTIONAL {{ ?doc prov:wasGeneratedBy/{V.pipelineVersion} ?pipeline }} }}
  FILTER NOT EXISTS {{ GRAPH <{LOADED_REGISTRY}> {{ ?g a {V.LoadedGraph} }} }}
}}"""

LOADED_QUERY = f"SELECT ?g WHERE {{ GRAPH <{LOADED_REGISTRY}> {{ ?g a {V.LoadedGraph} }} }} ORDER BY ?g"


@dataclass(frozen=True)
class StoredDocument:
    key: str
    iri: URIRef
    sha256: str
    graph: URIRef
    pipeline: str = ""  # kg:pipelineVersion of the run that built the graph ("" before it was recorded)


class GraphStore(ABC):
    """What every backend offers."""

    kind: str = "abstract"

    @property
    @abstractmethod
    def dataset(self) -> Dataset: ...

    @abstractmethod
    def replace(self, graph: URIRef, triples: Iterable[Triple], drop: Iterable[URIRef] = ()) -> None:
        """Atomically drop the graphs in ``drop`` and store ``triples`` as the named graph ``graph``."""

    @abstractmethod
    def drop(self, graphs: Iterable[URIRef]) -> None: ...

    def query(self, sparql: str, prologue: bool = True, dataset: QueryDataset | None = None) -> Result:
        """Run a SPARQL query; the vocabulary's prefixes are predeclared (unless ``prologue`` is False).

        The default graph is the union of all graphs unless the query has ``FROM`` / ``FROM NAMED`` or
        ``dataset`` (a protocol dataset, which overrides the query's) is given: :mod:`kg.dataset`.
        Raises :class:`QueryError` for a malformed query.
        """
        from kg.dataset import rdflib_query

        text = (sparql_prologue() + sparql) if prologue else sparql
        try:
            return rdflib_query(self.dataset, text, dataset)
        except (SyntaxError, ValueError) as exc:
            raise QueryError(f"SPARQL query failed: {exc}") from exc
        except Exception as exc:  # pyparsing / oxigraph raise their own types for bad queries
            if type(exc).__name__ in {"ParseException", "ParseSyntaxException", "QueryEvaluationError"}:
                raise QueryError(f"SPARQL query failed: {exc}") from exc
            raise

    def documents(self) -> dict[str, StoredDocument]:
        """Stored documents by source key."""
        out: dict[str, StoredDocument] = {}
        for row in self.query(DOCUMENTS_QUERY):
            out[str(row.key)] = StoredDocument(str(row.key), row.doc, str(row.hash), row.g,
                                               str(row.pipeline) if row.pipeline is not None else "")
        return out

    def loaded_graphs(self) -> list[URIRef]:
        """Named graphs put here by ``kg load`` (listed as kg:LoadedGraph in :data:`LOADED_REGISTRY`)."""
        return [URIRef(str(r.g)) for r in self.query(LOADED_QUERY)]

    def ingested_dataset(self) -> QueryDataset | None:
        """The dataset of everything ``kg ingest`` wrote (documents, links, vocabulary), without loaded graphs.

        None when nothing is loaded: then the default union is exactly that, and cheaper.
        """
        loaded = set(self.loaded_graphs())
        if not loaded:
            return None
        kept = tuple(str(g) for g in self.graphs() if g not in loaded and g != LOADED_REGISTRY)
        return QueryDataset(kept or (str(KGR["graph/none"]),), kept)

    def graphs(self) -> list[URIRef]:
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        return sorted(
            g.identifier for g in self.dataset.graphs()
            if isinstance(g.identifier, URIRef) and g.identifier != DATASET_DEFAULT_GRAPH_ID
        )

    def graph(self, name: URIRef) -> Graph:
        out = Graph(identifier=name)
        for t in self.dataset.graph(name):
            out.add(t)
        return out

    def quads(self) -> Iterator[tuple]:
        for g in self.graphs():
            for s, p, o in self.dataset.graph(g):
                yield s, p, o, g

    def __len__(self) -> int:
        return sum(len(self.dataset.graph(g)) for g in self.graphs())

    def close(self) -> None:
        pass

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _bind(ds: Dataset) -> Dataset:
    for prefix, iri in PREFIXES.items():
        ds.bind(prefix, iri, override=True)
    return ds
