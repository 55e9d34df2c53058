"""Graph stores: one small base class and an explicit factory.

* :class:`OxigraphStore` — persistent, embedded (pyoxigraph through oxrdflib), the default;
* :class:`MemoryStore` — rdflib's in-memory dataset, for tests and throwaway runs;
* :class:`kg.store_sparql.SparqlStore` — a remote SPARQL 1.1 server (``sparql+http://host:port/path``).

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
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.query import Result

from kg.dataset import QueryDataset
from kg.errors import QueryError, StoreError, StoreLocked
from kg.namespace import KGR, PREFIXES, sparql_prologue

Triple = tuple[URIRef, URIRef, URIRef | Literal]

LOADED_REGISTRY = KGR["graph/loaded"]  # the named graph listing every kg:LoadedGraph (kg/load.py)

DOCUMENTS_QUERY = """
SELECT ?g ?doc ?key ?hash ?pipeline WHERE {
  GRAPH ?g { ?doc a kg:Document ; kg:sourceKey ?key ; kg:contentHash ?hash
             OPTIONAL { ?doc prov:wasGeneratedBy/kg:pipelineVersion ?pipeline } }
  FILTER NOT EXISTS { GRAPH <%s> { ?g a kg:LoadedGraph } }
}""" % LOADED_REGISTRY

LOADED_QUERY = "SELECT ?g WHERE { GRAPH <%s> { ?g a kg:LoadedGraph } } ORDER BY ?g" % LOADED_REGISTRY


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


class MemoryStore(GraphStore):
    kind = "memory"

    def __init__(self) -> None:
        self._ds = _bind(Dataset(default_union=True))

    @property
    def dataset(self) -> Dataset:
        return self._ds

    def replace(self, graph: URIRef, triples: Iterable[Triple], drop: Iterable[URIRef] = ()) -> None:
        staged = Graph(identifier=graph)
        for t in triples:  # everything is built before the store is touched
            staged.add(t)
        self.drop([*drop, graph])
        target = self._ds.graph(graph)
        for t in staged:
            target.add(t)

    def drop(self, graphs: Iterable[URIRef]) -> None:
        for g in graphs:
            self._ds.remove_graph(self._ds.graph(g))


class OxigraphStore(GraphStore):
    """Persistent store in ``<data_dir>/graph`` (RocksDB through pyoxigraph)."""

    kind = "oxigraph"

    def __init__(self, path: Path, read_only: bool = False) -> None:
        import pyoxigraph as ox
        from oxrdflib import OxigraphStore as RdflibOxigraph

        self.path = path
        self.read_only = read_only
        try:
            if read_only:
                self._ox = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._ox = ox.Store(str(path))
        except OSError as exc:
            if "lock" in str(exc).lower() or "temporarily unavailable" in str(exc).lower():
                raise StoreLocked(path) from exc
            raise StoreError(f"{path}: cannot open the graph store ({exc})") from exc
        self._ds = _bind(Dataset(store=RdflibOxigraph(store=self._ox), default_union=True))
        # the prefixes oxrdflib used to declare (rdflib's bound namespaces); kept so old queries still parse
        self._prefixes = {p: str(ns) for p, ns in self._ds.namespaces() if p}

    @property
    def dataset(self) -> Dataset:
        return self._ds

    @property
    def native(self):  # pyoxigraph.Store, for custom SPARQL functions and bulk work
        return self._ox

    def query(self, sparql: str, prologue: bool = True, dataset: QueryDataset | None = None) -> Result:
        """Straight to pyoxigraph, with the dataset :mod:`kg.dataset` gives (oxrdflib always asks for the
        union, which overrides the query's FROM: Oxigraph issue 959); the result as rdflib's ``Result``."""
        import pyoxigraph as ox

        from kg.dataset import oxigraph_arguments

        prefixes = self._prefixes | (PREFIXES if prologue else {})
        try:
            result = self._ox.query(sparql, prefixes=prefixes, **oxigraph_arguments(sparql, dataset))
        except (SyntaxError, ValueError) as exc:
            raise QueryError(f"SPARQL query failed: {exc}") from exc
        except OSError as exc:  # pyoxigraph reports evaluation failures so
            raise QueryError(f"SPARQL query failed: {exc}") from exc
        if isinstance(result, ox.QueryBoolean):
            out = Result("ASK")
            out.askAnswer = bool(result)
        elif isinstance(result, ox.QuerySolutions):
            out = Result("SELECT")
            out.vars = [Variable(v.value) for v in result.variables]
            out.bindings = ({v: _from_ox(t) for v, t in zip(out.vars, row) if t is not None} for row in result)
        else:
            out = Result("CONSTRUCT")
            out.graph = Graph()
            for t in result:
                out.graph.add((_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object)))
        return out

    def replace(self, graph: URIRef, triples: Iterable[Triple], drop: Iterable[URIRef] = ()) -> None:
        body = "\n".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in triples)
        drops = "".join(f"DROP SILENT GRAPH {g.n3()} ;\n" for g in {*drop, graph})
        self._ox.update(f"{drops}INSERT DATA {{ GRAPH {graph.n3()} {{\n{body}\n}} }}")
        self._ox.flush()

    def drop(self, graphs: Iterable[URIRef]) -> None:
        drops = " ;\n".join(f"DROP SILENT GRAPH {g.n3()}" for g in graphs)
        if drops:
            self._ox.update(drops)
            self._ox.flush()

    def graph(self, name: URIRef) -> Graph:
        """Straight from pyoxigraph; rdflib's ``Dataset.graph`` would write, which a read-only handle refuses."""
        import pyoxigraph as ox

        out = Graph(identifier=name)
        for q in self._ox.quads_for_pattern(None, None, None, ox.NamedNode(str(name))):
            out.add((_from_ox(q.subject), _from_ox(q.predicate), _from_ox(q.object)))
        return out

    def quads(self) -> Iterator[tuple]:
        for g in self.graphs():
            for s, p, o in self.graph(g):
                yield s, p, o, g

    def __len__(self) -> int:
        return len(self._ox)

    def close(self) -> None:
        if getattr(self, "_ox", None) is not None:
            import gc

            if not self.read_only:
                self._ox.flush()
            self._ds.store.close()  # drops oxrdflib's reference to the pyoxigraph store
            del self._ds
            self._ox = None
            gc.collect()  # RocksDB releases its lock file only when the last reference is gone


def _from_ox(term):  # pyoxigraph term → rdflib term
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Triple):  # an RDF-star quoted triple, shown as text
        return Literal(str(term))
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def open_store(kind: str, data_dir: Path, read_only: bool = False) -> GraphStore:
    """The factory: 'oxigraph' (default), 'memory', or a remote 'sparql+http(s)://…' endpoint."""
    if kind == "memory":
        return MemoryStore()
    if kind == "oxigraph":
        return OxigraphStore(Path(data_dir) / "graph", read_only=read_only)
    if kind.startswith("sparql+"):
        from kg.store_sparql import SparqlStore

        return SparqlStore(kind, read_only=read_only)
    raise StoreError(f"unknown store {kind!r}: use 'oxigraph', 'memory' or 'sparql+http://host:port/path'")
