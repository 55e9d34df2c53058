"""``kg check``: each kind of damage is found, and ``--repair`` fixes what it can (real store, real index, real model)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kgdatadir.check import check
from search.service import index_matches
from kgdatadir.journal import Journal, JournaledStore, journal_path
from kg.settings import load_config
from kg.store import open_store
from tests.reliability.helpers import graph_state, kg


@pytest.fixture
def indexed(corpus_store, corpus_index, tmp_path) -> Path:
    """A private copy of the ingested corpus with its real search index and embedding cache."""
    store, cfg, _ = corpus_store
    data = tmp_path / "data"
    data.mkdir()
    store.native.flush()
    store.native.backup(str(data / "graph"))
    for part in ("texts", "index", "cache"):
        shutil.copytree(cfg.data_dir / part, data / part)
    return data


def _check(data: Path, repair: bool = False):
    cfg = load_config({"data_dir": data, "store": "oxigraph"})
    with open_store("oxigraph", data, read_only=not repair) as store:
        return check(store, cfg, repair=repair)


def codes(report) -> list[str]:
    return sorted(f.code for f in report.findings)


@pytest.mark.slow
def test_a_healthy_data_dir_is_clean(indexed):
    report = _check(indexed)
    assert report.ok and report.findings == []
    assert report.graph_passages == report.index_passages > 500
    done = kg("check", "--data-dir", str(indexed), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True


@pytest.mark.slow
def test_a_document_missing_from_the_graph_makes_the_index_stale_and_repair_rebuilds_it(indexed):
    with open_store("oxigraph", indexed) as store:
        doc = next(iter(store.documents().values()))
        store.drop([doc.graph])
    report = _check(indexed)
    assert codes(report) == ["index-stale", "text-orphan"] and not report.ok
    stale = next(f for f in report.findings if f.code == "index-stale")
    assert "0 graph passages not indexed" in stale.message and "indexed passages not in the graph" in stale.message
    done = kg("check", "--data-dir", str(indexed))
    assert done.returncode == 1 and "index-stale" in done.stdout and "repairable with --repair" in done.stdout
    repaired = _check(indexed, repair=True)
    assert repaired.ok and all(f.repaired for f in repaired.findings)
    with open_store("oxigraph", indexed, read_only=True) as store:
        assert index_matches(store, indexed)
    assert _check(indexed).findings == []


@pytest.mark.slow
def test_a_tampered_index_is_corrupt_and_rebuilt(indexed):
    live = indexed / "index" / (indexed / "index" / "CURRENT").read_text().strip()
    lines = (live / "records.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    record = json.loads(lines[3])
    record["content_hash"] = "0" * 64  # same count, one passage's hash changed
    lines[3] = json.dumps(record, ensure_ascii=False) + "\n"
    (live / "records.jsonl").write_text("".join(lines), encoding="utf-8")
    report = _check(indexed)
    assert codes(report) == ["index-corrupt", "index-stale"]
    assert "manifest's graph fingerprint" in report.findings[0].message
    assert _check(indexed, repair=True).ok
    assert _check(indexed).findings == []


@pytest.mark.slow
def test_an_interrupted_ingest_is_rolled_back(indexed):
    before = graph_state(indexed)
    with open_store("oxigraph", indexed) as store:
        doc = next(iter(store.documents().values()))
        journal = Journal(indexed)
        journal.begin()
        half = JournaledStore(store, journal)
        half.drop([doc.graph])  # a "crash" after the first write: the journal is never committed
        journal.close()
    assert graph_state(indexed) != before
    report = _check(indexed)
    assert "journal" in codes(report) and not report.ok
    repaired = _check(indexed, repair=True)
    assert "rolled back: 1 graphs restored" in repaired.findings[0].message
    assert not journal_path(indexed).exists()
    assert graph_state(indexed) == before
    assert _check(indexed).findings == []


@pytest.mark.slow
def test_debris_and_orphans_are_notes_a_missing_text_is_an_error(indexed):
    (indexed / "index" / ".build-20260101T000000-deadbeef").mkdir()
    (indexed / "texts" / "0123456789abcdef.json").write_text("{}", encoding="utf-8")
    notes = _check(indexed)
    assert codes(notes) == ["debris", "text-orphan"] and notes.ok  # harmless: kg check still passes
    assert _check(indexed, repair=True).ok
    assert _check(indexed).findings == []
    victim = min((indexed / "texts").glob("*.json"))
    victim.unlink()
    report = _check(indexed, repair=True)
    assert codes(report) == ["text-missing"] and not report.ok
    assert victim.stem in report.findings[0].message and not report.findings[0].repairable


def test_check_without_a_store_is_a_clear_error(tmp_path):
    done = kg("check", "--data-dir", str(tmp_path / "nothing"))
    assert done.returncode == 1
    assert "no graph store here; run `kg ingest" in done.stderr and "Traceback" not in done.stderr
