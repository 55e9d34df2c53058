"""Semantic search inside SPARQL (kgf:similarity) and /ask's shown SPARQL, on the real corpus graph and index."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.slow

SUICIDE_2025 = """SELECT ?initiative (MAX(?score) AS ?best) (SUM(?value) AS ?dkk) WHERE {
  ?passage a kg:Passage .
  BIND(kgf:similarity(?passage, "forebyggelse af selvmord") AS ?score)
  FILTER(?score > 0.85)
  ?fact prov:wasDerivedFrom ?passage ; a kg:MoneyAmount ; kg:year 2025 ; kg:value ?value ;
        kg:forInitiative/rdfs:label ?initiative .
} GROUP BY ?initiative ORDER BY DESC(?best)"""


def sparql_rows(client, query: str) -> list[dict[str, str]]:
    r = client.get("/sparql", params={"query": query}, headers={"accept": "text/csv"})
    assert r.status_code == 200, r.text
    return list(csv.DictReader(io.StringIO(r.text)))


def test_similarity_ranks_passages_like_dense_search(search_client, corpus_index):
    text = "tryghed og sikkerhed for medarbejderne"
    rows = sparql_rows(search_client, f"""SELECT ?passage ?score WHERE {{
      ?passage a kg:Passage . BIND(kgf:similarity(?passage, "{text}") AS ?score)
    }} ORDER BY DESC(?score) LIMIT 5""")
    dense = [h.iri for h in corpus_index.search(text, 5, "dense")]
    assert [r["passage"] for r in rows] == dense
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True) and 0.5 < scores[0] <= 1.0


def test_meaning_combined_with_graph_patterns(search_client):
    rows = sparql_rows(search_client, SUICIDE_2025)
    labels = [r["initiative"] for r in rows]
    assert any("selvmord" in label.lower() for label in labels[:3])
    top = next(r for r in rows if "selvmord" in r["initiative"].lower())
    assert float(top["dkk"]) > 0
    # the same filter with a text about something else finds other initiatives first
    other = sparql_rows(search_client, SUICIDE_2025.replace("forebyggelse af selvmord", "spiseforstyrrelser hos unge"))
    assert [r["initiative"] for r in other][:1] != labels[:1]


def test_similarity_is_unbound_for_other_resources(search_client):
    rows = sparql_rows(search_client, """SELECT ?doc ?score WHERE {
      ?doc a kg:Document . OPTIONAL { BIND(kgf:similarity(?doc, "tvang") AS ?score) } } LIMIT 3""")
    assert rows and all(r["score"] == "" for r in rows)


@pytest.mark.parametrize(("query", "message"), [
    ('SELECT ?s WHERE { ?p a kg:Passage . BIND(kgf:similarity(?p, ?x) AS ?s) }', "string constant"),
    ('SELECT ?s WHERE { ?p a kg:Passage . BIND(kgf:similarity(?p) AS ?s) }', "two arguments"),
    ('SELECT ?s WHERE { ?p a kg:Passage . BIND(kgf:similarity(?p, "") AS ?s) }', "empty"),
])
def test_similarity_misuse_is_a_clear_400(search_client, query, message):
    r = search_client.get("/sparql", params={"query": query})
    assert r.status_code == 400 and message in r.json()["detail"]


def test_ask_shows_the_sparql_behind_an_amount(search_client):
    body = search_client.get("/ask", params={"q": "Hvor meget afsættes der til Livslinien i 2025?"}).json()
    shown = body["sparql"]
    assert shown["shape"] == "amount" and "2025" in shown["sparql"]
    rows = sparql_rows(search_client, shown["sparql"])
    top = body["facts"][0]
    assert top["value"] == 7_000_000
    assert any(float(r["value"]) == top["value"] and r["year"] in ("2025", str(top["year"])) for r in rows)
    assert all(r["initiativeLabel"] for r in rows)


def test_ask_shows_recipients_and_changes(search_client):
    body = search_client.get("/ask", params={"q": "Who received money for follow-up after child and adolescent psychiatric treatment?"}).json()
    assert body["sparql"]["shape"] == "recipient"
    rows = sparql_rows(search_client, body["sparql"]["sparql"])
    assert rows and all(r["recipientLabel"] for r in rows)
    assert "Region Hovedstaden" in {r["recipientLabel"] for r in rows}
    body = search_client.get("/ask", params={"q": "Er der forskel på beløbene til handlingsplanen for forebyggelse af selvmord i dokumenterne?"}).json()
    assert body["sparql"]["shape"] == "changes"
    rows = sparql_rows(search_client, body["sparql"]["sparql"])
    assert any(r["relation"].endswith("conflictsWith") and r["value"] != r["otherValue"] for r in rows)


def test_ask_shows_the_initiatives_an_actor_leads(search_client):
    body = search_client.get("/ask", params={"q": "Hvilke initiativer har Danske Regioner ansvaret for?"}).json()
    shown = body["sparql"]
    assert shown["shape"] == "leads" and "danske-regioner" in shown["sparql"]
    rows = sparql_rows(search_client, shown["sparql"])
    assert len(rows) >= 3
    assert sum("DR" in r["initiativeLabel"] for r in rows) >= 3  # headings ending "(DR)", "(DR og KL)"
    assert "Danske Regioner" in shown["description"]


def test_similarity_queries_follow_the_dataset(search_client):
    """FROM and default-graph-uri narrow a kgf:similarity query as any other (was: always the union)."""
    docs = [d for d in search_client.get("/documents").json()["items"]]
    graph = {d["id"]: f"https://w3id.org/psykiatri-kg/id/graph/{d['id']}" for d in docs}
    iri = {d["id"]: d["iri"] for d in docs}
    query = """SELECT DISTINCT ?doc {} WHERE {{
      ?passage a kg:Passage ; kg:inDocument ?doc . BIND(kgf:similarity(?passage, "tvang i psykiatrien") AS ?score)
      FILTER(?score > 0.5) }}"""
    docs_of = lambda rows: sorted(r["doc"] for r in rows)  # noqa: E731
    assert docs_of(sparql_rows(search_client, query.format(""))) == sorted(iri.values())
    first, last = docs[0]["id"], docs[-1]["id"]
    assert docs_of(sparql_rows(search_client, query.format(f"FROM <{graph[first]}>"))) == [iri[first]]
    r = search_client.get("/sparql", params={"query": query.format(f"FROM <{graph[first]}>"),
                                             "default-graph-uri": graph[last]}, headers={"accept": "text/csv"})
    assert docs_of(csv.DictReader(io.StringIO(r.text))) == [iri[last]]
