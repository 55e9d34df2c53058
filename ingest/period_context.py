"""The period context of a document: its own dates and the periods its title and headings name.

:func:`build_context` reads them once per document; :mod:`ingest.periods` resolves relative years
("næste år") against the document's date and gives year-less amounts under a heading such as
"Handleplan 2019-2022" or "Budget 2026" that heading's period (``kg:yearBasis`` fromHeading).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from ingest.document_dates import document_date, document_dates
from ingest.period_lexicon import BUDGET_WORDS, SEP, Y, Y2_SHORT, full_year

@dataclass
class HeadingPeriod:
    """A period named in a title or heading ("Budget 2026") and the stretch of text it governs."""

    start: int
    end: int
    year: int
    year_end: int | None
    document: str | None
    text: str


@dataclass
class PeriodContext:
    """What the text around a sentence says about time: the document's date(s) and heading periods.

    ``dates`` are (offset, year) anchors sorted by offset: a relative year is resolved with the last
    anchor before it (a meeting's date governs its minutes), or the first one when none precedes.
    """

    dates: list[tuple[int, int]] = field(default_factory=list)
    headings: list[HeadingPeriod] = field(default_factory=list)
    own_date: object | None = None  # the document's own ingest.dates.DocumentDate (kg:documentDate), if any

    def year_at(self, offset: int) -> int | None:
        if not self.dates:
            return None
        i = bisect_right([o for o, _ in self.dates], offset) - 1
        return self.dates[max(i, 0)][1]

    def heading_at(self, offset: int) -> HeadingPeriod | None:
        inside = [h for h in self.headings if h.start <= offset < h.end]
        return max(inside, key=lambda h: h.start) if inside else None


HEADING_NOUN = (r"[\wæøåÆØÅ-]*(?:plan|planen|strategi|strategien|aftale|aftalen|budget|budgettet|budgetforslag|"
                r"program|programmet|pulje|puljen|finanslov|finansloven|finanslovsforslag|regnskab|handleplan|"
                r"indsatsplan|budgetperiode|økonomiaftale)")
HEADING_PERIOD = re.compile(
    rf"(?<![\wæøå])({HEADING_NOUN})(?:\s+for)?\s+{Y}(?:(?:{SEP}|\s+til\s+){Y2_SHORT})?(?![\wæøå])(?!\s*[-–]?\s*pl\b)",
    re.IGNORECASE)
HEADING_DATED = re.compile(  # "Budgetopfølgning pr. 31-03-2025": the budget year of a follow-up
    r"(?<![\wæøå])((?:budget)?(?:opfølgning|revision|regnskab)[a-zæøå]*|forventet\s+regnskab)\s+(?:pr\.\s*|per\s+)?"
    r"\d{1,2}[./-]\d{1,2}[./-]((?:19|20)\d\d)(?!\d)", re.IGNORECASE)
MAX_HEADING_WORDS = 14


def heading_period(line: str) -> tuple[int, int | None, str | None] | None:
    """(year, year_end, budget document) of a title or heading line that names a plan's or budget's period."""
    line = re.sub(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+", "", line)  # "2.1 Budget 2026"
    words = line.split()
    if not words or len(words) > MAX_HEADING_WORDS or line.rstrip().endswith((".", ",", ";", "!", "?")):
        return None
    if not line.lstrip()[:1].isupper():
        return None
    m = HEADING_PERIOD.search(line)
    if m is None:
        dated = HEADING_DATED.search(line)
        if dated is None or re.search(r"\d", line[:dated.start()] + line[dated.end():]):
            return None
        return int(dated.group(2)), None, "accounts" if "regnskab" in dated.group(1).lower() else "budget"
    if re.search(r"\d", re.sub(rf"{Y}(?:{SEP}{Y2_SHORT})?", "", line[:m.start()] + line[m.end():])):
        return None  # a table row or a sentence with figures, not a heading
    year = int(m.group(2))
    year_end = full_year(m.group(3), year) if m.group(3) else None
    if year_end is not None and not year < year_end <= year + 50:
        return None
    noun = m.group(1).lower()
    document = next((d for w, d in BUDGET_WORDS if re.fullmatch(w, noun, re.IGNORECASE)), None)
    return year, year_end, document


def build_context(text: str, sections=None, titles: Iterable[str | None] = (), date_hint: str | None = None) -> PeriodContext:
    """The :class:`PeriodContext` of a document: its dates (:func:`ingest.dates.document_dates`, with the
    manifest's ``date_hint``) and the periods of its title (the first of ``titles`` -- e.g. the
    manifest's title and the source's first line -- or of the text's first line that names one; it
    governs the whole document) and of its headings (the heading line of each of ``sections``, and
    any short line naming a period; each governs the text up to the next heading)."""
    found_dates = document_dates(text, date_hint)
    ctx = PeriodContext(dates=[(d.offset, d.year) for d in found_dates], own_date=document_date(found_dates))
    lines = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+", text)]
    first = next(((s, ln) for s, ln in lines if ln.strip()), None)
    candidates = [t for t in titles if t] + ([first[1]] if first else [])
    for title in candidates:
        found = heading_period(title)
        if found is not None:
            ctx.headings.append(HeadingPeriod(0, len(text), *found, title))
            break
    starts = sorted({sec.start for sec in sections or ()} | {s for s, ln in lines if heading_period(ln)})
    for i, s in enumerate(starts):
        line = text[s:text.find("\n", s) if "\n" in text[s:] else len(text)]
        hp = heading_period(line)
        if hp is None or (first is not None and s == first[0]):
            continue
        end = next((t for t in starts[i + 1:] if t > s), len(text))
        ctx.headings.append(HeadingPeriod(s, end, *hp, line))
    return ctx
