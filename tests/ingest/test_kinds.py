import pytest

from ingest.nlp import extract_quantities


def kinds(text):
    return [(q.raw, q.kind) for q in extract_quantities(text)]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Der afsættes 7,0 mio. kr. årligt fra 2024 og frem.", "allocated"),
        ("Der er bevilget 2 mio. kr. årligt.", "allocated"),
        ("Der udmøntes 50 mio. kr. i 2024 til tryghedspakker.", "allocated"),
        ("Der tilføres 5 mio. kr. til området.", "allocated"),
        ("Region Hovedstadens andel er 19 mio. kr. årligt.", "share"),
        ("I 2024 er 3,8 mio. kr. øremærket til DRISP.", "share"),
        ("De resterende ca. 8 mio.kr. er blevet anvendt bredt.", "used"),
        ("Derudover er der disponeret 4 mio. kr. til fase 2.", "used"),
        ("Derudover er der udmøntet 0,5 mio. kr. til undervisning.", "used"),
        ("Opnormeringen blev finansieret af de 24,8 mio. kr.", "used"),
        ("Samlet set vil psykiatrien være løftet med 4.312 mio. kr.", "total"),
        ("Udgifterne udgør 400 mio. kr. i alt.", "total"),
        ("Deponeringen vil skønsmæssigt udgøre 10 mio. kr.", "other"),
    ],
)
def test_kind_from_the_clause(text, kind):
    assert kinds(text)[0][1] == kind


def test_enumerated_amounts_take_the_kind_before_them():
    text = "Der afsættes 3,0 mio. kr. i 2024, 113,3 mio. kr. i 2025 og 150,0 mio. kr. i 2026."
    assert [k for _, k in kinds(text)] == ["allocated", "allocated", "allocated"]


def test_share_markers():
    text = "Der udmøntes 50 mio. kr. i 2024 til regionerne, heraf 15,6 mio. kr. til Region Hovedstaden."
    assert kinds(text) == [("50 mio. kr.", "allocated"), ("15,6 mio. kr.", "share")]
    text = "Region Hovedstadens andel er 33 mio. kr. årligt, hvoraf de 24,8 mio.kr. blev disponeret til X."
    assert kinds(text) == [("33 mio. kr.", "share"), ("24,8 mio.kr.", "used")]


def test_partitive_makes_a_share():
    text = "Af de afsatte 51,6 mio. kr. i 2024 skal 35,4 mio. kr. benyttes til at kick-starte opbygningen."
    assert kinds(text) == [("51,6 mio. kr.", "allocated"), ("35,4 mio. kr.", "share")]


def test_samlet_as_adjective_is_no_total():
    text = "Der er afsat 67 mio. kr. i 2024 til et samlet dobbeltdiagnosetilbud."
    assert kinds(text) == [("67 mio. kr.", "allocated")]


def test_a_total_cue_before_a_later_amount_is_its_own():
    text = "Der afsættes 0,2 mia. kr. i 2024 og 0,7 mia. kr. i 2026 til botilbud svarende til i alt 0,9 mia. kr."
    assert [k for _, k in kinds(text)] == ["allocated", "allocated", "total"]


def test_list_items_use_their_lead_in():
    text = ("Der gives blandt andet penge til disse initiativer:\n\n"
            "- Omkring 65 mio. kr. til voldsudsatte. Blandt andet til behandling.\n\n"
            "- Knap 50 mio. kr. til sundhedsindsatser.\n\nDeponeringen udgør 10 mio. kr.")
    assert kinds(text) == [("Omkring 65 mio. kr.", "allocated"), ("Knap 50 mio. kr.", "allocated"),
                           ("10 mio. kr.", "other")]
