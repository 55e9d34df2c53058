"""Parallel ingest: documents built in worker processes give the same graph as the serial ingest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib.namespace import PROV

from ingest.pipeline import default_extractors, ingest_paths
from kg.errors import ShapeViolation
from kg.settings import load_config
from kg.store import open_store

RUN_TIMES = {PROV.startedAtTime, PROV.endedAtTime}
SMALL = ("000_94a57a6a30b53576.txt", "002_0b700d7134d33c05.txt", "004_b22d9295ccd21346.txt")


def content(store) -> set[tuple]:
    """Every quad but the ingest run's own clock readings."""
    return {q for q in store.quads() if q[1] not in RUN_TIMES}


def small_corpus(corpus_dir: Path, target: Path) -> Path:
    target.mkdir()
    for name in (*SMALL, "MANIFEST.tsv"):
        shutil.copy(corpus_dir / name, target / name)
    return target


@pytest.mark.slow
def test_two_workers_make_the_same_graph_as_the_serial_ingest(corpus_store, corpus_dir, tmp_path):
    serial, _, serial_report = corpus_store
    cfg = load_config({"data_dir": tmp_path / "data", "store": "oxigraph", "ingest_workers": 2})
    with open_store(cfg.store, cfg.data_dir) as store:
        report = ingest_paths([corpus_dir], store, cfg)
        assert not report.failed and sorted(report.added) == sorted(serial_report.added)
        assert store.graphs() == serial.graphs()
        mine, theirs = content(store), content(serial)
        assert len(mine) > 20_000
        assert mine == theirs
        assert {"read", "repair", "segment", "extract", "validate", "store", "link"} <= set(report.timings)


def failing_for(name: str):
    def extract(doc):
        if doc.source.key == name:
            raise ShapeViolation(doc.source.path, "injected: this document breaks a shape")
        return []
    return extract


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_document_is_reported_and_the_others_are_stored(corpus_dir, tmp_path, workers):
    corpus = small_corpus(corpus_dir, tmp_path / "corpus")
    cfg = load_config({"data_dir": tmp_path / "data", "store": "memory", "shacl": False})
    seen: list[tuple[str, str]] = []
    with open_store(cfg.store, cfg.data_dir) as store:
        report = ingest_paths([corpus], store, cfg, workers=workers, on_file=lambda p, s: seen.append((p.name, s)),
                              extractors=[*default_extractors(), failing_for(SMALL[1])])
        assert sorted(report.added) == [SMALL[0], SMALL[2]]
        assert [(Path(p).name, "injected" in m and SMALL[1] in m) for p, m in report.failed] == [(SMALL[1], True)]
        assert sorted(seen) == [(SMALL[0], "added"), (SMALL[1], "failed"), (SMALL[2], "added")]
        assert sorted(store.documents()) == [SMALL[0], SMALL[2]]
        again = ingest_paths([corpus], store, cfg, workers=workers)  # unchanged files are not sent to workers
        assert sorted(again.unchanged) == [SMALL[0], SMALL[2]] and again.added == [SMALL[1]]


def test_workers_and_serial_agree_on_a_small_corpus(corpus_dir, tmp_path):
    corpus = small_corpus(corpus_dir, tmp_path / "corpus")
    graphs = []
    for workers in (1, 2):
        cfg = load_config({"data_dir": tmp_path / f"data{workers}", "store": "oxigraph", "ingest_workers": workers})
        with open_store(cfg.store, cfg.data_dir) as store:
            report = ingest_paths([corpus], store, cfg)
            assert not report.failed and len(report.added) == 3
            graphs.append(content(store))
    assert graphs[0] == graphs[1] and len(graphs[0]) > 1000
