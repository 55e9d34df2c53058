from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from ingest.nlp import extract_quantities
from ingest.repair import repair
from ingest.tables import find_headers, find_tables

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
AGREEMENT = "001_08ba568cb88d3b78.txt"
MINUTES = "003_2629bb8cda143ecb.txt"


@cache
def corpus_text(name, repaired):
    raw = (CORPUS / name).read_text(encoding="utf-8")
    return repair(raw).text if repaired else raw


@cache
def extracted(name, repaired):
    return extract_quantities(corpus_text(name, repaired))


def bilag1(repaired):
    text = corpus_text(AGREEMENT, repaired)
    start = text.index("Økonomisk oversigt over initiativer")
    facts, _ = find_tables(text)
    return text, [q for q in facts if q.start > start]


def rows(facts):
    out = {}
    for q in facts:
        out.setdefault(q.row_label, []).append((q.year, int(q.value)))
    return out


@pytest.mark.parametrize("repaired", [False, True], ids=["raw", "repaired"])
def test_bilag1_rows(repaired):
    text, facts = bilag1(repaired)
    by_row = rows(facts)
    assert len(by_row) == 24  # 5 group rows, 14 initiatives, 5 sums and frames
    assert len(facts) == 21 * 7 + 3
    assert by_row["2. Styrkelse af Livslinien"] == [(y, 7_000_000) for y in range(2024, 2031)]
    # a label wrapped over two lines, the figures on a line of their own
    assert by_row["1. Styrket forebyggelse af selvmord og selvmordsforsøg"][:2] == [(2024, 48_800_000), (2025, 65_000_000)]
    # a label wrapped over three lines
    assert by_row["4. National psykiatrisk akuttelefon og styrkelse af akutte psykiatriske behandlingstilbud"] == [
        (2024, 3_000_000), (2025, 113_300_000), (2026, 150_000_000), (2027, 150_600_000),
        (2028, 150_000_000), (2029, 150_000_000), (2030, 150_000_000)]
    # "-" cells are no facts
    assert by_row["7. Tryghedspakke for medarbejdere i psykiatrien"] == [(2024, 100_000_000)]
    assert by_row["Forskningsreserven 2024"] == [(2024, 100_000_000)]
    assert by_row["FFL24 bevillingsramme"][2] == (2026, 1_300_000_000)
    for q in facts:
        assert text[q.start:q.end] == q.raw
        assert (q.from_table, q.price_level, q.unit_text, q.measure) == (True, "2024-pl", "Mio. kr.", "money")
        assert (q.per_year, q.open_ended, q.year_end) == (False, False, None)


@pytest.mark.parametrize("repaired", [False, True], ids=["raw", "repaired"])
def test_bilag1_kinds(repaired):
    _, facts = bilag1(repaired)
    kind = {q.row_label: q.kind for q in facts}
    assert kind["Forebyggelse af selvmord"] == "total"  # a group row above numbered rows
    assert kind["Hjælp, når der er akut behov for det"] == "total"
    assert kind["Udgifter i alt"] == "total"
    assert kind["14. Nedbringelse af tvang"] == "allocated"
    # the frame and what is left of it are not money given to anything: not summed with allocations
    assert kind["FFL24 bevillingsramme"] == "other"
    assert kind["Resterende prioritering"] == "other"
    assert kind["Forskningsreserven 2024"] == "allocated"


def test_frame_rows_of_a_written_table():
    text = ("Tabel 2. Oversigt\nMio. kr. 2026 2027\n1. Flere sengepladser 10,0 12,0\n"
            "2. Bedre udslusning 5,0 5,0\nUdgifter i alt 15,0 17,0\nBevillingsramme 20,0 20,0\n"
            "Midler til rådighed 5,0 3,0\n")
    facts, _ = find_tables(text)
    kinds = {q.row_label: q.kind for q in facts}
    assert kinds == {"1. Flere sengepladser": "allocated", "2. Bedre udslusning": "allocated",
                     "Udgifter i alt": "total", "Bevillingsramme": "other", "Midler til rådighed": "other"}


def test_bilag1_quote_is_the_row():
    text, facts = bilag1(False)
    q = next(q for q in facts if q.row_label == "2. Styrkelse af Livslinien" and q.year == 2026)
    assert q.quote == "2. Styrkelse af Livslinien 7,0 7,0 7,0 7,0 7,0 7,0 7,0"
    assert text[q.sentence_start:q.sentence_end] == q.quote


@pytest.mark.parametrize("repaired", [False, True], ids=["raw", "repaired"])
def test_tabel1_period_column_and_right_aligned_row(repaired):
    text = corpus_text(AGREEMENT, repaired)
    facts, _ = find_tables(text)
    by_row = rows(q for q in facts if q.start < text.index("Økonomisk oversigt over initiativer"))
    assert by_row["Løft på tidligere FL"][0] == (2020, 1_147_000_000)
    first = next(q for q in facts if q.row_label == "Løft på tidligere FL")
    assert (first.year, first.year_end) == (2020, 2023)
    # seven figures under eight columns: the first (2020-2023) column is empty
    assert by_row["Løft på FFL24"][0] == (2024, 400_000_000)
    assert by_row["Dobbeltdiagnosetilbud og særlige pladser (ØA24) og forskningsreserven 2024"][0] == (2024, 167_000_000)
    assert by_row["I alt løft af psykiatrien"][-1] == (2030, 4_312_000_000)


@pytest.mark.parametrize("repaired", [False, True], ids=["raw", "repaired"])
def test_regional_funding_tables(repaired):
    everything = extracted(MINUTES, repaired)
    facts = [q for q in everything if q.from_table and q.price_level == "2025-pl"]  # "25-pl" in the header
    by_row = rows(facts)
    assert by_row["2.2 Botilbudsteams"][0] == (2024, 62_100_000)
    assert by_row["4 Kvalitetsgrupper."] == [(y, 1_500_000) for y in (2023, 2024, 2025, 2026)]
    assert by_row["3. Styrket psykosocial indsats ved beredskabshændelser"] == [(2024, 3_900_000)]  # "X" cells
    assert by_row["Kapacitetsløft børne- og ungepsykiatrien"] == [(2025, 150_000_000)]
    assert by_row["I alt for begge aftaler"][:3] == [(2023, 127_500_000), (2024, 478_500_000), (2025, 593_300_000)]
    autism = [q for q in facts if q.row_label == "8. Højere kvalitet i indsatsen for børn og unge med autisme"]
    assert [(q.year, int(q.value), q.qualifier) for q in autism][:2] == [(2024, 36_300_000, None), (2025, 20_800_000, "mindst")]
    assert {q.kind for q in facts if q.row_label.startswith("Total")} == {"total"}
    # a remark inside the table with its own unit is a prose fact, not a cell
    assert not any(q.row_label and q.row_label.startswith("Kommunerne") for q in facts)
    prose = [q for q in everything if not q.from_table and q.raw.startswith("50")]
    assert any(int(q.value) == 50_000_000 and q.year == 2024 for q in prose)


def test_a_cost_table_per_year():
    text = ("Årlige driftsudgifter\n\nUdgift Mio. kr. årligt\n\nHusleje og bygningsdrift 2,60\n\n"
            "Lønudgifter (1 leder, 1 sekretær) 1,20\n\nSamlet estimat 5,00\n\nHuslejen udgør 1.225 kr. pr m².")
    facts, headers = find_tables(text)
    assert [(q.row_label, q.value, q.year, q.per_year, q.kind) for q in facts] == [
        ("Husleje og bygningsdrift", Decimal(2_600_000), None, True, "other"),
        ("Lønudgifter (1 leder, 1 sekretær)", Decimal(1_200_000), None, True, "other"),
        ("Samlet estimat", Decimal(5_000_000), None, True, "total"),
    ]
    assert len(headers) == 1


def test_headers():
    text = "Mio. kr., 2024-pl 2024 2025 2026\nmio. kr. 25-pl     2025 2026 Bemærkninger\nDer afsættes 0,3 mio. kr. årligt"
    found = find_headers(text)
    assert [(h.unit, h.price_level, h.columns, h.remarks) for h in found] == [
        ("Mio. kr.", "2024-pl", [(2024, None), (2025, None), (2026, None)], False),
        ("mio. kr.", "2025-pl", [(2025, None), (2026, None)], True),  # "25-pl" as the full year
    ]


def test_prose_is_no_table():
    assert find_tables("Der afsættes 7,0 mio. kr. i 2024 og 2025.\nI alt 2 3 4") == ([], [])
