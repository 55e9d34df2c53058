"""Periods of Danish amounts: "i 2024", "årligt fra 2025 og frem", "2024-2030", "i perioden
2024-2027", "i 2025 og 2026", "varigt", "årligt herefter", "frem mod 2030", "med Budget 2021".

:func:`find_periods` finds the period expressions in a stretch of text; :func:`assign_periods`
gives each quantity of one sentence the period that belongs to it:

* an expression right after an amount, before any clause break (",", "og", "men", "(" …), is that
  amount's ("48,75 mio. kr. i 2024 og 65,0 mio. kr. årligt fra 2025 og frem" → 2024; 2025 and on);
* an expression after a clause break belongs to the next amount ("I 2025 og frem er 5 mio. kr.");
* "herefter" continues from the year before it ("i 2026 og 200 mio. kr. årligt herefter" → 2027-);
* coordinated amounts share a period that follows both ("40 pct. og 30 pct. frem mod 2030"), as
  do the parts of a sum ("12+4 mio. kr. i 2026", "300.000 kr. + 150.000 kr. i 2027");
* an amount with no period of its own takes the year (only the year) of an earlier period in its
  sentence ("Af de afsatte 51,2 mio. kr. i 2024 skal 20 mio. kr. benyttes" → 2024).

"i 2025 og 2026" is read as the closed period 2025-2026 and is not taken to be per year unless
"årligt" says so; "fra 2025" without an end is open-ended. An open-ended amount ("20,0 mio. kr.
fra 2024 og frem") recurs every year, so it is also per year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.quantities import Quantity

Y = r"(?<![\d.,/-])((?:19|20)\d\d)(?![\d]|,\d)"
Y2 = r"((?:19|20)\d\d)(?![\d]|,\d)"  # the second year of a range, after "-"
_SEP = r"\s*[-–]\s*"
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("closed", re.compile(rf"\b(?:i\s+|fra\s+)?(?:perioden|årene)\s+(?:fra\s+)?{Y}(?:{_SEP}|\s+til\s+){Y2}", re.IGNORECASE)),
    ("open", re.compile(rf"\b(?:(?:fra|i|med)\s+)?(?:og\s+med\s+)?{Y}\s+og\s+(?:årligt\s+)?(?:frem(?:efter|over)?|fremad)\b", re.IGNORECASE)),
    ("closed", re.compile(rf"\b(?:fra\s+)?{Y}(?:{_SEP}|\s+til\s+){Y2}", re.IGNORECASE)),
    ("budget", re.compile(rf"\b(?:budget(?:tet)?|finansloven|finanslov|FL)(?:\s+for)?\s+{Y}(?:\s+og\s+{Y})?", re.IGNORECASE)),
    ("closed", re.compile(rf"\b(?:i|fra)\s+{Y}\s+og\s+{Y}", re.IGNORECASE)),
    ("target", re.compile(rf"\b(?:frem\s+(?:mod|til)|senest\s+i|inden)\s+{Y}", re.IGNORECASE)),
    ("from", re.compile(rf"\bfra\s+{Y}", re.IGNORECASE)),
    ("year", re.compile(rf"\b(?:i|for|allerede\s+i)\s+{Y}", re.IGNORECASE)),
    ("year", re.compile(rf"\btil\s+{Y}(?!\s*[-–])", re.IGNORECASE)),  # "fordelt med -4,2 mio. kr. til 2026"
    ("herefter", re.compile(r"\b(?:årligt\s+)?(?:herefter|derefter)\b", re.IGNORECASE)),
    ("the_period", re.compile(r"\b(?:i|over|for)\s+(?:hele\s+)?(?:perioden|årene)\b(?!\s+(?:fra\s+)?\d)", re.IGNORECASE)),
    ("lasting", re.compile(r"\b(?:varig[te]|permanent(?:e|t)?)\b(?!\s+[a-zæøå]*(?:finansiering|midler))", re.IGNORECASE)),
]
PER_YEAR = re.compile(r"\b(?:årligt|om\s+året|pr\.\s*år|per\s+år|hvert\s+år|årlige)\b", re.IGNORECASE)
# "og" after a hyphenated first part ("børne- og ungdomspsykiatrien") joins a compound, not clauses
CLAUSE_BREAK = re.compile(r"[,;:()•]|\s[-–]\s|(?<!-\s)\bog\b|\b(?:men|samt|hvoraf|heraf|hvor|mens)\b", re.IGNORECASE)
COORDINATION = re.compile(r"\s*(?:,|og|eller|samt|\+|=)?\s*", re.IGNORECASE)  # "+", "=": "10 + 2 = 12 mio. kr."


@dataclass(slots=True)
class PeriodMention:
    """One period expression: a year, a closed or open period, or a marker without a year."""

    start: int
    end: int
    kind: str  # year | closed | open | from | budget | target | herefter | the_period | lasting | per_year
    year: int | None = None
    year_end: int | None = None
    per_year: bool = False  # "i 2025 og årligt frem"

    @property
    def temporal(self) -> bool:
        return self.kind != "per_year"


def find_periods(text: str, start: int = 0, end: int | None = None) -> list[PeriodMention]:
    """Period expressions in ``text[start:end]``, sorted and not overlapping (earlier patterns win)."""
    end = len(text) if end is None else end
    taken: list[PeriodMention] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text, start, end):
            if any(p.start < m.end() and m.start() < p.end for p in taken):
                continue
            years = [int(g) for g in m.groups() if g]
            year = years[0] if years else None
            year_end = years[1] if len(years) > 1 else None
            if kind == "closed" and (year_end is None or year is None or year_end <= year):
                continue
            per_year = PER_YEAR.search(m.group(0)) is not None
            taken.append(PeriodMention(m.start(), m.end(), kind, year, year_end, per_year))
    for m in PER_YEAR.finditer(text, start, end):
        if not any(p.start <= m.start() < p.end for p in taken):
            taken.append(PeriodMention(m.start(), m.end(), "per_year"))
    taken.sort(key=lambda p: (p.start, p.end))
    return taken


def _has_break(text: str, start: int, end: int) -> bool:
    return CLAUSE_BREAK.search(text, start, end) is not None


def _apply(q: Quantity, p: PeriodMention, previous_year: int | None,
           years: tuple[int, int] | None = None, apart: bool = False) -> None:
    """Give ``q`` the period ``p``; ``years`` are the first and last year named earlier in the
    sentence, ``apart`` says a clause break lies between ``p`` and ``q``."""
    if p.kind == "per_year":
        q.per_year = True
        return
    if p.kind == "lasting":
        q.open_ended = True
        q.per_year = True
        return
    if p.kind == "herefter":
        q.open_ended = True
        q.per_year = True
        q.year = previous_year + 1 if previous_year is not None else None
        return
    if p.kind == "the_period":  # "i alt 1,5 mia. kr. i perioden": the years named before
        if years is not None and years[1] > years[0]:
            q.year, q.year_end = years
        return
    q.year = p.year
    q.per_year = q.per_year or p.per_year
    if p.kind == "from" and not apart:  # "som fra 2022 øges til 25 mio. kr."; not "Data fra 2023 viser, at"
        q.open_ended = True
        q.per_year = True
    if p.kind in ("closed", "budget"):
        q.year_end = p.year_end
    if p.kind == "open":  # "20 mio. kr. fra 2024 og frem" recurs every year
        q.open_ended = True
        q.per_year = True


def assign_periods(text: str, quantities: list[Quantity], sent_start: int, sent_end: int) -> None:
    """Set year, year_end, open_ended and per_year of the (prose) ``quantities`` of one sentence."""
    qs = sorted(quantities, key=lambda q: q.start)
    if not qs:
        return
    own: list[list[PeriodMention]] = [[] for _ in qs]
    bounds = [sent_start] + [q.end for q in qs]
    for i in range(len(qs) + 1):
        seg_start = bounds[i]
        seg_end = qs[i].start if i < len(qs) else sent_end
        for p in find_periods(text, seg_start, seg_end):
            if i > 0 and not _has_break(text, seg_start, p.start):
                own[i - 1].append(p)  # right after the previous amount
            elif i < len(qs):
                own[i].append(p)  # before this amount, after a clause break
    last_year: int | None = None  # the latest year named before the current amount
    named: list[int] = []  # every year named so far in the sentence
    for i, q in enumerate(qs):
        temporal = [p for p in own[i] if p.temporal]
        before = [p for p in temporal if p.end <= q.start]
        after = [p for p in temporal if p.start >= q.end]
        span = (min(named), max(named)) if named else None
        for p in (after[:1] or before[-1:]):
            apart = p.end <= q.start and _has_break(text, p.end, q.start)
            _apply(q, p, last_year, span, apart)
        for p in own[i]:
            if not p.temporal:
                _apply(q, p, last_year, span)
        lasting = any(p.kind in ("the_period", "lasting") for p in temporal)
        if q.year is None and not q.open_ended and not lasting and last_year is not None:
            q.year = last_year  # inherited: the year only
        for p in temporal:
            if p.year is not None:
                last_year = p.year_end or p.year
                named.extend(y for y in (p.year, p.year_end) if y is not None)
        if q.year is not None:
            last_year = q.year_end or q.year
    _share_coordinated(text, qs, own)


def _share_coordinated(text: str, qs: list[Quantity], own: list[list[PeriodMention]]) -> None:
    """"40 pct. og 30 pct. frem mod 2030": an amount with no period takes the next one's."""
    for i in range(len(qs) - 2, -1, -1):
        q, nxt = qs[i], qs[i + 1]
        if any(p.temporal for p in own[i]) or q.open_ended:
            continue
        if COORDINATION.fullmatch(text[q.end:nxt.start]) and (nxt.year or nxt.year_end or nxt.open_ended):
            q.year, q.year_end = nxt.year, nxt.year_end
            q.open_ended, q.per_year = nxt.open_ended, nxt.per_year or q.per_year
