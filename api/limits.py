"""Request limits as ASGI middleware: URL length, and admission to the heavy endpoints.

*URL length.* A URL (path and query string) over :data:`MAX_URL_BYTES` is answered **414** with a
problem that says to POST instead. (uvicorn's own limit is a bare 400 at about 16 kB of request head.)

*Admission.* Every SPARQL query, search and answer holds a worker thread while it waits for a query
worker process or computes; the thread pool is shared with everything else, ``/health`` included. A
burst of slow queries would take every thread and leave ``/health`` waiting. So at most
``max_active`` heavy requests run at once and at most ``max_waiting`` more wait (in the event loop,
holding no thread, for at most ``wait_seconds``); any further one is answered **503** with
``Retry-After`` at once. ``tests/reliability/test_sparql_safety.py`` showed the fault: 200 heavy
queries kept ``/health`` from answering for over 30 s.
"""

from __future__ import annotations

import asyncio

from api.problems import PROBLEM_BASE, problem

MAX_URL_BYTES = 8 * 1024
HEAVY_PREFIXES = ("/sparql", "/search", "/ask", "/money")
MAX_ACTIVE = 8
MAX_WAITING = 32
WAIT_SECONDS = 10.0


class UrlLimit:
    """Refuse request URLs over ``max_bytes`` with 414."""

    def __init__(self, app, max_bytes: int = MAX_URL_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            size = len(scope.get("raw_path") or scope.get("path", "").encode()) + len(scope.get("query_string") or b"")
            if size > self.max_bytes:
                response = problem(414, f"the URL is {size:,} bytes; the limit is {self.max_bytes:,}: send long "
                                   "queries with POST (a form field or an application/sparql-query body)",
                                   type_=PROBLEM_BASE + "url-too-long", instance=scope.get("path"))
                return await response(scope, receive, send)
        await self.app(scope, receive, send)


class Admission:
    """Let at most ``max_active`` heavy requests run and ``max_waiting`` wait; turn the rest away with 503."""

    def __init__(self, app, *, prefixes: tuple[str, ...] = HEAVY_PREFIXES, max_active: int = MAX_ACTIVE,
                 max_waiting: int = MAX_WAITING, wait_seconds: float = WAIT_SECONDS) -> None:
        self.app = app
        self.prefixes = prefixes
        self.max_active = max_active
        self.max_waiting = max_waiting
        self.wait_seconds = wait_seconds
        self.active = 0
        self.waiting = 0
        self._freed: asyncio.Condition | None = None  # made in the server's event loop, on first use

    def _busy(self, scope, why: str):
        return problem(503, f"the server is busy ({why}); try again shortly", type_=PROBLEM_BASE + "busy",
                       instance=scope.get("path"), headers={"Retry-After": "2"})

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(self.prefixes):
            return await self.app(scope, receive, send)
        if self._freed is None:
            self._freed = asyncio.Condition()
        freed = self._freed
        refusal: str | None = None
        async with freed:
            if self.active >= self.max_active and self.waiting >= self.max_waiting:
                refusal = f"{self.active} queries running, {self.waiting} waiting"
            elif self.active >= self.max_active:
                self.waiting += 1
                try:
                    await asyncio.wait_for(freed.wait_for(lambda: self.active < self.max_active), self.wait_seconds)
                except TimeoutError:
                    refusal = f"waited {self.wait_seconds:.0f} s for a free slot"
                finally:
                    self.waiting -= 1
            if refusal is None:
                self.active += 1
        if refusal is not None:
            return await self._busy(scope, refusal)(scope, receive, send)
        try:
            await self.app(scope, receive, send)
        finally:
            async with freed:
                self.active -= 1
                freed.notify()


def install(app) -> None:
    """Add the limits to a FastAPI app (the last added runs first: the URL is checked before admission)."""
    app.add_middleware(Admission)
    app.add_middleware(UrlLimit)
