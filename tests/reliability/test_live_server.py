"""A running ``kg serve`` shows a new ingest by itself, and no answer mixes two generations.

The real server over documents 0 and 2 (generation 1); a second process ingests document 4 with its
search index, held by the test-only pause hook just before it publishes generation 2. Requests to
``/stats``, ``/sparql`` and ``/search`` go out from 8 client threads at a steady pace; after the first
100 the ingest is let go, and 500 in all are sent while the server notices the new generation, opens it
and swaps it in. Every answer must be 200 and must be exactly that generation's answer: its
``X-KG-Generation`` header names the generation, and the body equals what the real CLI (``kg stats``,
``kg query``, ``kg search``) gives on that generation. The first answers from generation 2 of
``/search`` and ``/sparql`` must come within 10 s of the publish.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.reliability.conftest import start_server, wait_for
from tests.reliability.helpers import ROOT, corpus_names, corpus_subset, kg, kg_command

REQUESTS = 500
BEFORE_RELEASE = 100
PACE = 1 / 25  # seconds between requests
SEEN_WITHIN = 10.0
COUNT = "SELECT (COUNT(DISTINCT ?d) AS ?docs) (COUNT(*) AS ?quads) WHERE { GRAPH ?g { ?s ?p ?o } OPTIONAL { ?s a kg:Document . BIND(?s AS ?d) } }"
SEARCH = "regionale psykiatriplan kerneopgaven psykisk lidelse"


def _expected(data: Path) -> dict[str, object]:
    """The committed generation's answers from the real CLI: stats, the SPARQL count, the search hits."""
    stats = kg("stats", "--json", "--data-dir", str(data))
    count = kg("query", COUNT, "--format", "json", "--data-dir", str(data))
    found = kg("search", SEARCH, "--mode", "bm25", "-k", "5", "--json", "--data-dir", str(data))
    for done in (stats, count, found):
        assert done.returncode == 0, done.stderr
    row = json.loads(count.stdout)["results"]["bindings"][0]
    return {"stats": json.loads(stats.stdout), "sparql": (int(row["docs"]["value"]), int(row["quads"]["value"])),
            "search": [(r["iri"], r["rank"], r["doc_key"]) for r in json.loads(found.stdout)]}


def _ask(client: httpx.Client, kind: str) -> tuple[str, int, int | None, object, float, float]:
    """(kind, status, generation header, comparable body, time sent, time answered)."""
    sent = time.monotonic()
    if kind == "stats":
        r = client.get("/stats")
        body: object = r.json() if r.status_code == 200 else r.text
    elif kind == "sparql":
        r = client.get("/sparql", params={"query": COUNT}, headers={"accept": "application/sparql-results+json"})
        row = r.json()["results"]["bindings"][0] if r.status_code == 200 else None
        body = (int(row["docs"]["value"]), int(row["quads"]["value"])) if row else r.text
    else:
        r = client.get("/search", params={"q": SEARCH, "mode": "bm25", "k": 5})
        body = [(h["iri"], h["rank"], h["doc_key"]) for h in r.json()["results"]] if r.status_code == 200 else r.text
    generation = r.headers.get("x-kg-generation")
    return kind, r.status_code, int(generation) if generation else None, body, sent, time.monotonic()


@pytest.mark.slow
def test_a_running_server_switches_to_a_new_generation_between_requests(indexed_pair, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(indexed_pair, data)
    old = _expected(data)
    names = corpus_names()
    target = corpus_subset(tmp_path / "target", [names[0], names[2], names[4]])
    server, base = start_server(data, KG_GENERATION_POLL="1")
    gate = tmp_path / "pause"
    gate.touch()
    ingest = subprocess.Popen(kg_command("ingest", str(target), "--data-dir", str(data), "-q"), cwd=ROOT,
                              env=os.environ | {"KG_TEST_PAUSE_AT": "before-publish", "KG_TEST_PAUSE_FILE": str(gate)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    answers: list[tuple[str, int, int | None, object, float, float]] = []
    published: list[float] = []
    try:
        wait_for(Path(f"{gate}.reached"), ingest)  # generation 2 is written and fsynced, not yet published
        with httpx.Client(base_url=base, timeout=60, limits=httpx.Limits(max_connections=8)) as client:
            assert _ask(client, "stats")[2] == 1

            def release() -> None:
                gate.unlink()
                while (data / "CURRENT").read_text().strip() != "gen-000002":
                    time.sleep(0.005)
                published.append(time.monotonic())

            releaser = threading.Thread(target=release)
            with ThreadPoolExecutor(8) as pool:
                futures = []
                for i in range(REQUESTS):
                    if i == BEFORE_RELEASE:
                        releaser.start()
                    futures.append(pool.submit(_ask, client, ("stats", "sparql", "search")[i % 3]))
                    time.sleep(PACE)
                answers = [f.result() for f in futures]
            releaser.join(60)
        assert ingest.wait(120) == 0, ingest.stderr.read()
    finally:
        if gate.exists():
            gate.unlink()
        if ingest.poll() is None:
            ingest.kill()
        server.terminate()
        server.wait(30)
    new = _expected(data)
    # the new document is in generation 2's answers and in no answer of generation 1
    assert (old["sparql"][0], new["sparql"][0]) == (2, 3)
    assert names[4] in {hit[2] for hit in new["search"]} and names[4] not in {hit[2] for hit in old["search"]}
    expected = {1: old, 2: new}
    bad = [a for a in answers if a[1] != 200 or a[2] not in expected or a[3] != _want(expected[a[2]], a[0], a[2])]
    assert not bad, bad[:5]
    by_generation = {g: sum(a[2] == g for a in answers) for g in (1, 2)}
    first_new = {kind: min((a[4] for a in answers if a[0] == kind and a[2] == 2), default=None)
                 for kind in ("sparql", "search")}
    assert by_generation[1] >= BEFORE_RELEASE and by_generation[2] > 0, by_generation
    latency = {kind: round(t - published[0], 2) for kind, t in first_new.items() if t is not None}
    print(json.dumps({"requests": len(answers), "by_generation": by_generation,
                      "first_new_answer_after_publish_s": latency}))
    assert set(latency) == {"sparql", "search"} and max(latency.values()) <= SEEN_WITHIN, latency
    # once the new generation had answered, no request sent later went back to the old one
    switched = min(a[5] for a in answers if a[2] == 2)
    assert all(a[2] == 2 for a in answers if a[4] > switched)


def _want(expected: dict, kind: str, generation: int) -> object:
    if kind == "stats":
        return {"generation": generation, **expected["stats"]}
    return expected[kind]
