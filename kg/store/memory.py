"""In-memory store (rdflib's ``Dataset``): for tests and throwaway runs; nothing survives the process."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Dataset, Graph, URIRef

from kg.store.base import GraphStore, Triple, _bind


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
