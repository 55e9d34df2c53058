"""Entities, documents, initiatives and actors through the real app."""

from __future__ import annotations

import csv
import io

import pytest

from kg.namespace import ID_IRI
from tests.api.conftest import make_config, people_and_plans, tiny_store
from tests.api.test_sparql import EXPECTED_KEYS, assert_problem, sparql

PASSAGE = """SELECT ?text ?start ?end ?page ?title WHERE {{
  <{iri}> kg:text ?text ; kg:charStart ?start ; kg:charEnd ?end ; kg:inDocument ?d . ?d dcterms:title ?title .
  OPTIONAL {{ <{iri}> kg:page ?page }} }}"""


def binding(client, query: str) -> dict[str, str]:
    rows = sparql(client, query).json()["results"]["bindings"]
    assert len(rows) == 1, rows
    return {k: v["value"] for k, v in rows[0].items()}


# --- entities ---------------------------------------------------------------------------------

def test_a_passage_shows_its_text_document_page_and_span(client, doc_ids):
    doc = doc_ids[3]  # the committee minutes have "Side N" page markers
    iri = f"{ID_IRI}doc/{doc}/passage/3"
    expected = binding(client, PASSAGE.format(iri=iri))
    response = client.get(f"/entities/doc/{doc}/passage/3")
    assert response.status_code == 200, response.text
    view = response.json()
    assert view["iri"] == iri and view["curie"] == f"kgr:doc/{doc}/passage/3"
    assert [t["curie"] for t in view["types"]] == ["kg:Passage"]
    assert view["types"][0]["label"] == "Passage"
    [quote] = view["provenance"]
    assert quote["source"] == iri
    assert quote["text"] == expected["text"]
    assert quote["document"] == f"{ID_IRI}doc/{doc}"
    minutes = "Psykiatri- og Socialudvalget: dagsordener og referater med bilag"
    assert quote["document_title"] == expected["title"] == minutes
    assert (quote["char_start"], quote["char_end"]) == (int(expected["start"]), int(expected["end"]))
    assert quote["page"] == int(expected["page"])
    facts = {f["predicate_curie"]: f for f in view["facts"]}
    assert facts["kg:inDocument"]["object"]["value"] == quote["document"]
    assert facts["kg:inDocument"]["object_label"] == expected["title"]
    assert facts["kg:text"]["object"] == {"kind": "literal", "value": expected["text"], "datatype": "xsd:string"}
    assert facts["kg:order"]["object"]["value"] == "3"
    assert facts["kg:charStart"]["predicate_label"] == "start (characters)"


def test_full_iri_parameter_gives_the_same_view(client, doc_ids):
    path = f"doc/{doc_ids[0]}/passage/1"
    assert client.get("/entities", params={"iri": ID_IRI + path}).json() == client.get(f"/entities/{path}").json()


def test_a_document_shows_its_metadata_and_incoming_links(client, doc_ids):
    view = client.get(f"/entities/doc/{doc_ids[4]}").json()
    assert view["label"] == "Regional psykiatriplan (svær psykisk sygdom og børn og unge)"
    assert [t["curie"] for t in view["types"]] == ["kg:Document"]
    assert view["provenance"] == []
    passages = binding(client, f"SELECT (COUNT(?p) AS ?n) WHERE {{ ?p kg:inDocument <{view['iri']}> }}")["n"]
    assert view["incoming_total"] >= int(passages) > 10
    assert len(view["incoming"]) == min(view["incoming_total"], 200)
    assert {i["predicate_curie"] for i in view["incoming"]} >= {"kg:inDocument"}


def test_a_section_shows_its_span_without_text(client, doc_ids):
    view = client.get(f"/entities/doc/{doc_ids[0]}/section/1").json()
    [quote] = view["provenance"]
    assert quote["text"] is None and quote["char_end"] > quote["char_start"] >= 0


def test_unknown_entity_is_a_404_problem(client, doc_ids):
    body = assert_problem(client.get(f"/entities/doc/{doc_ids[0]}/passage/999999"), 404, "is not in the graph")
    assert body["type"].endswith("/not-found")
    assert_problem(client.get("/entities", params={"iri": "https://example.org/nothing"}), 404, "not in the graph")


def test_invalid_iri_is_a_400_problem(client):
    assert_problem(client.get("/entities", params={"iri": "not an iri"}), 400, "not a valid IRI")
    assert_problem(client.get("/entities/doc/a b"), 400, "not a valid IRI")
    assert_problem(client.get("/entities", params={"iri": "x:y> } DROP ALL {"}), 400, "not a valid IRI")


# --- documents --------------------------------------------------------------------------------

def test_documents_list_with_metadata_and_counts(client):
    response = client.get("/documents")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 5 and body["next_offset"] is None and response.headers["X-Total-Count"] == "5"
    assert [d["key"] for d in body["items"]] == EXPECTED_KEYS
    plan = body["items"][4]
    assert plan["title"] == "Regional psykiatriplan (svær psykisk sygdom og børn og unge)"
    assert plan["publisher"] == "Region Hovedstaden" and plan["kind"] == "regional plan"
    assert plan["date"] == "2024-11-19"
    passages = binding(client, "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Passage }")["n"]
    assert sum(d["passages"] for d in body["items"]) == int(passages)
    assert all(d["sections"] >= 5 and d["passages"] >= 20 for d in body["items"])


def test_documents_paging_and_filter(client):
    page = client.get("/documents", params={"limit": 2, "offset": 1}).json()
    assert [d["key"] for d in page["items"]] == EXPECTED_KEYS[1:3]
    assert (page["total"], page["limit"], page["offset"], page["next_offset"]) == (5, 2, 1, 3)
    assert client.get("/documents", params={"offset": 4}).json()["next_offset"] is None
    found = client.get("/documents", params={"q": "REGION HOVEDSTADEN"}).json()
    assert found["total"] == 3
    assert client.get("/documents", params={"q": "psykiatriplan"}).json()["items"][0]["key"] == EXPECTED_KEYS[4]
    assert_problem(client.get("/documents", params={"limit": 0}), 422, "limit")
    assert_problem(client.get("/documents", params={"format": "xlsx"}), 422, "format")


def test_documents_as_csv(client):
    for response in (client.get("/documents", params={"format": "csv"}),
                     client.get("/documents", headers={"Accept": "text/csv"})):
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"] == 'attachment; filename="documents.csv"'
        assert response.content.startswith(b"\xef\xbb\xbf")  # for Excel
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [r["key"] for r in rows] == EXPECTED_KEYS
        assert rows[4]["publisher"] == "Region Hovedstaden" and int(rows[4]["passages"]) > 10
        assert list(rows[0]) == ["id", "key", "title", "publisher", "kind", "date", "pages", "sections", "passages",
                                 "facts", "iri"]
    paged = client.get("/documents", params={"format": "csv", "limit": 2, "offset": 3})
    assert [r["key"] for r in csv.DictReader(io.StringIO(paged.content.decode("utf-8-sig")))] == EXPECTED_KEYS[3:5]


def test_a_document_with_its_sections_in_order(client, doc_ids):
    doc = client.get(f"/documents/{doc_ids[1]}").json()
    assert doc["key"] == EXPECTED_KEYS[1]
    orders = [s["order"] for s in doc["sections"]]
    assert orders == sorted(orders) and len(orders) == doc["sections"][-1]["order"] + 1 - orders[0]
    assert sum(s["passages"] for s in doc["sections"]) == doc["passages"]
    assert all(s["title"] and s["kind"] for s in doc["sections"])


def test_document_text_holds_every_passage_at_its_span(client, doc_ids):
    doc = doc_ids[2]
    body = client.get(f"/documents/{doc}/text").json()
    text = body["text"]
    assert body["length"] == len(text) and body["key"] == EXPECTED_KEYS[2]
    query = f"SELECT ?p ?text WHERE {{ ?p a kg:Passage ; kg:inDocument <{ID_IRI}doc/{doc}> ; kg:text ?text }}"
    rows = sparql(client, query).json()
    texts = {r["p"]["value"]: r["text"]["value"] for r in rows["results"]["bindings"]}
    assert len(body["passages"]) == len(texts) > 10
    for p in body["passages"]:
        assert text[p["char_start"]:p["char_end"]] == texts[p["iri"]]


def test_unknown_document_is_a_404_problem(client):
    assert_problem(client.get("/documents/0000000000000000"), 404, "no document with id")
    assert_problem(client.get("/documents/0000000000000000/text"), 404, "no document with id")


# --- initiatives and actors -------------------------------------------------------------------

@pytest.fixture
def plans(tmp_path):
    from fastapi.testclient import TestClient

    from api.app import create_app

    data = tiny_store(tmp_path / "data", people_and_plans())
    with TestClient(create_app(make_config(data), sparql_workers=1)) as c:
        yield c


def test_initiatives_list_filter_page_and_csv(plans):
    body = plans.get("/initiatives").json()
    assert [i["label"] for i in body["items"]] == ["Akutte psykiatriske teams", "Flere sengepladser", "Mindre tvang"]
    assert body["items"][0] == {"iri": f"{ID_IRI}initiative/test/1", "label": "Akutte psykiatriske teams",
                                "types": ["kg:Initiative"], "incoming": 0}
    page = plans.get("/initiatives", params={"limit": 1, "offset": 1}).json()
    assert [i["label"] for i in page["items"]] == ["Flere sengepladser"] and page["next_offset"] == 2
    assert plans.get("/initiatives", params={"q": "TVANG"}).json()["total"] == 1
    response = plans.get("/initiatives", params={"format": "csv", "q": "e"})
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["label"] for r in rows] == ["Akutte psykiatriske teams", "Flere sengepladser", "Mindre tvang"]
    assert rows[0]["types"] == "kg:Initiative"


def test_actors_are_organisations_and_persons_not_the_software(plans):
    body = plans.get("/actors").json()
    assert [(a["label"], a["types"], a["incoming"]) for a in body["items"]] == [
        ("Jens Jensen", ["foaf:Person"], 0), ("Region Hovedstaden", ["org:Organization"], 1)]
    rows = list(csv.DictReader(io.StringIO(plans.get("/actors", headers={"Accept": "text/csv"}).text)))
    assert [r["label"] for r in rows] == ["Jens Jensen", "Region Hovedstaden"]


def test_lists_are_empty_without_such_resources(tmp_path):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from kg.namespace import KG, KGR
    from rdflib.namespace import RDF

    data = tiny_store(tmp_path / "data", [(KGR["doc/x"], RDF.type, KG.Document)])
    with TestClient(create_app(make_config(data), sparql_workers=1)) as c:
        for path in ("/initiatives", "/actors"):
            assert c.get(path).json() == {"total": 0, "offset": 0, "limit": 100, "next_offset": None, "items": []}
            assert c.get(path, params={"format": "csv"}).text == "\ufeffiri,label,types,incoming\r\n"  # BOM, header
