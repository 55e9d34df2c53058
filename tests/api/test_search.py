"""/search and /ask through the real app, over the real index and model."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_search_with_provenance_and_filters(search_client):
    r = search_client.get("/search", params={"q": "Styrkelse af Livslinien", "k": 3})
    assert r.status_code == 200
    top = r.json()["results"][0]
    assert top["doc_key"] == "001_08ba568cb88d3b78.txt" and top["raw_end"] > top["raw_start"]
    assert any(f["value"] == 7_000_000 for f in top["facts"])
    r = search_client.get("/search", params={"q": "recovery", "doc": "002_0b700d7134d33c05.txt"})
    assert {x["doc_key"] for x in r.json()["results"]} == {"002_0b700d7134d33c05.txt"}


def test_ask_puts_the_amount_first(search_client):
    r = search_client.get("/ask", params={"q": "Hvor meget afsættes der til Livslinien om året?"})
    body = r.json()
    assert r.status_code == 200 and body["asks_amount"]
    assert 7_000_000 in [round(f["value"]) for f in body["facts"][:3]]
    assert body["answer"].startswith("7,0 mio. kr.")


def test_bad_search_parameters_are_problems(search_client):
    r = search_client.get("/search", params={"q": "", "k": 0})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"


def test_search_without_an_index_is_a_clear_503(client):
    r = client.get("/search", params={"q": "tvang"})
    assert r.status_code == 503
    assert "kg index" in r.json()["detail"]
