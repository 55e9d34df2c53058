"""Facts from what a layout-aware reader saw: table cells as money, OCR marks and running headers.

A money table (:class:`ingest.doc_tables.Table` with a unit) states one amount per filled cell: the
value in whole DKK (cell × the unit's factor), the period of the cell's column, the row's label and
the row's kind. Kinds follow the rules of :mod:`ingest.tables`: "i alt"/"total"/"samlet" rows and
group rows (an unnumbered row over numbered ones) are totals, rows that state a frame or what is
left of it are "other", rows of a cost table ("udgift", "estimat") are "other", the rest allocations.

Inside such a table these cells are the facts: the text heuristics' quantities that overlap the
table's span are dropped (the caption's "(1.000 kr.)" is a unit, not an amount). Outside them
nothing changes.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from decimal import Decimal

from rdflib import Literal
from rdflib.namespace import XSD

from ingest.doc_tables import UNIT, Table, find_unit
from ingest.model import DocumentGraph, passage_iri
from ingest.numbers import parse_digits, whole
from ingest.quantities import Quantity, squash
from ingest.tables import (
    AT_LEAST_CELL,
    COST_TABLE,
    EMPTY_CELLS,
    FRAME_LABEL,
    ROW_NUMBER,
    TOTAL_LABEL,
)
from kg.namespace import KG

TRUE = Literal(True, datatype=XSD.boolean)


def cell_value(text: str) -> tuple[Decimal, str | None] | None:
    """A money cell's number and qualifier: "1.250" → 1250, "−300" → -300, "20,8+Y" → (20.8, "mindst").

    A unit printed in the cell ("500.000 kr.") is not part of the number (see :func:`cell_unit`).
    """
    t = UNIT.sub("", text).strip().replace("−", "-").replace("–", "-")
    if t in EMPTY_CELLS:
        return None
    negative = t.startswith("-") and len(t) > 1
    value = parse_digits(t[1:] if negative else t)
    if value is not None:
        return (-value if negative else value), None
    m = AT_LEAST_CELL.fullmatch(t)
    if m and (value := parse_digits(m.group(1))) is not None:
        return value, "mindst"
    return None


def cell_unit(text: str, table: Table) -> tuple[str, int] | None:
    """The unit of a cell: its own ("500.000 kr.", "2,5 mio. kr."), else the table's; None when neither has one."""
    own = find_unit(text)
    if own is not None:
        return own
    return (table.unit, table.factor) if table.unit is not None else None


def row_kind(label: str, numbered: bool, next_numbered: bool, cost: bool) -> str:
    """The kind of a table row's amounts (see the module docstring)."""
    if FRAME_LABEL.search(label) and not TOTAL_LABEL.search(label):
        return "other"
    if TOTAL_LABEL.search(label):
        return "total"
    if not numbered and next_numbered:
        return "total"
    return "other" if cost else "allocated"


class _Offsets:
    """Raw offsets → offsets in the repaired text (the repair stage's map, inverted)."""

    def __init__(self, offsets) -> None:
        self.offsets = offsets

    def __call__(self, raw: int) -> int:
        return bisect_left(self.offsets, raw, 0, len(self.offsets) - 1)


def table_quantities(table: Table, text: str, to_text: _Offsets) -> list[Quantity]:
    """The money in one table's cells, with offsets into the repaired ``text``."""
    if not table.money:
        return []
    cost = COST_TABLE.search(" ".join([table.caption, *(c.header for c in table.columns)])) is not None
    filled = [r for r in table.rows if any(c is not None for c in r.cells)]  # headings without figures aside
    numbered = [ROW_NUMBER.match(r.label) is not None for r in filled]
    out: list[Quantity] = []
    for i, row in enumerate(filled):
        kind = row_kind(row.label, numbered[i], i + 1 < len(numbered) and numbered[i + 1], cost)
        s, e = to_text(row.start), to_text(row.end)
        for column, cell in zip(table.columns, row.cells):
            parsed = cell_value(cell.text) if cell is not None else None
            unit = cell_unit(cell.text, table) if cell is not None else None
            if cell is None or parsed is None or unit is None:
                continue
            value, qualifier = parsed
            out.append(Quantity(
                start=to_text(cell.start), end=to_text(cell.end), raw=cell.text, measure="money",
                value=whole(value * unit[1]), qualifier=qualifier, unit_text=unit[0],
                year=column.year, year_end=column.year_end, per_year=column.per_year, kind=kind,  # type: ignore[arg-type]
                year_basis="fromTable" if column.year is not None else None,  # the column header's year
                price_level=table.price_level, row_label=row.label or None, from_table=True,
                sentence_start=s, sentence_end=e, quote=squash(text[s:e])))
    return out


def with_layout_tables(found: list[Quantity], doc: DocumentGraph) -> list[Quantity]:
    """``found`` (from the text) with the quantities inside the layout's money tables replaced by their cells."""
    layout = doc.source.layout
    tables = [t for t in (layout.tables if layout else []) if t.money]
    if not tables:
        return found
    to_text = _Offsets(doc.repaired.offsets)
    text = doc.repaired.text
    spans = [(to_text(t.start), to_text(t.end)) for t in tables]
    kept = [q for q in found if not any(s < q.end and q.start < e for s, e in spans)]
    for table in tables:
        kept.extend(table_quantities(table, text, to_text))
    kept.sort(key=lambda q: (q.start, q.end))
    return kept


def layout_triples(doc: DocumentGraph) -> Iterator[tuple]:
    """The document's running headers and OCR'd pages, and its passages on OCR'd pages marked so.

    (Figures on OCR'd pages are marked where they are made, in :func:`ingest.facts.fact_triples`.)
    """
    layout = doc.source.layout
    if layout is None:
        return
    for line in layout.running:
        yield doc.iri, KG.runningHeader, Literal(line)
    if not layout.ocr_pages:
        return
    ocr = set(layout.ocr_pages)
    yield doc.iri, KG.ocrDerived, TRUE
    for page in sorted(ocr):
        yield doc.iri, KG.ocrPage, Literal(page, datatype=XSD.integer)
    page_at = doc.repaired.page_at
    for sec in doc.sections:
        for p in sec.passages:
            if page_at(p.start) in ocr or page_at(max(p.end - 1, p.start)) in ocr:
                yield passage_iri(doc.doc_id, p.order), KG.ocrDerived, TRUE


def ocr_pages(doc: DocumentGraph) -> frozenset[int]:
    """The pages of ``doc`` read by OCR (empty for a document with a text layer everywhere)."""
    layout = doc.source.layout
    return frozenset(layout.ocr_pages) if layout is not None else frozenset()
