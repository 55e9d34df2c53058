import pytest

from ingest.money import find_mentions
from ingest.nlp import build_nlp
from ingest.periods import assign_periods, find_periods


def periods(text):
    qs = find_mentions(text)
    assign_periods(text, qs, 0, len(text))
    return [(q.raw, q.year, q.year_end, q.open_ended, q.per_year) for q in qs]


@pytest.mark.parametrize(
    ("text", "kind", "year", "year_end"),
    [
        ("i 2024", "year", 2024, None),
        ("årligt fra 2025 og frem", "open", 2025, None),
        ("i perioden 2024-2027", "closed", 2024, 2027),
        ("2024-2030", "closed", 2024, 2030),
        ("i 2025 og 2026", "closed", 2025, 2026),
        ("frem mod 2030", "target", 2030, None),
        ("med Budget 2021", "budget", 2021, None),
        ("fra 2022", "from", 2022, None),
        ("varigt", "lasting", None, None),
        ("årligt herefter", "herefter", None, None),
    ],
)
def test_find_periods(text, kind, year, year_end):
    temporal = [p for p in find_periods(text) if p.temporal]
    assert [(p.kind, p.year, p.year_end) for p in temporal] == [(kind, year, year_end)]


def test_two_amounts_with_their_own_periods():
    text = "Der afsættes 48,75 mio. kr. i 2024 og 65,0 mio. kr. årligt fra 2025 og frem til initiativet."
    assert periods(text) == [("48,75 mio. kr.", 2024, None, False, False), ("65,0 mio. kr.", 2025, None, True, True)]


def test_four_amounts_each_with_its_year():
    text = "Der afsættes 3,0 mio. kr. i 2024, 113,3 mio. kr. i 2025, 150,0 mio. kr. i 2026 og 150,6 mio. kr. i 2027"
    assert [(raw, year) for raw, year, *_ in periods(text)] == [
        ("3,0 mio. kr.", 2024), ("113,3 mio. kr.", 2025), ("150,0 mio. kr.", 2026), ("150,6 mio. kr.", 2027)]


def test_a_period_after_a_clause_break_belongs_to_the_next_amount():
    text = "Der er i 2025 afsat 112,5 mio. kr. og fra 2026 og frem 150 mio. kr. årligt til akuttelefonen."
    assert periods(text) == [("112,5 mio. kr.", 2025, None, False, False), ("150 mio. kr.", 2026, None, True, True)]
    assert periods("I 2025 og frem er 5 mio. kr. øremærket til DRISP.") == [("5 mio. kr.", 2025, None, True, True)]


def test_a_later_year_is_not_taken_backwards():
    text = "andel er i størrelsesordenen 33 mio. kr. årligt, hvoraf de 24,8 mio.kr. allerede i 2023 blev disponeret"
    assert periods(text) == [("i størrelsesordenen 33 mio. kr.", None, None, False, True),
                             ("24,8 mio.kr.", 2023, None, False, False)]


def test_herefter_continues_from_the_year_before():
    text = "afsat 100 millioner kroner i 2025, 150 millioner kroner i 2026 og 200 millioner kroner årligt herefter"
    assert periods(text)[-1] == ("200 millioner kroner", 2027, None, True, True)


def test_an_amount_without_a_period_takes_the_earlier_year():
    text = "Af de afsatte 51,2 mio. kr. i 2024 skal 20 mio. kr. benyttes til at kick-starte opbygningen."
    assert periods(text) == [("51,2 mio. kr.", 2024, None, False, False), ("20 mio. kr.", 2024, None, False, False)]


def test_coordinated_amounts_share_a_following_period():
    text = "nedbringes med op mod 40 pct. og ikke under 30 pct. frem mod 2030."
    assert periods(text) == [("op mod 40 pct.", 2030, None, False, False), ("ikke under 30 pct.", 2030, None, False, False)]


def test_lasting_and_per_year():
    assert periods("9 mio. kr. er udmøntet varigt til initiativer.") == [("9 mio. kr.", None, None, True, True)]
    assert periods("3 mio. kr. til at sikre varig finansiering af OPUS") == [("3 mio. kr.", None, None, False, False)]
    assert periods("Knap 2,5 mio. kr. er årligt disponeret") == [("Knap 2,5 mio. kr.", None, None, False, True)]


def test_closed_periods():
    assert periods("Der afsættes 10 mio. kr. i perioden 2024-2027.") == [("10 mio. kr.", 2024, 2027, False, False)]
    text = "på 0,2 mia. kr. i 2024 og 0,7 mia. kr. i 2026 svarende til i alt 1,5 mia. kr. i perioden."
    assert periods(text)[-1] == ("1,5 mia. kr.", 2024, 2026, False, False)


def test_fra_after_a_clause_break_is_only_a_year():
    assert periods("Data fra 2023 viser, at 40 % varer kort.") == [("40 %", 2023, None, False, False)]
    assert periods("som fra 2022 øges til 25 mio. kr. årligt") == [("25 mio. kr.", 2022, None, True, True)]


def test_da_periods_component_sets_sentence_and_quote():
    nlp = build_nlp()
    text = "Der afsættes 9,2 mio. kr. i 2024. Der er ansat 4 årsværk."
    doc = nlp.make_doc(text)
    for name in ("lemmatizer", "da_sentences", "da_quantities", "da_periods"):
        doc = nlp.get_pipe(name)(doc)
    first, second = doc._.quantities
    assert (first.year, first.sentence_start, first.sentence_end, first.quote) == (2024, 0, 33, "Der afsættes 9,2 mio. kr. i 2024.")
    assert (second.measure, second.sentence_start, second.quote) == ("staff", 34, "Der er ansat 4 årsværk.")
