"""The page's files and JSON views through the real app (no browser), and the reconciliation rules."""

from __future__ import annotations

import re

import pytest

from api.web import STATIC_DIR, views


def test_the_page_and_its_files_are_served(web_client):
    r = web_client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<html lang="da">' in r.text and "/static/js/app.js" in r.text
    for path in re.findall(r'(?:href|src)="(/static/[^"]+)"', r.text):
        assert web_client.get(path).status_code == 200, path
    js = web_client.get("/static/vendor/yasgui/yasgui.min.js")
    assert js.status_code == 200 and "Yasgui" in js.text[:2000]
    assert web_client.get("/static/nothing.js").status_code == 404


def test_no_file_of_the_page_loads_from_another_host():
    for path in STATIC_DIR.rglob("*"):
        if path.suffix in {".html", ".css"} or (path.suffix == ".js" and "vendor" not in path.parts):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"""(?:src|href)=["']https?://|import\s.*["']https?://|url\(["']?https?://""", text), path


def test_every_view_module_the_router_names_exists():
    app_js = (STATIC_DIR / "js" / "app.js").read_text(encoding="utf-8")
    for module in re.findall(r'import\("\./(views/[a-z]+\.js)"\)', app_js):
        assert (STATIC_DIR / "js" / module).is_file(), module


def test_document_marks_point_at_the_facts_in_the_text(web_client):
    docs = web_client.get("/documents").json()["items"]
    doc = max(docs, key=lambda d: d["facts"])
    marks = web_client.get(f"/web/documents/{doc['id']}/marks").json()
    text = web_client.get(f"/documents/{doc['id']}/text").json()["text"]
    assert marks["length"] == len(text)
    kinds = {m["type"] for m in marks["marks"]}
    assert {"money", "initiative", "actor"} <= kinds
    for m in marks["marks"]:
        assert 0 <= m["start"] < m["end"] <= len(text)
        if m["type"] == "money":
            assert re.search(r"\d", text[m["start"]:m["end"]]), m
    entity = next(m for m in marks["marks"] if m["type"] == "actor")
    assert web_client.get("/entities", params={"iri": entity["iri"]}).status_code == 200


def test_entity_marks_come_from_the_stored_mentions_not_a_new_extraction(web_client, monkeypatch):
    """Actors, places and dates are highlighted from the kg:Mention spans stored at ingest: a page view runs
    no extractor, and the spans are exactly the ones the extractors found in the kept text."""
    import ingest.entities
    from ingest.entities import extract_entities

    docs = web_client.get("/documents").json()["items"]
    doc = max(docs, key=lambda d: d["facts"])
    text = web_client.get(f"/documents/{doc['id']}/text").json()["text"]
    actors, places, dates = extract_entities(text)
    expected = {(kind, m.start, m.end, str(m.iri))
                for kind, found in (("actor", actors), ("place", places), ("date", dates)) for m in found}

    def no_extraction(*args, **kwargs):
        raise AssertionError("document_marks re-ran entity extraction")

    monkeypatch.setattr(ingest.entities, "extract_entities", no_extraction)
    marks = web_client.get(f"/web/documents/{doc['id']}/marks").json()["marks"]
    got = {(m["type"], m["start"], m["end"], m["iri"]) for m in marks if m["type"] in {"actor", "place", "date"}}
    assert {k for k, *_ in got} == {"actor", "place", "date"}
    assert got == expected


def test_unknown_document_and_initiative_are_problems(web_client):
    r = web_client.get("/web/documents/nope/marks")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    r = web_client.get("/web/initiative", params={"iri": "https://w3id.org/psykiatri-kg/id/initiative/nope"})
    assert r.status_code == 404 and "/initiatives" in r.json()["detail"]


def test_an_initiative_across_documents(web_client):
    items = web_client.get("/initiatives", params={"q": "Hurtig opstart af behandling", "limit": 100}).json()["items"]
    member = next(i for i in items if "kg:CanonicalInitiative" not in i["types"])
    body = web_client.get("/web/initiative", params={"iri": member["iri"]}).json()
    assert member["iri"] in {m["iri"] for m in body["members"]}
    assert len({m["doc_key"] for m in body["members"]}) >= 2
    assert all(m["agreement_label"] for m in body["members"])


def test_example_queries_run_and_answer(web_client):
    help_ = web_client.get("/web/sparql-help").json()
    assert help_["prefixes"]["kg"] == "https://w3id.org/psykiatri-kg/vocab#"
    assert len(help_["examples"]) >= 3
    for example in help_["examples"]:
        assert example["title_da"] and example["title_en"] and not example["query"].startswith("#")
        r = web_client.post("/sparql", data={"query": example["query"]},
                            headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, (example["id"], r.text)
        assert r.json()["results"]["bindings"], f"{example['id']} found nothing in the corpus"


def test_money_checks_name_the_years_and_warn(web_client):
    body = web_client.get("/web/money/checks", params={"year": 2025}).json()
    assert 2025 in body["years"] and body["years"] == sorted(body["years"])
    assert all(w["year"] == 2025 for w in body["warnings"])
    assert web_client.get("/web/money/checks", params={"year": 1000}).status_code == 422


def _flow(init: str, kind: str, dkk: float, year: int = 2025) -> dict:
    return {"year": year, "initiative": init, "initiative_label": init.upper(), "kind": kind, "dkk": dkk,
            "payer": None, "recipient": "Region X" if kind == "share" else None}


@pytest.mark.parametrize(("flows", "codes"), [
    ([_flow("a", "allocated", 100.0), _flow("a", "share", 60.0), _flow("a", "share", 40.0)], []),
    ([_flow("a", "allocated", 100.0), _flow("a", "share", 60.0), _flow("a", "share", 41.0)],
     ["shares-exceed-allocation"]),
    ([_flow("a", "allocated", 100.0), _flow("a", "share", 100.4)], []),  # rounding in the documents
    ([_flow("b", "share", 5.0)], ["share-without-allocation"]),
    ([_flow("a", "allocated", 100.0, 2024), _flow("a", "share", 5.0, 2025)], ["share-without-allocation"]),
])
def test_reconcile(flows, codes):
    assert [w["code"] for w in views.reconcile(flows)] == codes


def test_examples_need_both_titles(tmp_path):
    (tmp_path / "01-x.rq").write_text("# da: Titel\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    from kg.errors import QueryError

    with pytest.raises(QueryError, match="# en:"):
        views.examples(tmp_path)


def test_a_percentage_is_marked_as_a_percentage(tmp_path):
    """A text's percentage (kg:PercentFigure) is marked 'percent' on the document page, not a plain quantity."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from ingest.pipeline import ingest_paths
    from kg.settings import load_config
    from kg.store import open_store

    text = tmp_path / "corpus" / "status.txt"
    text.parent.mkdir()
    text.write_text("Status for psykiatrien\n\nVentetiden i børne- og ungdomspsykiatrien er faldet med 25 % i 2024. "
                    "Regionen har afsat 10 mio. kr. til flere behandlere.\n", encoding="utf-8")
    config = load_config({"data_dir": tmp_path / "data", "store": "oxigraph", "update_token": ""})
    with open_store(config.store, config.data_dir) as store:
        assert not ingest_paths([text.parent], store, config).failed
    with TestClient(create_app(config)) as client:
        doc = client.get("/documents").json()["items"][0]
        body = client.get(f"/documents/{doc['id']}/text").json()["text"]
        marks = client.get(f"/web/documents/{doc['id']}/marks").json()["marks"]
    shown = {body[m["start"]:m["end"]]: m["type"] for m in marks if m["type"] in ("percent", "money", "quantity")}
    assert shown == {"25 %": "percent", "10 mio. kr.": "money"}
