"""What a running server serves: one immutable set of services per committed generation, swapped between requests.

:class:`GenerationServices` is one generation's store, SPARQL query workers and search index, opened
together and never changed. :class:`LiveServices` holds the one being served. Every request takes a
reference at its start (:meth:`LiveServices.acquire`) and uses only that object, so no answer mixes two
generations (graph from one, index from another). A thread looks at ``CURRENT`` every
``generation_poll`` seconds; when a writer has published a new generation it opens it beside the old
one (query workers started, search index opened and warmed with the already loaded model), swaps it
in, and closes the old one when its last in-flight request releases it (reference counting). Closing
releases the old generation's lease, so the old generation's files can then be removed. At start-up the
first generation's index and query model are warmed in the background, so the first requests do not
pay for them.

No web framework here: :mod:`api.app` and :mod:`api.deps` wire this into FastAPI.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from kg.errors import StoreError
from kg.settings import Config
from kg.sparql import (
    GraphServices,
    ProcessRunner,
    check_text,
    open_services,
    run_update,
)
from kgdatadir.generations import Lease, current
from kgdatadir.reader import Snapshot, finish, generation_config, lease_for

log = logging.getLogger(__name__)
WORKER_START_SECONDS = 60.0
T = TypeVar("T")


class GenerationServices:
    """One generation's store, query runner and (lazily) search index; ``generation`` names it."""

    def __init__(self, config: Config, graph: GraphServices, lease: Lease | None, top: Config,
                 threads: int | None = None) -> None:
        self.config = config  # data_dir: the generation's directory
        self.threads = threads  # intra-op threads of a query model this generation loads itself
        self.graph = graph
        self.lease = lease
        self.top = top  # the server's own settings (data_dir: the data directory)
        self.generation = None if lease is None else lease.number
        self.read_only = top.store == "oxigraph" and not top.update_token
        self._snapshot = Snapshot(config, graph.store, self.generation)
        self.refs = 0
        self.retired = False

    @property
    def store(self):
        return self.graph.store

    @property
    def runner(self):
        return self.graph.runner

    def index(self, encoder: Any = None) -> Any:
        """The generation's search index, opened on first use (raises ``IndexNotFoundError`` without one)."""
        return self._snapshot.index(encoder, self.threads)

    def warm(self, encoder: Any = None) -> None:
        """Open the search index, load the query model (or take ``encoder``, already loaded) and run one search
        (the document titles, the first query plan), so that the first requests pay for none of it. Nothing
        happens without an index; a failure is left for the first request to meet and report."""
        if not (Path(self.config.data_dir) / "index" / "CURRENT").is_file():
            return
        try:
            from search.service import search

            search(self.store, self.index(encoder), "opvarmning", k=1)
        except Exception:  # the first request meets the same error and reports it
            log.debug("warming the search index of generation %s failed", self.generation, exc_info=True)

    def encoder(self) -> Any:
        """The query model if this generation's index has loaded it already, else None."""
        index = self._snapshot.loaded_index()
        return None if index is None else getattr(index, "_encoder", None)

    def close(self) -> None:
        try:
            self.graph.close()
        finally:
            finish(self.lease, self.top)
            self.lease = None


def open_generation(config: Config, workers: int = 2, carry: GenerationServices | None = None,
                    threads: int | None = None) -> GenerationServices:
    """Lease the committed generation and open its services; with ``carry`` (the generation served so far), also
    open and warm its search index, reusing ``carry``'s loaded model. ``threads``: see :class:`GenerationServices`."""
    lease = lease_for(config)
    try:
        gen_config = generation_config(config, lease)
        read_only = True if config.store == "oxigraph" else None
        graph = open_services(gen_config, workers, read_only=read_only)
    except BaseException:
        finish(lease, config)
        raise
    services = GenerationServices(gen_config, graph, lease, config, threads)
    try:
        if isinstance(graph.runner, ProcessRunner) and not graph.runner.wait_ready(WORKER_START_SECONDS):
            raise StoreError(graph.runner.failure or "the query workers did not start in time")
        if carry is not None:  # now, before the swap, not on the first request after it
            services.warm(carry.encoder())
    except BaseException:
        services.close()
        raise
    return services


class LiveServices:
    """The generation being served, swapped for a newer one when a writer publishes it."""

    def __init__(self, config: Config, workers: int = 2, encoder_threads: int | None = None) -> None:
        """Open the committed generation and warm its search index in the background; ``workers`` SPARQL
        queries may run at once; ``encoder_threads``: intra-op threads of the query model (None: the backend's
        default)."""
        self.config = config
        self.workers = workers
        self.encoder_threads = encoder_threads
        self._lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._current = open_generation(config, workers, threads=encoder_threads)
        self._open: set[GenerationServices] = {self._current}
        self._stop = threading.Event()
        self._failed: int | None = None  # the generation that last failed to open (logged once)
        self._warming = threading.Thread(target=self._warm, name="kg-warm-search", daemon=True)
        self._warming.start()
        self._poller: threading.Thread | None = None
        if config.store != "memory" and config.generation_poll > 0:
            self._poller = threading.Thread(target=self._poll, name="kg-generation-poll", daemon=True)
            self._poller.start()

    @property
    def generation(self) -> int | None:
        return self._current.generation

    def acquire(self) -> GenerationServices:
        """The generation to use for one request; give it back with :meth:`release`."""
        with self._lock:
            services = self._current
            services.refs += 1
            return services

    def release(self, services: GenerationServices) -> None:
        with self._lock:
            services.refs -= 1
            idle = services.retired and services.refs == 0
        if idle:
            self._retire(services)

    def refresh(self) -> bool:
        """Serve the committed generation if it is newer than the one served; whether it switched."""
        with self._refresh_lock:
            if self._stop.is_set():
                return False
            try:
                number = current(self.config.data_dir)
            except StoreError:
                return False
            if number is None or number == self._current.generation:
                return False
            try:
                new = open_generation(self.config, self.workers, carry=self._current, threads=self.encoder_threads)
            except Exception as exc:  # noqa: BLE001 - keep serving the old one; try again at the next look
                if self._failed != number:
                    log.error("generation %s could not be opened; still serving %s: %s", number,
                              self._current.generation, exc)
                    self._failed = number
                return False
            with self._lock:
                old, self._current = self._current, new
                self._open.add(new)
                old.retired = True
                idle = old.refs == 0
            log.info("serving generation %s (was %s)", new.generation, old.generation)
            if idle:
                self._retire(old)
            return True

    def update(self, text: str) -> None:
        """Apply a SPARQL update: on Oxigraph as a new generation (through the writer), then serve it."""
        check_text(text, update=True)  # refuse LOAD / SERVICE / oversize before a generation is started
        if self.config.store != "oxigraph":
            services = self.acquire()
            try:
                run_update(services.store, text)
            finally:
                self.release(services)
            return
        from kgdatadir.writer import writer

        with writer(self.config, command="kg serve (SPARQL update)") as draft:
            run_update(draft.store, text)
        self.refresh()

    def publish(self, work: Callable[..., T], *args: Any) -> T:
        """Run ``work(config, *args)``, a writer of the data directory (``config``: the server's own settings,
        ``data_dir`` the data directory), then serve the generation it published; ``work``'s result.

        ``work`` writes generation N+1 through :func:`kgdatadir.writer.writer` and publishes it; requests
        that hold generation N finish on it, and every request that starts after this returns uses N+1 (or
        a newer one). An exception in ``work`` publishes nothing: N is still served.
        """
        result = work(self.config, *args)
        self.refresh()
        return result

    def _retire(self, services: GenerationServices) -> None:
        def close() -> None:
            try:
                services.close()
            except Exception:
                log.exception("closing generation %s", services.generation)
            with self._lock:
                self._open.discard(services)

        threading.Thread(target=close, name="kg-generation-close", daemon=True).start()

    def _warm(self) -> None:
        services = self.acquire()  # held, so a swap meanwhile closes it only after the warming
        try:
            services.warm()
        finally:
            self.release(services)

    def _poll(self) -> None:
        while not self._stop.wait(self.config.generation_poll):
            try:
                self.refresh()
            except Exception:
                log.exception("looking for a new generation")

    def close(self) -> None:
        self._stop.set()
        self._warming.join(timeout=120)  # it reads the store: let it finish before the store closes
        if self._poller is not None:
            self._poller.join(timeout=30)
        with self._refresh_lock, self._lock:
            remaining = list(self._open)
            self._open.clear()
        for services in remaining:
            services.close()


def check_servable(config: Config) -> None:
    """Fail early, with a message a user can act on, when there is nothing to serve."""
    if config.store == "memory":
        return
    lease = lease_for(config)
    try:
        if config.store == "oxigraph":
            from kg.store import open_store

            open_store(config.store, generation_config(config, lease).data_dir, read_only=True).close()
        else:
            open_services(generation_config(config, lease), 1).close()
    finally:
        finish(lease, config)
