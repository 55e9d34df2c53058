"""What the route modules depend on: the served generation's services, the search index, version and CSV choice.

FastAPI dependencies (``Depends``), not module globals: the app's lifespan opens the live services
(:func:`api.app.create_app`) and every route module takes them from here, so no route module
imports another or the app.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request

from kgdatadir.live import GenerationServices


def get_services(request: Request) -> Iterator[GenerationServices]:
    """The generation this request uses from start to end; released (maybe closed) when it is done."""
    live = request.state.live
    services = live.acquire()
    request.state.generation = services.generation
    try:
        yield services
    finally:
        live.release(services)


Services = Annotated[GenerationServices, Depends(get_services)]


class GenerationHeader:
    """ASGI middleware: ``X-KG-Generation: <n>`` on every response that used a generation's services."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_generation(message) -> None:
            if message["type"] == "http.response.start":
                generation = scope.get("state", {}).get("generation")
                if generation is not None:
                    message["headers"] = [*message.get("headers", []), (b"x-kg-generation", str(generation).encode())]
            await send(message)

        await self.app(scope, receive, send_with_generation)


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("psykiatri-kg")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def search_index(request: Request, services: GenerationServices) -> Any:
    """The search index of the request's generation, opened on first use and kept with that generation."""
    return services.index()


def wants_csv(request: Request, fmt: str | None) -> bool:
    """Whether the client asked for CSV: ``?format=csv`` wins, else ``Accept: text/csv`` without JSON."""
    if fmt:
        return fmt == "csv"
    accept = request.headers.get("accept", "")
    return "text/csv" in accept and "application/json" not in accept
