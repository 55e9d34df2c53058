from __future__ import annotations

import json
import re

import numpy as np
import pytest

from search.evaluate import (
    chunk_corpus_for_dev,
    collapse_with_offsets,
    evaluate_search,
    format_report,
    is_hit,
    load_questions,
    locate_quote,
    read_text,
)
from search.index import Hit
from search.records import PassageRecord

DOC = "Indledning.\n\nDer afsættes  3,0 mio. kr.\n i 2024 til\n\n initiativet. Slut."
QUOTE = "Der afsættes 3,0 mio. kr. i 2024 til initiativet."


def passage(start: int, end: int, doc: str = "a.txt", iri: str = "p") -> PassageRecord:
    return PassageRecord(iri, "a", doc, DOC[start:end], "h", None, start, end)


def test_collapse_with_offsets():
    collapsed, offsets = collapse_with_offsets("a  b\n\nc ")
    assert collapsed == "a b c "
    assert offsets.tolist() == [0, 1, 3, 4, 6, 7]
    assert collapsed == re.sub(r"\s+", " ", "a  b\n\nc ")


def test_locate_quote_maps_to_original_offsets():
    [positions] = locate_quote(DOC, QUOTE)
    assert len(positions) == len(QUOTE)
    assert DOC[positions[0] : positions[-1] + 1].startswith("Der afsættes  3,0 mio. kr.\n i 2024")
    assert DOC[positions[-1]] == "."
    assert positions[0] == DOC.index("Der") and positions[-1] == DOC.index("initiativet.") + 11
    assert locate_quote(DOC, "ikke i teksten") == []
    assert len(locate_quote("ab ab", "ab")) == 2


def test_hit_needs_half_the_quote_characters_in_the_same_document():
    [positions] = locate_quote(DOC, QUOTE)
    assert len(QUOTE) == 49  # a hit needs 25 characters
    end_of = lambda n: int(positions[n - 1]) + 1  # noqa: E731  (offset just after the quote's n-th character)
    assert is_hit(passage(0, end_of(25)), "a.txt", [positions])
    assert not is_hit(passage(0, end_of(24)), "a.txt", [positions])
    assert is_hit(passage(end_of(24), len(DOC)), "a.txt", [positions])  # the last 25
    assert not is_hit(passage(end_of(25), len(DOC)), "a.txt", [positions])  # the last 24
    assert not is_hit(passage(0, len(DOC), doc="b.txt"), "a.txt", [positions])


class ScriptedIndex:
    """Returns fixed passages per (question, mode): the evaluation logic alone is under test."""

    def __init__(self, script):
        self.script = script
        self.calls = []

    def search(self, query, k=10, mode="hybrid"):
        self.calls.append((query, k, mode))
        records = self.script[(query, mode)]
        return [Hit(r, 1.0 / i, i) for i, r in enumerate(records[:k], start=1)]


def test_evaluate_search_handmade(tmp_path):
    (tmp_path / "a.txt").write_text(DOC, encoding="utf-8")
    questions = [
        {"id": "Q1", "lang": "da", "question": "hvor meget?", "doc": "a.txt", "quote": QUOTE},
        {"id": "Q2", "lang": "en", "question": "how much?", "doc": "a.txt", "quote": "Indledning."},
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("".join(json.dumps(q) + "\n" for q in questions), encoding="utf-8")
    good, intro, miss, other_doc = passage(12, 66), passage(0, 11), passage(66, 72), passage(12, 66, doc="b.txt")
    script = {
        ("hvor meget?", "bm25"): [miss, other_doc, good],  # first hit at rank 3
        ("hvor meget?", "dense"): [miss] * 5 + [good],  # rank 6: outside hit@5, inside MRR@10
        ("how much?", "bm25"): [],
        ("how much?", "dense"): [intro],
    }
    result = evaluate_search(ScriptedIndex(script), path, tmp_path, k=5, modes=("bm25", "dense"))
    assert result["k"] == 5 and result["questions"] == 2
    assert result["per_question"] == [
        {"id": "Q1", "lang": "da", "doc": "a.txt", "rank": {"bm25": 3, "dense": 6}},
        {"id": "Q2", "lang": "en", "doc": "a.txt", "rank": {"bm25": None, "dense": 1}},
    ]
    assert result["modes"]["bm25"] == {
        "da": {"n": 1, "hit": 1.0, "mrr": 1 / 3},
        "en": {"n": 1, "hit": 0.0, "mrr": 0.0},
        "all": {"n": 2, "hit": 0.5, "mrr": 1 / 6},
    }
    assert result["modes"]["dense"]["all"] == {"n": 2, "hit": 0.5, "mrr": (1 / 6 + 1) / 2}
    report = format_report(result)
    assert "| mode | hit@5 da | hit@5 en | hit@5 all | MRR da | MRR en | MRR all |" in report
    assert "| bm25 | 1.000 | 0.000 | 0.500 | 0.333 | 0.000 | 0.167 |" in report
    assert "| dense | 0.000 | 1.000 | 0.500 | 0.167 | 1.000 | 0.583 |" in report


def test_evaluate_search_rejects_a_quote_not_in_its_document(tmp_path):
    (tmp_path / "a.txt").write_text(DOC, encoding="utf-8")
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"id": "Q9", "lang": "da", "question": "?", "doc": "a.txt", "quote": "nej"}) + "\n")
    with pytest.raises(ValueError, match="Q9: quote not found in a.txt"):
        evaluate_search(ScriptedIndex({}), path, tmp_path)


def test_every_gold_quote_is_located(corpus_dir):
    questions = load_questions(corpus_dir.parent / "eval" / "gold" / "questions.jsonl")
    assert len(questions) == 40
    for q in questions:
        assert locate_quote(read_text(corpus_dir / q["doc"]), q["quote"]), q["id"]


def test_dev_chunking_spans(corpus_dir):
    records = chunk_corpus_for_dev(corpus_dir)
    assert {r.doc_key for r in records} == {p.name for p in corpus_dir.glob("*.txt")}
    for r in records[:50]:
        raw = read_text(corpus_dir / r.doc_key)[r.raw_start : r.raw_end]
        assert re.sub(r"\s+", " ", raw) == r.text and len(r.text.split()) <= 150
    assert len({r.iri for r in records}) == len(records)
    assert np.all(np.diff([r.raw_start for r in records if r.doc_key == records[0].doc_key]) > 0)


@pytest.mark.slow
def test_gold_search_with_the_real_model_on_dev_chunks(encoder, corpus_dir, tmp_path):
    """A regression floor on the dev chunking (the product's targets are measured on ingest's passages)."""
    from search.index import SearchIndex

    index = SearchIndex.build(chunk_corpus_for_dev(corpus_dir), encoder, tmp_path)
    result = evaluate_search(index, corpus_dir.parent / "eval" / "gold" / "questions.jsonl", corpus_dir)
    print("\n" + format_report(result))
    hybrid, dense, bm25 = (result["modes"][m] for m in ("hybrid", "dense", "bm25"))
    assert hybrid["da"]["hit"] >= 0.80 and hybrid["en"]["hit"] >= 0.45 and hybrid["all"]["mrr"] >= 0.50
    assert hybrid["all"]["hit"] >= max(dense["all"]["hit"], bm25["all"]["hit"])
