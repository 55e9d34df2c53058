"""Adding and removing documents over HTTP: ``POST /documents`` (multipart upload) and ``DELETE /documents/{key}``.

Off unless the ``write_token`` setting (``KG_WRITE_TOKEN``) is set; then each request needs
``Authorization: Bearer <token>``, compared in constant time (:func:`hmac.compare_digest`). Without
or with a wrong token the answer is **401**. The work is :mod:`kgdatadir.documents` (the same
all-or-nothing writer as ``kg ingest``); afterwards the server reopens its store and index
(:func:`api.deps.refresh_services`), so search, SPARQL and the money views show the change at once.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, File, HTTPException, Request, Response, UploadFile

from api.deps import Services, refresh_services
from api.problems import PROBLEM_RESPONSES
from kg.errors import ReadError

router = APIRouter()
WRITE_RESPONSES = {**PROBLEM_RESPONSES, **{code: PROBLEM_RESPONSES[400] | {"description": text} for code, text in (
    (401, "No or a wrong bearer token"), (403, "Adding and removing documents is off on this server"),
    (409, "The server holds its store in a way that does not allow it"), (415, "Unsupported file type"),
    (422, "The file could not be read as a document"))}}


def authorized(request: Request, token: str) -> bool:
    """Whether the request carries ``Authorization: Bearer <token>`` (constant-time comparison)."""
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def _require_writer(request: Request, services) -> None:
    cfg = services.config
    if not cfg.write_token:
        raise HTTPException(403, "adding and removing documents is off on this server; set the write_token setting "
                                 "(KG_WRITE_TOKEN) to allow it")
    if not authorized(request, cfg.write_token):
        raise HTTPException(401, "a bearer token is needed to add or remove documents (Authorization: Bearer …)",
                            headers={"WWW-Authenticate": 'Bearer realm="psykiatri-kg"'})
    if cfg.store != "oxigraph" or not services.read_only:
        raise HTTPException(409, "this server holds its store for SPARQL updates (update_token is set) or in memory; "
                                 "adding documents needs a server that opens its Oxigraph store read-only")


def _as_dict(change) -> dict[str, Any]:
    out = {"action": change.action, "key": change.key, "id": change.doc_id, "facts": change.facts,
           "passages_indexed": change.passages}
    if change.doc_id and change.action != "removed":
        out["url"] = f"/documents/{change.doc_id}"
    return out


async def _run(request: Request, services, work, *args) -> dict[str, Any]:
    from kgdatadir.documents import UploadRefused

    try:
        change = await anyio.to_thread.run_sync(work, services.config, *args)
    except UploadRefused as exc:
        raise HTTPException(exc.status, str(exc)) from exc
    except ReadError as exc:
        raise HTTPException(422, str(exc).removesuffix("; skipped")) from exc
    await anyio.to_thread.run_sync(refresh_services, request, services)
    return _as_dict(change)


@router.post("/documents", tags=["documents"], summary="Add a document (multipart upload)", status_code=201,
             responses=WRITE_RESPONSES)
async def add_document(request: Request, response: Response, services: Services,
                       file: Annotated[UploadFile, File(description="A .pdf, .docx, .html, .txt or .md file")]
                       ) -> dict[str, Any]:
    """Read, extract and index one document, as `kg ingest` does; a file with the name of a stored document
    replaces it (**200**; **201** for a new one). Needs `Authorization: Bearer <write_token>`. Answers the
    document's key, id, fact count and the number of passages in the search index."""
    _require_writer(request, services)
    from kgdatadir.documents import add_document as add

    data = await file.read()
    result = await _run(request, services, add, file.filename or "", data)
    if result["action"] != "added":
        response.status_code = 200
    return result


@router.delete("/documents/{key}", tags=["documents"], summary="Remove a document", responses=WRITE_RESPONSES)
async def remove_document(key: str, request: Request, services: Services) -> dict[str, Any]:
    """Drop the document's graph, its passages from the search index and its kept text, and recompute the
    links between documents. `key` is the document's key (its file name) or id. Needs the bearer token."""
    _require_writer(request, services)
    from kgdatadir.documents import remove_document as remove

    return await _run(request, services, remove, key)


@router.get("/web/write-access", tags=["page"], summary="Whether documents can be added, and whether a token fits")
def write_access(request: Request, services: Services) -> dict[str, bool]:
    """`enabled`: the server has a write token; `authorized`: the request's bearer token is it."""
    token = services.config.write_token
    return {"enabled": bool(token), "authorized": authorized(request, token)}
