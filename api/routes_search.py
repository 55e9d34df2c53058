"""Search and ask endpoints: thin wrappers over :mod:`search.service` and :mod:`search.ask`."""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import Services, search_index
from api.problems import PROBLEM_RESPONSES

router = APIRouter()

Text = Annotated[str, Query(min_length=1, max_length=1000, description="Question or keywords, Danish or English.")]


@router.get("/search", tags=["search"], summary="Hybrid passage search with provenance", responses=PROBLEM_RESPONSES,
            response_model=dict[str, Any])
def search_passages(
    request: Request, services: Services, q: Text,
    k: Annotated[int, Query(ge=1, le=100)] = 10,
    mode: Annotated[str, Query(pattern="^(hybrid|bm25|dense)$")] = "hybrid",
    doc: Annotated[str | None, Query(max_length=300, description="Document id, file name or title words.")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    actor: Annotated[str | None, Query(max_length=300)] = None,
    initiative: Annotated[str | None, Query(max_length=300)] = None,
    group: Annotated[bool, Query(description="Group near-duplicate passages (the same text restated elsewhere) "
                                             "into one result with 'also_in' sources, the original first.")] = True,
) -> Response:
    """Ranked passages with document, page, source span, score and the facts (amounts, initiatives) they hold."""
    from search.grouped import grouped_search
    from search.service import SearchFilters, search

    index = search_index(request, services)
    plan = index.plan(q)
    run = grouped_search if group else search
    results = run(services.store, index, q, k=k, mode=mode, filters=SearchFilters(doc, year, actor, initiative))
    # an English question is searched through its Danish glossary translation: show what was searched
    searched_as = plan.lexical if plan.translation is not None else None
    return _json({"query": q, "mode": mode, "searched_as": searched_as, "results": results})


@router.get("/ask", tags=["search"], summary="Answer a question from the documents", responses=PROBLEM_RESPONSES,
            response_model=dict[str, Any])
def ask_question(request: Request, services: Services, q: Text) -> Response:
    """Extractive: for 'how much' questions the amount and period come first, in the asker's language
    (`lang`), each answer with its quote, document and page, its other `sources` and any `conflicts`;
    `no_match` when no fact is about what was asked; then the passages (near-duplicates grouped)."""
    from search.ask import ask

    answer = ask(services.store, search_index(request, services), q)
    return _json(answer)


def _plain(value: Any) -> Any:
    """Dataclasses as dicts of their fields, recursively through lists and dicts (no deep copies)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _json(value: Any) -> Response:
    """The JSON body written at once: the answers are plain values already, so FastAPI's jsonable_encoder
    (a walk of every value, ~1 ms a result list) has nothing to add."""
    body = json.dumps(_plain(value), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(body, media_type="application/json")
