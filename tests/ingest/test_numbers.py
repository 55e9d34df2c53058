from decimal import Decimal

import pytest

from ingest.numbers import (
    format_danish,
    parse_digits,
    parse_number,
    parse_words,
    scale_factor,
    whole,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [("7,0", Decimal("7.0")), ("48,75", Decimal("48.75")), ("1.465", Decimal(1465)),
     ("500.000", Decimal(500000)), ("1.300,0", Decimal("1300.0")), ("0,2", Decimal("0.2")), ("100", Decimal(100))],
)
def test_parse_digits(text, value):
    assert parse_digits(text) == value


@pytest.mark.parametrize("text", ["1.5", "1,2,3", "12.34", "", "abc", "1.0000"])
def test_parse_digits_rejects_non_danish_numbers(text):
    assert parse_digits(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("ti", 10), ("tyve", 20), ("femogtyve", 25), ("hundrede", 100), ("to hundrede og halvtreds", 250),
     ("tre tusind", 3000), ("ét", 1), ("et", 1), ("halvanden", Decimal("1.5")), ("en halv", Decimal("0.5"))],
)
def test_parse_words(text, value):
    assert parse_words(text) == Decimal(value)


@pytest.mark.parametrize("text", ["ti ti", "og", "kroner", "femogfyrre tusind og"])
def test_parse_words_rejects_non_numbers(text):
    assert parse_words(text) is None


def test_parse_number_takes_digits_or_words():
    assert parse_number("2,5") == Decimal("2.5")
    assert parse_number("Ti") == Decimal(10)
    assert parse_number("mio.") is None


@pytest.mark.parametrize(
    ("word", "factor"),
    [("mio.", 10**6), ("mio", 10**6), ("millioner", 10**6), ("mia.", 10**9), ("milliarder", 10**9),
     ("t.kr.", 1000), ("tusind", 1000), ("kr.", 1)],
)
def test_scale_factor(word, factor):
    assert scale_factor(word) == factor


def test_format_danish():
    assert format_danish(Decimal("1465.5")) == "1.465,5"
    assert format_danish(Decimal("7.0"), decimals=1) == "7,0"
    assert format_danish(Decimal(2500000)) == "2.500.000"


def test_whole_rounds_half_up():
    assert whole(Decimal("48750000.5")) == Decimal(48750001)
    assert whole(Decimal("2.4")) == Decimal(2)
