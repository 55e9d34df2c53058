"""``/rdf-graph-store``: the read side of the SPARQL 1.1 Graph Store HTTP Protocol.

``GET /rdf-graph-store?graph=IRI`` returns one named graph (a document's graph, ``kgr:graph/links``,
``kgr:graph/vocabulary``, a graph added with ``kg load``) and ``GET /rdf-graph-store?default`` the
default graph — here the union of all graphs — in Turtle, RDF/XML, N-Triples or JSON-LD, chosen by
``Accept`` or ``?format=`` exactly as for CONSTRUCT results on ``/sparql``. The store is read-only
here: PUT, POST, DELETE and PATCH are refused with **405**. Parsing only; the graph comes from
:func:`kg.queries.serialize_graph`.
"""

from __future__ import annotations

import re
from typing import Annotated

import anyio
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import Services
from api.negotiation import accept_header
from api.problems import PROBLEM_RESPONSES, problem
from kg.errors import QueryError
from kg.sparql import FORMAT_PARAMETERS, FORMATS, GRAPH, negotiate

router = APIRouter(tags=["graph store"])
PATH = "/rdf-graph-store"
RDF_CONTENT = {f.media_type: {} for f in FORMATS if f.kind == GRAPH}
ABOUT = f"""One graph of the store, whole (SPARQL 1.1 Graph Store HTTP Protocol, read side).

`?graph=IRI` names a graph (e.g. a document's `https://w3id.org/psykiatri-kg/id/graph/<document id>`, or
`…/graph/vocabulary`); `?default` gives the default graph, which is the union of all graphs. The format
follows `Accept` ({', '.join(RDF_CONTENT)}) or `?format=` (turtle, rdfxml, ntriples, jsonld). **404**
for a graph the store does not hold. Writes (PUT, POST, DELETE, PATCH) are refused with **405**: the
store is read-only here (`kg ingest` and `kg load` write it)."""


@router.api_route(PATH, methods=["GET", "HEAD"], summary="Get a graph", description=ABOUT,
                  responses={200: {"content": RDF_CONTENT, "description": "The graph"}, **PROBLEM_RESPONSES})
async def get_graph(request: Request, services: Services,
                    graph: Annotated[str | None, Query(description="IRI of a named graph.")] = None,
                    default: Annotated[str | None, Query(description="Present (no value needed): the default graph, "
                                                         "i.e. the union of all graphs.")] = None,
                    format: Annotated[str | None, Query(description="turtle, rdfxml, ntriples or jsonld "  # noqa: A002
                                                        "(or a media type); overrides Accept.")] = None) -> Response:
    from kg.queries import serialize_graph

    params = request.query_params
    graphs = params.getlist("graph")
    if "default" in params and graphs:
        raise QueryError("give either ?graph=IRI or ?default, not both")
    if len(graphs) > 1:
        raise QueryError(f"give exactly one 'graph' parameter, not {len(graphs)}")
    if not graphs and "default" not in params:
        raise QueryError("name the graph: ?graph=IRI for one named graph, or ?default for the union of all graphs")
    iri = graphs[0] if graphs else None
    if iri is not None and not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\s]+", iri):
        raise QueryError(f"graph: {iri!r} is not an absolute IRI")
    formats = tuple(v for name in FORMAT_PARAMETERS for v in params.getlist(name))
    fmt = negotiate(accept_header(request), formats, "CONSTRUCT")
    data = await anyio.to_thread.run_sync(serialize_graph, services.store, iri, fmt.media_type, fmt.rdflib)
    return Response(data, media_type=fmt.media_type, headers={"Vary": "Accept"})


@router.api_route(PATH, methods=["PUT", "POST", "DELETE", "PATCH"], summary="Writes are refused",
                  responses={405: PROBLEM_RESPONSES[400] | {"description": "The graph store is read-only"}})
async def refuse_write(request: Request) -> Response:
    return problem(405, f"{request.method} is refused: this graph store is read-only over HTTP; graphs are written "
                   "by `kg ingest` (documents) and `kg load FILE --graph IRI` (reference data)",
                   instance=request.url.path, headers={"Allow": "GET, HEAD"})
