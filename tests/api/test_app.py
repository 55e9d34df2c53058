"""The app as a whole: lifespan, health, stats, OpenAPI, problem responses, limits, and `kg serve` for real."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import MAX_ROWS, TIMEOUT, make_config
from tests.api.test_sparql import assert_problem

ROOT = Path(__file__).resolve().parents[2]


def test_health_reports_a_reachable_read_only_store(client):
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["store"] == "oxigraph" and body["read_only"] is True
    assert body["documents"] == 5 and body["triples"] > 5000
    assert body["version"] == "0.1.0"
    assert body["sparql"] == {"timeout_seconds": TIMEOUT, "max_rows": MAX_ROWS, "workers": 2, "updates": False}


def test_stats_are_kg_stats(client, corpus_store):
    from kg.queries import graph_stats

    store, _, _ = corpus_store
    assert client.get("/stats").json() == graph_stats(store)


def test_openapi_documents_every_endpoint(client):
    spec = client.get("/openapi.json").json()
    for path in ("/sparql", "/entities", "/entities/{path}", "/documents", "/documents/{doc_id}",
                 "/documents/{doc_id}/text", "/initiatives", "/actors", "/health", "/stats"):
        assert path in spec["paths"], path
    post = spec["paths"]["/sparql"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/x-www-form-urlencoded", "application/sparql-query",
                                                   "application/sparql-update"}
    assert "text/csv" in spec["paths"]["/sparql"]["get"]["responses"]["200"]["content"]
    assert "application/problem+json" in spec["paths"]["/documents/{doc_id}"]["get"]["responses"]["404"]["content"]
    assert client.get("/docs").status_code == 200


def test_unknown_route_wrong_method_and_bad_parameters_are_problems(client):
    assert_problem(client.get("/nowhere"), 404, "no endpoint at /nowhere")
    assert_problem(client.delete("/documents"), 405)
    body = assert_problem(client.get("/documents", params={"limit": "many"}), 422, "limit")
    assert body["errors"][0]["loc"] == ["query", "limit"]


def test_unexpected_errors_are_a_plain_500_without_traceback(api_data):
    from fastapi.testclient import TestClient

    from api.app import create_app

    app = create_app(make_config(api_data), sparql_workers=1)

    @app.get("/boom")
    def boom():
        raise ZeroDivisionError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as c:
        body = assert_problem(c.get("/boom"), 500, "internal error")
        assert "secret" not in str(body) and "ZeroDivisionError" not in str(body)


def test_cors_is_off_by_default(client):
    response = client.get("/health", headers={"Origin": "https://example.org"})
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options("/sparql", headers={"Origin": "https://example.org",
                                                    "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers


def test_body_limit_applies_to_every_endpoint(client):
    assert_problem(client.post("/sparql", content=b"x" * 1_200_000), 413, "request body over")
    assert_problem(client.post("/search", content=b"x" * 1_200_000), 413, "request body over")
    # document uploads have their own, larger limit (the upload_max_mb setting, 50 MB by default)
    assert_problem(client.post("/documents", content=b"x", headers={"content-length": str(51 * 1024 * 1024)}),
                   413, "request body over")


def test_lifespan_opens_and_closes_the_store(tmp_path, api_data):
    """After the app stops, its workers are gone and the store can be opened for writing again."""
    import shutil

    from fastapi.testclient import TestClient

    from api.app import create_app
    from kg.store import open_store

    data = tmp_path / "data"
    shutil.copytree(api_data, data)
    with TestClient(create_app(make_config(data, update_token="t"), sparql_workers=1)) as c:
        assert c.get("/health").json()["read_only"] is False
    with open_store("oxigraph", data) as store:  # would raise StoreLocked if the app still held it
        assert len(store) > 5000


def test_missing_store_is_a_clear_error(tmp_path):
    from kg.errors import StoreError
    from kg.sparql import check_store

    with pytest.raises(StoreError, match="run `kg ingest"):
        check_store(make_config(tmp_path / "empty"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_kg_serve_answers_health_over_real_http(api_data):
    port = _free_port()
    env = os.environ | {"KG_SPARQL_TIMEOUT": "5"}
    proc = subprocess.Popen([sys.executable, "-m", "kgcli", "serve", "--port", str(port), "--data-dir", str(api_data)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, response = time.monotonic() + 60, None
        while time.monotonic() < deadline:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read()
                time.sleep(0.2)
        assert response is not None and response.status_code == 200
        assert response.json()["documents"] == 5 and response.json()["sparql"]["timeout_seconds"] == 5
        query = {"query": "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Passage }"}
        answer = httpx.get(f"http://127.0.0.1:{port}/sparql", params=query, timeout=10)
        assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) > 400
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    assert proc.returncode == 0, out
    assert "Traceback" not in out


def test_kg_serve_without_a_store_exits_with_a_message(tmp_path):
    done = subprocess.run([sys.executable, "-m", "kgcli", "serve", "--data-dir", str(tmp_path / "none")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and "run `kg ingest" in done.stderr
    assert "Traceback" not in done.stderr
