"""Reconciliation of budget tables: do the parts sum to the stated total, year by year?

Rows of one table (consecutive table rows, also across a page break) are read in order:

* a **group row** (an unnumbered total row followed by numbered rows: "Forebyggelse af selvmord
  55,8 …" over "1. …" and "2. …") is checked against its numbered rows;
* a **closing total** ("Udgifter i alt", "Total (FL24)", "I alt for begge aftaler", "Samlet
  estimat") is checked against the top-level rows (group rows stand for their members) since
  the previous closing total; if those do not add up, against all top-level rows of the table
  (a grand total over sub-tables), then against the rows from the top of the table down to some
  row (a subtotal of the first rows, "Tidligere total"). The first that adds up in every year is
  the result; when none does, the first candidate is reported as a mismatch.

A sum written in prose ("10 + 2 = 12 mio. kr.") is checked the same way against its parts
(:func:`written_sums`).

Each result is per year: stated, computed (parts; an empty cell counts 0), difference and a
status — ``balanced`` (equal), ``rounding`` (within half a unit of the printed precision per
part, e.g. 0,05 mio. kr. per part for one decimal) or ``mismatch``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from ingest.quantities import Quantity
from ingest.tables import cell_value
from kg.namespace import KG

CLOSING = re.compile(r"\b(?:i\s+alt|total|samlet|samlede)\b", re.I)
NUMBERED = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+\S")
TABLE_GAP = 2000
STATUS = {"balanced": KG.Balanced, "rounding": KG.RoundingDifference, "mismatch": KG.Mismatch}


@dataclass
class _Row:
    label: str
    start: int
    end: int
    kind: str
    cells: dict[int | None, tuple[int, Decimal, Decimal]] = field(default_factory=dict)  # year → (q index, value, unit)

    @property
    def closing(self) -> bool:
        return self.kind == "total" and CLOSING.search(self.label) is not None

    @property
    def numbered(self) -> bool:
        return NUMBERED.match(self.label) is not None


@dataclass
class Reconciliation:
    total: int  # index of the total's quantity
    parts: list[int]  # indexes of the parts' quantities in that year
    label: str
    year: int | None
    stated: Decimal
    computed: Decimal
    difference: Decimal
    status: str  # balanced | rounding | mismatch

    def triples(self, node: URIRef, doc: URIRef, fact_iri) -> Iterator[tuple]:
        yield node, RDF.type, KG.Reconciliation
        period = f" {self.year}" if self.year is not None else ""
        yield node, RDFS.label, Literal(f"{self.label}{period}: {self.status}")
        yield node, KG.inDocument, doc
        yield node, KG.reconciles, fact_iri(self.total)
        for p in self.parts:
            yield node, KG.summand, fact_iri(p)
        if self.year is not None:
            yield node, KG.year, Literal(self.year, datatype=XSD.integer)
        yield node, KG.statedTotal, Literal(self.stated, datatype=XSD.decimal)
        yield node, KG.computedTotal, Literal(self.computed, datatype=XSD.decimal)
        yield node, KG.difference, Literal(self.difference, datatype=XSD.decimal)
        yield node, KG.reconciliationStatus, STATUS[self.status]


def _unit(q: Quantity) -> Decimal:
    """Half the printed precision of a cell in DKK: "55,8" under "Mio. kr." → 50.000 (also for "-55,8")."""
    digits = cell_value(q.raw)
    if not digits:
        return Decimal(0)
    decimals = len(q.raw.split(",", 1)[1]) if "," in q.raw else 0
    return abs(q.value / digits) * Decimal(10) ** -decimals / 2


def _rows(quantities: Sequence[Quantity]) -> list[list[_Row]]:
    """Table rows in order, split into tables."""
    tables: list[list[_Row]] = []
    by_key: dict[tuple[int, str], _Row] = {}
    for i, q in enumerate(quantities):
        if not (q.from_table and q.measure == "money" and q.row_label):
            continue
        key = (q.sentence_start, q.row_label)
        row = by_key.get(key)
        if row is None:
            row = by_key[key] = _Row(q.row_label, q.sentence_start, q.sentence_end, q.kind)
            if not tables or row.start - tables[-1][-1].end > TABLE_GAP:
                tables.append([])
            tables[-1].append(row)
        row.cells[q.year] = (i, q.value, _unit(q))
    return tables


def _check(total: _Row, parts: list[_Row]) -> list[Reconciliation]:
    out = []
    for year, (ti, stated, unit) in total.cells.items():
        cells = [p.cells[year] for p in parts if year in p.cells]
        computed = sum((c[1] for c in cells), Decimal(0))
        diff = stated - computed
        tolerance = sum((c[2] for c in cells), unit)
        status = "balanced" if diff == 0 else "rounding" if abs(diff) <= tolerance else "mismatch"
        out.append(Reconciliation(ti, [c[0] for c in cells], total.label, year, stated, computed, diff, status))
    return out


def _adds_up(results: list[Reconciliation]) -> bool:
    return bool(results) and all(r.status != "mismatch" and r.parts for r in results)


def reconcile(quantities: Sequence[Quantity]) -> list[Reconciliation]:
    """Reconciliation results for every group row and closing total of the budget tables."""
    out: list[Reconciliation] = []
    for rows in _rows(quantities):
        top: list[_Row] = []  # top-level rows so far (groups stand for their members)
        since_total: list[_Row] = []
        group: _Row | None = None
        members: list[_Row] = []

        def close_group() -> None:
            if group is not None and members:
                out.extend(_check(group, members))

        for row in rows:
            if row.closing:
                close_group()
                group, members = None, []
                candidates = [since_total, top] + [top[:n] for n in range(len(top) - 1, 0, -1)]
                candidates = [c for c in candidates if c]
                results = next((r for r in (_check(row, c) for c in candidates) if _adds_up(r)), None)
                if results is None and candidates:
                    results = _check(row, candidates[0])
                out.extend(results or [])
                since_total = []
                continue
            if group is not None and row.numbered:
                members.append(row)
                continue
            close_group()
            group, members = (row, []) if row.kind == "total" and not row.numbered else (None, [])
            top.append(row)
            since_total.append(row)
        close_group()
    return out


def written_sums(quantities: Sequence[Quantity]) -> list[Reconciliation]:
    """Sums the text writes out ("10 + 2 = 12 mio. kr."): the stated total against its parts."""
    index = {id(q): i for i, q in enumerate(quantities)}
    out = []
    for i, q in enumerate(quantities):
        parts = [index[id(p)] for p in q.sum_of if id(p) in index]
        if not parts:
            continue
        computed = sum((quantities[p].value for p in parts), Decimal(0))
        diff = q.value - computed
        out.append(Reconciliation(i, parts, q.raw, q.year, q.value, computed, diff,
                                  "balanced" if diff == 0 else "mismatch"))
    return out
