"""/sparql through the real app over the real Oxigraph store (a copy of the ingested corpus)."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
from rdflib import Graph, Literal, Variable
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF
from rdflib.query import Result

from kg.namespace import KG, KGR
from tests.api.conftest import MAX_ROWS, TIMEOUT, make_config, tiny_store

KEYS = "SELECT ?key ?title WHERE { ?d a kg:Document ; kg:sourceKey ?key ; dcterms:title ?title } ORDER BY ?key"
TITLES = "CONSTRUCT { ?d dcterms:title ?t } WHERE { ?d a kg:Document ; dcterms:title ?t }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a a kg:Passage . ?b a kg:Passage . ?c a kg:Passage }"
EXPECTED_KEYS = ["000_94a57a6a30b53576.txt", "001_08ba568cb88d3b78.txt", "002_0b700d7134d33c05.txt",
                 "003_2629bb8cda143ecb.txt", "004_b22d9295ccd21346.txt"]


def sparql(client, query: str, accept: str | None = None, **params):
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", params={"query": query, **params}, headers=headers)


def assert_problem(response, status: int, *fragments: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"]
    for fragment in fragments:
        assert fragment in body["detail"]
    assert "Traceback" not in response.text and 'File "' not in response.text
    return body


def json_keys(response) -> list[str]:
    return [b["key"]["value"] for b in response.json()["results"]["bindings"]]


# --- formats --------------------------------------------------------------------------------

@pytest.mark.parametrize("accept, fmt", [("application/sparql-results+json", "json"),
                                         ("application/sparql-results+xml", "xml")])
def test_select_as_sparql_json_and_xml_parse_with_rdflib(client, accept, fmt):
    response = sparql(client, KEYS, accept)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    result = Result.parse(io.BytesIO(response.content), format=fmt)
    assert [str(row.key) for row in result] == EXPECTED_KEYS
    assert all(str(row.title) for row in result)


def test_select_as_csv_and_tsv_parse_with_the_csv_module(client):
    response = sparql(client, KEYS, "text/csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["key"] for r in rows] == EXPECTED_KEYS
    response = sparql(client, KEYS, "text/tab-separated-values")
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    header, *rows = list(csv.reader(io.StringIO(response.text), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert header == ["?key", "?title"]
    assert [r[0] for r in rows] == [f'"{k}"' for k in EXPECTED_KEYS]  # TSV cells are RDF terms


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                         ("application/ld+json", "json-ld")])
def test_construct_as_turtle_ntriples_and_jsonld_parse_with_rdflib(client, accept, fmt):
    response = sparql(client, TITLES, accept)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=response.text, format=fmt)
    assert len(graph) == 5
    plan = "Regional psykiatriplan (svær psykisk sygdom og børn og unge)"
    assert plan in {str(o) for o in graph.objects(None, DCTERMS.title)}


def test_construct_formats_hold_the_same_graph(client):
    graphs = [Graph().parse(data=sparql(client, TITLES, format=name).text, format=fmt)
              for name, fmt in (("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"))]
    assert isomorphic(graphs[0], graphs[1]) and isomorphic(graphs[0], graphs[2])


def test_describe_returns_the_resource(client, doc_ids):
    iri = KGR[f"doc/{doc_ids[0]}"]
    graph = Graph().parse(data=sparql(client, f"DESCRIBE <{iri}>", "text/turtle").text, format="turtle")
    assert (iri, RDF.type, KG.Document) in graph


def test_ask_as_json_and_xml(client):
    for accept, fmt in (("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml")):
        response = sparql(client, "ASK { ?d a kg:Document }", accept)
        assert Result.parse(io.BytesIO(response.content), format=fmt).askAnswer is True
    assert sparql(client, "ASK { ?d a kg:Nothing }").json()["boolean"] is False


def test_default_format_is_sparql_json_and_accept_q_values_are_honoured(client):
    assert sparql(client, KEYS).headers["content-type"] == "application/sparql-results+json"
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert sparql(client, KEYS, browser).headers["content-type"] == "application/sparql-results+xml"
    picky = "application/sparql-results+xml;q=0.5, text/csv"
    assert sparql(client, KEYS, picky).headers["content-type"].startswith("text/csv")
    assert sparql(client, KEYS, "application/json").headers["content-type"] == "application/sparql-results+json"
    assert sparql(client, TITLES, "application/json").headers["content-type"] == "application/ld+json"
    assert sparql(client, TITLES).headers["content-type"].startswith("text/turtle")


def test_a_range_with_q_0_rules_its_type_out_even_under_a_wildcard(client):
    refused_json = "application/sparql-results+json;q=0, */*;q=0.5"  # JSON would win on our order otherwise
    assert sparql(client, KEYS, refused_json).headers["content-type"] == "application/sparql-results+xml"
    assert sparql(client, TITLES, "text/turtle;q=0, */*").headers["content-type"] == "application/rdf+xml"


def test_format_parameter_overrides_accept(client):
    response = sparql(client, KEYS, "application/sparql-results+json", format="tsv")
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    assert sparql(client, KEYS, format="text/csv").headers["content-type"].startswith("text/csv")


def test_unfit_formats_are_refused_with_406_and_unknown_names_fall_back_to_accept(client):
    assert_problem(sparql(client, KEYS, "text/turtle"), 406, "SELECT", "application/sparql-results+json")
    assert_problem(sparql(client, KEYS, "image/png"), 406, "image/png")
    assert_problem(sparql(client, KEYS, format="turtle"), 406, "cannot be turtle")
    assert_problem(sparql(client, TITLES, format="csv"), 406, "CONSTRUCT result cannot be csv")
    unknown = sparql(client, KEYS, "text/tab-separated-values", format="yaml")  # nobody's name: Accept decides
    assert unknown.status_code == 200 and unknown.headers["content-type"].startswith("text/tab-separated-values")
    assert unknown.text.splitlines()[0] == "?key\t?title"
    # ASK as CSV and TSV: the boolean alone (pyoxigraph writes it; rdflib cannot)
    assert sparql(client, "ASK { ?d a kg:Document }", "text/csv").text == "true"
    assert sparql(client, "ASK { ?d a kg:Nothing }", format="tsv").text == "false"


# --- protocol ---------------------------------------------------------------------------------

def test_get_post_form_and_post_direct_give_the_same_rows(client):
    accept = {"Accept": "application/sparql-results+json"}
    via_get = client.get("/sparql", params={"query": KEYS}, headers=accept)
    via_form = client.post("/sparql", data={"query": KEYS}, headers=accept)
    direct = accept | {"Content-Type": "application/sparql-query"}
    via_body = client.post("/sparql", content=KEYS.encode(), headers=direct)
    assert via_form.headers["content-type"] == via_body.headers["content-type"] == via_get.headers["content-type"]
    assert json_keys(via_get) == json_keys(via_form) == json_keys(via_body) == EXPECTED_KEYS
    assert via_get.json() == via_form.json() == via_body.json()


def test_vocabulary_prefixes_are_predeclared(client):
    query = ("SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Passage ; prov:wasDerivedFrom ?d . ?d dcterms:title ?t . "
             "OPTIONAL { ?d a schema:DigitalDocument } OPTIONAL { ?p skos:note ?x } OPTIONAL { ?p kgr:nothing ?y } }")
    response = sparql(client, query)
    assert response.status_code == 200, response.text
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) > 400


def test_default_and_named_graph_parameters_are_honoured(client, doc_ids):
    graph = str(KGR[f"graph/{doc_ids[0]}"])
    count = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a kg:Document }"
    n = lambda r: int(r.json()["results"]["bindings"][0]["n"]["value"])  # noqa: E731
    assert n(sparql(client, count)) == 5
    assert n(sparql(client, count, **{"default-graph-uri": graph})) == 1
    named = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?d a kg:Document } }"
    assert n(sparql(client, named)) == 5
    assert n(sparql(client, named, **{"named-graph-uri": graph})) == 1
    form = client.post("/sparql", data={"query": count, "default-graph-uri": graph})
    assert n(form) == 1
    assert_problem(sparql(client, count, **{"default-graph-uri": "not an iri"}), 400, "default-graph-uri")


def test_malformed_query_is_400_with_the_parser_message_and_no_traceback(client):
    unclosed = sparql(client, "SELECT ?x WHERE { ?x a kg:Document ")
    body = assert_problem(unclosed, 400, "SPARQL syntax error", "error at 1:")
    assert body["type"].endswith("/query-error")
    assert_problem(sparql(client, "SELECT ?x WHERE { ?x a nope:Thing }"), 400, "Prefix not found")
    assert_problem(client.get("/sparql"), 400, "no query")
    assert_problem(client.get("/sparql", params=[("query", KEYS), ("query", KEYS)]), 400, "exactly one")


def test_service_and_load_are_refused(client):
    federated = "SELECT * WHERE { SERVICE <http://127.0.0.1:8890/sparql> { ?s ?p ?o } }"
    body = assert_problem(sparql(client, federated), 400, "SERVICE is not allowed")
    assert body["type"].endswith("/query-refused")
    assert_problem(sparql(client, "select * where { service silent ?endpoint { ?s ?p ?o } }"), 400, "SERVICE")
    # the word in a string, an IRI, a comment or a variable is not the keyword
    harmless = 'SELECT ?service ("SERVICE <x>" AS ?s) WHERE { BIND(<http://x/SERVICE> AS ?service) } # SERVICE <y>'
    assert sparql(client, harmless).status_code == 200


def test_updates_are_refused_on_a_server_without_a_token(client):
    update = "INSERT DATA { GRAPH kgr:g { kgr:a kg:text 'x' } }"
    for response in (
        client.post("/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update"}),
        client.post("/sparql", data={"update": update}, headers={"Authorization": "Bearer anything"}),
    ):
        assert_problem(response, 403, "updates are disabled")
    # an update sent as a query is a syntax error, never a write
    assert_problem(sparql(client, "INSERT DATA { kgr:a kg:text 'x' }"), 400, "SPARQL syntax error")


def test_unsupported_post_content_type_is_415(client):
    response = client.post("/sparql", content=b"{}", headers={"Content-Type": "application/json"})
    assert_problem(response, 415, "application/sparql-query")


# --- limits -----------------------------------------------------------------------------------

def test_slow_query_times_out_with_a_problem_within_about_the_limit(client):
    started = time.monotonic()
    response = sparql(client, SLOW)
    elapsed = time.monotonic() - started
    body = assert_problem(response, 504, f"query exceeded {TIMEOUT:g} s")
    assert body["type"].endswith("/query-timeout")
    assert TIMEOUT <= elapsed < TIMEOUT + 2.0, elapsed
    # the server goes on answering
    assert json_keys(sparql(client, KEYS)) == EXPECTED_KEYS


def test_timeout_kills_the_worker_and_a_fresh_one_takes_its_place(api_data):
    from kg.errors import QueryTimeout
    from kg.sparql import ProcessRunner, SparqlRequest

    runner = ProcessRunner(api_data / "graph", timeout=0.5, max_rows=10, workers=1)
    try:
        assert runner.run(SparqlRequest("ASK { ?d a kg:Document }")).body
        before = runner.pids()
        with pytest.raises(QueryTimeout):
            runner.run(SparqlRequest(SLOW))
        deadline = time.monotonic() + 30
        while (not runner.pids() or runner.pids() == before) and time.monotonic() < deadline:
            time.sleep(0.05)
        after = runner.pids()
        assert len(after) == 1 and after != before
        assert runner.run(SparqlRequest("ASK { ?d a kg:Document }")).body
    finally:
        runner.close()
    assert runner.pids() == []


def test_row_cap_truncates_and_says_so_in_headers(client):
    query = "SELECT ?p WHERE { ?p a kg:Passage }"
    response = sparql(client, query, "text/csv")
    assert response.headers["X-SPARQL-Truncated"] == "true"
    assert response.headers["X-SPARQL-MaxRows"] == str(MAX_ROWS)
    assert len(list(csv.DictReader(io.StringIO(response.text)))) == MAX_ROWS
    small = sparql(client, query + " LIMIT 7", "text/csv")
    assert "X-SPARQL-Truncated" not in small.headers
    assert len(list(csv.DictReader(io.StringIO(small.text)))) == 7
    triples = sparql(client, "CONSTRUCT WHERE { ?p a kg:Passage }", "application/n-triples")
    assert triples.headers["X-SPARQL-Truncated"] == "true"
    assert len(Graph().parse(data=triples.text, format="nt")) == MAX_ROWS


def test_query_length_limit_is_413(client):
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 100_000
    assert_problem(client.post("/sparql", data={"query": long_query}), 413, "limit is 100,000")


def test_request_body_limit_is_413(client):
    response = client.post("/sparql", content=b"x" * 2_000_000, headers={"Content-Type": "application/sparql-query"})
    assert_problem(response, 413, "request body over")


# --- updates on a writable server ---------------------------------------------------------------

@pytest.fixture
def writable(tmp_path):
    from fastapi.testclient import TestClient

    from api.app import create_app

    data = tiny_store(tmp_path / "data", [(KGR["doc/t"], RDF.type, KG.Document)])
    with TestClient(create_app(make_config(data, update_token="s3cret-token"))) as c:
        yield c


def test_update_needs_the_bearer_token(writable):
    update = 'INSERT DATA { GRAPH <https://w3id.org/psykiatri-kg/id/graph/t> { kgr:x rdfs:label "ny" } }'
    direct = {"Content-Type": "application/sparql-update"}
    assert_problem(writable.post("/sparql", content=update.encode(), headers=direct), 403, "Authorization: Bearer")
    wrong = direct | {"Authorization": "Bearer nope"}
    assert_problem(writable.post("/sparql", content=update.encode(), headers=wrong), 403, "Authorization: Bearer")
    assert sparql(writable, "ASK { kgr:x rdfs:label ?l }").json()["boolean"] is False
    ok = writable.post("/sparql", content=update.encode(), headers=direct | {"Authorization": "Bearer s3cret-token"})
    assert ok.status_code == 204, ok.text
    assert sparql(writable, 'ASK { kgr:x rdfs:label "ny" }').json()["boolean"] is True
    form = writable.post("/sparql", data={"update": "DELETE WHERE { GRAPH ?g { kgr:x ?p ?o } }"},
                         headers={"Authorization": "Bearer s3cret-token"})
    assert form.status_code == 204
    assert sparql(writable, "ASK { kgr:x ?p ?o }").json()["boolean"] is False


def test_update_errors_are_problems(writable):
    auth = {"Authorization": "Bearer s3cret-token"}
    assert_problem(writable.post("/sparql", data={"update": "INSERT NONSENSE"}, headers=auth), 400, "syntax error")
    assert_problem(writable.post("/sparql", data={"update": "LOAD <http://127.0.0.1:1/x.ttl>"}, headers=auth),
                   400, "LOAD is not allowed")
    assert_problem(writable.post("/sparql", data={"query": "ASK {}", "update": "CLEAR ALL"}, headers=auth),
                   400, "not both")


def test_timeout_in_thread_mode_answers_in_time(writable):
    """A writable server runs queries in threads: the answer comes at the limit, though pyoxigraph finishes
    the count (about 3 s of work here) in the background, as kg/sparql/ documents."""
    values = " ".join(str(i) for i in range(36))
    slow = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"VALUES ?v{k} {{ {values} }}" for k in range(5)) + " }"
    started = time.monotonic()
    assert_problem(sparql(writable, slow), 504, "query exceeded")
    assert time.monotonic() - started < TIMEOUT + 2.0


def test_rdf_terms_keep_languages_and_datatypes(writable):
    auth = {"Authorization": "Bearer s3cret-token"}
    writable.post("/sparql", data={"update": 'INSERT DATA { GRAPH kgr:g { kgr:y rdfs:label "hej"@da ; kg:order 3 } }'},
                  headers=auth)
    response = sparql(writable, "SELECT ?l ?n WHERE { kgr:y rdfs:label ?l ; kg:order ?n }")
    row = Result.parse(io.BytesIO(response.content), format="json").bindings[0]
    assert row[Variable("l")] == Literal("hej", lang="da")
    assert row[Variable("n")].toPython() == 3
    assert json.loads(response.text)["results"]["bindings"][0]["n"]["datatype"].endswith("#integer")
