import json

import pytest

from ingest.eval_amounts import format_report, score_amounts

GOLD = [
    {"id": "A1", "doc": "001_x.txt", "amount_dkk": 7000000, "raw": "7,0", "year": 2024, "year_end": None,
     "open_ended": False, "per_year": False, "kind": "allocated", "note": "Bilag 1 (Økonomisk oversigt), mio. kr., 2024-pl"},
    {"id": "A2", "doc": "001_x.txt", "amount_dkk": 7000000, "raw": "7,0", "year": 2025, "year_end": None,
     "open_ended": False, "per_year": False, "kind": "allocated", "note": "Bilag 1 (Økonomisk oversigt), mio. kr., 2024-pl"},
    {"id": "A3", "doc": "001_x.txt", "amount_dkk": 65000000, "raw": "65,0 mio. kr.", "year": 2025, "year_end": None,
     "open_ended": True, "per_year": True, "kind": "allocated", "note": None},
    {"id": "A4", "doc": "000_y.txt", "amount_dkk": 33000000, "raw": "33 mio. kr.", "year": None, "year_end": None,
     "open_ended": False, "per_year": True, "kind": "share", "note": None},
]
TEXT = "Der afsættes 65,0 mio. kr. årligt fra 2025 og frem.\nBilag 1\nMio. kr., 2024-pl 2024 2025\nX 7,0 7,0 9,9\n"


def fact(doc, amount, year, kind="allocated", per_year=False, open_ended=False, from_table=False, start=None):
    return {"doc": doc, "amount_dkk": amount, "year": year, "year_end": None, "per_year": per_year,
            "open_ended": open_ended, "kind": kind, "from_table": from_table, "row_label": None, "start": start}


@pytest.fixture
def gold_path(tmp_path):
    path = tmp_path / "amounts.jsonl"
    path.write_text("\n".join(json.dumps(g) for g in GOLD) + "\n", encoding="utf-8")
    return path


def test_score_amounts(gold_path):
    start = TEXT.index("Bilag 1")
    facts = [
        fact("001_x.txt", 7000000, 2024, from_table=True, start=start + 40),
        fact("001_x.txt", 7000000, 2025, from_table=True, start=start + 44),
        fact("001_x.txt", 9900000, 2026, from_table=True, start=start + 48),
        fact("001_x.txt", 65000000, 2025, kind="total", per_year=True, open_ended=True, start=13),
        fact("001_x.txt", 65000000, 2025, kind="allocated", per_year=False, open_ended=False, start=100),
        fact("001_x.txt", 1000000, 2020, from_table=True, start=5),  # a table before Bilag 1
        fact("000_y.txt", 33000000, 2024, kind="share", per_year=True),  # wrong year: not found
    ]
    m = score_amounts(facts, gold_path, {"001_x.txt": TEXT})
    assert m["recall"]["overall"] == 0.75
    assert m["recall"]["per_doc"] == {
        "000_y.txt": {"gold": 1, "found": 0, "recall": 0.0},
        "001_x.txt": {"gold": 3, "found": 3, "recall": 1.0},
    }
    # A3 is compared with the fact agreeing on most attributes: the "total" one (2 of 3)
    assert m["agreement"] == {"per_year": 1.0, "open_ended": 1.0, "kind": 2 / 3}
    assert m["agreement_all"] == {"per_year": 2 / 3, "open_ended": 2 / 3, "kind": 2 / 3}
    assert m["bilag1"]["facts"] == 3
    assert m["bilag1"]["in_gold"] == 2
    assert m["bilag1"]["precision"] == 2 / 3
    assert m["bilag1"]["not_in_gold"] == [{"row_label": None, "year": 2026, "amount_dkk": 9900000}]
    assert [x["id"] for x in m["missed"]] == ["A4"]


def test_bilag1_without_text_takes_every_table_fact(gold_path):
    facts = [fact("001_x.txt", 7000000, 2024, from_table=True), fact("001_x.txt", 7000000, 2024, from_table=True)]
    b = score_amounts(facts, gold_path)["bilag1"]
    assert (b["facts"], b["in_gold"], b["precision"]) == (2, 1, 0.5)  # one gold fact counts once


def test_format_report(gold_path):
    report = format_report(score_amounts([fact("000_y.txt", 33000000, None, kind="share", per_year=True)], gold_path))
    assert "| 000_y.txt | 1 | 1 | 1.000 |" in report
    assert "| **all** | 4 | 1 | **0.250** |" in report
    assert "| kind agreement (best matching fact) | 1.000 |" in report
    assert "- A1 001 '7,0' 2024" in report



def test_year_agreement_stated_apart_from_inferred(tmp_path):
    gold = [
        {"id": "S1", "doc": "d.txt", "amount_dkk": 5, "raw": "5 kr.", "year": 2024, "year_end": None, "open_ended": False,
         "per_year": False, "quote": "5 kr. i 2024"},
        {"id": "S2", "doc": "d.txt", "amount_dkk": 6, "raw": "6 kr.", "year": 2025, "year_end": 2027, "open_ended": False,
         "per_year": True, "quote": "6 kr. årligt i 2025-27"},
        {"id": "S3", "doc": "d.txt", "amount_dkk": 7, "raw": "7 kr.", "year": 2024, "year_end": None, "open_ended": False,
         "per_year": False, "quote": "7 kr. på FL24"},
        {"id": "I1", "doc": "d.txt", "amount_dkk": 8, "raw": "8 kr.", "year": 2021, "year_end": None, "open_ended": False,
         "per_year": False, "quote": "8 kr. næste år", "basis": "relativeToDocumentDate"},
        {"id": "I2", "doc": "d.txt", "amount_dkk": 9, "raw": "9 kr.", "year": 2026, "year_end": None, "open_ended": False,
         "per_year": False, "quote": "9 kr. til skolerne"},
        {"id": "N1", "doc": "d.txt", "amount_dkk": 10, "raw": "10 kr.", "year": None, "year_end": None,
         "open_ended": False, "per_year": False, "quote": "10 kr."},
        {"id": "N2", "doc": "d.txt", "amount_dkk": 11, "raw": "11 kr.", "year": None, "year_end": None,
         "open_ended": False, "per_year": False, "quote": "11 kr."},
    ]
    path = tmp_path / "amounts.jsonl"
    path.write_text("\n".join(json.dumps(g) for g in gold) + "\n", encoding="utf-8")
    facts = [dict(fact("d.txt", 5, 2024), year_basis="stated"), dict(fact("d.txt", 6, 2025), year_basis="stated"),
             dict(fact("d.txt", 7, 2024), year_basis="stated"), dict(fact("d.txt", 8, None)),
             dict(fact("d.txt", 9, 2026), year_basis="fromHeading"), dict(fact("d.txt", 10, 2020), year_basis="stated")]
    m = score_amounts(facts, path)
    years = m["years"]["by_basis"]
    assert (years["stated"]["year_agrees"], years["stated"]["period_agrees"], years["stated"]["amount_found"]) == (3, 2, 3)
    assert (years["inferred"]["year_agrees"], years["inferred"]["amount_found"], years["inferred"]["gold"]) == (1, 2, 2)
    assert years["inferred: relativeToDocumentDate"]["year_agrees"] == 0
    assert (years["none"]["year_agrees"], years["none"]["amount_found"], years["none"]["gold"]) == (0, 1, 2)
    assert m["years"]["gold_basis_to_found_basis"]["inferred → fromHeading"] == 1
    assert "| stated | 3 | 3 | 1.000 (3) | 0.667 (2) |" in format_report(m)
    assert "kind agreement" not in format_report(m)  # these gold rows have no kind
