from decimal import Decimal

import pytest

from ingest.money import find_mentions


def one(text):
    found = find_mentions(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "raw", "value", "unit"),
    [
        ("Der afsættes 7,0 mio. kr. årligt", "7,0 mio. kr.", 7_000_000, "mio. kr."),
        ("resterende midler (2,9 mio.kr.) er", "2,9 mio.kr.", 2_900_000, "mio.kr."),
        ("på 0,2 mia. kr. i 2024", "0,2 mia. kr.", 200_000_000, "mia. kr."),
        ("Der afsættes 48,75 mio. kr. i 2024", "48,75 mio. kr.", 48_750_000, "mio. kr."),
        ("afsat 100 mio. kr. til", "100 mio. kr.", 100_000_000, "mio. kr."),
        ("afsat 24 millioner kroner", "24 millioner kroner", 24_000_000, "millioner kroner"),
        ("Estimat: 500.000 kr.", "500.000 kr.", 500_000, "kr."),
        ("i alt 1,6 milliarder til psykiatrien", "1,6 milliarder", 1_600_000_000, "milliarder"),
        ("hele ti millioner kroner", "ti millioner kroner", 10_000_000, "millioner kroner"),
        ("et beløb på kr. 500.000 i alt", "kr. 500.000", 500_000, "kr."),
        ("de 24,8 \nmio.kr. allerede", "24,8 \nmio.kr.", 24_800_000, "mio.kr."),
        ("1.465 mio. kr. i 2026", "1.465 mio. kr.", 1_465_000_000, "mio. kr."),
        ("og 6,2 mio. i 2025 og frem", "6,2 mio.", 6_200_000, "mio."),
        ("femogtyve millioner kroner", "femogtyve millioner kroner", 25_000_000, "millioner kroner"),
        ("ramme på 300 t.kr. årligt", "300 t.kr.", 300_000, "t.kr."),
    ],
)
def test_money_forms(text, raw, value, unit):
    q = one(text)
    assert (q.raw, q.value, q.unit_text, q.measure) == (raw, Decimal(value), unit, "money")
    assert text[q.start:q.end] == raw


@pytest.mark.parametrize(
    ("text", "qualifier", "value"),
    [
        ("Der er afsat ca. 3 mio. kr. til", "ca.", 3_000_000),
        ("Knap 2,5 mio. kr. er årligt disponeret", "knap", 2_500_000),
        ("andel er i størrelsesordenen 33 mio. kr. årligt", "i størrelsesordenen", 33_000_000),
        ("støttes med op til 150 millioner kroner", "op til", 150_000_000),
        ("ansøgt for over 500 mio. kr.", "over", 500_000_000),
        ("Omkring 65 mio. kr. til voldsudsatte", "omkring", 65_000_000),
        ("i 2024 stigende til 6,8 mio. kr. årligt", "stigende til", 6_800_000),
        ("indenfor +/- 0,3 mio. kr. årligt", "+/-", 300_000),
    ],
)
def test_qualifiers_are_kept_in_the_mention(text, qualifier, value):
    q = one(text)
    assert (q.qualifier, q.value) == (qualifier, Decimal(value))
    assert q.raw.lower().startswith(qualifier)


def test_ranges_keep_both_bounds():
    q = one("forventes på ca. 1,0-2,0 mio. kr.")
    assert (q.raw, q.value, q.value_max, q.qualifier) == ("ca. 1,0-2,0 mio. kr.", Decimal(1_000_000), Decimal(2_000_000), "ca.")
    q = one("mellem 2 og 3 mio. kr.")
    assert (q.value, q.value_max) == (Decimal(2_000_000), Decimal(3_000_000))
    q = one("2-3 mio. kr.")
    assert (q.value, q.value_max) == (Decimal(2_000_000), Decimal(3_000_000))


def test_a_year_before_til_is_no_range():
    q = one("øges i 2025 til 150 mio. kr.")
    assert (q.raw, q.value, q.value_max) == ("150 mio. kr.", Decimal(150_000_000), None)


@pytest.mark.parametrize(
    "text",
    ["4 mio. borgere", "Møde med Mia Hesselberg", "10-årsplanen fra 2022 mio. kr. 25-pl 2023 2024",
     "2 sygeplejersker", "EMN-2023-00568", "kapitel 2.1 og 3"],
)
def test_no_money(text):
    assert [q for q in find_mentions(text) if q.measure == "money"] == []


@pytest.mark.parametrize(
    ("text", "raw", "value", "qualifier"),
    [
        ("kapacitetsudvidelse med 42,5 årsværk.", "42,5 årsværk", Decimal("42.5"), None),
        ("aktuelt 1 ÅV i Region Hovedstaden", "1 ÅV", Decimal(1), None),
        ("Der er ansat 4 årsværk.", "4 årsværk", Decimal(4), None),
        ("suppleret med ca. 9 årsværk", "ca. 9 årsværk", Decimal(9), "ca."),
        ("ansat ét årsværk til dette", "ét årsværk", Decimal(1), None),
        ("samt 0,5 overlæge årsværk til", "0,5 overlæge årsværk", Decimal("0.5"), None),
    ],
)
def test_staff_figures(text, raw, value, qualifier):
    q = one(text)
    assert (q.measure, q.raw, q.value, q.qualifier) == ("staff", raw, value, qualifier)


def test_a_head_count_is_not_a_staff_figure():
    assert find_mentions("Der er ansat 2 sygeplejersker og 3 psykologer.") == []


def test_percentages():
    found = find_mentions("en reduktion på op mod 40 pct. og ikke under 30 pct. frem mod 2030, 30 % og 50%")
    assert [(q.measure, q.raw, q.value, q.qualifier) for q in found] == [
        ("percent", "op mod 40 pct.", Decimal(40), "op mod"),
        ("percent", "ikke under 30 pct.", Decimal(30), "ikke under"),
        ("percent", "30 %", Decimal(30), None),
        ("percent", "50%", Decimal(50), None),
    ]
    q = one("Ca. 10-20 % af borgerne")
    assert (q.value, q.value_max, q.qualifier) == (Decimal(10), Decimal(20), "ca.")
