from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.eval_entities import corpus_entities, format_report, gold_names, norm, score_entities, top_actors

ROOT = Path(__file__).resolve().parents[2]
GOLD = [
    {"id": "G1", "doc": "a.txt", "type": "organisation", "name": "Region Hovedstaden", "aliases": ["RH"],
     "same_as": "ORG-rh"},
    {"id": "G2", "doc": "b.txt", "type": "organisation", "name": "Region Hovedstaden", "aliases": [], "same_as": "ORG-rh"},
    {"id": "G3", "doc": "b.txt", "type": "organisation", "name": "Regionsrådet (Region Hovedstaden)", "aliases": []},
    {"id": "G4", "doc": "a.txt", "type": "place", "name": "Field's", "aliases": [], "same_as": "PLACE-fields"},
    {"id": "G5", "doc": "b.txt", "type": "place", "name": "Field's", "aliases": [], "same_as": "PLACE-fields"},
    {"id": "G6", "doc": "a.txt", "type": "date", "name": "29. januar 2025", "aliases": []},
    {"id": "G7", "doc": "a.txt", "type": "person", "name": "Kira West", "aliases": []},
    {"id": "G8", "doc": "a.txt", "type": "initiative", "name": "STIME", "aliases": []},
]


@pytest.fixture
def gold_path(tmp_path: Path) -> Path:
    path = tmp_path / "entities.jsonl"
    path.write_text("\n".join(json.dumps(g, ensure_ascii=False) for g in GOLD) + "\n", encoding="utf-8")
    return path


def entity(doc, type_, id_, label, *aliases):
    return {"doc": doc, "type": type_, "id": id_, "label": label, "aliases": list(aliases)}


def test_norm_and_gold_names():
    assert norm("Psykiatri - og  Socialudvalget") == norm("psykiatri- og socialudvalget")
    assert norm("Field´s") == norm("Field’s") == "field's"
    assert gold_names(GOLD[2]) == {"regionsrådet (region hovedstaden)", "regionsrådet"}


def test_scores_recall_and_cross_document_links(gold_path):
    found = [
        entity("a.txt", "organisation", "rh", "Region Hovedstaden", "RH"),
        entity("b.txt", "organisation", "rh", "Region Hovedstaden"),
        entity("b.txt", "organisation", "rr", "Regionsrådet"),
        entity("a.txt", "place", "fields", "Field's", "Field´s"),
        entity("b.txt", "place", "fields-2", "Field’s"),  # found, but another resource: not linked
        entity("a.txt", "date", "d", "29. januar 2025"),
        entity("b.txt", "person", "kw", "Kira West"),  # wrong document
    ]
    m = score_entities(found, gold_path)
    assert {t: (r["found"], r["total"]) for t, r in m["recall"].items()} == {
        "organisation": (3, 3), "person": (0, 1), "place": (2, 2), "date": (1, 1)}
    assert m["recall"]["person"]["missed"] == ["G7 a.t Kira West"]
    cross = m["cross_document"]
    assert (cross["organisation"]["linked"], cross["organisation"]["pairs"]) == (1, 1)
    assert (cross["place"]["linked"], cross["place"]["pairs"]) == (0, 1)
    assert (cross["all"]["linked"], cross["all"]["pairs"], cross["all"]["rate"]) == (1, 2, 0.5)
    report = format_report(m)
    assert "  organisation   1.00  (3/3)" in report
    assert "  all            0.50  (1/2)" in report
    assert "Unlinked: PLACE-fields: G4/G5" in report


def test_type_must_agree(gold_path):
    m = score_entities([entity("a.txt", "person", "x", "Region Hovedstaden")], gold_path)
    assert m["recall"]["organisation"]["found"] == 0


def test_corpus_meets_targets():
    """The extractors over the real corpus, scored against the gold sample (measured, not tuned per line)."""
    found, actors = corpus_entities(ROOT / "corpus")
    m = score_entities(found, ROOT / "eval/gold/entities.jsonl")
    assert m["recall"]["organisation"]["recall"] >= 0.85
    assert m["recall"]["place"]["recall"] >= 0.8
    assert m["recall"]["date"]["recall"] >= 0.8
    assert m["cross_document"]["all"]["rate"] >= 0.8
    names = [name for name, _kind, _count in top_actors(actors, 30)]
    # the collective "regionerne" (the five regions as one actor) is among the most mentioned
    assert names[0] == "Sundhedsstyrelsen"
    assert set(names[1:4]) == {"regionerne", "Psykiatriens Hus i Aalborg", "Danske Regioner"}



def test_organisation_precision_judges_only_what_the_gold_can_judge(tmp_path):
    rows = [
        {"id": "E1", "doc": "a.txt", "type": "organisation", "name": "Region Hovedstaden", "aliases": [],
         "quote": "Region Hovedstaden og Sundhedsstyrelsen har aftalt"},
        {"id": "E2", "doc": "b.txt", "type": "organisation", "name": "Sundhedsstyrelsen", "aliases": [], "quote": "x"},
        {"id": "E3", "doc": "c.txt", "type": "organisation", "name": "Byrådet", "aliases": [], "quote": "y",
         "exhaustive": True},
    ]
    path = tmp_path / "entities.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    found = [
        entity("a.txt", "organisation", "kgr/actor/rh", "Region Hovedstadens", "Region Hovedstaden"),
        entity("a.txt", "organisation", "kgr/actor/sst", "Sundhedsstyrelsen"),  # vouched by b.txt's record
        entity("a.txt", "organisation", "kgr/actor/x", "Forvaltningen"),  # not in any quote: not judged
        entity("a.txt", "organisation", "kgr/actor/regionerne", "regionerne"),  # a collective: left out
        entity("c.txt", "organisation", "kgr/actor/byr", "Byrådet (Frederikssund Kommune)", "Byrådet"),
        entity("c.txt", "organisation", "kgr/actor/adm", "Administrationen"),  # exhaustive document: wrong
    ]
    texts = {"c.txt": "Administrationen indstiller, at Byrådet godkender."}
    p = score_entities(found, path, texts)["organisation_precision"]
    assert (p["right"], p["judged"], p["unjudged"], p["wrong"]) == (3, 4, 1, ["c.t Administrationen"])
    assert "  organisation   0.75  (3/4)" in format_report(score_entities(found, path, texts))
