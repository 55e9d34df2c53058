"""Fuzzing with hypothesis: the period, date and number parsers and the text-repair stage never raise, and every
offset they return lies inside the text. (Money, tables and quantities: tests/ingest/test_quantities_hypothesis.py.)"""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.dates import extract_dates
from ingest.numbers import parse_number
from ingest.periods import find_periods
from ingest.repair import repair
from ingest.segment import segment

PIECES = [
    "2024", "2025-2027", "2024/25", "2024-25", "fra 2025", "fra 2026 og frem", "i perioden", "herefter", "årligt",
    "varigt", "2023-pl", "1. kvartal", "2. halvår", "udgangen af", "inden", "medio", "primo", "ultimo", "uge 12",
    "13. marts 2024", "januar", "december 2030", "sommeren 2023", "efteråret", "1.1.2025", "31/12-2024", "i alt",
    "mio. kr.", "mia.", "ti", "tolv", "hundrede", "1.465,5", "0,0", "-", "–", "\f", "\n", "\n\n", "Side 3",
    "Side 2 af 9", "anbefa-\nlinger", "F-\nACT", "\u00ad", "\u200b", "\r\n", "  ", "\t", "•", "Tabel 1",
]
DANISH = st.lists(
    st.sampled_from(list("0123456789 .,-/()%:abdefgijklmnoprstuvæøåÆØÅ")) | st.sampled_from(PIECES), max_size=60,
).map("".join)
ANY_TEXT = st.text(max_size=300)
# lines of PDF-extracted text: words, hyphenation, page breaks, markers, headers repeated across pages
PDF_LIKE = st.lists(
    st.sampled_from(["Psykiatri-", "handlingsplan", "Region Hovedstaden", "Der afsættes 5,0 mio. kr.", "Side 4",
                     "\f", "Bilag 1", "1. Indledning", "og ", "behandling.", "Tabel 2 2024 2025 2026", "- punkt",
                     "Sundhedsstyrelsen", "\n", "\n\n", "   ", "anbefa-", "linger", "ÆØÅ", "\u00ad", "x" * 40]),
    max_size=80,
).map(lambda parts: "\n".join(parts))

FUZZ = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.one_of(DANISH, ANY_TEXT))
def test_periods_never_raise_and_stay_inside(text):
    for p in find_periods(text):
        assert 0 <= p.start < p.end <= len(text)
        if p.year is not None and p.year_end is not None:
            assert p.year <= p.year_end


@FUZZ
@given(st.one_of(DANISH, ANY_TEXT))
def test_dates_never_raise_and_stay_inside(text):
    for d in extract_dates(text):
        assert 0 <= d.start < d.end <= len(text)
        assert text[d.start:d.end] == d.raw
        assert d.begin <= d.end_date
        assert d.label and d.iri


@FUZZ
@given(st.one_of(DANISH, ANY_TEXT))
def test_number_parser_never_raises(text):
    value = parse_number(text)
    assert value is None or value.is_finite()


def _check_repaired(raw: str) -> None:
    fixed = repair(raw)
    assert len(fixed.offsets) == len(fixed.text) + 1
    assert all(0 <= o <= len(raw) for o in fixed.offsets)
    changed = [range(s, e) for s, e in fixed.fixed_spans]  # what ftfy repaired (mojibake, ligatures, C1 quotes)
    for i, ch in enumerate(fixed.text):  # every kept visible character comes from the same (NFC-composed) one
        if not ch.isspace() and ch != "-" and not any(fixed.offsets[i] in r for r in changed):
            source = raw[fixed.offsets[i]]
            assert unicodedata.normalize("NFD", ch)[0] == unicodedata.normalize("NFD", source)[0], (i, ch, source)
    for start in range(0, len(fixed.text) + 1, 7):
        end = min(len(fixed.text), start + 11)
        a, b = fixed.raw_span(start, end)
        assert 0 <= a <= b <= len(raw)
        fixed.page_at(start)
    for s, e, _why in fixed.removed:
        assert 0 <= s <= e <= len(raw)


@FUZZ
@given(st.one_of(PDF_LIKE, DANISH, ANY_TEXT))
def test_repair_never_raises_and_maps_into_the_raw_text(raw):
    _check_repaired(raw)


@settings(max_examples=100, deadline=None)
@given(PDF_LIKE)
def test_segments_stay_inside_the_repaired_text(raw):
    text = repair(raw).text
    for section in segment(text, 5, 60):
        for passage in section.passages:
            assert 0 <= passage.start <= passage.end <= len(text)
