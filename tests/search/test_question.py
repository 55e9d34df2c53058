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
    assert q.terms == {"krise", "kriser", "plan", "modtag"}  # the glossary's Danish words; "Capital" was translated
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
