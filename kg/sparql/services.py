"""The services a server holds for its lifetime: the store and its query runner (:func:`open_services`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

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


def open_services(config: Any, workers: int = 2, read_only: bool | None = None) -> GraphServices:
    """Open the store (read-only unless updates are enabled, or as ``read_only`` says) and start the query workers."""
    from kg.store import open_store

    if read_only is None:
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

