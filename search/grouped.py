"""Search with near-duplicate passages grouped: one result per group, "also in …" for the copies.

The thin layer between :func:`search.service.search` (one result per passage) and
:mod:`search.dedup` (which passages are copies of which): it retrieves deeper than ``k`` so that
``k`` groups remain after grouping, and shows each group by its leading passage (the original)
with its facts; the other members go to ``SearchResult.also_in`` with document, page and span.
"""

from __future__ import annotations

from typing import Any

from kg.store import GraphStore
from search.dedup import GroupedHit, group_hits, passage_groups
from search.records import PassageRecord
from search.sentences import rerank
from search.service import (
    SearchFilters,
    SearchResult,
    _titles,
    allowed_passages,
    facts_for,
)

DEPTH_FACTOR = 3  # passages retrieved per wanted group


def grouped_hits(index, query: str, k: int = 10, mode: str = "hybrid", filter=None) -> list[GroupedHit]:
    """The ``k`` best groups of near-duplicate passages for ``query`` (see :func:`search.dedup.group_hits`);
    in hybrid mode the first page is ordered by best sentence too (:func:`search.sentences.rerank`)."""
    hits = index.search(query, k=k * DEPTH_FACTOR, mode=mode, filter=filter)
    if mode == "hybrid":
        hits = rerank(index, query, hits)
    return group_hits(hits, passage_groups(index), index.record)[:k]


def _source(record: PassageRecord, titles: dict[str, str]) -> dict[str, Any]:
    return {"iri": record.iri, "doc_key": record.doc_key, "doc_title": titles.get(record.doc_key, record.doc_key),
            "page": record.page, "raw_start": record.raw_start, "raw_end": record.raw_end}


def grouped_search(store: GraphStore, index, query: str, k: int = 10, mode: str = "hybrid",
                   filters: SearchFilters | None = None, with_facts: bool = True) -> list[SearchResult]:
    """Like :func:`search.service.search`, with near-duplicates grouped under their original."""
    allowed = allowed_passages(store, filters or SearchFilters())
    return results(store, grouped_hits(index, query, k, mode, allowed), with_facts)


def results(store: GraphStore, groups: list[GroupedHit], with_facts: bool = True) -> list[SearchResult]:
    """One :class:`SearchResult` per group: the lead passage with its facts, the copies in ``also_in``."""
    titles = _titles(store)
    facts = facts_for(store, [g.lead.iri for g in groups]) if with_facts else {}
    out = []
    for g in groups:
        shown = next((h for h in g.hits if h.record.iri == g.lead.iri), g.hits[0])
        r = g.lead
        out.append(SearchResult(
            rank=g.rank, score=float(g.hits[0].score), iri=r.iri, doc_key=r.doc_key,
            doc_title=titles.get(r.doc_key, r.doc_key), page=r.page, raw_start=r.raw_start, raw_end=r.raw_end,
            text=r.text, ranks=dict(shown.ranks), facts=facts.get(r.iri, []),
            also_in=[_source(m, titles) for m in g.also_in],
        ))
    return out
