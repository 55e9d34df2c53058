"""Generations of a data directory: the pointer, readers' leases, removal of old generations, the writer.

Real files, real flock(2), a real Oxigraph store; leases are held by other processes where it matters
(flock is per open file, so a lease in this process would block a collector in this process too, but
the tests that say "another process" mean it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kg.errors import StoreError
from kg.settings import load_config
from kgdatadir.generations import (
    LEASE,
    acquire,
    collect,
    current,
    gen_path,
    generations,
    held,
    write_pointer,
)
from kgdatadir.reader import reading
from kgdatadir.writer import writer

ROOT = Path(__file__).resolve().parents[2]
G = URIRef("https://w3id.org/psykiatri-kg/id/graph/test")
LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")

HOLD = """
import sys, time
from kgdatadir.generations import acquire
lease = acquire(sys.argv[1])
print(lease.number, flush=True)
sys.stdin.readline()
"""


def config(data: Path, **more):
    return load_config({"data_dir": data, "store": "oxigraph", "shacl": False} | more)


def write(data: Path, value: str, **more) -> int | None:
    """One writer run that stores one triple (label ``value``); the number it published."""
    with writer(config(data, **more)) as draft:
        draft.store.replace(G, [(URIRef("https://example.org/x"), LABEL, Literal(value))])
    return draft.number if draft.published else None


def label(data: Path) -> str:
    with reading(config(data)) as snapshot:
        return str(next(iter(snapshot.store.query("SELECT ?l WHERE { ?s rdfs:label ?l }"))).l)


def reader_process(data: Path) -> tuple[subprocess.Popen, int]:
    """Another process holding a lease on the committed generation until its stdin is closed."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(data)], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=os.environ | {"PYTHONPATH": str(ROOT)})
    return proc, int(proc.stdout.readline())


def test_each_writer_publishes_the_next_generation_and_removes_the_old_one(tmp_path):
    assert write(tmp_path, "one") == 1
    assert write(tmp_path, "two") == 2
    assert current(tmp_path) == 2 and label(tmp_path) == "two"
    assert generations(tmp_path) == [2]  # no reader held 1: it is gone
    assert (tmp_path / "CURRENT").read_text() == "gen-000002\n"


def test_a_writer_whose_block_fails_publishes_nothing_and_leaves_no_draft(tmp_path):
    write(tmp_path, "one")
    with pytest.raises(RuntimeError, match="boom"), writer(config(tmp_path)) as draft:
        draft.store.replace(G, [(URIRef("https://example.org/x"), LABEL, Literal("half"))])
        raise RuntimeError("boom")
    assert current(tmp_path) == 1 and generations(tmp_path) == [1] and label(tmp_path) == "one"


def test_an_unchanged_draft_is_dropped(tmp_path):
    write(tmp_path, "one")
    with writer(config(tmp_path)) as draft:
        draft.changed = False
    assert not draft.published and generations(tmp_path) == [1]


def test_a_reader_keeps_its_generation_while_writers_publish_and_it_is_removed_after(tmp_path):
    write(tmp_path, "one")
    proc, number = reader_process(tmp_path)
    try:
        assert number == 1
        write(tmp_path, "two")
        write(tmp_path, "three")
        assert generations(tmp_path) == [1, 3]  # 1 is held; 2 was held by nobody
        assert held(gen_path(tmp_path, 1) / LEASE)
        assert collect(tmp_path) == []
    finally:
        proc.stdin.close()
        proc.wait(30)
    assert not held(gen_path(tmp_path, 1) / LEASE)
    assert collect(tmp_path) == ["gen-000001"] and generations(tmp_path) == [3]


def test_keep_generations_keeps_that_many_old_ones(tmp_path):
    for value in ("a", "b", "c", "d"):
        write(tmp_path, value, keep_generations=2)
    assert generations(tmp_path) == [2, 3, 4]


def test_a_reader_that_read_an_old_pointer_starts_again(tmp_path, monkeypatch):
    import kgdatadir.generations as generations_module

    write(tmp_path, "one")
    write(tmp_path, "two")  # generation 1 is removed: no reader held it
    pointers = iter([1, 2])  # the reader read CURRENT just before the writer replaced it
    monkeypatch.setattr(generations_module, "current", lambda data_dir: next(pointers))
    lease = acquire(tmp_path)
    assert lease.number == 2 and lease.path == gen_path(tmp_path, 2)
    lease.release()


def test_publishing_is_one_rename_of_a_fsynced_file(tmp_path):
    write_pointer(tmp_path, 7)
    assert current(tmp_path) == 7 and sorted(p.name for p in tmp_path.iterdir()) == ["CURRENT"]
    (tmp_path / "CURRENT").write_text("garbage\n")
    with pytest.raises(StoreError, match="not a generation"):
        current(tmp_path)


def test_a_crashed_draft_is_removed_by_the_next_writer_and_its_embeddings_kept(tmp_path):
    import sqlite3

    write(tmp_path, "one")
    draft = gen_path(tmp_path, 2)  # what a writer killed before publishing leaves
    (draft / "cache").mkdir(parents=True)
    with sqlite3.connect(draft / "cache" / "embeddings.sqlite") as db:
        db.execute("CREATE TABLE embeddings (fingerprint TEXT NOT NULL, content_hash TEXT NOT NULL,"
                   " dim INTEGER NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (fingerprint, content_hash))")
        db.execute("INSERT INTO embeddings VALUES ('f', 'h', 1, x'00000000')")
    assert label(tmp_path) == "one"  # readers never see the draft
    notes: list[str] = []
    with writer(config(tmp_path), on_note=notes.append) as new:
        new.store.replace(G, [(URIRef("https://example.org/x"), LABEL, Literal("two"))])
    assert new.number == 2 and label(tmp_path) == "two"
    assert notes == [(f"{tmp_path}: removed what an interrupted writer left (gen-000002); generation 1 was and is "
                     "the committed one")]
    with sqlite3.connect(gen_path(tmp_path, 2) / "cache" / "embeddings.sqlite") as db:
        assert db.execute("SELECT content_hash FROM embeddings").fetchall() == [("h",)]


def test_an_empty_directory_has_nothing_to_read(tmp_path):
    with pytest.raises(StoreError, match="no graph store here; run `kg ingest"), reading(config(tmp_path)):
        pass


def test_the_layout_before_generations_is_read_in_place_and_migrated_by_the_first_writer(tmp_path):
    from kg.store import open_store

    with open_store("oxigraph", tmp_path) as store:  # graph/ at the top, as older versions wrote it
        store.replace(G, [(URIRef("https://example.org/x"), LABEL, Literal("old"))])
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "abc.json").write_text("{}")
    with reading(config(tmp_path)) as snapshot:
        assert snapshot.generation == 0 and snapshot.config.data_dir == tmp_path
    notes: list[str] = []
    with writer(config(tmp_path), on_note=notes.append) as draft:
        assert draft.base == 1 and (draft.config.data_dir / "texts" / "abc.json").is_file()
    assert notes == [f"{tmp_path}: moved the data of the layout before generations into generation 1"]
    assert current(tmp_path) == 2 and label(tmp_path) == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["CURRENT", "gen-000002", "ingest.lock"]
