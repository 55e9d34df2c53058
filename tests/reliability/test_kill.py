"""Crash safety: the real ``kg ingest`` killed with SIGKILL at random points, again and again.

Before: documents 0–2 ingested (0–3 for the runs with the index). The ingest under test replaces document 1
(amended) and adds the rest, so it drops, inserts and relinks. After every kill: recovery (the code ``kg ingest`` and
``kg check --repair`` run first) leaves the graph exactly as before or exactly as after (quad for
quad, run timestamps aside); ``kg check`` is clean; the next ``kg ingest`` completes and reaches the
after state. Runs with the search index are killed during encoding too: the live index then
matches the graph it sits beside (old index with old graph, or new with new).

KG_KILLS (default 20) and KG_KILLS_INDEX (default 3) set the counts, KG_KILL_SEED the seed.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.reliability.helpers import (
    AMENDMENT,
    ROOT,
    corpus_names,
    corpus_subset,
    graph_state,
    kg,
    kg_command,
)

KILLS = int(os.environ.get("KG_KILLS", "20"))
KILLS_INDEX = int(os.environ.get("KG_KILLS_INDEX", "3"))
SEED = int(os.environ.get("KG_KILL_SEED", "20261124"))
UNIFORM_SHARE = 0.25  # this share of kills is uniform over the whole run (start-up included)


@dataclass
class Scenario:
    before: Path  # a data dir in the before state (kept pristine; copied for every run)
    target: Path  # the corpus the ingest under test reads
    state_before: frozenset[str]
    state_after: frozenset[str]
    seconds: float  # an uninterrupted ingest from before to after
    window: float  # in that ingest, from the journal's creation to the process's end
    index: bool


def _ingest_args(corpus: Path, data: Path, index: bool) -> list[str]:
    return ["ingest", str(corpus), "--data-dir", str(data), "--quiet", *([] if index else ["--no-index"])]


def _prune_cache(data: Path) -> None:
    """Keep only the embeddings the live index uses: what the run under test adds must really be encoded."""
    import sqlite3

    from search.index import SearchIndex

    keep = [r.indexed_hash for r in SearchIndex.open(data).records]
    with sqlite3.connect(data / "cache" / "embeddings.sqlite") as db:
        db.execute("CREATE TEMP TABLE keep (h TEXT PRIMARY KEY)")
        db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", [(h,) for h in keep])
        db.execute("DELETE FROM embeddings WHERE content_hash NOT IN (SELECT h FROM keep)")


def _scenario(root: Path, index: bool, cache: Path | None = None) -> Scenario:
    names = corpus_names()
    # with the index, the before state holds the big document 3 too: the run under test then encodes only
    # document 4 and the amended passage, and stays short enough to repeat
    small = corpus_subset(root / "small", names[:4] if index else names[:3])
    target = corpus_subset(root / "target", names, {names[1]: AMENDMENT})
    before = root / "before"
    if cache is not None:  # embeddings of the corpus from the session's index: the before state is cheap
        shutil.copytree(cache, before / "cache")
    done = kg(*_ingest_args(small, before, index))
    assert done.returncode == 0, done.stderr
    if cache is not None:
        _prune_cache(before)
    reference = root / "reference"
    shutil.copytree(before, reference)
    t0 = time.perf_counter()
    proc = subprocess.Popen(kg_command(*_ingest_args(target, reference, index)), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    opened = None
    while proc.poll() is None:
        if opened is None and (reference / "ingest.journal").exists():
            opened = time.perf_counter()
        time.sleep(0.005)
    seconds = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stderr.read()
    assert opened is not None
    state_before, state_after = graph_state(before), graph_state(reference)
    assert state_before != state_after
    return Scenario(before, target, state_before, state_after, seconds, time.perf_counter() - opened, index)


def _recover(data: Path) -> str:
    """What a following writer does first: recover from the journal (in-process, same code as the CLI)."""
    from search.service import index_matches
    from kgdatadir.journal import recover
    from kg.store import open_store

    with open_store("oxigraph", data) as store:
        return recover(store, data, finished=lambda s: index_matches(s, data)).action


def _check(data: Path) -> list[str]:
    """The errors ``kg check`` finds (notes such as debris of a killed index build are allowed)."""
    from kgdatadir.check import check
    from kg.settings import load_config
    from kg.store import open_store

    cfg = load_config({"data_dir": data, "store": "oxigraph"})
    with open_store("oxigraph", data, read_only=True) as store:
        report = check(store, cfg)
    return [f"{f.code}: {f.message}" for f in report.findings if f.severity != "note"]


def _index_matches(data: Path) -> bool:
    from search.service import index_matches
    from kg.store import open_store

    with open_store("oxigraph", data, read_only=True) as store:
        return index_matches(store, data)


def _kill_once(s: Scenario, data: Path, rng: random.Random, uniform: bool) -> dict:
    shutil.copytree(s.before, data)
    journal = data / "ingest.journal"
    proc = subprocess.Popen(kg_command(*_ingest_args(s.target, data, s.index)), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.perf_counter()
    if uniform:
        delay = rng.uniform(0.05, s.seconds)
    else:  # aim inside the transaction: from the journal's creation to a little past the reference's end
        while not journal.exists() and proc.poll() is None and time.perf_counter() - t0 < s.seconds * 3:
            time.sleep(0.005)
        delay = rng.uniform(0.0, s.window * 1.15)
    time.sleep(delay)
    killed_at = time.perf_counter() - t0
    finished = proc.poll() is not None
    proc.kill()
    proc.wait()
    return {"at": round(killed_at, 2), "finished_first": finished and proc.returncode == 0,
            "journal": journal.exists()}


def _run_kills(tmp_path: Path, count: int, index: bool, cache: Path | None = None) -> list[dict]:
    s = _scenario(tmp_path, index, cache)
    rng = random.Random(SEED + index)
    results = []
    for i in range(count):
        data = tmp_path / f"kill-{i}"
        outcome = _kill_once(s, data, rng, uniform=i < count * UNIFORM_SHARE)
        outcome["recovery"] = _recover(data)
        state = graph_state(data)
        assert state in (s.state_before, s.state_after), (
            f"kill {i} at {outcome['at']} s: the graph is neither the old nor the new state "
            f"({len(state - s.state_before)} quads not in before, {len(state - s.state_after)} not in after)")
        outcome["state"] = "before" if state == s.state_before else "after"
        assert _check(data) == [], f"kill {i}: kg check is not clean"
        if index:
            assert _index_matches(data), f"kill {i}: the live index does not match the graph"
        done = kg(*_ingest_args(s.target, data, index))
        assert done.returncode == 0, f"kill {i}: the next ingest failed: {done.stderr}"
        assert graph_state(data) == s.state_after
        assert _check(data) == []
        results.append(outcome)
        shutil.rmtree(data)
    report = {"index": index, "reference_seconds": round(s.seconds, 1), "window_seconds": round(s.window, 1),
              "kills": results}
    print(json.dumps(report))
    out = os.environ.get("KG_KILL_REPORT")
    if out:
        with open(out, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(report) + "\n")
    return results


@pytest.mark.slow
def test_sigkill_during_graph_ingest(tmp_path):
    results = _run_kills(tmp_path, KILLS, index=False)
    assert len(results) == KILLS
    # the random points did land inside the transaction, not only before or after it
    assert any(r["journal"] for r in results), results


@pytest.mark.slow
def test_sigkill_during_ingest_with_index(tmp_path, corpus_store, corpus_index):
    _, cfg, _ = corpus_store
    results = _run_kills(tmp_path, KILLS_INDEX, index=True, cache=cfg.data_dir / "cache")
    assert len(results) == KILLS_INDEX
    assert _index_matches(tmp_path / "reference")
