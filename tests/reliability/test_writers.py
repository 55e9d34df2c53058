"""The other writers publish generations too: an upload or a removal through a running server, ``kg load``
and a SPARQL update.

Each is one new generation of the data directory, written beside the committed one and published in
one atomic step, so a reader that holds the previous generation keeps reading it untouched, a running
server serves the new one from its answer on, and a kill before the publish leaves the previous state
(read at once, with no repair, by the real CLI).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import httpx
import pytest

from kg.settings import load_config
from kgdatadir.generations import current, generations
from kgdatadir.reader import reading
from tests.reliability.conftest import start_server
from tests.reliability.helpers import graph_state, kg, live_dir

TOKEN = "write-token-for-the-generation-tests"
KEY = "gnistdalen-team-2026.txt"
UPLOAD = """Opsøgende psykiatrisk team i Gnistdalen

Region Midtjylland afsætter 3,5 mio. kr. årligt i 2026-2028 til et opsøgende psykiatrisk team i Gnistdalen.
Teamet skal hjælpe borgere med svær psykisk lidelse, som ikke selv møder op i behandlingen.

Midlerne udmøntes af regionsrådet, og teamet evalueres i 2028.
"""
DOCS = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a kg:Document }"
REGIONS = "https://example.org/graph/regions"
CODES = "https://example.org/graph/codes"
MARK = "https://example.org/update/mark"


def _stop(server) -> None:
    server.terminate()
    try:
        server.wait(30)
    except Exception:  # noqa: BLE001 - a server that does not stop is killed
        server.kill()


def _searched(base: str, text: str) -> list[str]:
    r = httpx.get(base + "/search", params={"q": text, "mode": "bm25", "k": 3}, timeout=120)
    assert r.status_code == 200, r.text
    return [hit["doc_key"] for hit in r.json()["results"]]


@pytest.mark.slow
def test_an_upload_through_a_running_server_publishes_a_generation_a_reader_of_the_old_one_never_sees(
        indexed_pair, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(indexed_pair, data)
    assert current(data) == 1
    server, base = start_server(data, KG_WRITE_TOKEN=TOKEN, KG_GENERATION_POLL="1")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    try:
        with reading(load_config({"data_dir": data, "store": "oxigraph"})) as old:  # a reader holding generation 1
            assert old.generation == 1
            before = frozenset(old.store.quads())
            old_hits = [h.iri for h in old.index().search("regionale psykiatriplan", k=5, mode="bm25")]
            r = httpx.post(base + "/documents", files={"file": (KEY, UPLOAD.encode(), "text/plain")}, headers=auth,
                           timeout=600)
            assert r.status_code == 201, r.text
            added = r.json()
            assert added["action"] == "added" and added["generation"] == 2 and added["facts"] >= 1, added
            assert r.headers["x-kg-generation"] == "2"
            # the server serves generation 2 from that answer on: the graph, the index and the stats
            stats = httpx.get(base + "/stats", timeout=60).json()
            assert stats["generation"] == 2 and len(stats["documents"]) == 3, stats
            assert _searched(base, "Gnistdalen opsøgende team")[0] == KEY
            # the reader still reads generation 1, whole: the same quads, the same index, its files in place
            assert current(data) == 2 and (data / "gen-000001").is_dir()
            assert frozenset(old.store.quads()) == before
            assert KEY not in old.store.documents()
            assert [h.iri for h in old.index().search("regionale psykiatriplan", k=5, mode="bm25")] == old_hits
            assert old.index().search("Gnistdalen", k=3, mode="bm25") == []
        deadline = time.monotonic() + 30  # once the reader and the server let go, generation 1 is removed
        while (data / "gen-000001").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert generations(data) == [2]
        check = kg("check", "--json", "--data-dir", str(data))
        assert check.returncode == 0 and json.loads(check.stdout)["ok"], check.stdout + check.stderr
        assert (data / "uploads" / KEY).is_file()  # the upload is kept as a source file, outside the generations

        r = httpx.delete(base + f"/documents/{KEY}", headers=auth, timeout=600)
        assert r.status_code == 200 and r.json()["generation"] == 3 and r.headers["x-kg-generation"] == "3", r.text
        stats = httpx.get(base + "/stats", timeout=60).json()
        assert stats["generation"] == 3 and len(stats["documents"]) == 2
        assert KEY not in _searched(base, "Gnistdalen opsøgende team")
        assert not (data / "uploads" / KEY).exists()
        assert not any(KEY in p.read_text("utf-8") for p in (live_dir(data) / "texts").glob("*.json"))
        assert graph_state(data) == graph_state(indexed_pair)  # the links recomputed: the pair's graph again
    finally:
        _stop(server)


def _count_graphs(data: Path) -> set[str]:
    done = kg("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "--format", "json", "--data-dir", str(data))
    assert done.returncode == 0, done.stderr
    return {row["g"]["value"] for row in json.loads(done.stdout)["results"]["bindings"]}


def _turtle(path: Path, subject: str, n: int) -> Path:
    path.write_text("".join(f"<{subject}/{i}> <https://schema.org/identifier> \"{i}\" .\n" for i in range(n)),
                    encoding="utf-8")
    return path


def test_kg_load_and_a_sparql_update_publish_generations_and_a_kill_before_the_publish_leaves_the_old_state(
        tmp_path):
    data = tmp_path / "data"
    regions = _turtle(tmp_path / "regions.ttl", "https://example.org/region", 5)
    codes = _turtle(tmp_path / "codes.ttl", "https://example.org/code", 50)
    done = kg("load", str(regions), "--graph", REGIONS, "--data-dir", str(data))
    assert done.returncode == 0 and "published generation 1" in done.stderr, done.stderr
    first = graph_state(data)
    assert REGIONS in _count_graphs(data)

    # kg load killed after it started generation 2, and again with generation 2 written but not published
    for point in ("checkpoint", "before-publish"):
        killed = kg("load", str(codes), "--graph", CODES, "--data-dir", str(data),
                    env=os.environ | {"KG_TEST_CRASH_AT": point})
        assert killed.returncode == -9, (point, killed.stderr)
        assert current(data) == 1 and 2 in generations(data), point  # the draft is there, not committed
        assert CODES not in _count_graphs(data) and graph_state(data) == first, point
    done = kg("load", str(codes), "--graph", CODES, "--data-dir", str(data))
    assert done.returncode == 0 and "removed what an interrupted writer left" in done.stderr, done.stderr
    assert "published generation 2" in done.stderr and current(data) == 2 and generations(data) == [2]
    loaded = graph_state(data)
    assert {REGIONS, CODES} <= _count_graphs(data)

    # a SPARQL update on a running server: the server is killed just before it publishes generation 3
    update = f"INSERT DATA {{ GRAPH <{MARK}> {{ <{MARK}/a> <{MARK}/b> \"c\" }} }}"
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
    server, base = start_server(data, KG_UPDATE_TOKEN=TOKEN, KG_TEST_CRASH_AT="before-publish")
    try:
        with pytest.raises(httpx.TransportError):
            httpx.post(base + "/sparql", content=update, headers=headers, timeout=120)
        assert server.wait(30) == -9
    finally:
        if server.poll() is None:
            server.kill()
    assert current(data) == 2 and 3 in generations(data)
    assert graph_state(data) == loaded and MARK not in _count_graphs(data)

    # the same update on a server that lives: generation 3 (the draft removed first), served before the 204
    server, base = start_server(data, KG_UPDATE_TOKEN=TOKEN)
    try:
        assert httpx.get(base + "/health", timeout=60).json()["generation"] == 2
        r = httpx.post(base + "/sparql", content=update, headers=headers, timeout=120)
        assert r.status_code == 204, r.text
        assert httpx.get(base + "/health", timeout=60).json()["generation"] == 3
        r = httpx.get(base + "/sparql", params={"query": f"ASK {{ GRAPH <{MARK}> {{ ?s ?p \"c\" }} }}"},
                      headers={"accept": "application/sparql-results+json"}, timeout=60)
        assert r.json()["boolean"] is True and r.headers["x-kg-generation"] == "3"
    finally:
        _stop(server)
    assert current(data) == 3 and generations(data) == [3]
    assert graph_state(data) == loaded | {f'<{MARK}/a> <{MARK}/b> "c" <{MARK}>'}
