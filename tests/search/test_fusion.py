from __future__ import annotations

import pytest

from search.fusion import DEFAULT_RRF_K, reciprocal_rank_fusion


def test_rrf_scores_and_order_exact():
    fused = reciprocal_rank_fusion({"bm25": ["a", "b", "c"], "dense": ["b", "d"]})
    assert DEFAULT_RRF_K == 60
    assert fused == [("b", 1 / 62 + 1 / 61), ("a", 1 / 61), ("d", 1 / 62), ("c", 1 / 63)]


def test_rrf_weights_and_k():
    fused = reciprocal_rank_fusion({"bm25": ["a", "b"], "dense": ["b", "a"]}, k=0, weights={"bm25": 2.0, "dense": 0.5})
    assert fused == [("a", 2.0 / 1 + 0.5 / 2), ("b", 2.0 / 2 + 0.5 / 1)]


def test_rrf_ties_broken_by_best_rank_then_first_appearance():
    fused = reciprocal_rank_fusion({"bm25": ["x", "y"], "dense": ["y", "x"]})
    assert [item for item, _ in fused] == ["x", "y"]  # same score, same best rank: bm25 list came first
    fused = reciprocal_rank_fusion({"bm25": ["p", "q"], "dense": ["r"]})
    assert [item for item, _ in fused] == ["p", "r", "q"]  # p and r tie at 1/61; p appeared first


def test_rrf_empty_and_invalid():
    assert reciprocal_rank_fusion({"bm25": [], "dense": []}) == []
    with pytest.raises(ValueError):
        reciprocal_rank_fusion({"bm25": ["a"]}, k=-1)


def test_looks_english():
    from search.fusion import looks_english

    assert looks_english("How much does the Capital Region receive for reducing the use of coercion?")
    assert not looks_english("Hvor meget får Region Hovedstaden til nedbringelse af tvang?")
    assert not looks_english("DRISP 9,4 mio.")
