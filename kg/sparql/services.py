"""The services a server holds for its lifetime: the store and its query runner (:func:`open_services`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import StoreError
from kg.store import GraphStore
from kg.sparql.runners import ProcessRunner, QueryRunner, ThreadRunner, close_store


log = logging.getLogger(__name__)

# --- the services a server holds for its lifetime --------------------------------------------

@dataclass
class GraphServices:
    """The store, the query runner and the settings a server (or any long-lived caller) works with."""

    config: Any
    store: GraphStore
    runner: QueryRunner
    read_only: bool

    def close(self) -> None:
        self.runner.close()
        close_store(self.store)


def open_services(config: Any, workers: int = 2) -> GraphServices:
    """Open the store (read-only unless updates are enabled) and start the query workers."""
    from kg.store import open_store

    read_only = config.store == "oxigraph" and not config.update_token
    store = open_store(config.store, config.data_dir, read_only=read_only)
    try:
        if read_only:
            runner: QueryRunner = ProcessRunner(store.path, config.sparql_timeout, config.sparql_max_rows, workers)
        else:
            runner = ThreadRunner(store, config.sparql_timeout, config.sparql_max_rows, workers)
    except Exception:
        close_store(store)
        raise
    return GraphServices(config, store, runner, read_only)


def check_store(config: Any) -> None:
    """Fail early, with a message a user can act on, when the server could not open its store."""
    from kg.store import open_store

    if config.store == "oxigraph" and not (Path(config.data_dir) / "graph").is_dir():
        raise StoreError(f"{config.data_dir}: no graph store here; run `kg ingest --data-dir {config.data_dir}` first")
    close_store(open_store(config.store, config.data_dir, read_only=config.store == "oxigraph" and not config.update_token))
