"""The base class every graph store implements, and what the backends share.

Each document lives in its own named graph. :meth:`GraphStore.replace` swaps a document's graph
in one transaction: the old graph is dropped and the new one inserted together, or nothing
changes. Queries see the union of all named graphs as the default graph.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.query import Result

from kg.errors import QueryError
from kg.namespace import PREFIXES, sparql_prologue
from kg.sparql_build import V

Triple = tuple[URIRef, URIRef, URIRef | Literal]

DOCUMENTS_QUERY = f"""
SELECT ?g ?doc ?key ?hash ?pipeline WHERE {{
  GRAPH ?g {{ ?doc a {V.Document} ; {V.sourceKey} ?key ; {V.contentHash} ?hash
             OPTIONAL {{ ?doc prov:wasGeneratedBy/{V.pipelineVersion} ?pipeline }} }}
}}"""


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

    def query(self, sparql: str, prologue: bool = True) -> Result:
        """Run a SPARQL query over the union of all graphs; the vocabulary's prefixes are predeclared."""
        text = (sparql_prologue() + sparql) if prologue else sparql
        try:
            return self.dataset.query(text)
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
