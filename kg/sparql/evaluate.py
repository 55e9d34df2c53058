"""Running one SPARQL query or update on a store: the dataset (:mod:`kg.dataset`), the time limit, the row cap
and serialisation into the negotiated format (rdflib's or pyoxigraph's serialisers)."""

from __future__ import annotations

import logging
import time
from typing import Any

from kg.dataset import oxigraph_arguments
from kg.errors import NotAcceptable, QueryError, QueryTimeout, StoreError
from kg.namespace import PREFIXES, sparql_prologue
from kg.store import GraphStore
from kg.sparql.protocol import BOM, FORMATS, SparqlRequest, SparqlResponse, _negotiable, check_text, known_format, negotiate


log = logging.getLogger(__name__)

# --- running a query on a store --------------------------------------------------------------

def _term_converter():
    """A function from pyoxigraph terms to rdflib terms (imports done once, not per term)."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    def term(t: Any) -> Any:
        if t is None:
            return None
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        if isinstance(t, ox.Literal):
            if t.language:
                return Literal(t.value, lang=t.language)
            return Literal(t.value, datatype=URIRef(t.datatype.value))
        return Literal(str(t))  # an RDF-star quoted triple, shown as text

    return term


class _Clock:
    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self.deadline = None if timeout is None else time.monotonic() + timeout

    def check(self, i: int) -> None:
        if self.deadline is not None and i % 256 == 0 and time.monotonic() > self.deadline:
            raise QueryTimeout(timeout_message(self.timeout))


def timeout_message(seconds: float | None) -> str:
    return (f"query exceeded {seconds:g} s, the server's limit (sparql_timeout); add LIMIT, "
            "make the patterns more selective, or run it locally with `kg query`")


def _evaluate(store: GraphStore, req: SparqlRequest, max_rows: int, clock: _Clock):
    """(result type, variables, rows, ask answer, triples, truncated) with rows/triples cut at ``max_rows``."""
    from rdflib import Variable

    from kg.sparql_functions import custom_functions, similarity_texts

    native = getattr(store, "native", None)
    semantic = similarity_texts(req.query)
    if semantic and (native is None or req.similarity is None):
        raise QueryError("kgf:similarity needs the search index and the Oxigraph store: use the API's /sparql "
                         "endpoint (`kg serve`) after `kg ingest` has built the index")
    if native is None:
        text = f"BASE <{req.base_iri}>\n{req.query}" if req.base_iri else req.query  # the query's own BASE wins
        result = store.query(text, dataset=req.dataset)
        kind = result.type
        if kind == "ASK":
            return "ASK", [], [], bool(result.askAnswer), [], False
        items = iter(result.graph) if kind in ("CONSTRUCT", "DESCRIBE") else iter(result)
        variables = list(result.vars or [])
    else:
        import pyoxigraph as ox

        dataset = oxigraph_arguments(req.query, req.dataset)
        try:
            functions = custom_functions(req.similarity) if semantic and req.similarity is not None else None
            result = native.query(req.query, prefixes=PREFIXES, custom_functions=functions, base_iri=req.base_iri,
                                  **dataset)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        if isinstance(result, ox.QueryBoolean):
            return "ASK", [], [], bool(result), [], False
        kind = "SELECT" if isinstance(result, ox.QuerySolutions) else "CONSTRUCT"
        variables = [Variable(v.value) for v in result.variables] if kind == "SELECT" else []
        items = iter(result)
    rows, truncated = [], False
    try:
        for i, item in enumerate(items):
            clock.check(i)
            if i >= max_rows:
                truncated = True
                break
            rows.append(item)
    except (OSError, RuntimeError) as exc:  # pyoxigraph reports evaluation failures this way
        raise QueryError(f"SPARQL evaluation failed: {exc}") from exc
    term = _term_converter()
    if kind in ("CONSTRUCT", "DESCRIBE"):
        triples = rows if native is None else [(term(t.subject), term(t.predicate), term(t.object)) for t in rows]
        return "CONSTRUCT", [], [], None, triples, truncated
    if native is None:
        bindings = [{v: row[v] for v in variables if row[v] is not None} for row in rows]
    else:
        names = [(v, str(v)) for v in variables]
        bindings = [{v: term(sol[n]) for v, n in names if sol[n] is not None} for sol in rows]
    return "SELECT", variables, bindings, None, [], truncated


def execute(store: GraphStore, req: SparqlRequest, max_rows: int, timeout: float | None = None) -> SparqlResponse:
    """Run one query on ``store`` and serialise the result with rdflib's (or pyoxigraph's) serialisers.

    Raises :class:`NotAcceptable` before the query runs when neither a known format name nor Accept
    admits any format, and after it when none fits the result's kind; :class:`QueryError` and its
    kin for the query itself.
    """
    from rdflib import Graph
    from rdflib.query import Result

    check_text(req.query)
    if not any(known_format(v) for v in req.wanted) and not _negotiable(req.accept):
        offered = ", ".join(sorted({f.media_type for f in FORMATS}))
        raise NotAcceptable(f"none of the accepted types ({req.accept}) is offered; offered: {offered}")
    kind, variables, bindings, answer, triples, truncated = _evaluate(store, req, max_rows, _Clock(timeout))
    fmt = negotiate(req.accept, req.wanted, kind)
    if kind == "CONSTRUCT":
        graph = Graph()
        for prefix, iri in PREFIXES.items():
            graph.bind(prefix, iri, override=True)
        for t in triples:
            graph.add(t)
        data = graph.serialize(format=fmt.rdflib, encoding="utf-8")
        rows = len(triples)
    else:
        result = Result(kind)
        if kind == "ASK":
            result.askAnswer = answer
        else:
            result.vars = variables
            result.bindings = bindings
        if fmt.name == "tsv" or (kind == "ASK" and fmt.rdflib == "csv"):
            # rdflib writes neither TSV nor a boolean as CSV; pyoxigraph writes both (a boolean as "true"/"false")
            import pyoxigraph as ox

            parsed = ox.parse_query_results(result.serialize(format="json"), ox.QueryResultsFormat.JSON)
            data = parsed.serialize(format=ox.QueryResultsFormat.TSV if fmt.name == "tsv" else ox.QueryResultsFormat.CSV)
        else:
            data = result.serialize(format=fmt.rdflib, encoding="utf-8")
        rows = len(bindings) if kind == "SELECT" else 1
    if fmt.bom:
        data = BOM + data
    return SparqlResponse(data, fmt.media_type, kind, rows, truncated)


def run_update(store: GraphStore, text: str) -> None:
    """Apply a SPARQL 1.1 Update (the caller has checked the token)."""
    check_text(text, update=True)
    native = getattr(store, "native", None)
    try:
        if native is not None:
            native.update(text, prefixes=PREFIXES)
            native.flush()
        else:
            store.dataset.update(sparql_prologue() + text)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL update syntax error: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"the update could not be written: {exc}") from exc
    except Exception as exc:
        if type(exc).__name__ in {"ParseException", "ParseSyntaxException"}:
            raise QueryError(f"SPARQL update syntax error: {exc}") from exc
        raise
