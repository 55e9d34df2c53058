"""Concurrent use: writers are serialised by one lock; readers never wait, for each other, a server or an ingest.

Readers (``kg search``, ``query``, ``export``, ``stats``) take no lock: two of each kind started at
once all finish with the answers each gives alone, and again while a ``kg serve`` runs and an ingest is
in the middle of writing the next generation (held there by the test-only pause hook of
:mod:`kg.crashpoints`, with the writer lock taken and the draft open).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kg.errors import StoreLocked
from kgdatadir.lock import DataDirLock, holder
from tests.reliability.conftest import start_server, wait_for
from tests.reliability.helpers import (
    AMENDMENT,
    ROOT,
    corpus_names,
    corpus_subset,
    graph_state,
    kg,
    kg_command,
    nquads_state,
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


READERS = {
    "search": ["search", "Region Hovedstaden psykiatri handleplan", "--mode", "bm25", "-k", "5", "--json"],
    "query": ["query", ("SELECT ?key (COUNT(?p) AS ?n) WHERE { ?p a kg:Passage ; kg:inDocument/kg:sourceKey ?key } "
              "GROUP BY ?key ORDER BY ?key"), "--format", "csv"],
    "export": ["export", "--format", "nquads"],
    "stats": ["stats", "--json"],
}


def _answer(kind: str, stdout: str) -> object:
    """A reader's answer in a comparable form (an export's quads as a set: rdflib writes them in any order)."""
    return nquads_state(stdout) if kind == "export" else stdout


def _readers_at_once(data: Path, copies: int = 2) -> dict[str, list[tuple[int, object, str]]]:
    procs = {kind: [subprocess.Popen(kg_command(*args, "--data-dir", str(data)), cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True) for _ in range(copies)]
             for kind, args in READERS.items()}
    out: dict[str, list[tuple[int, object, str]]] = {}
    for kind, ps in procs.items():
        out[kind] = []
        for p in ps:
            stdout, stderr = p.communicate(timeout=600)
            out[kind].append((p.returncode, _answer(kind, stdout), stderr))
    return out


@pytest.mark.slow
def test_readers_run_beside_each_other_a_server_and_an_ingest(indexed_pair, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(indexed_pair, data)
    alone = {}
    for kind, args in READERS.items():
        done = kg(*args, "--data-dir", str(data))
        assert done.returncode == 0, done.stderr
        alone[kind] = _answer(kind, done.stdout)
    assert json.loads(alone["stats"])["documents"] and alone["search"].count('"rank"') == 5

    together = _readers_at_once(data)
    for kind, runs in together.items():
        assert [(rc, answer) for rc, answer, _ in runs] == [(0, alone[kind])] * 2, (kind, [e for *_, e in runs])

    names = corpus_names()
    target = corpus_subset(tmp_path / "target", [names[0], names[2]], {names[2]: AMENDMENT})
    gate = tmp_path / "pause"
    gate.touch()
    server, base = start_server(data)
    ingest = subprocess.Popen(kg_command("ingest", str(target), "--data-dir", str(data), "-q"), cwd=ROOT,
                              env=os.environ | {"KG_TEST_PAUSE_AT": "document", "KG_TEST_PAUSE_FILE": str(gate)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(Path(f"{gate}.reached"), ingest)  # the ingest holds the writer lock, its draft half written
        assert holder(data)["pid"] == ingest.pid
        during = _readers_at_once(data)
        health = httpx.get(base + "/health", timeout=30).json()
        assert ingest.poll() is None and holder(data)["pid"] == ingest.pid  # still in the middle of writing
    finally:
        gate.unlink()
        ingest_err = ingest.communicate(timeout=600)[1]
        server.terminate()
        server.wait(30)
    assert ingest.returncode == 0, ingest_err
    for kind, runs in during.items():
        assert [(rc, answer) for rc, answer, _ in runs] == [(0, alone[kind])] * 2, (kind, [e for *_, e in runs])
    assert health["generation"] == 1 and health["documents"] == 2
    after = kg(*READERS["query"], "--data-dir", str(data))
    assert after.returncode == 0 and after.stdout != alone["query"]  # the ingest did change the passages
