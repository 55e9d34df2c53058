"""``/sparql``: the SPARQL 1.1 Protocol over HTTP. Parsing only; the work is in :mod:`kg.sparql`."""

from __future__ import annotations

import dataclasses
import hmac
from typing import Annotated
from urllib.parse import parse_qs

import anyio
from fastapi import APIRouter, Query, Request, Response

from api.deps import Services
from api.negotiation import accept_header
from api.problems import PROBLEM_RESPONSES
from kg.errors import QueryError, UpdateForbidden
from kg.sparql import FORMAT_NAMES, FORMAT_PARAMETERS, FORMATS, GraphServices, SparqlRequest, run_update

router = APIRouter(tags=["SPARQL"])

QUERY_TYPES = ("application/sparql-query", "application/x-www-form-urlencoded")
UPDATE_TYPE = "application/sparql-update"
RESULT_CONTENT = {f.media_type: {} for f in FORMATS if not f.bom}
ABOUT = f"""Run a SPARQL 1.1 query. The vocabulary's prefixes are predeclared.

**Dataset.** Without `FROM`/`FROM NAMED` in the query and without `default-graph-uri`/`named-graph-uri`
in the request, the default graph is the union of all graphs (every document's graph, the links, the
vocabulary and graphs added with `kg load`) and every graph is visible to `GRAPH`. `FROM <g>` makes
`<g>` the default graph — `FROM <https://w3id.org/psykiatri-kg/id/graph/<document id>>` scopes a query
to one document (`/documents` lists the ids) — and
`FROM NAMED` lists the graphs `GRAPH` may visit; `default-graph-uri`/`named-graph-uri` in the request
override the query's dataset (SPARQL 1.1 Protocol).

**Formats.** The result format follows `Accept` (several header lines form one list):
{', '.join(f.media_type for f in FORMATS if not f.bom)}. A `format`, `output` or `results` parameter
(short names {', '.join(FORMAT_NAMES)}, or a media type) wins over `Accept`; an unknown value is ignored
and `Accept` decides. `csv-excel` is CSV with a UTF-8 byte-order mark, for opening in Excel.

Limits: a query may run for the server's `sparql_timeout` seconds (then **504**), may be at most 100 kB
(**413**), and may not use `SERVICE` or `LOAD` (**400**). Results are cut after `sparql_max_rows` rows
(triples for CONSTRUCT/DESCRIBE); a cut result carries the headers `X-SPARQL-Truncated: true` and
`X-SPARQL-MaxRows: <n>` — add `LIMIT`/`OFFSET` to page through more."""

Graphs = Annotated[list[str], Query(alias="default-graph-uri", description="Default graph(s) of the dataset, "
                                    "instead of the union of all graphs (overrides the query's FROM).")]
Named = Annotated[list[str], Query(alias="named-graph-uri", description="Named graphs visible to GRAPH "
                                   "(overrides the query's FROM NAMED).")]
Format = Annotated[str | None, Query(description="Result format; overrides Accept: " + ", ".join(FORMAT_NAMES)
                                     + " or a media type; unknown values are ignored. `output` and `results` "
                                     "are read the same way.")]


def _formats(*sources) -> tuple[str, ...]:
    """The format/output/results values of query string and form, in that order of parameters."""
    return tuple(v for name in FORMAT_PARAMETERS for source in sources for v in source.get(name, []))


async def _answer(services: GraphServices, req: SparqlRequest, request: Request | None = None) -> Response:
    if request is not None:
        req = await anyio.to_thread.run_sync(_with_similarity, request, services, req)
    result = await anyio.to_thread.run_sync(services.runner.run, req)
    headers = {"Vary": "Accept"}
    if result.truncated:
        headers |= {"X-SPARQL-Truncated": "true", "X-SPARQL-MaxRows": str(services.runner.max_rows)}
    return Response(result.body, media_type=result.media_type, headers=headers)


def _with_similarity(request: Request, services: GraphServices, req: SparqlRequest) -> SparqlRequest:
    """Embed the texts of kgf:similarity calls here, where the search index lives, before the query runs."""
    from kg.sparql_functions import similarity_scores, similarity_texts

    texts = similarity_texts(req.query)
    if not texts:
        return req
    from api.deps import search_index

    return dataclasses.replace(req, similarity=similarity_scores(search_index(request, services), texts))


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise QueryError(f"give exactly one '{name}' parameter, not {len(values)}")
    return values[0] if values else None


def _request(query: str | None, request: Request, formats: tuple[str, ...], graphs: list[str],
             named: list[str]) -> SparqlRequest:
    if query is None:
        raise QueryError("no query: pass the SPARQL text as ?query=… (GET), as the form field 'query', "
                         "or as an application/sparql-query body (POST)")
    return SparqlRequest(query, accept_header(request), None, tuple(graphs), tuple(named), formats=formats,
                         base_iri=str(request.url.replace(query="", fragment="")))


def _authorise(services: GraphServices, request: Request) -> None:
    token = services.config.update_token
    if not token:
        raise UpdateForbidden("SPARQL updates are disabled on this server (no update_token is configured)")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise UpdateForbidden("SPARQL updates need the header 'Authorization: Bearer <update_token>'")


@router.get("/sparql", summary="SPARQL query (GET)", description=ABOUT,
            responses={200: {"content": RESULT_CONTENT, "description": "The result"}, **PROBLEM_RESPONSES})
async def sparql_get(request: Request, services: Services, query: str | None = None, default_graph_uri: Graphs = [],
                     named_graph_uri: Named = [], format: Format = None) -> Response:  # noqa: A002
    params = request.query_params
    if "update" in params and "query" not in params:
        raise QueryError("SPARQL updates are sent with POST (form field 'update' or an application/sparql-update "
                         "body), never with GET")
    query = _one(params.getlist("query"), "query")
    formats = _formats({k: params.getlist(k) for k in FORMAT_PARAMETERS})
    return await _answer(services, _request(query, request, formats, default_graph_uri, named_graph_uri), request)


@router.post(
    "/sparql", summary="SPARQL query or update (POST)",
    description=ABOUT + "\n\nPOST takes a form (`query=` or `update=`), an `application/sparql-query` body, or an "
    "`application/sparql-update` body. Updates need `Authorization: Bearer <update_token>` (else **403**) "
    "and answer **204**.",
    responses={200: {"content": RESULT_CONTENT, "description": "The result"}, 204: {"description": "Update applied"},
               403: PROBLEM_RESPONSES[400] | {"description": "Update not allowed"}, **PROBLEM_RESPONSES},
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
            "query": {"type": "string"}, "update": {"type": "string"},
            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
            "named-graph-uri": {"type": "array", "items": {"type": "string"}}}}},
        "application/sparql-query": {"schema": {"type": "string"}},
        UPDATE_TYPE: {"schema": {"type": "string"}},
    }}},
)
async def sparql_post(request: Request, services: Services, format: Format = None) -> Response:  # noqa: A002
    media, *options = [p.strip() for p in request.headers.get("content-type", "").split(";")]
    media = media.lower()
    if media not in (*QUERY_TYPES, UPDATE_TYPE):
        return _unsupported(media)
    charset = next((o.split("=", 1)[1].strip().strip('"').lower() for o in options if o.lower().startswith("charset=")),
                   "utf-8")
    if charset not in ("utf-8", "utf8"):
        from api.problems import problem

        return problem(415, f"charset {charset!r} is not supported: send the request body in UTF-8")
    try:
        body = (await request.body()).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(f"the request body is not UTF-8 ({exc})") from exc
    params = request.query_params
    graphs, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
    query_string = {k: params.getlist(k) for k in FORMAT_PARAMETERS}
    form: dict[str, list[str]] = {}
    query = update = None
    if media == "application/x-www-form-urlencoded":
        form = parse_qs(body, keep_blank_values=True)
        query, update = _one(form.get("query", []), "query"), _one(form.get("update", []), "update")
        graphs, named = graphs + form.get("default-graph-uri", []), named + form.get("named-graph-uri", [])
        if query is not None and update is not None:
            raise QueryError("give either 'query' or 'update', not both")
    elif media == UPDATE_TYPE:
        update = body
    else:
        query = body
    if update is None:
        return await _answer(services, _request(query, request, _formats(query_string, form), graphs, named), request)
    _authorise(services, request)
    if graphs or named or params.getlist("using-graph-uri") or params.getlist("using-named-graph-uri"):
        raise QueryError("dataset parameters are not supported with updates; use USING / WITH in the update")
    await anyio.to_thread.run_sync(run_update, services.store, update)
    return Response(status_code=204)


def _unsupported(media: str) -> Response:
    from api.problems import problem

    accepted = ", ".join((*QUERY_TYPES, UPDATE_TYPE))
    return problem(415, f"content type {media or '(none)'!r} is not supported; send one of {accepted}")
