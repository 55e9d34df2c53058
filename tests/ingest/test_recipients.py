"""Recipients and payers of amounts, on Danish sentences and tables written for the tests."""

from __future__ import annotations

from ingest.actors import extract_actors
from ingest.nlp import extract_quantities
from ingest.recipients import payers, recipients


def receivers(text: str) -> dict[str, str]:
    qs = extract_quantities(text)
    return {qs[n].raw: a.name for n, a in recipients(qs, text, extract_actors(text)).items()}


def payers_of(text: str) -> dict[str, str]:
    qs = extract_quantities(text)
    return {qs[n].raw: a.name for n, a in payers(qs, text, extract_actors(text)).items()}


def test_collective_actors_receive():
    assert receivers("Der afsættes 9,0 mio. kr. årligt til regionerne fra 2026.") == {"9,0 mio. kr.": "regionerne"}
    assert receivers("I 2026 modtager kommunerne omkring 310 mio. kr. til ældreplejen.") == \
        {"omkring 310 mio. kr.": "kommunerne"}
    assert receivers("Tabellen viser, at regionerne i 2025 fik 88 mio. kr. til initiativer.") == {"88 mio. kr.": "regionerne"}


def test_an_unknown_organisation_receives_by_verb_and_by_purpose_place():
    assert receivers("Center for Bølgeforskning fik 1,5 mio. kr. i 2026 til målinger ved Vesterhavet.") == \
        {"1,5 mio. kr.": "Center for Bølgeforskning"}
    assert receivers("Der er afsat ca. 2 mio. kr. til styrkelse af feltholdet i Center for Bølgeforskning.") == \
        {"ca. 2 mio. kr.": "Center for Bølgeforskning"}


def test_a_possessive_and_the_enumeration_that_follows_it():
    text = "Aftalen giver et løft af kommunernes anlægsbudgetter på 0,3 mia. kr. i 2026, 0,5 mia. kr. i 2027 og 0,9 mia. kr. i 2028."
    assert receivers(text) == {"0,3 mia. kr.": "kommunerne", "0,5 mia. kr.": "kommunerne", "0,9 mia. kr.": "kommunerne"}


def test_no_recipient_where_the_text_names_none():
    assert receivers("Der er afsat 4 mio. kr. til nye cykelstier langs fjorden.") == {}


def test_a_caption_naming_regional_money_makes_every_row_a_regions_receipt():
    text = ("Tabel 4: Oversigt over regionale midler til fødselshjælp\n"
            "mio. kr. 2026 2027\n1. Jordemødre i hjemmet 4,0 4,5\n2. Ammerådgivning 1,0 1,0\nTotal 5,0 5,5\n")
    qs = extract_quantities(text)
    found = recipients(qs, text, extract_actors(text))
    assert [(qs[n].year, int(qs[n].value), a.name) for n, a in sorted(found.items())] == [
        (2026, 4_000_000, "regionerne"), (2027, 4_500_000, "regionerne"), (2026, 1_000_000, "regionerne"),
        (2027, 1_000_000, "regionerne"), (2026, 5_000_000, "regionerne"), (2027, 5_500_000, "regionerne")]


def test_payers_from_the_sentence_and_the_finance_act():
    assert payers_of("Projektet er finansieret af Havbrise Fonden med 4 mio. kr.") == {"4 mio. kr.": "Havbrise Fonden"}
    assert payers_of("Projektet støttes med op til 20 millioner kroner af Tang Fonden.") == \
        {"op til 20 millioner kroner": "Tang Fonden"}
    assert payers_of("I regeringens finanslovsforslag er der afsat 70 mio. kr. til lektiehjælp.") == {"70 mio. kr.": "staten"}
    assert payers_of("Der er afsat 70 mio. kr. til lektiehjælp.") == {}
