from __future__ import annotations

from datetime import date

import pytest
from rdflib import Literal, URIRef
from rdflib import namespace as ns
from rdflib.namespace import RDF, RDFS

from ingest.dates import extract_dates, label
from kg.namespace import KG


def one(text: str):
    found = extract_dates(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "raw", "kind", "begin", "end", "name"),
    [
        ("Der blev indgået en politisk aftale d. 29. januar 2025 om", "29. januar 2025", "day",
         "2025-01-29", "2025-01-29", "29. januar 2025"),
        ("mødet den 20.juni 2025", "20.juni 2025", "day", "2025-06-20", "2025-06-20", "20. juni 2025"),
        ("den 2. dec. 2024", "2. dec. 2024", "day", "2024-12-02", "2024-12-02", "2. december 2024"),
        ("den 14. marts\n\n2024 blev", "14. marts\n\n2024", "day", "2024-03-14", "2024-03-14", "14. marts 2024"),
        ("03/06-24 Møde i Task Force", "03/06-24", "day", "2024-06-03", "2024-06-03", "3. juni 2024"),
        ("Dato: 21-01-2025", "21-01-2025", "day", "2025-01-21", "2025-01-21", "21. januar 2025"),
        ("vedtaget 2024-11-19", "2024-11-19", "day", "2024-11-19", "2024-11-19", "19. november 2024"),
        ("fra september 2022", "september 2022", "month", "2022-09-01", "2022-09-30", "september 2022"),
        ("ultimo november 2023", "ultimo november 2023", "part_month", "2023-11-21", "2023-11-30",
         "ultimo november 2023"),
        ("medio januar 2025", "medio januar 2025", "part_month", "2025-01-11", "2025-01-20", "medio januar 2025"),
        ("i 1. halvår 2025", "1. halvår 2025", "half", "2025-01-01", "2025-06-30", "1. halvår 2025"),
        ("i andet halvår 2024", "andet halvår 2024", "half", "2024-07-01", "2024-12-31", "2. halvår 2024"),
        ("i 3. kvartal 2024", "3. kvartal 2024", "quarter", "2024-07-01", "2024-09-30", "3. kvartal 2024"),
        ("i Q1 2025", "Q1 2025", "quarter", "2025-01-01", "2025-03-31", "1. kvartal 2025"),
        ("primo 2024", "primo 2024", "part_year", "2024-01-01", "2024-03-31", "1. kvartal 2024"),
        ("medio 2024", "medio 2024", "part_year", "2024-04-01", "2024-09-30", "medio 2024"),
        ("i foråret 2021", "foråret 2021", "season", "2021-03-01", "2021-05-31", "foråret 2021"),
        ("i sommeren 2025", "sommeren 2025", "season", "2025-06-01", "2025-08-31", "sommeren 2025"),
        ("i vinteren 2024/25", "vinteren 2024/25", "season", "2024-12-01", "2025-02-28", "vinteren 2024/25"),
        ("inden udgangen af 2. kvartal 2024", "inden udgangen af 2. kvartal 2024", "end", "2024-06-30",
         "2024-06-30", "30. juni 2024"),
        ("Inden udgangen af 2025", "Inden udgangen af 2025", "end", "2025-12-31", "2025-12-31", "31. december 2025"),
        ("i perioden 2024-2030", "2024-2030", "range", "2024-01-01", "2030-12-31", "2024-2030"),
        ("FL-puljen 2018- 2021:", "2018- 2021", "range", "2018-01-01", "2021-12-31", "2018-2021"),
        ("for 2024-26", "2024-26", "range", "2024-01-01", "2026-12-31", "2024-2026"),
        ("fra 2025 til 2027", "2025 til 2027", "range", "2025-01-01", "2027-12-31", "2025-2027"),
    ],
)
def test_dates_are_normalised(text, raw, kind, begin, end, name):
    d = one(text)
    assert (d.raw, d.kind, d.begin.isoformat(), d.end_date.isoformat(), d.label) == (raw, kind, begin, end, name)
    assert text[d.start:d.end] == raw


@pytest.mark.parametrize(
    "text",
    ["i 2024", "31. februar 2024", "2024-pl", "2030-2024", "EMN-2024-00591", "1.097 personer", "afsnit 4.6.2",
     "0-4 timer", "i vinteren 2024", "kl. 10.30", "tlf. 38 64 00 00"],
)
def test_not_dates(text):
    assert extract_dates(text) == []


def test_qualifier_is_kept():
    assert one("inden udgangen af 3. kvartal 2024").qualifier == "inden"
    assert one("i 3. kvartal 2024").qualifier is None


def test_equal_periods_are_one_resource():
    assert one("primo 2024").iri == one("1. kvartal 2024").iri == URIRef(
        "https://w3id.org/psykiatri-kg/id/date/2024-01-01--2024-03-31")
    assert one("3/6-24").iri == one("3. juni 2024").iri == URIRef("https://w3id.org/psykiatri-kg/id/date/2024-06-03")


def test_labels():
    assert label(date(2024, 1, 1), date(2024, 12, 31)) == "2024"
    assert label(date(2024, 2, 3), date(2024, 2, 9)) == "2024-02-03 – 2024-02-09"


def test_instant_triples():
    d = one("d. 29. januar 2025")
    node = URIRef("https://w3id.org/psykiatri-kg/id/date/2025-01-29")
    passage = URIRef("https://w3id.org/psykiatri-kg/id/doc/x/passage/1")
    assert set(d.triples(passage)) == {
        (node, RDF.type, ns.TIME.Instant),
        (node, RDFS.label, Literal("29. januar 2025")),
        (node, ns.TIME.inXSDDate, Literal("2025-01-29", datatype=ns.XSD.date)),
        (passage, KG.mentions, node),
    }


def test_interval_triples():
    d = one("1. halvår 2025")
    node = URIRef("https://w3id.org/psykiatri-kg/id/date/2025-01-01--2025-06-30")
    begin = URIRef("https://w3id.org/psykiatri-kg/id/date/2025-01-01")
    end = URIRef("https://w3id.org/psykiatri-kg/id/date/2025-06-30")
    triples = set(d.triples())
    assert {(node, RDF.type, ns.TIME.Interval), (node, RDFS.label, Literal("1. halvår 2025")),
            (node, ns.TIME.hasBeginning, begin), (node, ns.TIME.hasEnd, end),
            (begin, ns.TIME.inXSDDate, Literal("2025-01-01", datatype=ns.XSD.date)),
            (end, RDFS.label, Literal("30. juni 2025"))} <= triples
    assert len(triples) == 10



# ------------------------------------------------------------------ issue 15: the document's own dates
from rdflib.namespace import XSD  # noqa: E402

from ingest.document_dates import document_date, document_dates  # noqa: E402


@pytest.mark.parametrize(
    ("text", "offset_of", "day", "how"),
    [
        ("Aalborg, 3. november 2020\n\nHospitalet får 30 mio. kr. næste år.", "3. nov", "2020-11-03", "dateline"),
        ("Notat\n\nDato: 14. marts 2023\n\nSagsnr.: 23-1187", "14. marts", "2023-03-14", "field"),
        ("Mødedato: 23.08.2017, kl. 11:00", "23.08", "2017-08-23", "field"),
        ("Publiceret 12. januar 2022\n\nKommunerne bruger", "12. jan", "2022-01-12", "field"),
        ("Referat\ntil\nmødet i Hospitalsudvalget\nden 11. juni 2019 kl. 14:00", "11. juni", "2019-06-11", "meeting"),
        ("Forretningsudvalgets beslutning den 17. juni 2025:", "17. juni", "2025-06-17", "meeting"),
    ],
)
def test_document_dates(text, offset_of, day, how):
    (found,) = document_dates(text)
    assert (found.offset, found.date.isoformat(), found.how) == (text.index(offset_of), day, how)


def test_a_date_in_prose_is_no_document_date():
    assert document_dates("Regionsrådet vedtog den 19. november 2019 planen for 2020-2022.") == []


def test_the_manifest_hint_and_its_precision():
    assert document_date("Ingen dato her.", "2023-05").literal() == Literal("2023-05", datatype=XSD.gYearMonth)
    assert document_date("Ingen dato her.", "2025").literal() == Literal("2025", datatype=XSD.gYear)
    assert document_date("Ingen dato her.", "2024-2025") is None  # a range names no one date
    assert document_date("Dato: 1. maj 2024", "2023").date.isoformat() == "2024-05-01"  # the text wins


def test_school_year_is_an_interval():
    (d,) = extract_dates("i skoleåret 2024/25")
    assert (d.begin.isoformat(), d.end_date.isoformat(), d.label) == ("2024-08-01", "2025-07-31", "skoleåret 2024/25")
