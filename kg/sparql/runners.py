"""Where a query runs and how it is stopped: threads (:class:`ThreadRunner`) or worker processes with their
own read-only store handle, killed at the time limit (:class:`ProcessRunner`)."""

from __future__ import annotations

import logging
import os
import queue
import socket
import subprocess
import sys
import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from kg.dataset import check_iris
from kg.errors import Busy, KgError, QueryError, QueryTimeout, StoreError
from kg.store import GraphStore
from kg.sparql.evaluate import execute, timeout_message
from kg.sparql.protocol import GRACE_SECONDS, SparqlRequest, SparqlResponse, WORKER_WAIT_SECONDS, check_text


log = logging.getLogger(__name__)

# --- runners: where a query runs, and how it is stopped -------------------------------------

class QueryRunner(ABC):
    def __init__(self, timeout: float, max_rows: int) -> None:
        self.timeout = timeout
        self.max_rows = max_rows

    def run(self, req: SparqlRequest) -> SparqlResponse:
        """Run ``req`` within ``timeout`` seconds (blocking; call it from a worker thread)."""
        check_text(req.query)  # refuse early, before a worker is taken
        check_iris(req.dataset)
        return self._run(req)

    @abstractmethod
    def _run(self, req: SparqlRequest) -> SparqlResponse: ...

    @property
    @abstractmethod
    def workers(self) -> int:
        """Workers able to take a query now or soon."""

    def close(self) -> None:
        pass


class ThreadRunner(QueryRunner):
    """Queries in daemon threads over the process's own store (see the module docstring for the limits)."""

    def __init__(self, store: GraphStore, timeout: float, max_rows: int, workers: int = 2) -> None:
        super().__init__(timeout, max_rows)
        self.store = store
        self._size = workers
        self._slots = threading.BoundedSemaphore(workers)

    @property
    def workers(self) -> int:
        return self._size

    def _run(self, req: SparqlRequest) -> SparqlResponse:
        if not self._slots.acquire(timeout=self.timeout):
            raise Busy(f"all {self._size} query workers are busy; try again shortly")
        done, box = threading.Event(), {}

        def work() -> None:
            try:
                box["out"] = execute(self.store, req, self.max_rows, self.timeout)
            except Exception as exc:  # handed to the caller without its traceback: the frames hold pyoxigraph
                if not isinstance(exc, KgError):  # objects that must not be dropped in another thread
                    log.exception("query failed")
                box["err"] = _rebuild(type(exc), *exc.args)
            finally:
                self._slots.release()
                done.set()

        threading.Thread(target=work, name="kg-sparql-query", daemon=True).start()
        if not done.wait(self.timeout + GRACE_SECONDS):
            raise QueryTimeout(timeout_message(self.timeout))
        if "err" in box:
            raise box["err"]
        return box["out"]


WORKER_CODE = "import sys; from kg.sparql.runners import worker_main; worker_main(*sys.argv[1:])"


def worker_main(fd: str, path: str, max_rows: str, timeout: str) -> None:  # pragma: no cover - child process
    """A query worker: open the store read-only, then answer requests on the socket ``fd`` until EOF."""
    import signal
    from multiprocessing.connection import Connection

    from kg.store import OxigraphStore

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the server stops us
    conn = Connection(int(fd))
    try:
        store = OxigraphStore(Path(path), read_only=True)
    except Exception as exc:
        conn.send(("failed", f"{path}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):  # the server has gone
            break
        if req is None:
            break
        try:
            conn.send(("ok", execute(store, req, int(max_rows), float(timeout))))
        except KgError as exc:
            conn.send(("error", type(exc), str(exc)))
        except Exception as exc:
            log.exception("query failed in worker")
            conn.send(("error", QueryError, f"the query failed: {type(exc).__name__}: {exc}"))
    close_store(store)


def close_store(store: GraphStore) -> None:
    try:
        store.close()
    except RuntimeError:  # OxigraphStore.close() flushes, which a read-only handle refuses; nothing to write
        pass


def _rebuild(cls: type[Exception], *args: Any) -> Exception:
    """A fresh exception of ``cls`` with ``args``, without calling a constructor that may want other arguments."""
    exc = cls.__new__(cls)
    exc.args = args
    return exc


class _Worker:
    """A worker process started as ``python -c`` (not multiprocessing: that would re-import the caller's
    ``__main__`` in every worker), talking pickled messages over a socket pair."""

    def __init__(self, path: Path, max_rows: int, timeout: float) -> None:
        from multiprocessing.connection import Connection

        ours, theirs = socket.socketpair()
        root = str(Path(__file__).resolve().parent.parent)  # where the kg package is, installed or not
        env = os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        with theirs:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", WORKER_CODE, str(theirs.fileno()), str(path), str(max_rows), str(timeout)],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env,
            )
        self.conn = Connection(ours.detach())

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.proc.kill()
        self.proc.wait(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
            self.proc.wait(2)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass
        self.kill()


class ProcessRunner(QueryRunner):
    """Queries in worker processes with read-only handles on an Oxigraph store; a late worker is killed."""

    def __init__(self, path: Path, timeout: float, max_rows: int, workers: int = 2, startup: float = 60.0) -> None:
        super().__init__(timeout, max_rows)
        self.path, self.startup = Path(path), startup
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.failure: str | None = None
        for _ in range(workers):
            self._spawn()

    @property
    def workers(self) -> int:
        return len(self.pids())

    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        with self._lock:
            return sorted(w.proc.pid for w in self._all if w.alive())

    def _spawn(self) -> None:
        def start() -> None:
            with self._lock:
                if self._closed:
                    return
                worker = _Worker(self.path, self.max_rows, self.timeout)
                self._all.add(worker)
            message = worker.conn.recv() if worker.conn.poll(self.startup) else ("failed", "did not start in time")
            if message[0] == "ready":
                self.failure = None
                self._idle.put(worker)
                return
            self.failure = f"a query worker could not open the store: {message[1]}"
            log.error("%s", self.failure)
            self._retire(worker)

        threading.Thread(target=start, name="kg-sparql-spawn", daemon=True).start()

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()

    def _run(self, req: SparqlRequest) -> SparqlResponse:
        try:  # a killed worker's replacement takes a moment to start; wait for it rather than fail
            worker = self._idle.get(timeout=max(self.timeout, WORKER_WAIT_SECONDS))
        except queue.Empty:
            if self.failure:
                raise StoreError(self.failure) from None
            raise Busy("all query workers are busy; try again shortly") from None
        try:
            worker.conn.send(req)
            if not worker.conn.poll(self.timeout + GRACE_SECONDS):
                self._retire(worker)
                self._spawn()
                raise QueryTimeout(timeout_message(self.timeout))
            message = worker.conn.recv()
        except (EOFError, OSError) as exc:
            self._retire(worker)
            self._spawn()
            raise StoreError("a query worker stopped unexpectedly; try again") from exc
        self._idle.put(worker)
        if message[0] == "error":
            raise _rebuild(message[1], message[2])
        return message[1]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()
