"""Browsing endpoints: entities, documents, initiatives, actors, health and statistics (see :mod:`kg.browse`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import Services, version
from api.negotiation import csv_response, wants_csv
from api.problems import PROBLEM_RESPONSES
from kg import browse
from kg.errors import StoreError

router = APIRouter()

Q = Annotated[str | None, Query(description="Keep items whose label, title, key, publisher or IRI contains this "
                                "(case-insensitive).", max_length=500)]
Limit = Annotated[int | None, Query(ge=1, le=10_000, description="Page size (JSON default 100; CSV default: all).")]
Offset = Annotated[int, Query(ge=0, description="Items to skip.")]
ListFormat = Annotated[str | None, Query(pattern="^(json|csv)$", description="json (default) or csv; "
                                         "Accept: text/csv also gives CSV.")]
LIST_RESPONSES = {200: {"content": {"application/json": {}, "text/csv": {}}, "description": "One page of items"},
                  **PROBLEM_RESPONSES}
PAGED = ("Paged with `limit`/`offset` (the JSON has `total` and `next_offset`; the header `X-Total-Count` "
         "gives the total), filtered with `q`, as CSV with `?format=csv` or `Accept: text/csv` (UTF-8 with a "
         "byte-order mark, so Excel shows æ, ø and å).")


def _listing(request: Request, items: list[dict[str, Any]], q: str | None, limit: int | None, offset: int,
             fmt: str | None, columns: tuple[str, ...], name: str) -> Any:
    csv = wants_csv(request, fmt)
    result = browse.page(items, q, limit if (limit or csv) else 100, offset)
    headers = {"X-Total-Count": str(result["total"]), "Vary": "Accept"}
    if csv:
        return csv_response(browse.to_csv(result["items"], columns), f"{name}.csv", headers)
    return Response(_json(result), media_type="application/json", headers=headers)


def _json(data: Any) -> bytes:
    import json

    return json.dumps(data, ensure_ascii=False).encode("utf-8")


@router.get("/entities", tags=["graph"], summary="A resource by its full IRI", responses=PROBLEM_RESPONSES)
def entity_by_iri(services: Services,
                  iri: Annotated[str, Query(description="Full IRI, e.g. https://w3id.org/psykiatri-kg/id/doc/…")]
                  ) -> dict[str, Any]:
    """The resource's label, types, outgoing facts (with object labels), incoming links and provenance
    quotes (passage text, document title, page and character span)."""
    return browse.entity_view(services.store, browse.resolve_iri(iri=iri))


@router.get("/entities/{path:path}", tags=["graph"], summary="A resource by its IRI under kgr:",
            responses=PROBLEM_RESPONSES)
def entity(path: str, services: Services) -> dict[str, Any]:
    """Like `/entities?iri=`, for IRIs under https://w3id.org/psykiatri-kg/id/ — e.g.
    `/entities/doc/<id>/passage/3`. **404** when the graph does not hold it."""
    return browse.entity_view(services.store, browse.resolve_iri(path=path))


@router.get("/documents", tags=["documents"], summary="Documents", responses=LIST_RESPONSES,
            description="Every document with title, publisher, kind, date and counts of sections, passages and "
            "facts. " + PAGED)
def documents(request: Request, services: Services, q: Q = None, limit: Limit = None, offset: Offset = 0,
              format: ListFormat = None) -> Any:
    return _listing(request, browse.list_documents(services.store), q, limit, offset, format,
                    browse.DOCUMENT_COLUMNS, "documents")


@router.get("/documents/{doc_id}", tags=["documents"], summary="One document with its sections",
            responses=PROBLEM_RESPONSES)
def document(doc_id: str, services: Services) -> dict[str, Any]:
    return browse.document_view(services.store, doc_id)


@router.get("/documents/{doc_id}/text", tags=["documents"], summary="A document's repaired text with passage spans",
            responses=PROBLEM_RESPONSES)
def document_text(doc_id: str, services: Services) -> dict[str, Any]:
    """The text as ingest repaired it; every passage's `char_start`/`char_end` index into `text`."""
    from ingest.texts import document_text as kept_document_text

    return kept_document_text(services.store, services.config.data_dir, doc_id)


@router.get("/initiatives", tags=["graph"], summary="Initiatives", responses=LIST_RESPONSES,
            description="Resources typed kg:Initiative or a subclass the vocabulary declares. " + PAGED)
def initiatives(request: Request, services: Services, q: Q = None, limit: Limit = None, offset: Offset = 0,
                format: ListFormat = None) -> Any:
    return _listing(request, browse.list_initiatives(services.store), q, limit, offset, format,
                    browse.RESOURCE_COLUMNS, "initiatives")


@router.get("/actors", tags=["graph"], summary="Actors", responses=LIST_RESPONSES,
            description="Organisations, persons and other agents (prov:Agent, org:Organization, foaf:Person … "
            "and their subclasses in the vocabulary; not the ingest software). " + PAGED)
def actors(request: Request, services: Services, q: Q = None, limit: Limit = None, offset: Offset = 0,
           format: ListFormat = None) -> Any:
    return _listing(request, browse.list_actors(services.store), q, limit, offset, format,
                    browse.RESOURCE_COLUMNS, "actors")


@router.get("/health", tags=["service"], summary="Is the store reachable?", responses=PROBLEM_RESPONSES)
def health(services: Services) -> dict[str, Any]:
    """**200** with counts when the store answers, else a **503** problem."""
    cfg = services.config
    try:
        counts = browse.graph_health(services.store)
    except Exception as exc:  # any failure here means the store is not usable
        raise StoreError(f"the graph store does not answer ({type(exc).__name__}: {exc})") from exc
    return {"status": "ok", "version": version(), "store": cfg.store, "read_only": services.read_only, **counts,
            "sparql": {"timeout_seconds": cfg.sparql_timeout, "max_rows": cfg.sparql_max_rows,
                       "workers": services.runner.workers, "updates": bool(cfg.update_token)}}


@router.get("/stats", tags=["service"], summary="Graph statistics", responses=PROBLEM_RESPONSES)
def stats(services: Services) -> dict[str, Any]:
    """Triples, and per document its sections, passages and facts (as `kg stats --json`)."""
    from kg.queries import graph_stats

    return graph_stats(services.store)
