"""Tables a reader saw in a document's layout (PDF, .docx, .html), kept as rows and cells.

The text readers (:mod:`ingest.pdf_layout`, :mod:`ingest.office`) write the raw text with a
:class:`RawText` builder and, for every table they recognise, a :class:`Table` whose spans point into
that raw text: the caption and header lines, and each row's label and cells. The header decides a
value column's period ("2025", "Budget 2025", "B2025", "2025-2028", "Årligt"), the caption or header
its unit ("(1.000 kr.)", "Mio. kr.", "t.kr.", "kr.") and price level ("2024-pl"). A table with no
money unit is kept as rows for the text, but states no money (``Table.money`` is false).

:mod:`ingest.layout_facts` turns the cells of money tables into facts; the text pipeline's own table
heuristics (:mod:`ingest.tables`) then only read text outside these tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.numbers import scale_factor
from ingest.quantities import squash

_YEAR = r"(?:19|20)\d\d"
PERIOD = re.compile(rf"(?<![\d.,])(?:[BRF]|Budget\s|Regnskab\s|Forslag\s|Overslag\s)?({_YEAR})"
                    rf"(?:\s?[-–/]\s?({_YEAR}|\d\d)(?!\d))?(?!\s?-?\s?(?:pl\b|priser))(?![\d.,])", re.IGNORECASE)
PER_YEAR = re.compile(r"\b(?:årligt|pr\.\s?år|per\s+år)\b", re.IGNORECASE)
UNIT = re.compile(r"(?<![\w.])(?:(?:mio|mia|mrd|mill)\.?\s?kr\.?|1\.000\s?kr\.?|t\.\s?kr\.?|tkr\.?|kr\.(?!\w)|kroner\b|DKK\b)",
                  re.IGNORECASE)
PRICE_LEVEL = re.compile(r"\b\d{2,4}\s?-\s?pl\b|\b\d{4}-priser\b|\bløbende\s+priser\b|\bfaste\s+\d{4}-priser\b",
                         re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    """A piece of the raw text: ``raw[start:end] == text``."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Column:
    """A value column: its header as printed and the period it names."""

    header: str
    year: int | None = None
    year_end: int | None = None
    per_year: bool = False


@dataclass(frozen=True)
class Row:
    """A table row: its label (all label lines joined) and one cell per value column (None: empty)."""

    label: str
    start: int  # raw offset of the label's first character (or the first cell's)
    end: int  # raw offset after the row's last cell
    cells: tuple[Span | None, ...]


@dataclass(frozen=True)
class Table:
    """A table as the reader saw it; ``start``/``end`` span caption, header and rows in the raw text."""

    start: int
    end: int
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    unit: str | None = None  # as printed, e.g. "1.000 kr."
    factor: int = 1  # DKK per printed unit
    price_level: str | None = None
    caption: str = ""
    page: int | None = None
    ruled: bool = False
    cell_units: bool = False  # cells carry their own unit ("500.000 kr.")

    @property
    def money(self) -> bool:
        """Whether the table states money (a unit printed over it, or in its cells)."""
        return self.unit is not None or self.cell_units


@dataclass
class Layout:
    """What a layout-aware reader knows beyond the raw text."""

    tables: list[Table] = field(default_factory=list)
    running: list[str] = field(default_factory=list)  # running headers and footers, dropped from the text
    ocr_pages: list[int] = field(default_factory=list)  # pages whose text came from OCR (1-based)
    reader: str = ""  # e.g. "pdfplumber", "python-docx", "lxml"


class RawText:
    """Builds a document's raw text piece by piece and says where each piece landed."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, text: str) -> Span:
        """Append ``text`` (no line breaks inside expected); returns its span."""
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return Span(text, start, self.length)

    def newline(self) -> None:
        """End the current line (nothing when the text is empty or already at a line or page start)."""
        if self.parts and not self.parts[-1].endswith(("\n", "\f")):
            self.add("\n")

    def block(self) -> None:
        """End the current block: a line holding one space, which the repair stage reads as a hard break."""
        if not self.parts or self.parts[-1].endswith("\f"):
            return
        self.newline()
        if not self.parts[-1].endswith(" \n"):
            self.add(" \n")

    def page_break(self) -> None:
        """A form feed: the next text is on the next page."""
        self.parts.append("\f")
        self.length += 1

    def text(self) -> str:
        """Everything added so far."""
        return "".join(self.parts)


def column_period(header: str) -> Column:
    """The period a value column's header names: "Budget 2025" → 2025, "2025-2028" → 2025…2028."""
    text = squash(header)
    if PER_YEAR.search(text):
        return Column(text, per_year=True)
    m = PERIOD.search(text)
    if m is None:
        return Column(text)
    year = int(m.group(1))
    end = m.group(2)
    year_end = None
    if end:
        year_end = int(end) if len(end) == 4 else (year // 100) * 100 + int(end)
        if year_end <= year:
            year_end = None
    return Column(text, year, year_end)


def find_unit(*texts: str) -> tuple[str, int] | None:
    """The first money unit in ``texts`` (header cells first, then caption): ("1.000 kr.", 1000)."""
    for text in texts:
        m = UNIT.search(text)
        if m is None:
            continue
        unit = squash(m.group(0))
        first = unit.split()[0].lower()
        if first.startswith("1.000"):
            return unit, 1000
        if first.startswith(("kr", "dkk")):
            return unit, 1
        return unit, scale_factor(first if not first.startswith(("t.", "tkr")) else "t.kr.")
    return None


def price_level(*texts: str) -> str | None:
    """The first price level in ``texts``: "2024-pl", "2025-priser", "løbende priser"; else None."""
    for text in texts:
        if m := PRICE_LEVEL.search(text):
            return squash(m.group(0)).replace(" ", "")
    return None


def make_table(start: int, end: int, headers: list[str], rows: list[Row], *, caption: str = "",
               context: str = "", page: int | None = None, ruled: bool = False) -> Table:
    """A :class:`Table` from its value columns' headers, rows, caption and nearby text.

    The unit is looked for in the value columns' headers, then the caption, then ``context`` (the
    label column's header, a line under the caption); the price level likewise. A column whose header
    names no period takes the caption's, when the caption names exactly one.
    """
    columns = tuple(column_period(h) for h in headers)
    named = list(PERIOD.finditer(caption))
    if len(named) == 1:  # "Budget 2025 (1.000 kr.)" over a column headed "Beløb": the caption's year
        year = column_period(named[0].group(0))
        columns = tuple(c if c.year is not None or c.per_year else Column(c.header, year.year, year.year_end)
                        for c in columns)
    found = find_unit(*headers, caption, context)
    cell_units = any(c is not None and UNIT.search(c.text) for r in rows for c in r.cells)
    return Table(start, end, columns, tuple(rows), unit=found[0] if found else None,
                 factor=found[1] if found else 1, price_level=price_level(*headers, caption, context),
                 caption=squash(caption), page=page, ruled=ruled, cell_units=cell_units)
