from decimal import Decimal
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.money import find_mentions
from ingest.numbers import format_danish, parse_digits
from ingest.nlp import extract_quantities
from ingest.tables import find_tables

# Text made of pieces that the extractors react to, in any order.
DANISH = st.lists(
    st.sampled_from(list("0123456789 .,-–%\n\tabcdeikmorstvøåæÅØÆ()*:+/XY")) | st.sampled_from(
        ["mio.", "mia.", "kr.", "kroner", "millioner", "ti", "årligt", "i 2024", "fra 2025 og frem", "Mio. kr., 2024-pl",
         " 2024 2025", "årsværk", "pct.", "ca.", "op mod", "Der afsættes", "\n\n", "- ", "i alt", "herefter", "varigt"]),
    max_size=80,
).map("".join)


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_danish_number_round_trip(value):
    assert parse_digits(format_danish(value)) == value


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=3))
def test_danish_number_round_trip_with_decimals(whole, decimals):
    value = Decimal(whole).scaleb(-decimals)
    text = format_danish(value, decimals=decimals)
    assert parse_digits(text) == value
    assert find_mentions(f"Der afsættes {text} kr. i alt")[0].value == value.quantize(Decimal(1), "ROUND_HALF_UP")


def _check(text, found):
    for q in found:
        assert 0 <= q.start < q.end <= len(text)
        assert 0 <= q.sentence_start <= q.sentence_end <= len(text)
        assert text[q.start:q.end] == q.raw


@settings(max_examples=150, deadline=None)
@given(DANISH)
def test_extractors_never_raise_and_offsets_are_inside(text):
    _check(text, find_mentions(text))
    _check(text, find_tables(text)[0])
    found = extract_quantities(text)
    _check(text, found)
    assert all(a.end <= b.start for a, b in pairwise(found))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=120))
def test_extractors_never_raise_on_arbitrary_text(text):
    _check(text, extract_quantities(text))
