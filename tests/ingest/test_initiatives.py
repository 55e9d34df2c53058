from __future__ import annotations

import pytest

from ingest.initiatives import clean_label, find_initiatives, match_key, same_initiative
from ingest.quantities import extract_quantities
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
