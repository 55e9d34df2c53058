"""What the route modules depend on: the served generation's services, its search index, the version, publishing.

FastAPI dependencies (``Depends``), not module globals: the app's lifespan opens the live services
(:func:`api.app.create_app`) and every route module takes them from here, so no route module
imports another or the app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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


# A server encodes each query on one thread and as many queries at once as there are cores
# (search.encoder: threads × concurrent encodes ≤ cores), rather than one query on every core.
SERVER_ENCODER_THREADS = 1


def search_index(request: Request, services: GenerationServices) -> Any:
    """The search index of the request's generation, opened on first use (or warmed when the generation was
    opened, :meth:`kgdatadir.live.GenerationServices.warm`) and kept with that generation."""
    return services.index()


def publish(request: Request, work: Callable[..., Any], *args: Any) -> Any:
    """Run ``work(config, *args)``, a writer of the data directory (``config.data_dir``: the data directory,
    not a generation), then serve the generation it published before answering; ``work``'s result.

    ``work`` builds generation N+1 beside the served one and publishes it (:func:`kgdatadir.writer.writer`);
    requests already running finish on generation N, and every request after this one uses N+1
    (:meth:`kgdatadir.live.LiveServices.publish`). Blocking: call it from a worker thread.
    """
    return request.state.live.publish(work, *args)
