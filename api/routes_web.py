"""The web page at ``/`` (static files from :mod:`api.web`) and the small JSON views only it needs.

Everything else the page shows comes from the JSON API (/ask, /search, /money/…, /documents/…, /sparql).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api.deps import Services
from api.problems import PROBLEM_RESPONSES
from api.web import STATIC_DIR, views

router = APIRouter()


@router.get("/", include_in_schema=False)
def page() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "no-cache"})


@router.get("/web/documents/{doc_id}/marks", tags=["page"], summary="Where a document's facts stand in its text",
            responses=PROBLEM_RESPONSES)
def document_marks(doc_id: str, services: Services) -> dict[str, Any]:
    """Spans of amounts, initiatives, actors, places and dates in the text of `/documents/{id}/text`, and the
    offsets where pages start."""
    return views.document_marks(services.store, services.config.data_dir, doc_id)


@router.get("/web/initiative", tags=["page"], summary="One initiative across documents", responses=PROBLEM_RESPONSES)
def initiative(services: Services,
               iri: Annotated[str, Query(max_length=500, description="IRI of an initiative (canonical or of a document)")]
               ) -> dict[str, Any]:
    """The canonical initiative and, per document, its name, theme, agreement and actors."""
    return views.initiative(services.store, iri)


@router.get("/web/money/checks", tags=["page"], summary="Years with money and reconciliation warnings",
            responses=PROBLEM_RESPONSES)
def money_checks(services: Services, year: Annotated[int | None, Query(ge=1900, le=2100)] = None) -> dict[str, Any]:
    """Shares above the allocation, shares with no allocation, and conflicting figures for `year`."""
    return views.money_checks(services.store, year)


@router.get("/web/sparql-help", tags=["page"], summary="Example SPARQL queries and the predeclared prefixes")
def sparql_help() -> dict[str, Any]:
    from kg.namespace import PREFIXES

    return {"prefixes": PREFIXES, "examples": views.examples()}


def install(app: FastAPI) -> None:
    """Serve the page at ``/`` and its files under ``/static``."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
