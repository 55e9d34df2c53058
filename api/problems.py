"""Every error as RFC 9457 ``application/problem+json``; never a stack trace.

Core errors (:mod:`kg.errors`) map to a status here; validation errors, unknown routes and wrong
methods get the same shape; anything unexpected is logged with its traceback and answered with a
plain 500.
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from kg.errors import (Busy, KgError, NotAcceptable, NotFound, QueryError, QueryRefused, QueryTimeout, QueryTooLarge,
                       StoreError, UpdateForbidden)
from search.records import SearchIndexError

log = logging.getLogger("api")

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://w3id.org/psykiatri-kg/problems/"
MAX_BODY_BYTES = 1_100_000  # a little over kg.sparql.MAX_UPDATE_BYTES, for form encoding

# most specific first
STATUS: tuple[tuple[type[KgError], int], ...] = (
    (QueryTimeout, 504), (QueryTooLarge, 413), (UpdateForbidden, 403), (NotAcceptable, 406), (QueryRefused, 400),
    (QueryError, 400), (NotFound, 404), (Busy, 503), (StoreError, 503), (SearchIndexError, 503), (KgError, 500),
)


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": HTTPStatus(code).phrase}
    for code in (400, 404, 406, 413, 503, 504)
}


class BodyTooLarge(Exception):
    pass


def problem(status: int, detail: str | None = None, *, type_: str = "about:blank", title: str | None = None,
            instance: str | None = None, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = {"type": type_, "title": title or HTTPStatus(status).phrase, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    return JSONResponse(body | extra, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _slug(cls: type) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", cls.__name__).lower()


def kg_problem(exc: KgError, path: str | None = None) -> JSONResponse:
    status = next(code for cls, code in STATUS if isinstance(exc, cls))
    headers = {"Retry-After": "2"} if isinstance(exc, Busy) else None
    return problem(status, str(exc), type_=PROBLEM_BASE + _slug(type(exc)), instance=path, headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    async def on_kg_error(request: Request, exc: KgError) -> JSONResponse:
        return kg_problem(exc, request.url.path)

    async def on_http(request: Request, exc: HTTPException) -> JSONResponse:
        phrase = HTTPStatus(exc.status_code).phrase
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else None
        if exc.status_code == 404 and detail is None:
            detail = f"no endpoint at {request.url.path}; see /docs for the API"
        return problem(exc.status_code, detail, instance=request.url.path, headers=getattr(exc, "headers", None))

    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
                  for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
        return problem(422, detail, instance=request.url.path, errors=errors)

    async def on_too_large(request: Request, exc: BodyTooLarge) -> JSONResponse:
        return problem(413, f"request body over {MAX_BODY_BYTES:,} bytes", instance=request.url.path)

    async def on_crash(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem(500, "internal error; it has been logged on the server", instance=request.url.path)

    app.add_exception_handler(KgError, on_kg_error)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(BodyTooLarge, on_too_large)
    app.add_exception_handler(Exception, on_crash)


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``max_bytes`` (declared or streamed) with 413.

    ``larger`` gives some POST paths a limit of their own (document uploads: the ``upload_max_mb`` setting).
    """

    def __init__(self, app, max_bytes: int = MAX_BODY_BYTES, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger or {}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.larger.get(scope.get("path", ""), self.max_bytes) if scope.get("method") == "POST" else self.max_bytes
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            response = problem(413, f"request body over {limit:,} bytes", instance=scope.get("path"))
            return await response(scope, receive, send)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge()
            return message

        await self.app(scope, limited, send)
