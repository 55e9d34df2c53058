"""Mentions of money, staff figures and percentages in Danish prose.

Money is any number followed by a scale and/or a currency ("7,0 mio. kr.", "2,9 mio.kr.",
"0,2 mia. kr.", "24 millioner kroner", "ti millioner kroner", "500.000 kr.", "1,6 milliarder"),
or a currency followed by a number ("kr. 500.000"), with an optional range ("2-3 mio. kr.",
"mellem 2 og 3 mio. kr.") and qualifier ("ca.", "knap", "op mod", "i størrelsesordenen" …).
A bare scale without a currency ("6,2 mio. i 2025") counts only when a function word, a period
word or punctuation follows, so "4 mio. borgere" is not money.

Staff figures are full-time equivalents only: "42,5 årsværk", "1 ÅV", "ét årsværk", "0,5 overlæge
årsværk", "3 fuldtidsstillinger". A head count such as "2 sygeplejersker" counts people, not
full-time equivalents, and is not a staff figure.

Percentages: "30 %", "50%", "40 pct.", "15 procent", "10-20 %", "3 procentpoint".
"""

from __future__ import annotations

import re
from decimal import Decimal

from ingest.numbers import DIGITS, WORDS, parse_number, scale_factor, whole
from ingest.quantities import Quantity, squash

# Qualifiers directly before the number, longest first; the canonical form is the lower-cased text.
QUALIFIERS = (
    "i størrelsesordenen", "i omegnen af", "i alt op til", "op mod", "op til", "ikke under",
    "ikke over", "ikke mindre end", "ikke mere end", "mere end", "mindre end", "lidt over",
    "lidt under", "stigende til", "faldende til", "mindst", "minimum", "maksimalt", "maks.",
    "højst", "cirka", "ca.", "ca", "omkring", "knapt", "knap", "godt", "næsten", "over", "under",
    "skønsmæssigt", "+/-",
)
_QUAL = "|".join(re.escape(q).replace(r"\ ", r"\s+") for q in QUALIFIERS)
NUM = rf"(?:{DIGITS}|\b{WORDS}\b)"
_RANGE = rf"(?:mellem\s+(?P<between>{NUM})\s+og\s+|(?P<lo>{NUM})\s*(?:[-–]|til)\s*)?"
_NUMBER = rf"(?<![\w.,/§-])(?:(?P<qual>{_QUAL})\s+)?{_RANGE}(?P<num>{NUM})"

SCALE = r"(?:mia\.?|milliard(?:er)?|mrd\.|mio\.?|mill\.|million(?:er)?|mln\.)"
THOUSANDS = r"(?:t\.\s?kr\.?|tkr\.?|1\.000\s+kr\.)"
CURRENCY = r"(?:kr\.?|kroner|DKK)(?![\wæøå])"
MONEY = re.compile(
    rf"{_NUMBER}\s*(?P<unit>{THOUSANDS}|{SCALE}(?:\s*{CURRENCY})?|{CURRENCY})"
    rf"|(?<![\w.])(?P<pcur>kr\.|DKK)\s?(?P<pnum>{DIGITS})(?:\s*(?P<pscale>{SCALE}))?",
    re.IGNORECASE,
)
STAFF = re.compile(
    rf"{_NUMBER}\s*(?P<unit>(?:[a-zæøå]+\s+)?(?:årsværk|ÅV|fuldtidsstilling(?:er)?|fuldtidsansatte))"
    rf"(?![\wæøå])",
    re.IGNORECASE,
)
PERCENT = re.compile(rf"{_NUMBER}\s*(?P<unit>%|pct\.?|procentpoint|procent)(?![\wæøå])", re.IGNORECASE)

# Words that may follow a bare scale ("6,2 mio. i 2025 og frem") for it still to be money.
BARE_SCALE_FOLLOWERS = frozenset(
    ["i", "til", "fra", "og", "eller", "årligt", "om", "pr.", "pr", "per", "er", "var", "blev", "bliver", "vil", "skal", "kan", "ekstra", "mere", "mindre", "heraf", "hvoraf", "som", "der", "på", "af", "over", "under", "frem", "samlet", "afsat", "afsættes", "varigt", "hvert", "stigende", "faldende", "ud", "med", "til,", "i", "alt"]
)
YEAR_PREPOSITIONS = frozenset(["i", "fra", "siden", "til", "år", "efter", "før", "inden", "og", "frem", "mod", "budget", "finansloven"])


def _is_year_like(raw_num: str, text: str, start: int) -> bool:
    """A bare 4-digit year after a preposition ("fra 2022 mio. kr. 25-pl") is no amount."""
    if not re.fullmatch(r"(?:19|20)\d\d", raw_num):
        return False
    before = text[max(0, start - 30):start].split()
    return bool(before) and before[-1].lower().strip(",.(") in YEAR_PREPOSITIONS


def _bare_scale_ok(text: str, end: int) -> bool:
    rest = text[end:end + 40]
    m = re.match(r"\s*(\S*)", rest)
    nxt = m.group(1) if m else ""
    if not nxt or not nxt[0].isalnum():
        return True
    word = nxt.lower().rstrip(".,;:)")
    return word in BARE_SCALE_FOLLOWERS


def _value(m: re.Match[str], group: str) -> Decimal | None:
    raw = m.group(group)
    return parse_number(squash(raw)) if raw else None


def _qualifier(m: re.Match[str]) -> str | None:
    q = m.group("qual")
    return squash(q).lower() if q else None


def _number_quantity(m: re.Match[str], text: str, measure: str, factor: int, unit: str) -> Quantity | None:
    value = _value(m, "num")
    if value is None:
        return None
    low = _value(m, "between") if m.group("between") else _value(m, "lo")
    start = m.start()
    value_max = None
    if low is not None:
        if low < value:
            value, value_max = low, value
        else:  # "i 2025 til 150 mio. kr." is no range: keep the last number alone
            start = m.start("num")
    if measure == "money":
        value = whole(value * factor)
        value_max = whole(value_max * factor) if value_max is not None else None
    qual = _qualifier(m) if start == m.start() else None
    return Quantity(
        start=start, end=m.end(), raw=text[start:m.end()], measure=measure, value=value,  # type: ignore[arg-type]
        value_max=value_max, qualifier=qual, unit_text=squash(unit),
    )


def find_money(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    for m in MONEY.finditer(text):
        if m.group("pcur"):
            before = text[max(0, m.start() - 12):m.start()]
            if re.search(rf"(?:\d|{SCALE})\s*$", before, re.IGNORECASE):
                continue  # the "kr." of a preceding "mio. kr." and the next number
            value = parse_number(m.group("pnum"))
            if value is None:
                continue
            factor = scale_factor(m.group("pscale")) if m.group("pscale") else 1
            unit = m.group("pcur") + (" " + m.group("pscale") if m.group("pscale") else "")
            out.append(Quantity(
                start=m.start(), end=m.end(), raw=m.group(0), measure="money",
                value=whole(value * factor), unit_text=squash(unit),
            ))
            continue
        unit = m.group("unit")
        if _is_year_like(m.group("num"), text, m.start("num")):
            continue
        if re.fullmatch(SCALE, unit.strip(), re.IGNORECASE) and not _bare_scale_ok(text, m.end()):
            continue
        if re.fullmatch(CURRENCY, unit.strip(), re.IGNORECASE):
            factor = 1
        elif re.fullmatch(THOUSANDS, unit.strip(), re.IGNORECASE):
            factor = 1000
        else:
            factor = scale_factor(re.match(SCALE, unit.strip(), re.IGNORECASE).group(0))  # type: ignore[union-attr]
        q = _number_quantity(m, text, "money", factor, unit)
        if q is not None:
            out.append(q)
    return out


def find_staff(text: str) -> list[Quantity]:
    out = []
    for m in STAFF.finditer(text):
        q = _number_quantity(m, text, "staff", 1, m.group("unit"))
        if q is not None:
            out.append(q)
    return out


def find_percent(text: str) -> list[Quantity]:
    out = []
    for m in PERCENT.finditer(text):
        if _is_year_like(m.group("num"), text, m.start("num")):
            continue
        q = _number_quantity(m, text, "percent", 1, m.group("unit"))
        if q is not None:
            out.append(q)
    return out


def find_mentions(text: str) -> list[Quantity]:
    """Money, staff and percentage mentions in ``text``, sorted, without overlaps (longest wins)."""
    found = find_money(text) + find_staff(text) + find_percent(text)
    found.sort(key=lambda q: (q.start, -(q.end - q.start)))
    out: list[Quantity] = []
    for q in found:
        if out and q.start < out[-1].end:
            continue
        out.append(q)
    return out
