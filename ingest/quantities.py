"""Quantities found in a text — money, staff figures (årsværk) and percentages — as domain objects.

A :class:`Quantity` is a small value that knows its own RDF triples (``Quantity.triples``).
:func:`ingest.nlp.extract_quantities` runs the Danish pipeline over a text and returns
every quantity found in prose and in budget tables, sorted by position.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal as Lit

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from kg.namespace import KG, SCHEMA

Measure = Lit["money", "staff", "percent"]
Kind = Lit["allocated", "share", "used", "total", "other"]

MEASURES: tuple[str, ...] = ("money", "staff", "percent")
KINDS: tuple[str, ...] = ("allocated", "share", "used", "total", "other")

_CLASS = {"money": KG.MoneyAmount, "staff": KG.StaffFigure, "percent": KG.PercentFigure}
# Why a figure is uncertain: flag → concept in kg:ParseFlags (kg/vocab.ttl)
PARSE_FLAGS = {
    "unit-far-away": KG.UnitFarAway,
    "unit-from-header-guessed": KG.UnitFromHeaderGuessed,
    "sign-unplaced": KG.SignUnplaced,
    "cut-group": KG.CutGroup,
}
_KIND = {
    "allocated": KG.Allocated,
    "share": KG.Share,
    "used": KG.Used,
    "total": KG.Total,
    "other": KG.OtherKind,
}
# how a year was found (kg:YearBases) and which budget document a period names (kg:BudgetDocumentKinds)
YEAR_BASES = {"stated": KG.YearStated, "relativeToDocumentDate": KG.YearRelativeToDocumentDate,
              "fromHeading": KG.YearFromHeading, "fromTable": KG.YearFromTable, "fromContext": KG.YearFromContext}
BUDGET_DOCUMENTS = {"finance-act": KG.FinanceAct, "finance-bill": KG.FinanceBill, "budget": KG.AdoptedBudget,
                    "budget-proposal": KG.BudgetProposal, "accounts": KG.Accounts}


def squash(text: str) -> str:
    """``text`` with every run of whitespace made one space, stripped."""
    return re.sub(r"\s+", " ", text).strip()


@dataclass(slots=True)
class Quantity:
    """One figure in a text: where it is, what it is worth, for which period, and of which kind.

    ``value`` is normalised: whole DKK for money (with its sign), full-time equivalents for staff,
    per cent for percentages. ``flags`` say why the parser is unsure of the figure (keys of
    :data:`PARSE_FLAGS`); a flagged figure is stored as uncertain (``kg:uncertain true``), never as
    plain fact. ``start``/``end`` and ``sentence_start``/``sentence_end`` are character offsets
    into the exact string that was given to the extractor; ``quote`` is that sentence (or table
    row) with whitespace collapsed.
    """

    start: int
    end: int
    raw: str
    measure: Measure
    value: Decimal
    value_max: Decimal | None = None
    qualifier: str | None = None
    unit_text: str = ""
    year: int | None = None
    year_end: int | None = None
    open_ended: bool = False
    per_year: bool = False
    kind: Kind = "other"
    price_level: str | None = None
    row_label: str | None = None
    from_table: bool = False
    sentence_start: int = 0
    sentence_end: int = 0
    quote: str = ""
    year_basis: str | None = None  # how the year was found: a notation of kg:YearBases ("stated" …)
    budget_document: str | None = None  # the budget document the period names: "finance-act" … (kg:BudgetDocumentKinds)
    budget_code: str | None = None  # the code as written: "FL24", "BF-2027"
    moved_from: int | None = None  # money moved to ``year`` from this year ("udskyde … fra 2025 til 2026")
    flags: tuple[str, ...] = ()  # why the parser is unsure of this figure: PARSE_FLAGS keys
    sum_of: tuple[Quantity, ...] = ()  # a written sum's parts ("10 + 2 = 12 mio. kr." → the 10 and the 2)

    def period_label(self) -> str:
        """The period in words, Danish: "2024", "årligt fra 2025 og frem", "2024-2030", "varigt"."""
        parts: list[str] = []
        if self.per_year:
            parts.append("årligt")
        if self.year is not None and self.open_ended:
            parts.append(f"fra {self.year} og frem")
        elif self.year is not None and self.year_end is not None:
            parts.append(f"{self.year}-{self.year_end}")
        elif self.year is not None:
            parts.append(f"{self.year}" if not parts else f"i {self.year}")
        elif self.year_end is not None:
            parts.append(f"frem mod {self.year_end}")
        elif self.open_ended:
            parts.append("varigt")
        return " ".join(parts)

    def label(self) -> str:
        """A readable label: "7,0 mio. kr. (2024)", "48,8 mio. kr. (2024)" for a table cell (or a bare
        number whose unit stood apart: "10 mio. kr." of "10 + 2 mio. kr.")."""
        text = squash(self.raw)
        bare = not re.search(r"[^\W\d_]", text)  # "3,5", "10" of "10 + 2 mio. kr.": the unit stood apart
        if (self.from_table or bare) and self.unit_text and self.unit_text not in text:
            text = f"{text} {self.unit_text}"
        period = self.period_label()
        return f"{text} ({period})" if period else text

    def triples(self, iri: URIRef, doc: URIRef, passage: URIRef | None = None) -> Iterator[tuple]:
        """The RDF triples of this quantity as the resource ``iri`` found in ``doc``/``passage``."""
        yield iri, RDF.type, _CLASS[self.measure]
        yield iri, RDFS.label, Literal(self.label())
        yield iri, KG.value, Literal(self.value, datatype=XSD.decimal)
        if self.value_max is not None:
            yield iri, KG.valueMax, Literal(self.value_max, datatype=XSD.decimal)
        yield iri, KG.rawText, Literal(self.raw)
        if self.qualifier:
            yield iri, KG.qualifier, Literal(self.qualifier)
        if self.unit_text:
            yield iri, KG.unitText, Literal(self.unit_text)
        if self.measure == "money":
            yield iri, SCHEMA.currency, Literal("DKK")
        yield iri, KG.amountKind, _KIND[self.kind]
        if self.year is not None:
            yield iri, KG.year, Literal(self.year, datatype=XSD.integer)
        if self.year_end is not None:
            yield iri, KG.yearEnd, Literal(self.year_end, datatype=XSD.integer)
        if self.year is not None and self.year_basis:
            yield iri, KG.yearBasis, YEAR_BASES[self.year_basis]
        if self.budget_document:
            yield iri, KG.budgetDocument, BUDGET_DOCUMENTS[self.budget_document]
        if self.budget_code:
            yield iri, KG.budgetCode, Literal(self.budget_code)
        if self.moved_from is not None and self.year is not None:
            move = URIRef(f"{iri}/move")
            yield move, RDF.type, KG.YearMove
            yield move, KG.movedAmount, iri
            yield move, KG.fromYear, Literal(self.moved_from, datatype=XSD.integer)
            yield move, KG.toYear, Literal(self.year, datatype=XSD.integer)
            yield move, KG.inDocument, doc
            yield move, RDFS.label, Literal(f"{squash(self.raw)} flyttet fra {self.moved_from} til {self.year}")
        yield iri, KG.openEnded, Literal(self.open_ended, datatype=XSD.boolean)
        yield iri, KG.perYear, Literal(self.per_year, datatype=XSD.boolean)
        if self.price_level:
            yield iri, KG.priceLevel, Literal(self.price_level)
        if self.row_label:
            yield iri, KG.rowLabel, Literal(self.row_label)
        yield iri, KG.fromTable, Literal(self.from_table, datatype=XSD.boolean)
        yield iri, KG.uncertain, Literal(bool(self.flags), datatype=XSD.boolean)
        for flag in self.flags:
            yield iri, KG.parseFlag, PARSE_FLAGS[flag]
        yield iri, KG.charStart, Literal(self.start, datatype=XSD.integer)
        yield iri, KG.charEnd, Literal(self.end, datatype=XSD.integer)
        if self.quote:
            yield iri, KG.text, Literal(self.quote)
        yield iri, KG.inDocument, doc
        if passage is not None:
            yield iri, PROV.wasDerivedFrom, passage


def merge(prose: list[Quantity], table: list[Quantity]) -> list[Quantity]:
    """Prose and table quantities in one list sorted by position, without two for the same characters.

    A prose mention carries its own unit ("50 mio. kr. i 2024"), so where a table cell overlaps
    one (a remark inside a table), the prose mention is kept.
    """
    kept = list(prose)
    spans = sorted((q.start, q.end) for q in prose)
    for q in table:
        if not any(s < q.end and q.start < e for s, e in spans):
            kept.append(q)
    kept.sort(key=lambda q: (q.start, q.end))
    out: list[Quantity] = []
    for q in kept:
        if out and out[-1].start == q.start and out[-1].end == q.end:
            continue
        out.append(q)
    return out
