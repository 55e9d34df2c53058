"""The default store: embedded, persistent Oxigraph (RocksDB) in ``<data_dir>/graph``, through oxrdflib."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.query import Result

from kg.dataset import QueryDataset
from kg.errors import QueryError, StoreError, StoreLocked
from kg.namespace import PREFIXES
from kg.store.base import GraphStore, Triple, _bind


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
