"""The one writer of a data directory: build the next generation beside the current one, then publish it.

:func:`writer` is what ``kg ingest``, ``kg index``, ``kg check --repair`` and SPARQL updates on the
server write through. Under the writer lock (:mod:`kgdatadir.lock`) it

1. migrates a data directory of the layout before generations into generation 1, once
   (:mod:`kgdatadir.legacy`), and removes the debris of writers that crashed (generations above
   ``CURRENT``, stray pointer files), keeping the embeddings they had computed;
2. starts generation N+1 from generation N: the graph as a RocksDB checkpoint
   (``pyoxigraph.Store.backup``: hard links to N's immutable SST files), the search index and the kept
   texts as hard links (both are only ever replaced by rename, never written in place), the embedding
   cache as a copy (SQLite writes in place);
3. hands the caller that generation's store and settings (:class:`Draft`); everything the caller
   writes goes there, and no reader sees it;
4. closes the store, fsyncs the generation, and publishes it (:func:`kgdatadir.generations.write_pointer`);
5. removes old generations no reader holds (:func:`kgdatadir.generations.collect`).

An exception inside the block removes the draft and leaves generation N as the committed one; a
crash (SIGKILL, power cut) before step 4 leaves the draft as debris for the next writer. A draft the
caller marks unchanged (``draft.changed = False``) is removed instead of published.

The memory store has no data directory: the block gets the store itself. A remote store
(``sparql+http://…``) is written directly (each document by staging graph + MOVE,
:mod:`kg.store.remote`); its generations hold only the index, the texts and the embedding cache.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from kg.crashpoints import crash_point
from kg.settings import Config
from kg.store import GraphStore
from kgdatadir.copying import CACHE_FILE, merge_cache, settle_graph, start_generation
from kgdatadir.generations import (
    POINTER,
    TRASH,
    collect,
    current,
    fsync_dir,
    fsync_tree,
    gen_path,
    generations,
    write_pointer,
)

log = logging.getLogger(__name__)


class Note(str):
    """A message about what the writer found and tidied first; ``code`` says what kind ("interrupted", "old-layout")."""

    code: str

    def __new__(cls, code: str, message: str) -> Self:
        note = super().__new__(cls, message)
        note.code = code
        return note


@dataclass
class Draft:
    """The generation being written: its settings (``config.data_dir`` is its directory) and its store."""

    config: Config
    store: GraphStore
    number: int | None  # None: the memory store (nothing is published)
    base: int | None  # the generation it started from (None: the first one)
    changed: bool = True  # set False when nothing changed: the draft is then dropped, not published
    published: bool = False


def remove_debris(data_dir: Path) -> tuple[list[str], list[Path]]:
    """Move generations above CURRENT (crashed writers' drafts) to the trash; delete stray pointer files.

    The caller holds the writer lock. Returns (what was found, the trash directories to empty).
    """
    cur = current(data_dir) or 0
    found: list[str] = []
    trash: list[Path] = []
    for number in generations(data_dir):
        if number > cur:
            path = gen_path(data_dir, number)
            target = data_dir / f"{TRASH}{path.name}-draft"
            shutil.rmtree(target, ignore_errors=True)
            os.rename(path, target)
            found.append(path.name)
            trash.append(target)
    for stray in data_dir.glob(f".{POINTER}-*"):
        stray.unlink(missing_ok=True)
        found.append(stray.name)
    return found, trash


def _close(store: GraphStore) -> None:
    try:
        store.close()
    except RuntimeError:  # a read-only handle refuses the flush; nothing to write
        pass


@contextmanager
def writer(config: Config, *, command: str = "kg ingest", on_wait: Callable[[str], None] | None = None,
           on_note: Callable[[str], None] | None = None) -> Iterator[Draft]:
    """Hold the writer lock and yield the next generation to write; publish it when the block ends.

    ``on_wait(message)`` is called when another writer holds the lock; ``on_note(message)`` for each
    thing found and tidied first (a migrated old layout, a crashed writer's draft).
    """
    from kg.store import open_store
    from kgdatadir.legacy import migrate
    from kgdatadir.lock import DataDirLock

    note = on_note or (lambda message: log.info("%s", message))
    if config.store == "memory":  # nothing survives the process: nothing to lock or publish
        with open_store(config.store, config.data_dir) as store:
            yield Draft(config, store, None, None)
        return
    data_dir = Path(config.data_dir)
    draft: Draft | None = None
    with DataDirLock(data_dir, on_wait=on_wait, command=command):
        found, trash = remove_debris(data_dir)
        if found:
            committed = current(data_dir)
            still = (f"generation {committed} was and is the committed one" if committed is not None else
                     "no generation had been committed yet")
            note(Note("interrupted", f"{data_dir}: removed what an interrupted writer left ({', '.join(found)}); "
                      f"{still}"))
        migrated = migrate(data_dir, config.store)
        if migrated:
            note(Note("old-layout", f"{data_dir}: {migrated}"))
        base = current(data_dir)
        number = (base or 0) + 1
        path = gen_path(data_dir, number)
        try:
            start_generation(None if base is None else gen_path(data_dir, base), path, config.store)
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise
        for old in trash:
            merge_cache(old / CACHE_FILE, path / CACHE_FILE)
            shutil.rmtree(old, ignore_errors=True)
        crash_point("checkpoint")
        store = None
        try:
            store = open_store(config.store, path)
            draft = Draft(dataclasses.replace(config, data_dir=path), store, number, base)
            yield draft
        except BaseException:
            if store is not None:
                _close(store)
            shutil.rmtree(path, ignore_errors=True)
            raise
        _close(store)
        if not draft.changed:
            shutil.rmtree(path, ignore_errors=True)
            return
        if config.store == "oxigraph":
            settle_graph(path / "graph")
        fsync_tree(path)
        fsync_dir(data_dir)
        crash_point("before-publish")
        write_pointer(data_dir, number)
        draft.published = True
        crash_point("after-publish")
    collect(data_dir, config.keep_generations)
