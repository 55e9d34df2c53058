"""What the route modules depend on: the opened services, the search index, version and CSV choice.

FastAPI dependencies (``Depends``), not module globals: the app's lifespan opens the services
(:func:`api.app.create_app`) and every route module takes them from here, so no route module
imports another or the app.
"""

from __future__ import annotations

import logging
import threading
from typing import Annotated, Any

from fastapi import Depends, Request

from kg.sparql import GraphServices

_index_lock = threading.Lock()


def get_services(request: Request) -> GraphServices:
    return request.state.services


Services = Annotated[GraphServices, Depends(get_services)]


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("psykiatri-kg")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


# A server encodes each query on one thread and as many queries at once as there are cores
# (search.encoder: threads × concurrent encodes ≤ cores), rather than one query on every core.
SERVER_ENCODER_THREADS = 1


def search_index(request: Request, services: GraphServices) -> Any:
    """The search index, opened on first use (or by :func:`warm_search` at start-up) and kept for the app's lifetime."""
    return _open_search_index(request.app.state, services)


def _open_search_index(state: Any, services: GraphServices) -> Any:
    with _index_lock:
        if getattr(state, "search_index", None) is None:
            from search.service import open_index

            state.search_index = open_index(services.config, threads=SERVER_ENCODER_THREADS)
        return state.search_index


def warm_search(state: Any, services: GraphServices) -> threading.Thread | None:
    """Open the index, load the query encoder and read the document titles in a background thread at
    start-up, so the first requests do not pay for them (they wait on the same locks if they come early).
    Nothing happens without an index; a failure is left for the first request to report."""
    from pathlib import Path

    if not (Path(services.config.data_dir) / "index" / "CURRENT").is_file():
        return None

    def warm() -> None:
        try:
            from search.service import search

            index = _open_search_index(state, services)
            search(services.store, index, "opvarmning", k=1)  # the encoder, the titles, the first query plan
        except Exception:  # the first request meets the same error and reports it
            logging.getLogger(__name__).debug("warming the search index failed", exc_info=True)

    thread = threading.Thread(target=warm, name="kg-warm-search", daemon=True)
    thread.start()
    return thread


def refresh_services(request: Request, services: GraphServices) -> None:
    """After this server changed the data directory (an upload or a removal): reopen the store and the query
    workers in place, and forget the search index, so every later request sees the change.

    Requests already running keep the handles they hold until they finish or fail; the old query workers
    are stopped.
    """
    from kg.sparql import close_store, open_services

    fresh = open_services(services.config, max(2, services.runner.workers))
    old_store, old_runner = services.store, services.runner
    services.store, services.runner, services.read_only = fresh.store, fresh.runner, fresh.read_only
    with _index_lock:
        request.app.state.search_index = None
    old_runner.close()
    close_store(old_store)
