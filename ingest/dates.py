"""Dates and periods in Danish text, normalised to a day (time:Instant) or an interval (time:Interval).

Recognised (the raw text is kept; the resource depends only on the normalised value):

* days: "29. januar 2025", "d. 20.juni 2025", "21-01-2025", "03/06-24", "2024-11-19";
* months: "september 2022"; parts of a month: "primo/medio/ultimo november 2023" (days 1-10,
  11-20, 21-end), "starten/midten/slutningen af marts 2024";
* quarters and halves: "2. kvartal 2024", "Q3 2024", "1. halvår 2025", "første halvår 2025";
* seasons: "i foråret 2021" (March-May), "sommeren" (June-August), "efteråret" (September-
  November), "vinteren 2024/25" (December-February);
* parts of a year: "primo 2024" (January-March), "medio 2024" (April-September), "ultimo 2024"
  (October-December);
* the end of a period: "inden udgangen af 2. kvartal 2024" → the day 30 June 2024;
* year ranges used as periods: "2024-2030", "2018- 2021", "2024-26", "fra 2024 til 2027";
* school years: "skoleåret 2024/25" (1 August 2024 - 31 July 2025).

A single year ("i 2024") is not a date mention: amounts' periods cover years (ingest/periods.py).
The lexicon -- month names, month-part words, quarters, halves, seasons, two-digit years -- is
:mod:`ingest.periods`' own, so the two parsers read the same forms the same way.

:func:`document_dates` finds the dates a document gives itself (a "Dato:" field, a dateline, a
publication date, a meeting's date) and the manifest's date hint: the anchors that resolve
"næste år", "i år" and "sidste år" (:class:`ingest.periods.PeriodContext`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, TIME, XSD

from ingest import period_lexicon as lexicon
from ingest.period_lexicon import MONTH, MONTHS, ORDINAL, PART, PARTS, SEASONS, full_year
from kg.namespace import KG, KGR

Triple = tuple[URIRef, URIRef, URIRef | Literal]
MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}

Y = r"((?:19|20)\d\d)(?!\d|,\d)"
S = r"\s{1,3}"
MONTH_ANY = MONTH[:-1] + r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|okt|nov|dec)\.?"
QUARTER = rf"{lexicon.QUARTER}{S}{Y}"
HALF = rf"{lexicon.HALF}{S}{Y}"
END = r"(?:(inden|senest\s+ved|senest|ved|før|frem\s+til|indtil)\s+)?udgangen\s+af\s+"
B = r"(?<![\w.,/-])"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"{B}((?:19|20)\d\d)-(\d\d)-(\d\d)(?![\d-])")),
    ("numeric", re.compile(rf"{B}(\d{{1,2}})[./-](\d{{1,2}})[./-]((?:19|20)?\d\d)(?![\d./-]\d)(?!\d)")),
    ("end", re.compile(rf"\b{END}(?:{QUARTER}|{HALF}|{MONTH}{S}{Y}|{Y})", re.I)),
    ("day", re.compile(rf"{B}(\d{{1,2}})\.\s{{0,3}}{MONTH_ANY}{S}{Y}", re.I)),
    ("part_month", re.compile(rf"\b{PART}{S}{MONTH}{S}{Y}", re.I)),
    ("month", re.compile(rf"\b{MONTH}{S}{Y}", re.I)),
    ("quarter", re.compile(rf"{B}{QUARTER}", re.I)),
    ("half", re.compile(rf"{B}{HALF}", re.I)),
    ("season", re.compile(rf"\b{lexicon.SEASON}{S}{Y}(?:/((?:19|20)?\d\d))?", re.I)),
    ("school", re.compile(lexicon.SCHOOL_YEAR, re.I)),
    ("part_year", re.compile(rf"\b{PART}{S}{Y}", re.I)),
    ("range", re.compile(rf"{B}{Y}(?:\s*[-–]\s*|\s+til\s+)((?:19|20)?\d\d)(?![\d,.]\d|\d|\s*-?pl\b)", re.I)),
]


def _last(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def label(begin: date, end: date) -> str:
    """A Danish label that depends only on the interval (so equal intervals get equal labels)."""
    if begin == end:
        return f"{begin.day}. {MONTHS[begin.month - 1]} {begin.year}"
    if begin == date(begin.year, 1, 1) and end == date(end.year, 12, 31):
        return str(begin.year) if begin.year == end.year else f"{begin.year}-{end.year}"
    if begin.day == 1 and end == _last(end.year, end.month) and begin.year == end.year:
        first, last = begin.month, end.month
        if first == last:
            return f"{MONTHS[first - 1]} {begin.year}"
        if last - first == 5 and first in (1, 7):
            return f"{1 if first == 1 else 2}. halvår {begin.year}"
        if last - first == 2 and first in (1, 4, 7, 10):
            return f"{(first - 1) // 3 + 1}. kvartal {begin.year}"
        if (first, last) == (4, 9):
            return f"medio {begin.year}"
        for name, (a, b) in SEASONS.items():
            if (first, last) == (a, b):
                return f"{name}et {begin.year}" if name != "sommer" else f"sommeren {begin.year}"
    if begin == date(begin.year, 8, 1) and end == date(begin.year + 1, 7, 31):
        return f"skoleåret {begin.year}/{str(end.year)[2:]}"
    if begin.month == 12 and begin.day == 1 and end == _last(begin.year + 1, 2):
        return f"vinteren {begin.year}/{str(end.year)[2:]}"
    if begin.year == end.year and begin.month == end.month:
        part = {1: "primo", 11: "medio", 21: "ultimo"}.get(begin.day)
        if part and (begin.day != 21 or end == _last(end.year, end.month)):
            return f"{part} {MONTHS[begin.month - 1]} {begin.year}"
    return f"{begin.isoformat()} – {end.isoformat()}"


def date_iri(begin: date, end: date | None = None) -> URIRef:
    if end is None or end == begin:
        return KGR[f"date/{begin.isoformat()}"]
    return KGR[f"date/{begin.isoformat()}--{end.isoformat()}"]


@dataclass
class DateMention:
    """A date or period in a text: ``begin == end`` for a day."""

    start: int
    end: int
    raw: str
    kind: str  # day | month | part_month | quarter | half | season | part_year | end | range
    begin: date
    end_date: date
    qualifier: str | None = None  # "inden" in "inden udgangen af 2. kvartal 2024"

    @property
    def is_instant(self) -> bool:
        return self.begin == self.end_date

    @property
    def label(self) -> str:
        return label(self.begin, self.end_date)

    @property
    def slug(self) -> str:
        return str(self.iri).rsplit("/", 1)[1]

    @property
    def iri(self) -> URIRef:
        return date_iri(self.begin, self.end_date)

    def triples(self, passage: URIRef | None = None) -> Iterator[Triple]:
        yield from _instant(self.begin)
        if not self.is_instant:
            node = self.iri
            yield from _instant(self.end_date)
            yield node, RDF.type, TIME.Interval
            yield node, RDFS.label, Literal(self.label)
            yield node, TIME.hasBeginning, date_iri(self.begin)
            yield node, TIME.hasEnd, date_iri(self.end_date)
        if passage is not None:
            yield passage, KG.mentions, self.iri


def _instant(d: date) -> Iterator[Triple]:
    node = date_iri(d)
    yield node, RDF.type, TIME.Instant
    yield node, RDFS.label, Literal(label(d, d))
    yield node, TIME.inXSDDate, Literal(d.isoformat(), datatype=XSD.date)


_year = full_year


def _month(word: str) -> int:
    w = word.lower().rstrip(".")
    return MONTHS.index(w) + 1 if w in MONTHS else MONTH_ABBR[w[:4] if w.startswith("sept") else w[:3]]


def _quarter(g: tuple[str | None, ...]) -> tuple[date, date]:
    q, word, qq, y = g
    n = ORDINAL[(q or word or qq).lower()]
    year = int(y)
    return date(year, 3 * n - 2, 1), _last(year, 3 * n)


def _half(g: tuple[str | None, ...]) -> tuple[date, date]:
    h, word, y = g
    n = ORDINAL[(h or word).lower()]
    year = int(y)
    return date(year, 1 if n == 1 else 7, 1), _last(year, 6 if n == 1 else 12)


def _part(word: str) -> int:
    return PARTS[word.split()[0].lower()]


def _value(kind: str, g: tuple[str | None, ...]) -> tuple[date, date] | None:
    if kind == "iso":
        d = date(int(g[0]), int(g[1]), int(g[2]))
        return d, d
    if kind == "numeric":
        d = date(_year(g[2]), int(g[1]), int(g[0]))
        return d, d
    if kind == "day":
        d = date(int(g[2]), _month(g[1]), int(g[0]))
        return d, d
    if kind == "month":
        m, y = _month(g[0]), int(g[1])
        return date(y, m, 1), _last(y, m)
    if kind == "part_month":
        p, m, y = _part(g[0]), _month(g[1]), int(g[2])
        return date(y, m, 1 + 10 * p), _last(y, m) if p == 2 else date(y, m, 10 + 10 * p)
    if kind == "quarter":
        return _quarter(g)
    if kind == "half":
        return _half(g)
    if kind == "season":
        a, b = SEASONS[g[0].lower()]
        y = int(g[1])
        if a > b:
            if not g[2] or _year(g[2], y) != y + 1:
                return None
            return date(y, 12, 1), _last(y + 1, 2)
        return date(y, a, 1), _last(y, b)
    if kind == "part_year":
        y, p = int(g[1]), _part(g[0])
        return [(date(y, 1, 1), date(y, 3, 31)), (date(y, 4, 1), date(y, 9, 30)), (date(y, 10, 1), date(y, 12, 31))][p]
    if kind == "school":
        a = int(g[0])
        if _year(g[1], a) != a + 1:
            return None
        return date(a, 8, 1), date(a + 1, 7, 31)
    if kind == "range":
        a = int(g[0])
        b = _year(g[1], a)
        if not a < b <= a + 50:
            return None
        return date(a, 1, 1), date(b, 12, 31)
    if kind == "end":
        inner = _value("quarter", g[1:5]) if g[4] else _value("half", g[5:8]) if g[7] else \
            _value("month", g[8:10]) if g[9] else (date(int(g[10]), 1, 1), date(int(g[10]), 12, 31))
        return (inner[1], inner[1]) if inner else None
    return None


def extract_dates(text: str) -> list[DateMention]:
    """Dates and periods in ``text``, sorted, not overlapping (the first pattern in :data:`PATTERNS` wins)."""
    found: list[DateMention] = []
    invalid: list[tuple[int, int]] = []  # "31. februar 2024" is no date, and "februar 2024" in it neither
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            if any(d.start < m.end() and m.start() < d.end for d in found) or \
                    any(s < m.end() and m.start() < e for s, e in invalid):
                continue
            try:
                value = _value(kind, m.groups())
            except (ValueError, KeyError):
                invalid.append(m.span())
                continue
            if value is None:
                continue
            out_kind = "day" if kind in ("iso", "numeric") else kind
            qualifier = re.sub(r"\s+", " ", m.group(1)).lower() if kind == "end" and m.group(1) else None
            found.append(DateMention(m.start(), m.end(), m.group(0), out_kind, value[0], value[1], qualifier))
    return sorted(found, key=lambda d: d.start)
