"""What the route modules depend on: the opened services, the search index, version and CSV choice.

FastAPI dependencies (``Depends``), not module globals: the app's lifespan opens the services
(:func:`api.app.create_app`) and every route module takes them from here, so no route module
imports another or the app.
"""

from __future__ import annotations

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


def search_index(request: Request, services: GraphServices) -> Any:
    """The search index, opened on first use and kept for the app's lifetime."""
    state = request.app.state
    with _index_lock:
        if getattr(state, "search_index", None) is None:
            from search.service import open_index

            state.search_index = open_index(services.config)
        return state.search_index


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
