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


# ------------------------------------------------------------------ issue 15: the shared lexicon and context
from ingest.periods import PeriodContext, build_context, full_year, heading_period  # noqa: E402


def test_full_year():
    assert (full_year("2024"), full_year("27", 2024), full_year("02", 1999), full_year("24")) == (2024, 2027, 2002, 2024)


@pytest.mark.parametrize(
    ("text", "kind", "year", "year_end", "document"),
    [
        ("20 mio. kr. årligt i 2024-27", "closed", 2024, 2027, None),
        ("i skoleåret 2024/25", "school", 2024, 2025, None),
        ("primo 2025", "year", 2025, None, None),
        ("ultimo november 2026", "year", 2026, None, None),
        ("på FL24", "code", 2024, None, "finance-act"),
        ("FFL25", "code", 2025, None, "finance-bill"),
        ("B2024", "code", 2024, None, "budget"),
        ("BF-2027", "code", 2027, None, "budget-proposal"),
        ("R-2023", "code", 2023, None, "accounts"),
        ("i budgetforslaget for 2026", "budget", 2026, None, "budget-proposal"),
        ("i de efterfølgende år frem til 2026", "following", None, 2026, None),
        ("i hvert af de efterfølgende år 2023 til 25", "following", 2023, 2025, None),
    ],
)
def test_find_new_period_forms(text, kind, year, year_end, document):
    temporal = [p for p in find_periods(text) if p.temporal]
    assert [(p.kind, p.year, p.year_end, p.document) for p in temporal] == [(kind, year, year_end, document)]


def test_not_periods():
    assert [p.kind for p in find_periods("stiger fra 2024 til 25 mio. kr.") if p.kind == "closed"] == []
    assert [p.kind for p in find_periods("B24 og R23")] == []  # two digits only after FL, FFL and BF
    assert [p.kind for p in find_periods("mere end sidste år")] == ["comparison"]
    assert [p.kind for p in find_periods("i løbende priser")] == []


def ctx_periods(text, context):
    qs = find_mentions(text)
    assign_periods(text, qs, 0, len(text), context)
    return [(q.raw, q.year, q.year_end, q.open_ended, q.per_year, q.year_basis) for q in qs]


def test_relative_years_need_the_documents_date():
    text = "Hospitalet får 30 mio. kr. næste år og 5 mio. kr. fra næste år, mens der i år er brugt 12 mio. kr."
    assert ctx_periods(text, PeriodContext(dates=[(0, 2020)])) == [
        ("30 mio. kr.", 2021, None, False, False, "relativeToDocumentDate"),
        ("5 mio. kr.", 2021, None, True, True, "relativeToDocumentDate"),
        ("12 mio. kr.", 2020, None, False, False, "relativeToDocumentDate")]
    assert [y for _, y, *_ in ctx_periods(text, PeriodContext())] == [None, None, None]  # never guessed


def test_a_comparison_dates_nothing():
    text = "Kommunerne bruger i 2022 1,4 mia. kr. mere end i 2021."
    assert ctx_periods(text, PeriodContext()) == [("1,4 mia. kr.", 2022, None, False, False, "stated")]


def test_a_range_that_carries_the_amount():
    text = "Der afsættes 300 mio. kr. i 2023 og 350 mio. kr. i de efterfølgende år frem til 2026."
    assert ctx_periods(text, None) == [("300 mio. kr.", 2023, None, False, False, "stated"),
                                       ("350 mio. kr.", 2024, 2026, False, True, "stated")]


def test_moves_between_years():
    text = "Regionen vil udskyde 40 mio. kr. fra 2025 til 2026."
    qs = find_mentions(text)
    assign_periods(text, qs, 0, len(text))
    assert (qs[0].year, qs[0].moved_from, qs[0].year_basis, qs[0].open_ended) == (2026, 2025, "stated", False)
    text = "Mindreforbruget på 3,2 mio. kr. i 2024 overføres til 2025."
    qs = find_mentions(text)
    assign_periods(text, qs, 0, len(text))
    assert (qs[0].year, qs[0].moved_from) == (2025, 2024)


def test_a_leading_year_cell_starts_its_row():
    text = "År Beløb Modtager\n2024 900.000 kr. Sygehus Lillebælt 2025 1,2 mio. kr. Sygehus Lillebælt"
    assert [(y, b) for _, y, _, _, _, b in ctx_periods(text, None)] == [(2024, "fromTable"), (2025, "fromTable")]
    assert [y for _, y, *_ in ctx_periods("Data fra 2023 5 mio. kr.", None)] == [2023]  # a preposition: stated


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Handleplan 2019-2022 for ældreområdet", (2019, 2022, None)),
        ("Budget 2026", (2026, None, "budget")),
        ("2.1 Budgetaftale 2025-28", (2025, 2028, "budget")),
        ("Sammen om Psykiatriens Udvikling – Treårsplan 2020-2022", (2020, 2022, None)),
        ("42 Budgetopfølgning pr. 31-03-2025", (2025, None, "budget")),
        ("Der afsættes 5 mio. kr. i budget 2026", None),  # a sentence with figures
        ("Budget 2024 12,5 14,0", None),  # a table row
        ("Aftaler om psykiatrien fra 2022 og 2023", None),  # the year is not the plan's period
    ],
)
def test_heading_period(line, expected):
    assert heading_period(line) == expected


def test_heading_periods_govern_their_sections():
    text = "Budget 2026\nDer er afsat 5 mio. kr. til skolerne i hele perioden.\nBudget 2027\nTil samme formål 6 mio. kr."
    ctx = build_context(text)
    assert [(h.start, h.year) for h in ctx.headings] == [(0, 2026), (text.index("Budget 2027"), 2027)]
    assert ctx.heading_at(text.index("6 mio.")).year == 2027
    assert ctx.heading_at(text.index("5 mio.")).year == 2026


def test_per_year_words_belong_to_their_clause():
    text = "Ved de årlige forhandlinger blev det aftalt, at kommunerne i 2022 får 1,4 mia. kr. mere."
    assert ctx_periods(text, None) == [("1,4 mia. kr.", 2022, None, False, False, "stated")]
    text = "Hvert år bliver der fremover tilført 3,5 millioner kroner ekstra."
    assert ctx_periods(text, None) == [("3,5 millioner kroner", None, None, True, True, None)]
    text = "Centret bliver i de kommende år tildelt 1 mio. kr. årligt."  # no year, and none inherited
    assert ctx_periods(text, build_context("Treårsplan 2020-2022\n" + text)) == [
        ("1 mio. kr.", None, None, False, True, None)]
