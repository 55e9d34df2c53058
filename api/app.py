"""The HTTP API: ``create_app(config)`` builds a FastAPI app whose lifespan opens the store and the query workers.

The handlers are thin: they parse the request, call :mod:`kg.sparql` or :mod:`kg.browse`, and
errors become problem+json (:mod:`api.problems`). Nothing is opened at import time; CORS is off.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from kg.settings import Config, load_config

DESCRIPTION = """Danish psychiatry policy documents as an RDF knowledge graph.

* `/search`, `/ask` — hybrid passage search and extractive answers, with cited sources.
* `/money/trail`, `/money/flows` — from allocation to shares, uses and staff; flows per year (CSV too).
* `/sparql` — SPARQL 1.1 Protocol endpoint (read-only unless an update token is configured); the
  vocabulary's prefixes (`kg:`, `kgr:`, `dcterms:`, `prov:`, `schema:`, `skos:` …) are predeclared.
* `/rdf-graph-store?graph=IRI` (or `?default`) — one whole graph in Turtle, RDF/XML, N-Triples or JSON-LD
  (SPARQL 1.1 Graph Store Protocol, read side).
* `/entities/…` — any resource with its facts, links and provenance quotes.
* `/documents`, `/initiatives`, `/actors` — lists (JSON, or CSV with `?format=csv`).
* `/` — the web page for people: ask, initiatives, money flows, documents, SPARQL editor.

Every error is `application/problem+json` (RFC 9457).
"""


def create_app(config: Config | None = None, *, sparql_workers: int = 2) -> FastAPI:
    """The app over ``config``'s store; ``sparql_workers`` queries may run at once."""
    import anyio

    from api import (
        graph_store_protocol,
        limits,
        problems,
        routes_documents,
        routes_graph,
        routes_money,
        routes_search,
        routes_web,
        sparql,
    )
    from api.deps import version, warm_search
    from kg.sparql import open_services

    cfg = config or load_config()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict]:
        services = await anyio.to_thread.run_sync(open_services, cfg, sparql_workers)
        warming = warm_search(app.state, services)  # in the background: the index and encoder before the first request
        try:
            yield {"services": services}
        finally:
            if warming is not None:  # it reads the store: let it finish before the store closes
                await anyio.to_thread.run_sync(warming.join, 120)
            await anyio.to_thread.run_sync(services.close)

    app = FastAPI(title="psykiatri-kg", version=version(), description=DESCRIPTION, lifespan=lifespan)
    problems.install(app)
    app.add_middleware(problems.BodyLimit, max_bytes=problems.MAX_BODY_BYTES,
                       larger={"/documents": cfg.upload_max_mb * 1024 * 1024 + 64 * 1024})  # + multipart framing
    limits.install(app)
    app.include_router(sparql.router)
    app.include_router(graph_store_protocol.router)
    app.include_router(routes_documents.router)  # POST/DELETE /documents (before GET /documents/{doc_id})
    app.include_router(routes_graph.router)
    app.include_router(routes_search.router)
    app.include_router(routes_money.router)
    routes_web.install(app)  # the page at / and its files
    return app
