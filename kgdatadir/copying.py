"""Copying a generation into the next one cheaply: a RocksDB checkpoint, hard links, one file copy.

What may be shared between generations, and why it is safe: the Oxigraph store's SST files are
immutable (RocksDB writes new files and never changes one), so ``pyoxigraph.Store.backup`` hard-links
them; the search index and the kept texts are only ever replaced by writing a new file and renaming it
(``search/index.py``, ``ingest/texts.py``), never changed in place, so a hard link keeps the old
generation's copy intact when the new one is rewritten. The embedding cache is a SQLite file written
in place, so it is copied.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import sqlite3
from pathlib import Path

from kgdatadir.generations import LEASE

log = logging.getLogger(__name__)
CACHE_FILE = Path("cache") / "embeddings.sqlite"


def checkpoint_graph(source: Path, target: Path) -> None:
    """A RocksDB checkpoint of the Oxigraph store at ``source`` into ``target`` (hard links where it can)."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(source))
    try:
        store.backup(str(target))
    finally:
        del store
        gc.collect()  # RocksDB closes when the last reference is gone


def settle_graph(path: Path) -> None:
    """Open the closed store at ``path`` once more and close it: RocksDB then deletes write-ahead logs whose
    data is already in SST files (pyoxigraph leaves them behind on close; measured: 9.3 MB of 20 MB new
    files after one changed document of the corpus), so a published generation carries none."""
    import pyoxigraph as ox

    store = ox.Store(str(path))
    try:
        store.flush()
    finally:
        del store
        gc.collect()


def _debris(name: str) -> bool:
    """Leftovers of interrupted writes inside an index or texts folder (``.build-*``, ``*.tmp``)."""
    return name.startswith(".") or name.endswith(".tmp")


def link_tree(source: Path, target: Path) -> None:
    """``target`` as a tree of hard links to ``source``'s files (copies where links are impossible).

    Debris of interrupted writes (:func:`_debris`) is left behind.
    """
    for dirpath, dirnames, filenames in os.walk(source):
        dirnames[:] = [d for d in dirnames if not _debris(d)]
        rel = Path(dirpath).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in filenames:
            if _debris(name):
                continue
            try:
                os.link(Path(dirpath) / name, target / rel / name)
            except OSError:  # another file system, or links not allowed
                shutil.copy2(Path(dirpath) / name, target / rel / name)


def start_generation(source: Path | None, target: Path, store_kind: str) -> None:
    """Make ``target`` a copy of the generation at ``source`` (None: an empty generation)."""
    target.mkdir()
    (target / LEASE).touch()
    if source is None:
        return
    if store_kind == "oxigraph" and (source / "graph").is_dir():
        checkpoint_graph(source / "graph", target / "graph")
    for part in ("index", "texts"):
        if (source / part).is_dir():
            link_tree(source / part, target / part)
    if (source / CACHE_FILE).is_file():
        (target / CACHE_FILE).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / CACHE_FILE, target / CACHE_FILE)


def merge_cache(source: Path, target: Path) -> int:
    """Copy into ``target``'s embedding cache the vectors only ``source`` has (a crashed writer's work)."""
    if not source.is_file():
        return 0
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        return -1
    try:
        with sqlite3.connect(target) as db:
            before = db.total_changes
            db.execute("ATTACH DATABASE ? AS crashed", (str(source),))
            db.execute("INSERT OR IGNORE INTO embeddings SELECT * FROM crashed.embeddings")
            added = db.total_changes - before
        return added
    except sqlite3.Error as exc:  # a cache torn by the crash is only a cache
        log.warning("%s: embeddings of an interrupted build not reused (%s)", source, exc)
        return 0
