"""Search and ask endpoints: thin wrappers over :mod:`search.service` and :mod:`search.ask`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.deps import Services, search_index
from api.problems import PROBLEM_RESPONSES

router = APIRouter()

Text = Annotated[str, Query(min_length=1, max_length=1000, description="Question or keywords, Danish or English.")]


@router.get("/search", tags=["search"], summary="Hybrid passage search with provenance", responses=PROBLEM_RESPONSES)
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
) -> dict[str, Any]:
    """Ranked passages with document, page, source span, score and the facts (amounts, initiatives) they hold."""
    from search.grouped import grouped_search
    from search.service import SearchFilters, search

    index = search_index(request, services)
    plan = index.plan(q)
    run = grouped_search if group else search
    results = run(services.store, index, q, k=k, mode=mode, filters=SearchFilters(doc, year, actor, initiative))
    # an English question is searched through its Danish glossary translation: show what was searched
    searched_as = plan.lexical if plan.translation is not None else None
    return {"query": q, "mode": mode, "searched_as": searched_as, "results": [asdict(r) for r in results]}


@router.get("/ask", tags=["search"], summary="Answer a question from the documents", responses=PROBLEM_RESPONSES)
def ask_question(request: Request, services: Services, q: Text) -> dict[str, Any]:
    """Extractive: for 'how much' questions the amount and period come first, in the asker's language
    (`lang`), each answer with its quote, document and page, its other `sources` and any `conflicts`;
    `no_match` when no fact is about what was asked; then the passages (near-duplicates grouped)."""
    from search.ask import ask

    answer = ask(services.store, search_index(request, services), q)
    return asdict(answer)
