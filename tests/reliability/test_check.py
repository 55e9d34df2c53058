"""``kg check``: each kind of damage is found, and ``--repair`` fixes what it can (real store, real index, real model).

The data directory is the ingested corpus with its real index and embedding cache, migrated into
generation 1 by the writer as any data directory of the old layout is. Damage is done by hand to the
committed generation (as a disk fault or a careless edit would), or left as an interrupted writer
leaves it; ``kg check`` reads the committed generation, ``kg check --repair`` repairs into the next.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.settings import load_config
from kg.store import open_store
from kgdatadir.check import run_check
from kgdatadir.generations import current, gen_path
from search.service import index_matches
from tests.reliability.helpers import graph_state, kg, live_dir


def _config(data: Path):
    return load_config({"data_dir": data, "store": "oxigraph"})


def _old_layout(corpus_store, corpus_index, data: Path) -> Path:
    """The corpus with its index and cache as older versions laid it out: graph/, index/, texts/, cache/ at the top."""
    store, cfg, _ = corpus_store
    data.mkdir()
    store.native.flush()
    store.native.backup(str(data / "graph"))
    for part in ("texts", "index", "cache"):
        shutil.copytree(cfg.data_dir / part, data / part)
    return data


@pytest.fixture
def indexed(corpus_store, corpus_index, tmp_path) -> Path:
    """A private copy of the ingested corpus, migrated into generation 1 (``kg check --repair`` does it)."""
    data = _old_layout(corpus_store, corpus_index, tmp_path / "data")
    report = run_check(_config(data), repair=True)
    assert report.ok and [f.code for f in report.findings] == ["old-layout"], report.findings
    assert "moved the data of the layout before generations into generation 1" in report.findings[0].message
    assert current(data) == 1
    return data


def codes(report) -> list[str]:
    return sorted(f.code for f in report.findings)


@pytest.mark.slow
def test_a_healthy_data_dir_is_clean(indexed):
    report = run_check(_config(indexed))
    assert report.ok and report.findings == [] and report.generation == 1
    assert report.graph_passages == report.index_passages > 500
    done = kg("check", "--data-dir", str(indexed), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True


@pytest.mark.slow
def test_a_document_missing_from_the_graph_makes_the_index_stale_and_repair_rebuilds_it(indexed):
    with open_store("oxigraph", live_dir(indexed)) as store:  # damage to the committed generation itself
        doc = next(iter(store.documents().values()))
        store.drop([doc.graph])
    report = run_check(_config(indexed))
    assert codes(report) == ["index-stale", "text-orphan"] and not report.ok
    stale = next(f for f in report.findings if f.code == "index-stale")
    assert "0 graph passages not indexed" in stale.message and "indexed passages not in the graph" in stale.message
    done = kg("check", "--data-dir", str(indexed))
    assert done.returncode == 1 and "index-stale" in done.stdout and "repairable with --repair" in done.stdout
    repaired = run_check(_config(indexed), repair=True)
    assert repaired.ok and all(f.repaired for f in repaired.findings) and repaired.generation == 2
    assert current(indexed) == 2 and not gen_path(indexed, 1).exists()
    with open_store("oxigraph", live_dir(indexed), read_only=True) as store:
        assert index_matches(store, live_dir(indexed))
    assert run_check(_config(indexed)).findings == []


@pytest.mark.slow
def test_a_tampered_index_is_corrupt_and_rebuilt(indexed):
    index = live_dir(indexed) / "index"
    live = index / (index / "CURRENT").read_text().strip()
    lines = (live / "records.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    record = json.loads(lines[3])
    record["content_hash"] = "0" * 64  # same count, one passage's hash changed
    lines[3] = json.dumps(record, ensure_ascii=False) + "\n"
    (live / "records.jsonl").unlink()  # a new file: the hard link shared with no other generation is cut
    (live / "records.jsonl").write_text("".join(lines), encoding="utf-8")
    report = run_check(_config(indexed))
    assert codes(report) == ["index-corrupt", "index-stale"]
    assert "manifest's graph fingerprint" in report.findings[0].message
    assert run_check(_config(indexed), repair=True).ok
    assert run_check(_config(indexed)).findings == []


@pytest.mark.slow
def test_an_interrupted_writer_is_a_note_and_the_next_writer_removes_its_draft(indexed):
    before = graph_state(indexed)
    draft = gen_path(indexed, 2)  # what an ingest killed before its publish leaves: a half-written generation
    shutil.copytree(gen_path(indexed, 1) / "texts", draft / "texts")
    (draft / "graph").mkdir()
    (draft / "graph" / "000001.log").write_bytes(b"\0" * 100)
    done = kg("check", "--data-dir", str(indexed))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "interrupted: generation 2 was being written by a writer that stopped before publishing it" in done.stdout
    assert "generation 1 is the committed one, whole [note]" in done.stdout
    assert graph_state(indexed) == before
    repaired = run_check(_config(indexed), repair=True)
    assert codes(repaired) == ["interrupted"] and repaired.findings[0].repaired
    assert "removed what an interrupted writer left (gen-000002)" in repaired.findings[0].message
    assert repaired.generation == 1 and current(indexed) == 1 and not draft.exists()  # nothing else to repair
    assert run_check(_config(indexed)).findings == []


@pytest.mark.slow
def test_an_old_layout_with_an_interrupted_old_ingest_is_rolled_back_when_migrated(corpus_store, corpus_index,
                                                                                    tmp_path):
    data = _old_layout(corpus_store, corpus_index, tmp_path / "data")
    before = graph_state(data)
    with open_store("oxigraph", data) as store:  # an ingest of the old version: journal first, then a write
        doc = next(iter(store.documents().values()))
        nt = store.graph(doc.graph).serialize(format="nt")
        header = {"journal": 1, "pid": 1, "index": (data / "index" / "CURRENT").read_text().strip()}
        (data / "ingest.journal").write_text(json.dumps(header) + "\n" + json.dumps(
            {"graph": str(doc.graph), "existed": True, "nt": nt}) + "\n", encoding="utf-8")
        store.drop([doc.graph])  # the crash came after this write
    assert graph_state(data) != before
    report = run_check(_config(data))
    assert codes(report) == ["index-stale", "journal", "old-layout", "text-orphan"] and not report.ok
    repaired = run_check(_config(data), repair=True)
    assert "rolled back (1 graphs restored)" in repaired.findings[0].message
    assert repaired.ok and current(data) == 1 and not (data / "ingest.journal").exists()
    assert graph_state(data) == before
    assert sorted(p.name for p in data.iterdir()) == ["CURRENT", "gen-000001", "ingest.lock"]
    assert run_check(_config(data)).findings == []


@pytest.mark.slow
def test_debris_and_orphans_are_notes_a_missing_text_is_an_error(indexed):
    live = live_dir(indexed)
    (live / "index" / ".build-20260101T000000-deadbeef").mkdir()
    (live / "texts" / "0123456789abcdef.json").write_text("{}", encoding="utf-8")
    notes = run_check(_config(indexed))
    assert codes(notes) == ["debris", "text-orphan"] and notes.ok  # harmless: kg check still passes
    assert run_check(_config(indexed), repair=True).ok
    assert run_check(_config(indexed)).findings == []
    victim = min((live_dir(indexed) / "texts").glob("*.json"))
    victim.unlink()
    report = run_check(_config(indexed), repair=True)
    assert codes(report) == ["text-missing"] and not report.ok
    assert victim.stem in report.findings[0].message and not report.findings[0].repairable


def test_check_without_a_store_is_a_clear_error(tmp_path):
    done = kg("check", "--data-dir", str(tmp_path / "nothing"))
    assert done.returncode == 1
    assert "no graph store here; run `kg ingest" in done.stderr and "Traceback" not in done.stderr
