"""``kg load``: put an RDF file into the store as named graph(s) beside the extracted graph.

Analysts bring reference data (official region and municipality codes, a budget classification …)
and join it with the extracted graph in SPARQL. A loaded graph is not a document: it is listed as a
``kg:LoadedGraph`` in :data:`~kg.store.LOADED_REGISTRY` (with the file's name, format, SHA-256 and
time), and for that reason ``kg ingest`` never drops or replaces it, ``kg check`` does not ask for its
text, and the search index does not take its passages (:meth:`GraphStore.ingested_dataset`).

Formats: Turtle, N-Triples, RDF/XML and JSON-LD hold triples, which go into the graph named with
``--graph``; N-Quads and TriG keep the graph names they carry (their default-graph triples, if
any, need ``--graph`` too). Files are parsed by pyoxigraph, which fetches nothing from the network
(no remote JSON-LD contexts). Loading a graph again replaces it. Everything one call loads is
written through the caller's store — under ``kg load`` the same locked, journaled writer as
``kg ingest`` (:func:`kgdatadir.journal.writer`) — so it lands completely or not at all.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.errors import LoadError
from kg.namespace import KG, KGR
from kg.store import LOADED_REGISTRY, GraphStore, _from_ox

RESERVED = str(KGR["graph/"])  # where kg ingest keeps documents, links, the vocabulary and this registry


@dataclass(frozen=True)
class RdfFormat:
    name: str
    media_type: str
    suffixes: tuple[str, ...]
    quads: bool  # the format can name graphs itself


RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("turtle", "text/turtle", (".ttl", ".turtle"), False),
    RdfFormat("ntriples", "application/n-triples", (".nt", ".ntriples"), False),
    RdfFormat("rdfxml", "application/rdf+xml", (".rdf", ".owl", ".xml"), False),
    RdfFormat("jsonld", "application/ld+json", (".jsonld", ".json"), False),
    RdfFormat("nquads", "application/n-quads", (".nq", ".nquads"), True),
    RdfFormat("trig", "application/trig", (".trig",), True),
)
FORMAT_NAMES = [f.name for f in RDF_FORMATS]


@dataclass
class LoadReport:
    """What one ``kg load`` stored: triples per graph IRI, and which of those graphs it replaced."""

    path: str
    format: str
    graphs: dict[str, int] = field(default_factory=dict)
    replaced: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [f"{n:,} triple{'s' if n != 1 else ''} into <{g}>{' (replaced)' if g in self.replaced else ''}"
                 for g, n in self.graphs.items()]
        return f"loaded {self.path} ({self.format}): " + "; ".join(parts)


def detect_format(path: Path, name: str | None = None) -> RdfFormat:
    """The format called ``name`` (a name of :data:`FORMAT_NAMES` or a media type), else the one of the file's suffix."""
    if name:
        key = name.strip().lower()
        for f in RDF_FORMATS:
            if key in (f.name, f.media_type) or "." + key in f.suffixes:
                return f
        raise LoadError(f"unknown RDF format {name!r}; choose one of {', '.join(FORMAT_NAMES)}")
    suffix = path.suffix.lower()
    for f in RDF_FORMATS:
        if suffix in f.suffixes:
            return f
    raise LoadError(f"{path}: cannot tell the RDF format from the suffix {suffix or '(none)'!r}; "
                    f"give --format ({', '.join(FORMAT_NAMES)})")


def _check_graph_iri(iri: str) -> None:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\s]+", iri):
        raise LoadError(f"{iri!r} is not an absolute IRI; name the graph e.g. https://example.org/graph/regions")
    if iri.startswith(RESERVED):
        raise LoadError(f"<{iri}>: graphs under {RESERVED} are kg ingest's (documents, links, vocabulary); "
                        f"choose another IRI, e.g. {KGR['reference/']}<name>")


def read_rdf(path: Path, fmt: RdfFormat, graph: str | None) -> dict[str, list]:
    """The file's triples by graph IRI (rdflib terms); default-graph triples go to ``graph``.

    Raises :class:`LoadError` when the file does not parse, or holds default-graph triples and no
    ``graph`` is given.
    """
    import pyoxigraph as ox

    kind = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML,
            "jsonld": ox.RdfFormat.JSON_LD, "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}[fmt.name]
    out: dict[str, list] = {}
    unnamed = 0
    try:
        for q in ox.parse(path=str(path), format=kind, base_iri=path.resolve().as_uri()):
            if isinstance(q.graph_name, ox.DefaultGraph):
                unnamed += 1
                if graph is None:
                    continue
                name = graph
            elif isinstance(q.graph_name, ox.NamedNode):
                name = q.graph_name.value
            else:
                raise LoadError(f"{path}: a graph named by a blank node cannot be loaded; give it an IRI")
            out.setdefault(name, []).append((_from_ox(q.subject), _from_ox(q.predicate), _from_ox(q.object)))
    except (SyntaxError, ValueError) as exc:
        raise LoadError(f"{path}: not valid {fmt.name} ({exc}); nothing loaded") from exc
    except OSError as exc:
        raise LoadError(f"{path}: cannot read the file ({exc})") from exc
    if unnamed and graph is None:
        where = "in its default graph " if fmt.quads else ""
        raise LoadError(f"{path}: {unnamed:,} triple{'s' if unnamed != 1 else ''} {where}need a graph to go into: give --graph IRI")
    if graph is not None and fmt.quads and not unnamed:
        raise LoadError(f"{path}: every triple already names its graph; --graph {graph} would stay empty (leave it out)")
    if not out:
        raise LoadError(f"{path}: no triples to load")
    return out


def load_file(store: GraphStore, path: Path | str, graph: str | None = None, fmt: str | None = None) -> LoadReport:
    """Load the RDF file ``path`` into ``store`` as named graph(s) marked kg:LoadedGraph; see the module docstring.

    Raises :class:`LoadError` (nothing stored) for an unknown format, a parse error, a missing
    ``graph``, or a graph IRI that is kg ingest's or holds data not loaded by ``kg load``.
    """
    path = Path(path)
    kind = detect_format(path, fmt)
    if graph is not None:
        _check_graph_iri(graph)
    by_graph = read_rdf(path, kind, graph)
    loaded = {str(g) for g in store.loaded_graphs()}
    existing = {str(g) for g in store.graphs()}
    for iri in by_graph:
        _check_graph_iri(iri)
        if iri in existing and iri not in loaded:
            raise LoadError(f"<{iri}> already holds data that kg load did not put there; choose another graph IRI")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    now = Literal(datetime.now(timezone.utc).replace(microsecond=0).isoformat(), datatype=XSD.dateTime)
    registry = [t for t in store.graph(LOADED_REGISTRY) if str(t[0]) not in by_graph]
    report = LoadReport(str(path), kind.name)
    for iri, triples in by_graph.items():
        node = URIRef(iri)
        store.replace(node, triples)
        registry += [(node, RDF.type, KG.LoadedGraph), (node, DCTERMS.source, Literal(path.name)),
                     (node, DCTERMS["format"], Literal(kind.media_type)), (node, KG.contentHash, Literal(digest)),
                     (node, DCTERMS.modified, now)]
        report.graphs[iri] = len(set(triples))
        if iri in loaded:
            report.replaced.append(iri)
    store.replace(LOADED_REGISTRY, registry)
    return report
