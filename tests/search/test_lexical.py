from __future__ import annotations

import re

import numpy as np
import pytest

from search.evaluate import chunk_corpus_for_dev
from search.lexical import BM25Index, canonical_number, tokenize

PASSAGES = [
    "DRISP er forankret under Psykiatrisk Center København.",  # 0
    "Region Hovedstadens andel er 6,1 mio. kr. i 2024 og 9,4 mio. kr. årligt i 2025 og frem.",  # 1
    "Andelen af aflyste aftaler var 9,4 % i 2023, og budgettet var 94 mio. kr.",  # 2
    "Kapaciteten i F-ACT og OPUS er udvidet med 42,5 årsværk.",  # 3
    "Regeringen vil afsætte 1.465 mio. kr. i 2026 til psykiatrien.",  # 4
    "Delmål for anbefaling 3a: flere udskrivningsaftaler inden udgangen af 2025.",  # 5
    "Initiativet styrker de psykiatriske akutmodtagelser.",  # 6
]


@pytest.fixture(scope="module")
def bm25() -> BM25Index:
    return BM25Index.build(PASSAGES)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [("1.465", "1465"), ("54.173", "54173"), ("1.465,5", "1465,5"), ("9,4", "9,4"), ("9.4", "9,4"),
     ("150,0", "150"), ("2024", "2024"), ("19.11.2019", "19.11.2019")],
)
def test_canonical_number(raw, canonical):
    assert canonical_number(raw) == canonical


def test_tokenize_keeps_names_numbers_and_abbreviations():
    assert tokenize("DRISP er forankret") == ["drisp", "forankr", "forankret"]
    assert tokenize("9,4 mio. kr. årligt") == ["9,4", "9,4_mio", "mio", "kr", "årl", "årligt"]
    assert tokenize("F-ACT og OPUS") == ["f", "act", "f-act", "fact", "opus"]
    assert tokenize("anbefaling 3a") == ["anbefaling", "3a"]
    assert tokenize("31,7 % af 54.173") == ["31,7", "31,7_pct", "pct", "54173"]
    assert tokenize("150 millioner kroner") == ["150", "150_mio", "mio", "kr"]
    assert tokenize("2024-2026") == ["2024", "2026"]
    assert tokenize("FN’s verdensmål") == ["fn", "verdensmål"]


def ids(result: tuple[np.ndarray, np.ndarray]) -> list[int]:
    return [int(i) for i in result[0]]


def test_bm25_finds_drisp_exactly(bm25):
    assert ids(bm25.search("DRISP", 10)) == [0]
    assert ids(bm25.search("drisp", 10)) == [0]


def test_bm25_amount_with_unit_ranks_first(bm25):
    found = ids(bm25.search("9,4 mio.", 10))
    assert found[0] == 1  # "9,4 mio. kr." beats "9,4 %" and "94 mio. kr."
    assert set(found) == {1, 2, 4}  # every passage sharing a token, nothing else


def test_bm25_number_spellings_and_names(bm25):
    assert ids(bm25.search("1465", 10)) == [4]
    assert ids(bm25.search("FACT", 10)) == [3]
    assert ids(bm25.search("3a", 10)) == [5]
    assert ids(bm25.search("initiativer", 10)) == [6]  # the stem matches "Initiativet"


def test_bm25_query_coverage(bm25):
    assert bm25.coverage("DRISP 2024") == 1.0
    assert bm25.coverage("What is DRISP?") == 1 / 3  # what, is, drisp
    assert bm25.coverage("9,4 mio.") == 1.0  # the "9,4_mio" pair does not count
    assert bm25.coverage("og i") == 0.0  # stop words only


def test_bm25_no_match_and_filter(bm25):
    assert ids(bm25.search("skizofreni", 10)) == []
    assert ids(bm25.search("mio", 10, allowed=np.array([2, 3]))) == [2]


def test_bm25_save_load_round_trip(bm25, tmp_path):
    bm25.save(tmp_path)
    loaded = BM25Index.load(tmp_path)
    for query in ("DRISP", "9,4 mio.", "psykiatrien i 2026"):
        a, b = bm25.search(query, 5), loaded.search(query, 5)
        assert ids(a) == ids(b)
        np.testing.assert_array_equal(a[1], b[1])


def test_bm25_on_corpus_finds_every_drisp_passage(corpus_dir):
    records = chunk_corpus_for_dev(corpus_dir)
    index = BM25Index.build([r.text for r in records])
    with_drisp = {i for i, r in enumerate(records) if re.search(r"\bDRISP\b", r.text, re.I)}
    assert with_drisp and set(ids(index.search("DRISP", 100))) == with_drisp
    top = records[ids(index.search("9,4 mio.", 1))[0]]
    assert "9,4 mio." in top.text
