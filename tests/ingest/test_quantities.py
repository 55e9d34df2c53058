from decimal import Decimal
from itertools import pairwise

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from ingest.nlp import extract_quantities
from ingest.quantities import Quantity, merge
from kg.namespace import KG, SCHEMA

IRI = URIRef("https://w3id.org/psykiatri-kg/id/q1")
DOC = URIRef("https://w3id.org/psykiatri-kg/id/doc1")
PASSAGE = URIRef("https://w3id.org/psykiatri-kg/id/p1")


def test_extract_quantities_example_sentence():
    text = "Der afsættes 48,75 mio. kr. i 2024 og 65,0 mio. kr. årligt fra 2025 og frem til initiativet."
    first, second = extract_quantities(text)
    assert (first.raw, first.value, first.year, first.per_year, first.kind) == (
        "48,75 mio. kr.", Decimal(48_750_000), 2024, False, "allocated")
    assert (second.raw, second.value, second.year, second.open_ended, second.per_year) == (
        "65,0 mio. kr.", Decimal(65_000_000), 2025, True, True)
    assert (first.sentence_start, first.sentence_end) == (0, len(text))
    assert first.quote == text
    assert first.label() == "48,75 mio. kr. (2024)"
    assert second.label() == "65,0 mio. kr. (årligt fra 2025 og frem)"


def test_triples_of_a_money_amount():
    q = Quantity(start=13, end=25, raw="7,0 mio. kr.", measure="money", value=Decimal(7_000_000),
                 qualifier="ca.", unit_text="mio. kr.", year=2024, kind="allocated",
                 sentence_start=0, sentence_end=40, quote="Der afsættes ca. 7,0 mio. kr. i 2024.")
    g = Graph()
    for t in q.triples(IRI, DOC, PASSAGE):
        g.add(t)
    assert set(g) == {
        (IRI, RDF.type, KG.MoneyAmount),
        (IRI, RDFS.label, Literal("7,0 mio. kr. (2024)")),
        (IRI, KG.value, Literal(Decimal(7_000_000), datatype=XSD.decimal)),
        (IRI, KG.rawText, Literal("7,0 mio. kr.")),
        (IRI, KG.qualifier, Literal("ca.")),
        (IRI, KG.unitText, Literal("mio. kr.")),
        (IRI, SCHEMA.currency, Literal("DKK")),
        (IRI, KG.amountKind, KG.Allocated),
        (IRI, KG.year, Literal(2024, datatype=XSD.integer)),
        (IRI, KG.openEnded, Literal(False, datatype=XSD.boolean)),
        (IRI, KG.perYear, Literal(False, datatype=XSD.boolean)),
        (IRI, KG.fromTable, Literal(False, datatype=XSD.boolean)),
        (IRI, KG.uncertain, Literal(False, datatype=XSD.boolean)),
        (IRI, KG.charStart, Literal(13, datatype=XSD.integer)),
        (IRI, KG.charEnd, Literal(25, datatype=XSD.integer)),
        (IRI, KG.text, Literal("Der afsættes ca. 7,0 mio. kr. i 2024.")),
        (IRI, KG.inDocument, DOC),
        (IRI, PROV.wasDerivedFrom, PASSAGE),
    }


def test_a_flagged_figure_is_uncertain_and_says_why():
    q = Quantity(start=0, end=3, raw="3,5", measure="money", value=Decimal(3_500_000), unit_text="mio. kr.",
                 flags=("unit-far-away", "sign-unplaced"))
    g = set(q.triples(IRI, DOC))
    assert (IRI, KG.uncertain, Literal(True, datatype=XSD.boolean)) in g
    assert {o for s, p, o in g if p == KG.parseFlag} == {KG.UnitFarAway, KG.SignUnplaced}


def test_triples_of_a_table_cell_and_a_staff_figure():
    cell = Quantity(start=0, end=4, raw="48,8", measure="money", value=Decimal(48_800_000), unit_text="Mio. kr.",
                    year=2024, kind="total", price_level="2024-pl", row_label="Forebyggelse af selvmord",
                    from_table=True, value_max=Decimal(50_000_000), year_end=2025)
    g = set(cell.triples(IRI, DOC))
    assert (IRI, RDFS.label, Literal("48,8 Mio. kr. (2024-2025)")) in g
    assert (IRI, KG.priceLevel, Literal("2024-pl")) in g
    assert (IRI, KG.rowLabel, Literal("Forebyggelse af selvmord")) in g
    assert (IRI, KG.fromTable, Literal(True, datatype=XSD.boolean)) in g
    assert (IRI, KG.valueMax, Literal(Decimal(50_000_000), datatype=XSD.decimal)) in g
    assert (IRI, KG.yearEnd, Literal(2025, datatype=XSD.integer)) in g
    assert (IRI, KG.amountKind, KG.Total) in g
    assert not any(p == PROV.wasDerivedFrom for _, p, _ in g)
    staff = Quantity(start=0, end=9, raw="4 årsværk", measure="staff", value=Decimal(4), unit_text="årsværk")
    g = set(staff.triples(IRI, DOC))
    assert (IRI, RDF.type, KG.StaffFigure) in g
    assert not any(p == SCHEMA.currency for _, p, _ in g)
    pct = Quantity(start=0, end=6, raw="30 pct", measure="percent", value=Decimal(30), open_ended=True)
    assert (IRI, RDF.type, KG.PercentFigure) in set(pct.triples(IRI, DOC))
    assert pct.label() == "30 pct (varigt)"


def test_merge_prefers_prose_and_sorts():
    prose = [Quantity(start=10, end=22, raw="50 mio. kr.", measure="money", value=Decimal(50_000_000))]
    table = [Quantity(start=10, end=12, raw="50", measure="money", value=Decimal(50_000_000), from_table=True),
             Quantity(start=0, end=3, raw="7,0", measure="money", value=Decimal(7_000_000), from_table=True)]
    assert [(q.start, q.from_table) for q in merge(prose, table)] == [(0, True), (10, False)]


def test_extract_quantities_is_sorted_and_has_no_overlaps():
    text = ("Bilag 1\nMio. kr., 2024-pl 2024 2025\n1. Styrket indsats 3,0 4,0\nUdgifter i alt 3,0 4,0\n\n"
            "Kilde: ministeriet\n\nDer afsættes 3,0 mio. kr. i 2024 og ca. 2 årsværk samt 30 % mere.")
    found = extract_quantities(text)
    assert [(q.raw, q.measure, q.from_table, q.year) for q in found] == [
        ("3,0", "money", True, 2024), ("4,0", "money", True, 2025), ("3,0", "money", True, 2024),
        ("4,0", "money", True, 2025), ("3,0 mio. kr.", "money", False, 2024), ("ca. 2 årsværk", "staff", False, 2024),
        ("30 %", "percent", False, 2024)]
    assert all(a.end <= b.start for a, b in pairwise(found))
    assert [q.kind for q in found[:4]] == ["allocated", "allocated", "total", "total"]
