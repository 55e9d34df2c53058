"""Amounts written the ways Danish texts write them parse back to the number they were made from.

The amounts are rendered by templates written here, not by the product's own formatter
(``ingest.numbers.format_danish``): digits grouped by "." or by any Unicode space (or not at all),
decimals after ",", the fractions ½ ¼ ¾, the signs "-", "−" (U+2212) and "÷", the whole-kroner
mark ",-", scales and currencies before or after the number. Each amount is put in a sentence,
repaired and extracted as ingest does, and must come back as exactly one money fact with the
value computed here, and not flagged as uncertain.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from ingest.nlp import extract_quantities
from ingest.repair import repair

# every space a typesetter or a PDF extractor puts between digit groups
SPACES = [" ", "\u00a0", "\u202f", "\u2009", "\u2007", "\u2008", "\u200a", "\u2002", "\u2003", "\u2004",
          "\u2005", "\u2006"]
SEPARATORS = ["."] + SPACES
SIGNS = {"": 1, "-": -1, "\u2212": -1, "÷": -1}
FRACTIONS = {"½": Decimal("0.5"), "¼": Decimal("0.25"), "¾": Decimal("0.75")}


@dataclass(frozen=True)
class Unit:
    after: str  # written after the number: "mio. kr."
    before: str | None  # or the currency before the number and the scale after: ("kr.", "mio.")
    scale_after_before: str | None
    factor: int


# currency after the number
UNITS_AFTER = [Unit(u, None, None, f) for u, f in [
    ("kr.", 1), ("kr", 1), ("kroner", 1), ("dkr.", 1), ("DKK", 1), ("mio. kr.", 10**6), ("mio.kr.", 10**6),
    ("mio. dkr.", 10**6), ("mio. DKK", 10**6), ("millioner kroner", 10**6), ("mia. kr.", 10**9),
    ("milliarder kroner", 10**9), ("t.kr.", 1000), ("tkr.", 1000), ("mio.", 10**6), ("mia.", 10**9),
]]
# currency before the number, a scale (if any) after it
UNITS_BEFORE = [Unit("", c, s, f) for c, s, f in [
    ("kr.", None, 1), ("DKK", None, 1), ("dkr.", None, 1), ("kr.", "mio.", 10**6), ("DKK", "mio.", 10**6),
    ("kr.", "mia.", 10**9),
]]


def grouped(n: int, sep: str) -> str:
    """``n`` with its digits in groups of three from the right, joined by ``sep``."""
    digits = str(n)
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return sep.join(groups)


@st.composite
def amounts(draw) -> tuple[str, int]:
    """(text of an amount, its value in whole DKK)."""
    unit = draw(st.sampled_from(UNITS_AFTER + UNITS_BEFORE))
    scaled = unit.factor > 1
    whole = draw(st.integers(min_value=1, max_value=999 if scaled else 999_999_999))
    sep = draw(st.sampled_from(SEPARATORS + [""]))
    number = grouped(whole, sep) if whole >= 1000 else str(whole)
    value = Decimal(whole)
    tail = draw(st.sampled_from(["", "decimals", "fraction", "mark"] if scaled else ["", "decimals", "mark"]))
    if tail == "decimals":
        places = draw(st.integers(min_value=1, max_value=2 if not scaled else 3))
        frac = draw(st.integers(min_value=0, max_value=10**places - 1))
        number += "," + str(frac).rjust(places, "0")
        value += Decimal(frac).scaleb(-places)
    elif tail == "fraction":
        symbol = draw(st.sampled_from(sorted(FRACTIONS)))
        number += symbol
        value += FRACTIONS[symbol]
    elif tail == "mark":
        number += draw(st.sampled_from([",-", ",–"]))
    sign = draw(st.sampled_from(sorted(SIGNS)))
    number = sign + number
    value *= SIGNS[sign]
    if unit.before is None:
        text = f"{number} {unit.after}"
    else:
        text = f"{unit.before} {number}" + (f" {unit.scale_after_before}" if unit.scale_after_before else "")
    return text, int((value * unit.factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@settings(max_examples=300, deadline=None)
@given(amounts(), st.sampled_from(["Der afsættes {} i 2025.", "Regionen giver {} til psykiatrien i 2026.",
                                   "I 2027 er budgettet {} til botilbud."]))
@example(("2\u00a0500\u00a0000 kr.", 2_500_000), "Der afsættes {} i 2025.")
@example(("÷2,5 mio. kr.", -2_500_000), "Der afsættes {} i 2025.")
@example(("3½ mio. kr.", 3_500_000), "Der afsættes {} i 2025.")
@example(("500.000,- kr.", 500_000), "Der afsættes {} i 2025.")
@example(("4,5 mio. dkr.", 4_500_000), "Der afsættes {} i 2025.")
def test_rendered_amounts_parse_back(amount, template):
    text, value = amount
    sentence = template.format(text)
    money = [q for q in extract_quantities(repair(sentence).text) if q.measure == "money"]
    assert [int(q.value) for q in money] == [value], (sentence, [(q.raw, q.value) for q in money])
    assert not money[0].flags, (sentence, money[0].flags)
