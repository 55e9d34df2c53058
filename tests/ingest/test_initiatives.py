from __future__ import annotations

import pytest

from ingest.initiatives import clean_label, find_initiatives, match_key, same_initiative
from ingest.nlp import extract_quantities
from ingest.repair import repair
from ingest.segment import segment


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("7. Tryghedspakke for medarbejdere i psykiatrien", "tryghedspakke for medarbejdere i psykiatrien"),
        ("Implementering af forløbsbeskrivelser (DR og KL)", "implementering af forløbsbeskrivelser"),
        ("Initiativ 3a. ” Kapacitetsløft og ensretning”", "kapacitetsløft og ensretning"),
        ("Anbefaling 2 – Udbygge den ambulante kapacitet", "udbygge den ambulante kapacitet"),
    ],
)
def test_match_key(label, key):
    assert match_key(label) == key


def test_same_initiative_across_wordings():
    assert same_initiative(match_key("7. Tryghedspakke for medarbejdere i psykiatrien"),
                           match_key("Tryghedspakke til medarbejdere i psykiatrien"))
    assert same_initiative(match_key("Styrket digitalt behandlingstilbud"),
                           match_key("Styrket digitalt behandlingstilbud – internetpsykiatrien samt Virtu"))
    assert not same_initiative(match_key("Nedbringelse af tvang"), match_key("Styrkelse af Livslinien"))
    assert not same_initiative(match_key("OPUS"), match_key("OPUS Young"))


def test_clean_label_prefers_the_quoted_name():
    assert clean_label("Initiativ 3b. ”Bedre opfølgning til mennesker i risiko for selvmords-handlinger”. Midler") == \
        "Bedre opfølgning til mennesker i risiko for selvmords-handlinger"


def test_bilag_1_rows_and_headings_are_one_initiative(corpus_dir):
    text = repair((corpus_dir / "001_08ba568cb88d3b78.txt").read_text("utf-8")).text
    quantities = extract_quantities(text)
    found, by_q = find_initiatives(text, segment(text), quantities)
    labels = [i.label for i in found]
    assert labels.count("Styrkelse af Livslinien") == 1
    livslinien = next(i for i in found if i.label == "Styrkelse af Livslinien")
    values = sorted({(quantities[q].year, int(quantities[q].value)) for q in livslinien.quantities if quantities[q].from_table})
    assert values == [(y, 7_000_000) for y in range(2024, 2031)]
    assert livslinien.theme == "Forebyggelse af selvmord"
    assert livslinien.section_order is not None  # the heading in the text is the same initiative
    prose = [quantities[q] for q in livslinien.quantities if not quantities[q].from_table]
    assert any(q.measure == "money" and q.kind == "allocated" for q in prose)


def test_a_theme_is_not_its_longer_named_initiative():
    assert not same_initiative(match_key("Forebyggelse af selvmord"),
                               match_key("1. Styrket forebyggelse af selvmord og selvmordsforsøg"))


SHORT_AGREEMENT = """Aftale om bedre trivsel i skolerne

Initiativ 1. Styrket trivsel i udskolingen

Der afsættes 12,0 mio. kr. årligt fra 2026 og frem til initiativet. Der er desuden afsat 2,5 mio. kr. til gratis frugtordninger i udskolingen.

Center for Bølgeforskning fik 1,5 mio. kr. i 2026 til målinger ved Vesterhavet.
"""


def test_an_initiative_named_once_is_a_purpose_within_the_sections_initiative():
    from ingest.actors import extract_actors

    text = SHORT_AGREEMENT
    quantities = extract_quantities(text)
    spans = [(a.start, a.end) for a in extract_actors(text) if a.kind == "organisation"]
    found, by_q = find_initiatives(text, segment(text), quantities, spans)
    assert [(i.label, i.source, i.parent) for i in found] == [
        ("Styrket trivsel i udskolingen", "section", None),
        ("Gratis frugtordninger i udskolingen", "purpose", 0),
        ("Målinger ved Vesterhavet", "purpose", 0),
    ]
    assert {q.raw: by_q[n].label for n, q in enumerate(quantities)} == {
        "12,0 mio. kr.": "Styrket trivsel i udskolingen",  # "til initiativet": the section's initiative
        "2,5 mio. kr.": "Gratis frugtordninger i udskolingen",
        "1,5 mio. kr.": "Målinger ved Vesterhavet",
    }


@pytest.mark.parametrize(("title", "names"), [
    ("Styrket trivsel i udskolingen", True),
    ("EMN-2026-00123 Skoleforeningen", False),  # a page header with a case number
    ("Line Hansen 14-03-2026", False),  # a page footer with a date
    ("Desuden er der fortsat god fremdrift i arbejdet med de", False),  # a sentence cut by a page break
    ("Link til rapport: https://example.dk/rapport", False),
    ("Udgifter i alt", False),
])
def test_headings_that_name_no_initiative(title, names):
    from ingest.initiatives import names_initiative

    assert names_initiative(title) is names


def test_a_closing_total_row_is_a_group_not_an_initiative():
    text = ("Tabel 3\nMio. kr. 2026 2027\n1. Frugtordning 2,0 2,0\n2. Trivselsmålinger 1,5 1,0\n"
            "Udgifter i alt 3,5 3,0\n")
    quantities = extract_quantities(text)
    found, by_q = find_initiatives(text, segment(text), quantities)
    assert [(i.label, i.source) for i in found] == [
        ("Frugtordning", "table-row"), ("Trivselsmålinger", "table-row"), ("Udgifter i alt", "table-total")]
    total = [q for n, q in enumerate(quantities) if by_q[n].source == "table-total"]
    assert sorted((q.year, int(q.value)) for q in total) == [(2026, 3_500_000), (2027, 3_000_000)]


def test_responsible_actors_resolve_through_the_gazetteer():
    from ingest.actors import actor_iri
    from ingest.initiatives import responsible_actors

    # "DR" is also the broadcaster: the list "(DR og KL)" matches Danske Regioner's context patterns
    assert responsible_actors(("DR", "KL")) == [actor_iri("danske-regioner"), actor_iri("kl")]
    assert responsible_actors(("SST", "SST")) == [actor_iri("sundhedsstyrelsen")]
    assert responsible_actors(("QQX",)) == []
