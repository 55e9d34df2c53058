"""A SPARQL client nobody here wrote (SPARQLWrapper) talks to /sparql on a live uvicorn server."""

from __future__ import annotations

import csv
import io
import socket
import threading
import time

import pytest
from rdflib import Graph

from tests.api.conftest import make_config

PASSAGES_PER_DOC = """PREFIX kg: <https://w3id.org/psykiatri-kg/vocab#>
SELECT ?key (COUNT(?p) AS ?n) WHERE { ?p a kg:Passage ; kg:inDocument/kg:sourceKey ?key } GROUP BY ?key ORDER BY ?key"""


@pytest.fixture(scope="module")
def endpoint(api_data):
    import uvicorn

    from api.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(make_config(api_data)), log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/sparql"
    server.should_exit = True
    thread.join(timeout=30)
    sock.close()


def client(endpoint: str, query: str, fmt: str):
    from SPARQLWrapper import SPARQLWrapper as Wrapper

    sparql = Wrapper(endpoint)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


def test_select_as_json(endpoint, corpus_store):
    from SPARQLWrapper import JSON

    result = client(endpoint, PASSAGES_PER_DOC, JSON).queryAndConvert()
    assert result["head"]["vars"] == ["key", "n"]
    got = {b["key"]["value"]: int(b["n"]["value"]) for b in result["results"]["bindings"]}
    store = corpus_store[0]
    expected = {str(r.key): int(r.n) for r in store.query(PASSAGES_PER_DOC)}
    assert got == expected and len(got) == 5


def test_select_as_csv(endpoint):
    from SPARQLWrapper import CSV

    body = client(endpoint, PASSAGES_PER_DOC, CSV).queryAndConvert()
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert len(rows) == 5 and all(int(r["n"]) > 0 for r in rows)


def test_construct_as_turtle_and_post(endpoint):
    from SPARQLWrapper import POST, TURTLE

    query = """PREFIX kg: <https://w3id.org/psykiatri-kg/vocab#>
    CONSTRUCT { ?d a kg:Document ; kg:sourceKey ?key } WHERE { ?d a kg:Document ; kg:sourceKey ?key }"""
    sparql = client(endpoint, query, TURTLE)
    sparql.setMethod(POST)
    data = sparql.queryAndConvert()
    graph = Graph().parse(data=data, format="turtle")
    assert len(set(graph.subjects())) == 5 and len(graph) == 10


def test_errors_reach_the_client(endpoint):
    from SPARQLWrapper import JSON
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed, match="(?i)syntax"):
        client(endpoint, "SELEC ?x WHERE {", JSON).queryAndConvert()
