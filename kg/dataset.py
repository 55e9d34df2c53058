"""Which graphs a SPARQL query sees: the RDF dataset, as SPARQL 1.1 defines it, on every store backend.

The rules (SPARQL 1.1 Query §13.2 and Protocol §2.1.4), in order:

1. a **protocol dataset** — ``default-graph-uri`` / ``named-graph-uri`` in the request, or
   ``--default-graph`` / ``--named-graph`` of ``kg query`` — overrides everything in the query: the
   default graph is the merge of the listed default graphs (empty when none is listed) and only the
   listed named graphs are visible to ``GRAPH``;
2. else the query's own ``FROM`` / ``FROM NAMED`` define the dataset (``FROM NAMED`` alone leaves the
   default graph empty);
3. else the default graph is the **union of all graphs** (this project's documented default), and
   every named graph is visible to ``GRAPH``.

Oxigraph implements all three natively, but its "union" switch overrides the query's ``FROM``
(Oxigraph issue 959: a protocol-level setting wins over the query, as the protocol says), so the
switch may only be set when the query has no dataset clause: :func:`oxigraph_arguments`. rdflib's
engine would fetch a ``FROM`` IRI it does not hold from the web, so the memory store builds the
dataset itself: :func:`rdflib_query`. A remote server gets the query and the protocol parameters
as they are, after a probe that it honours them (:mod:`kg.store.remote`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# strings, IRIs and comments: keywords inside them are not keywords
STRIPPED = re.compile(
    r"""'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|<[^<>"{}|^`\\\s]*>|\#[^\n]*""", re.S
)
# FROM only ever starts a dataset clause in SPARQL 1.1 Query; not a prefixed name (ex:FROM, from:x) or variable
_FROM = re.compile(r"(?<![\w:?$\-.])FROM(?=\s|<)", re.I)


@dataclass(frozen=True)
class QueryDataset:
    """A protocol dataset: IRIs of the default graphs (merged) and of the named graphs.

    Both empty means "no protocol dataset" (:attr:`given` is False), not "an empty dataset".
    """

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def given(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def has_dataset_clause(query: str) -> bool:
    """Whether ``query`` has a ``FROM`` or ``FROM NAMED`` clause (looked for outside strings, IRIs and comments)."""
    return _FROM.search(STRIPPED.sub(" ", query)) is not None


def check_iris(dataset: QueryDataset | None) -> None:
    """Raise :class:`~kg.errors.QueryError` for a protocol graph name that is not an absolute IRI."""
    from kg.errors import QueryError

    if dataset is None:
        return
    for name, values in (("default-graph-uri", dataset.default_graphs), ("named-graph-uri", dataset.named_graphs)):
        for value in values:
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\s]*", value):
                raise QueryError(f"{name}: {value!r} is not an absolute IRI")


def oxigraph_arguments(query: str, dataset: QueryDataset | None) -> dict[str, Any]:
    """Keyword arguments for ``pyoxigraph.Store.query`` that give ``query`` the dataset the rules above say."""
    import pyoxigraph as ox

    check_iris(dataset)
    if dataset is not None and dataset.given:
        return {"default_graph": [ox.NamedNode(g) for g in dataset.default_graphs],
                "named_graphs": [ox.NamedNode(g) for g in dataset.named_graphs]}
    if has_dataset_clause(query):
        return {}  # Oxigraph takes FROM / FROM NAMED from the query
    return {"use_default_graph_as_union": True}


def rdflib_query(source: Any, text: str, dataset: QueryDataset | None) -> Any:
    """Run ``text`` on the rdflib Dataset ``source`` with the dataset the rules above say; an rdflib Result.

    Without a dataset this is ``source.query(text)`` (``source`` is a union-default Dataset). With one,
    the chosen graphs are copied into a fresh Dataset (the memory store is small) and the query runs
    there with its own dataset clause removed: rdflib would otherwise fetch a ``FROM`` IRI it does not
    hold from the web.
    """
    from rdflib import Dataset, URIRef
    from rdflib.plugins.sparql import prepareQuery

    check_iris(dataset)
    if not (dataset is not None and dataset.given) and not has_dataset_clause(text):
        return source.query(text)
    query = prepareQuery(text)
    if dataset is not None and dataset.given:
        defaults, named = list(dataset.default_graphs), list(dataset.named_graphs)
    else:
        clause = query.algebra.datasetClause or []
        defaults = [str(d.default) for d in clause if d.default is not None]
        named = [str(d.named) for d in clause if d.named is not None]
    view = Dataset(default_union=False)
    for g in defaults:
        for t in source.get_context(URIRef(g)):
            view.default_graph.add(t)
    for g in named:
        target = view.graph(URIRef(g))
        for t in source.get_context(URIRef(g)):
            target.add(t)
    query.algebra["datasetClause"] = None
    return view.query(query)
