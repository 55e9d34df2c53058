"""Concurrent use: two ingests at once are serialised; a server keeps answering during an ingest."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kg.errors import StoreLocked
from kgdatadir.lock import DataDirLock, holder
from tests.reliability.helpers import (
    AMENDMENT,
    ROOT,
    corpus_names,
    corpus_subset,
    graph_state,
    kg,
    kg_command,
)

HOLD = """
import sys, time
from kgdatadir.lock import DataDirLock
with DataDirLock(sys.argv[1], command="test holder"):
    print("held", flush=True)
    time.sleep(60)
"""


def _holder_process(data: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(data)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_lock_names_its_holder_and_times_out(tmp_path):
    proc = _holder_process(tmp_path)
    try:
        waited: list[str] = []
        t0 = time.monotonic()
        with pytest.raises(StoreLocked, match=rf"held by test holder \(pid {proc.pid}"):
            DataDirLock(tmp_path, wait=0.5, on_wait=waited.append).acquire()
        assert 0.5 <= time.monotonic() - t0 < 5
        assert waited == [f"{tmp_path}: waiting for test holder (pid {proc.pid}, since {waited[0].rsplit('since ', 1)[1]}"]
        assert holder(tmp_path)["pid"] == proc.pid
    finally:
        proc.kill()
        proc.wait()


def test_lock_is_released_when_the_holder_is_killed(tmp_path):
    proc = _holder_process(tmp_path)
    proc.kill()  # SIGKILL: no cleanup runs, the kernel drops the flock
    proc.wait()
    with DataDirLock(tmp_path, wait=0):
        assert holder(tmp_path)["pid"] != proc.pid


@pytest.mark.slow
def test_two_ingests_at_once_are_serialised(tmp_path):
    names = corpus_names()
    corpus = corpus_subset(tmp_path / "corpus", names[:3])
    data = tmp_path / "data"
    args = ("ingest", str(corpus), "--data-dir", str(data), "--no-index")
    first = subprocess.Popen(kg_command(*args), cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 60
    while (holder(data) or {}).get("pid") != first.pid:
        assert time.monotonic() < deadline and first.poll() is None, "the first ingest never took the lock"
        time.sleep(0.02)
    second = kg(*args)
    first_err = first.communicate(timeout=300)[1]
    assert first.returncode == 0, first_err
    assert second.returncode == 0, second.stderr
    assert f"waiting for kg ingest (pid {first.pid}" in second.stderr
    assert "3 added" in first_err and "3 unchanged" in second.stderr  # the second ran after the first
    reference = tmp_path / "reference"
    assert kg("ingest", str(corpus), "--data-dir", str(reference), "--no-index").returncode == 0
    assert graph_state(data) == graph_state(reference)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
DOCS = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a kg:Document }"


def _count(client: httpx.Client, query: str) -> int:
    r = client.get("/sparql", params={"query": query}, headers={"accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.slow
def test_queries_are_answered_from_a_consistent_snapshot_during_an_ingest(tmp_path):
    names = corpus_names()
    data = tmp_path / "data"
    assert kg("ingest", str(corpus_subset(tmp_path / "small", names[:3])), "--data-dir", str(data), "--no-index").returncode == 0
    target = corpus_subset(tmp_path / "target", names, {names[1]: AMENDMENT})
    before = len(graph_state(data))
    port = _free_port()
    server = subprocess.Popen(kg_command("serve", "--data-dir", str(data), "--port", str(port)), cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                time.sleep(0.2)
            assert _count(client, COUNT) == before
            ingest = subprocess.Popen(kg_command("ingest", str(target), "--data-dir", str(data), "--no-index", "-q"),
                                      cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            answers: list[tuple[int, int]] = []
            while ingest.poll() is None:
                answers.append((_count(client, DOCS), _count(client, COUNT)))
                assert client.get("/health").status_code == 200
            assert ingest.returncode == 0, ingest.stderr.read()
            after = len(graph_state(data))
            for _ in range(5):  # and once the ingest is over (its flush and compaction done)
                answers.append((_count(client, DOCS), _count(client, COUNT)))
    finally:
        server.terminate()
        server.wait(30)
    assert len(answers) >= 10
    assert set(answers) <= {(3, before), (5, after)}, set(answers)
    print({"queries_during_ingest": len(answers) - 5, "answers": sorted(set(answers))})
