"""The dates a document gives itself — a "Dato:" or "Publiceret" field, a dateline, a meeting date, or the
manifest's date hint — so relative years ("næste år") in it resolve against its own date (kg:documentDate).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rdflib import Literal
from rdflib.namespace import XSD

from ingest.dates import extract_dates

FIELD_BEFORE = re.compile(
    r"(?:\b(?:dato|mødedato|udgivet|publiceret|offentliggjort|senest\s+opdateret|opdateret|udsendt)\b\s*:?\s*)$",
    re.IGNORECASE)
MEETING_BEFORE = re.compile(r"\b(?:møde[ts]?|mødet\s+i\b[^\n.]{0,80}?|beslutning)\s+(?:den\s+|d\.\s*)?$", re.IGNORECASE)
DATELINE_BEFORE = re.compile(r"^[ \t]*(?:[A-ZÆØÅ][\wæøå.-]*(?:\s+[A-ZÆØÅ][\wæøå.-]*){0,2}\s*,\s*)?(?:den\s+)?$")
HINT = re.compile(r"^\s*((?:19|20)\d\d)(?:-(\d\d)(?:-(\d\d))?)?\s*$")
DATELINE_CHARS = 200  # a dateline stands in the first lines of a document


@dataclass(frozen=True)
class DocumentDate:
    """A date a document gives itself, where it stands, how it was found and how precise it is."""

    offset: int
    date: date
    how: str  # field ("Dato:", "Publiceret"), dateline, meeting ("mødet den …"), hint (the manifest's date_hint)
    precision: str = "day"  # day | month | year

    @property
    def year(self) -> int:
        return self.date.year

    def literal(self) -> Literal:
        """The date as xsd:date, xsd:gYearMonth or xsd:gYear, as precise as it is known."""
        if self.precision == "year":
            return Literal(f"{self.date.year:04d}", datatype=XSD.gYear)
        if self.precision == "month":
            return Literal(f"{self.date.year:04d}-{self.date.month:02d}", datatype=XSD.gYearMonth)
        return Literal(self.date.isoformat(), datatype=XSD.date)


def _hint(date_hint: str | None) -> DocumentDate | None:
    m = HINT.match(date_hint or "")
    if m is None:
        return None  # "2024-2025" and other ranges name no one date
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        value = date(year, int(month or 1), int(day or 1))
    except ValueError:
        return None
    return DocumentDate(0, value, "hint", "day" if day else "month" if month else "year")


def document_dates(text: str, date_hint: str | None = None) -> list[DocumentDate]:
    """The dates ``text`` gives itself, sorted by offset: "Dato: 14. marts 2023" and "Publiceret …"
    fields, a dateline in the first lines ("Aalborg, 3. november 2020"), meeting dates ("mødet i
    Hospitalsudvalget den 11. juni 2019", "Forretningsudvalgets beslutning den 17. juni 2025"); and
    the manifest's ``date_hint`` ("2023-05", "2024-11-19", "2025") at offset 0 when it names one date.

    A meeting date governs the text after it (minutes of several meetings); a relative year before
    every anchor takes the first one (:meth:`ingest.periods.PeriodContext.year_at`).
    """
    found: list[DocumentDate] = []
    hint = _hint(date_hint)
    if hint is not None:
        found.append(hint)
    for d in extract_dates(text):
        if not d.is_instant:
            continue
        line_start = text.rfind("\n", 0, d.start) + 1
        before = text[max(line_start, d.start - 120):d.start]
        blank = text.rfind("\n\n", 0, d.start)
        paragraph = text[max(blank + 2 if blank >= 0 else 0, d.start - 120):d.start].replace("\n", " ")
        if FIELD_BEFORE.search(paragraph):
            how = "field"
        elif MEETING_BEFORE.search(paragraph):
            how = "meeting"
        elif d.start < DATELINE_CHARS and DATELINE_BEFORE.match(before) and not text[:line_start].strip(" \n\t.:"):
            how = "dateline"
        else:
            continue
        found.append(DocumentDate(d.start, d.begin, how))
    return sorted(found, key=lambda x: x.offset)


def document_date(text: str | list[DocumentDate], date_hint: str | None = None) -> DocumentDate | None:
    """The document's own date: a field or dateline (or a meeting date) near its start, else the hint.

    ``text`` may be the list :func:`document_dates` already returned for the document."""
    dates = text if isinstance(text, list) else document_dates(text, date_hint)
    own = [d for d in dates if d.how != "hint" and (d.how != "meeting" or d.offset < 1000)]
    return own[0] if own else next((d for d in dates if d.how == "hint"), None)
