"""Reciprocal-rank fusion (Cormack, Clarke & Büttcher 2009).

A candidate's fused score is ``Σ_lists weight / (k + rank)`` over the lists it appears in, with
ranks starting at 1. Only ranks matter, so BM25 scores and cosine similarities need no calibration.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

DEFAULT_RRF_K = 60
DEFAULT_WEIGHTS: dict[str, float] = {"bm25": 1.0, "dense": 1.0}

K = TypeVar("K", bound=Hashable)


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[K]],
    k: float = DEFAULT_RRF_K,
    weights: Mapping[str, float] | None = None,
) -> list[tuple[K, float]]:
    """Fuse named rankings (best first) into ``[(item, score)]``, best first.

    Ties are broken by the best single rank an item reached, then by first appearance (lists in
    the order given), so the result is deterministic. A list missing from ``weights`` has weight 1.
    """
    if k < 0:
        raise ValueError(f"RRF k must be ≥ 0, not {k}")
    scores: dict[K, float] = {}
    best: dict[K, int] = {}
    for name, ranking in rankings.items():
        weight = 1.0 if weights is None else weights.get(name, 1.0)
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
            best[item] = min(best.get(item, rank), rank)
    order = {item: i for i, item in enumerate(scores)}
    return sorted(scores.items(), key=lambda kv: (-kv[1], best[kv[0]], order[kv[0]]))


_EN = frozenset("the of and what which how does did is are was were for to in on with much many who whose from "
                "that this by at an a its their much share according".split())
_DA = frozenset("og i af til hvad hvilke hvilken hvor hvordan der er var den det de en et med på for fra som "
                "blev bliver har hvem skal kan om ifølge".split())


def looks_english(query: str) -> bool:
    """A cheap language guess from function words: lexical matching across languages is mostly noise."""
    words = [w.strip("?,.!:;’'\"()").lower() for w in query.split()]
    en = sum(w in _EN for w in words)
    da = sum(w in _DA for w in words) + 2 * sum(ch in "æøåÆØÅ" for ch in query)
    return en > da
