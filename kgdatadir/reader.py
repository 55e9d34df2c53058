"""Readers: the committed generation of a data directory, leased and opened read-only for one piece of work.

Every reading command (``kg query``, ``search``, ``ask``, ``stats``, ``export``, ``check``, ``eval``) works
inside :func:`reading`: the store, the search index and the kept texts all come from the one
generation that was committed when it started, however many ingests publish meanwhile. Readers take no
writer lock: any number of them run beside each other, a server and a running writer.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import StoreError
from kg.settings import Config
from kg.store import GraphStore
from kgdatadir.generations import Lease, acquire, collect, current

log = logging.getLogger(__name__)


@dataclass
class Snapshot:
    """One generation opened for reading: ``config.data_dir`` is its directory, ``store`` its graph.

    ``generation`` is None for the memory store (and for a remote store without local data), 0 for a
    data directory in the layout before generations.
    """

    config: Config
    store: GraphStore
    generation: int | None
    _index: Any = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def index(self, encoder: Any = None, threads: int | None = None) -> Any:
        """This generation's search index, opened on first use with the ``encoder_backend`` setting
        (``encoder``: an already loaded model to reuse; ``threads``: intra-op threads of a model loaded later).

        Raises :class:`search.records.IndexNotFoundError` when the generation has none, and
        :class:`search.records.BackendMismatchError` when it was built with an incompatible backend.
        """
        with self._lock:
            if self._index is None:
                from search.index import SearchIndex
                from search.records import IndexMismatchError

                options = {"model_cache": self.config.model_cache, "backend": self.config.encoder_backend,
                           "threads": threads}
                try:
                    self._index = SearchIndex.open(self.config.data_dir, encoder, **options)
                except IndexMismatchError:  # built with another model: load the one it names, lazily
                    self._index = SearchIndex.open(self.config.data_dir, **options)
            return self._index

    def loaded_index(self) -> Any:
        """The index if it was opened already, else None."""
        return self._index


def lease_for(config: Config) -> Lease | None:
    """Lease the committed generation of ``config``'s data directory (None: nothing to lease)."""
    if config.store == "memory":
        return None
    try:
        return acquire(config.data_dir)
    except StoreError:
        if config.store == "oxigraph":
            raise StoreError(f"{config.data_dir}: no graph store here; run `kg ingest --data-dir {config.data_dir}` "
                             "first") from None
        return None  # a remote store keeps its graph elsewhere; no index or texts here yet


def finish(lease: Lease | None, config: Config) -> None:
    """Release ``lease``; if its generation is no longer the current one, remove what nobody holds now."""
    if lease is None:
        return
    lease.release()
    try:
        if lease.number != (current(lease.data_dir) or 0):
            collect(lease.data_dir, config.keep_generations)
    except (OSError, StoreError) as exc:  # e.g. a read-only data directory: the next writer tidies
        log.debug("could not remove old generations: %s", exc)


def generation_config(config: Config, lease: Lease | None) -> Config:
    """``config`` with ``data_dir`` pointing into the leased generation."""
    return config if lease is None else dataclasses.replace(config, data_dir=lease.path)


@contextmanager
def reading(config: Config) -> Iterator[Snapshot]:
    """The committed generation, leased and opened read-only until the block ends."""
    from kg.store import open_store

    lease = lease_for(config)
    try:
        gen_config = generation_config(config, lease)
        if config.store == "oxigraph" and not (Path(gen_config.data_dir) / "graph").is_dir():
            raise StoreError(f"{config.data_dir}: generation {lease.number if lease else '?'} has no graph store; "
                             "run `kg ingest` again")
        with open_store(config.store, gen_config.data_dir, read_only=config.store != "memory") as store:
            yield Snapshot(gen_config, store, None if lease is None else lease.number)
    finally:
        finish(lease, config)
