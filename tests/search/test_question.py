"""What a question asks for (search/question.py): language, years, measure, document, actors, target words."""

from __future__ import annotations

import pytest

from search.question import Actor, actors_named, overlap, stated_amounts, stem, understand
from search.translate import load_glossary

REGION_H = Actor("urn:a:rh", "Region Hovedstaden", ("Region Hovedstaden", "RH", "Region H"))
DR = Actor("urn:a:dr", "Danske Regioner", ("Danske Regioner",))
REGIONS = Actor("urn:a:regionerne", "regionerne", ("regionerne",))
ACTORS = [REGION_H, DR, REGIONS]


def test_a_danish_per_year_question_for_a_named_region():
    q = understand("Hvor meget får Region Hovedstaden om året fra 2025 til kriseplaner?", ACTORS)
    assert (q.lang, q.asks_amount, q.per_year, q.from_year) == ("da", True, True, 2025)
    assert q.years == {2025} and q.measure == "per_year"
    assert [a.label for a in q.actors] == ["Region Hovedstaden"]
    assert q.terms == {"krisep"}  # the region's name is the actor, not a target word


def test_part_of_a_whole_states_the_whole():
    q = understand("Af de afsatte 51,6 mio. kr. i 2024, hvor meget skal bruges til at kick-starte kapaciteten?")
    assert q.share and q.measure == "share"
    assert q.stated_amounts == {51_600_000}
    assert q.years == {2024}


def test_document_years_are_not_money_years():
    q = understand("Hvad afsætter aftalen fra 2023 til psykiatrien i 2030?")
    assert q.doc_years == {2023} and q.years == {2030} and "agreement" in q.doc_cues
    q = understand("According to the 2023 agreement, what is the total allocation in 2030?")
    assert q.doc_years == {2023} and q.years == {2030} and q.total


def test_an_english_question_is_read_through_the_glossary():
    q = understand("How much does the Capital Region receive each year for crisis plans?", ACTORS, load_glossary())
    assert q.lang == "en" and q.per_year
    assert [a.label for a in q.actors] == ["Region Hovedstaden"]  # via "capital region" → Region Hovedstaden
    assert q.translated is not None and "Region Hovedstaden" in q.translated
    assert q.terms == {"krise", "kriser", "plan"}  # the glossary's Danish words ("receive" → "modtage" says how, not what); "Capital" was translated
    q = understand("How much does the Capital Region spend on horse therapy in Aalborg?", ACTORS, load_glossary())
    assert q.words == ("Aalborg",) and q.unknown == {"horse"}  # names are kept, unknown English words are not targets


def test_staff_is_asked_by_counting_people_not_by_naming_them():
    assert understand("Hvor mange årsværk gav opnormeringen?").staff
    assert understand("How many staff were hired in 2024?").staff
    q = understand("Hvor stor er tryghedspakken til de ansatte i psykiatrien?")
    assert not q.staff and q.asks_amount and q.measure == "amount"


@pytest.mark.parametrize(("text", "value"), [
    ("Af de afsatte 51,6 mio. kr.", 51_600_000), ("of the 175 million", 175_000_000),
    ("3.165 mio. kr.", 3_165_000_000), ("1,5 mia. kr.", 1_500_000_000), ("DKK 2.2m", 2_200_000),
])
def test_stated_amounts(text, value):
    assert stated_amounts(text) == {value}


def test_actor_names_match_whole_words_and_short_aliases_match_case():
    assert actors_named("Hvad får RH i 2025?", ACTORS) == (REGION_H,)
    assert actors_named("Hvad er forholdet mellem rh og andre?", ACTORS) == ()
    assert actors_named("Hvad får regionerne ifølge Danske Regioner?", ACTORS) == (DR, REGIONS)
    assert actors_named("Regionernes økonomi", ACTORS) == ()


def test_stems_and_prefix_overlap():
    assert stem("Kriseplaner") == "krisep" and stem("kick-starte") == "kickst"
    assert overlap({"børn", "tabel"}, {"børne", "tabell"}) == 2
    assert overlap({"unik"}, {"unikke"}) == 1 and overlap({"ung"}, {"unge"}) == 0  # under 4 letters: equal only


def test_words_naming_the_document_are_not_target_words():
    q = understand("I aftalens bilag, hvad er det samlede beløb til bedre hjælp til børn og unge i 2025?")
    assert q.doc_cues >= {"agreement", "table"} and q.years == {2025}
    assert not {"aftale", "bilag"} & q.terms and {"hjælp", "børn", "unge"} <= q.terms


def test_a_year_after_a_month_dates_a_document_unless_written_again():
    q = understand("Hvor meget står der i sagen fra januar 2025 om akuttelefonen i 2025 og fra 2026?")
    assert q.doc_years == {2025} and q.years == {2025, 2026} and q.from_year == 2026
    assert "januar" not in q.terms
    q = understand("Hvor meget står der i referatet fra 14. november 2024 om forskning?")
    assert q.doc_years == {2024} and q.years == frozenset()


def test_target_words_weighted_by_rarity():
    from search.question import weighted_overlap

    terms = ["opfølg", "psykia"]
    assert weighted_overlap(terms, {"psykia"}) == 0.5
    weights = {"opfølg": 3.0, "psykia": 0.1}
    assert weighted_overlap(terms, {"opfølg"}, weights) > 0.9
    assert weighted_overlap(terms, {"psykia"}, weights) < 0.1
