from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the corpus that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def config(tmp_path: Path):
    from kg.settings import load_config

    return load_config({"data_dir": tmp_path / "data", "store": "oxigraph"})


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory):
    """The whole corpus ingested once into a real Oxigraph store (read-only use)."""
    from ingest.pipeline import ingest_paths
    from kg.settings import load_config
    from kg.store import open_store

    data = tmp_path_factory.mktemp("corpus-data")
    cfg = load_config({"data_dir": data, "store": "oxigraph"})
    store = open_store(cfg.store, cfg.data_dir)
    report = ingest_paths([CORPUS], store, cfg)
    assert not report.failed, report.failed
    yield store, cfg, report
    store.close()


@pytest.fixture(scope="session")
def corpus_checkpoint(corpus_store, tmp_path_factory):
    """``corpus_checkpoint(name)`` → a new data directory holding the ingested corpus (a consistent RocksDB
    checkpoint of the session graph and its kept texts), for apps and servers that open it themselves
    while the session store stays open. Each call makes its own copy (no search index)."""
    store, cfg, _ = corpus_store

    def make(name: str) -> Path:
        data = tmp_path_factory.mktemp(name) / "data"
        data.mkdir()
        store.native.flush()
        store.native.backup(str(data / "graph"))
        shutil.copytree(cfg.data_dir / "texts", data / "texts")
        return data

    return make


@pytest.fixture(scope="session")
def corpus_index(corpus_store):
    """The real search index (real default model) over the corpus graph; built once per session."""
    from search.service import build_index

    store, cfg, _ = corpus_store
    return build_index(store, cfg)
