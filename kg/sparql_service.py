"""The SPARQL service behind the API: check a request, run it with a time limit and a row cap, serialise.

No web framework here: ``api/sparql.py`` turns an HTTP request into a :class:`SparqlRequest`, hands
it to a :class:`QueryRunner` and maps :class:`~kg.errors.KgError` to problem responses.

*Time limit.* pyoxigraph cannot cancel a running query, and a thread cannot be killed. So on a
read-only Oxigraph store (the default server) every query runs in a small pool of worker processes,
each with its own read-only handle on the store; a query still running at the limit has its worker
killed and replaced (:class:`ProcessRunner`). When the server may write (an update token is set, or
the memory store) the store cannot be shared with other processes, and queries run in threads
(:class:`ThreadRunner`): results stop streaming at the limit, but a blocking aggregate or sort over
a huge join keeps its thread busy until it ends; the pool is bounded and reports :class:`Busy`.

*Row cap.* Results are cut after ``max_rows`` solutions (triples for CONSTRUCT/DESCRIBE) and
:attr:`SparqlResponse.truncated` says so; evaluation is lazy, so the rest is never computed.

*Safety.* SERVICE (federated calls) and LOAD (fetching a URL) are refused before anything runs:
pyoxigraph and rdflib would otherwise make HTTP requests from the server.

*Dataset.* The default graph is the union of all graphs unless the query's ``FROM`` / ``FROM NAMED``
or the request's ``default-graph-uri`` / ``named-graph-uri`` (which override the query's) name the
graphs, as SPARQL 1.1 says: :mod:`kg.dataset`.

*Formats.* SELECT and ASK: SPARQL JSON, XML, CSV, TSV (and ``csv-excel``: CSV with a UTF-8 byte-order
mark, only when asked for by name); CONSTRUCT and DESCRIBE: Turtle, RDF/XML, N-Triples, JSON-LD —
all written by rdflib's or pyoxigraph's serialisers. A format named in ``format`` / ``output`` /
``results`` (short names or media types, as SPARQLWrapper, Fuseki and Virtuoso clients send them)
wins over ``Accept``; a name nobody knows is ignored, so ``Accept`` decides.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.dataset import STRIPPED, QueryDataset, check_iris, oxigraph_arguments
from kg.errors import Busy, KgError, NotAcceptable, QueryError, QueryRefused, QueryTimeout, QueryTooLarge, StoreError
from kg.namespace import PREFIXES, sparql_prologue
from kg.store import GraphStore

log = logging.getLogger(__name__)

MAX_QUERY_BYTES = 100_000
MAX_UPDATE_BYTES = 1_000_000
WORKER_WAIT_SECONDS = 10.0  # longest wait for a free worker before answering Busy
GRACE_SECONDS = 0.25  # a worker stops a streaming query itself at the limit; it is killed only after this
RESULTS, GRAPH = "results", "graph"


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    rdflib: str
    kind: str  # RESULTS (SELECT/ASK) or GRAPH (CONSTRUCT/DESCRIBE)
    spellings: tuple[str, ...] = ()  # other names and media types clients use for it (for this kind of result)
    bom: bool = False  # starts with a UTF-8 byte-order mark (for Excel); never chosen through Accept alone


FORMATS: tuple[Format, ...] = (  # in order of preference when the client accepts anything
    Format("json", "application/sparql-results+json", "json", RESULTS, ("srj", "sparql-results+json", "application/json")),
    Format("xml", "application/sparql-results+xml", "xml", RESULTS,
           ("srx", "sparql-results+xml", "application/xml", "text/xml")),
    Format("csv", "text/csv", "csv", RESULTS),
    Format("tsv", "text/tab-separated-values", "tsv", RESULTS, ("tab-separated-values",)),  # written by pyoxigraph
    Format("turtle", "text/turtle", "turtle", GRAPH, ("ttl", "application/turtle", "application/x-turtle")),
    Format("rdfxml", "application/rdf+xml", "xml", GRAPH,
           ("rdf+xml", "rdf/xml", "rdf", "xml", "application/xml", "text/xml")),
    Format("ntriples", "application/n-triples", "nt", GRAPH, ("nt", "n-triples")),
    Format("jsonld", "application/ld+json", "json-ld", GRAPH, ("json-ld", "json", "application/json")),
    Format("csv-excel", "text/csv", "csv", RESULTS, ("excel",), bom=True),
)
FORMAT_NAMES = sorted({n for f in FORMATS for n in (f.name, *f.spellings) if "/" not in n})
FORMAT_PARAMETERS = ("format", "output", "results")  # Virtuoso/SPARQLWrapper, Fuseki/sparqler, others
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class SparqlRequest:
    query: str
    accept: str = "*/*"  # every Accept header line, joined with ", "
    format: str | None = None  # a format name or media type (from FORMAT_NAMES or any spelling); overrides ``accept``
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    # kgf:similarity scores computed by the caller before the query runs: text → passage IRI → cosine
    # (kg/sparql_functions.py); the query workers have no encoder
    similarity: dict[str, dict[str, float]] | None = None
    formats: tuple[str, ...] = ()  # every format/output/results value, in order; the first one known wins
    base_iri: str | None = None  # resolves relative IRIs in the query (the protocol: it MAY be the endpoint's URL)

    @property
    def wanted(self) -> tuple[str, ...]:
        return (*self.formats, *([self.format] if self.format else []))

    @property
    def dataset(self) -> QueryDataset:
        return QueryDataset(self.default_graphs, self.named_graphs)


@dataclass(frozen=True)
class SparqlResponse:
    body: bytes
    media_type: str
    result_type: str  # SELECT, ASK or CONSTRUCT (also for DESCRIBE)
    rows: int  # solutions or triples in the body
    truncated: bool  # the result was cut at the row cap


# --- checks before anything runs -------------------------------------------------------------

_FORBIDDEN = re.compile(r"(?<![\w:?$\-.])(SERVICE|LOAD)(?=\s|<|\?|\$|$)", re.I)


def check_text(text: str, *, update: bool = False) -> None:
    """Refuse over-long text and federated SERVICE / LOAD before the store sees the request."""
    limit = MAX_UPDATE_BYTES if update else MAX_QUERY_BYTES
    size = len(text.encode("utf-8"))
    if size > limit:
        raise QueryTooLarge(f"the {'update' if update else 'query'} is {size:,} bytes; the limit is {limit:,}")
    if not text.strip():
        raise QueryError("empty query: pass the SPARQL text as 'query' (or 'update')")
    bare = STRIPPED.sub(" ", text)  # strings, IRIs and comments cannot hold keywords
    found = _FORBIDDEN.search(bare)
    if found:
        word = found.group(1).upper()
        why = "federated queries to other endpoints" if word == "SERVICE" else "loading data from URLs"
        raise QueryRefused(f"{word} is not allowed: this endpoint does not make {why}")


def lookup_format(value: str, kind: str) -> Format | None:
    """The format of ``kind`` (RESULTS or GRAPH) that ``value`` names (a name, spelling or media type), or None."""
    key = value.split(";")[0].strip().lower()
    return next((f for f in FORMATS if f.kind == kind and key in (f.name, f.media_type, *f.spellings)), None)


def known_format(value: str) -> bool:
    """Whether ``value`` names a format of either kind; unknown names are ignored (``Accept`` decides)."""
    return lookup_format(value, RESULTS) is not None or lookup_format(value, GRAPH) is not None


def accept_ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept value (several header lines joined with ", ") with their q-values, in order."""
    out = []
    for part in (accept or "*/*").split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.lower().startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if media:
            out.append((media.lower(), q))
    return out or [("*/*", 1.0)]


def best_match(accept: str, offered: list[tuple[Any, tuple[str, ...]]]) -> Any | None:
    """The offer the Accept value likes best; ``offered`` is (offer, its media types) in order of preference.

    An offer takes the q of the most specific range that matches it (exact type over ``type/*`` over
    ``*/*``, RFC 9110 §12.5.1), so ``text/csv;q=0, */*`` rules CSV out. Highest q wins; then the more
    specific match; then the range written first; then our order. None when nothing is acceptable.
    """
    best, best_key = None, None
    ranges = accept_ranges(accept)
    for pref, (offer, medias) in enumerate(offered):
        matches = []
        for order, (media, q) in enumerate(ranges):
            if media in medias:
                spec = 2
            elif any(media == m.split("/")[0] + "/*" for m in medias):
                spec = 1
            elif media == "*/*":
                spec = 0
            else:
                continue
            matches.append((spec, -order, q))
        if not matches:
            continue
        spec, neg_order, q = max(matches)
        key = (q, spec, neg_order, -pref)
        if q > 0 and (best_key is None or key > best_key):
            best, best_key = offer, key
    return best


def negotiate(accept: str, override: str | tuple[str, ...] | None, result_type: str) -> Format:
    """The format for a result: the first known name in ``override`` (format/output/results) that fits
    ``result_type``, else the best match for Accept. A name known only for the other kind of result
    (``turtle`` for a SELECT) is :class:`NotAcceptable`; unknown names are ignored."""
    kind = GRAPH if result_type == "CONSTRUCT" else RESULTS
    candidates = [f for f in FORMATS if f.kind == kind]
    allowed = ", ".join(f.media_type for f in candidates if not f.bom)
    wanted = [v for v in ((override,) if isinstance(override, str) else (override or ())) if v and known_format(v)]
    for value in wanted:
        fmt = lookup_format(value, kind)
        if fmt is not None:
            return fmt
    if wanted:
        raise NotAcceptable(f"a {result_type} result cannot be {wanted[0]}; it can be {allowed}")
    offered = [(f, (f.media_type, *[m for m in f.spellings if "/" in m])) for f in candidates if not f.bom]
    best = best_match(accept, offered)
    if best is None:
        raise NotAcceptable(f"none of the accepted types ({accept}) fits a {result_type} result; it can be {allowed}")
    return best


def _negotiable(accept: str) -> bool:
    """Whether Accept admits any format of either kind (checked before a query runs)."""
    medias = {m for f in FORMATS for m in (f.media_type, *f.spellings) if "/" in m}
    return any(m == "*/*" or m.endswith("/*") or m in medias for m, q in accept_ranges(accept) if q > 0)


# --- running a query on a store --------------------------------------------------------------

def _term_converter():
    """A function from pyoxigraph terms to rdflib terms (imports done once, not per term)."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    def term(t: Any) -> Any:
        if t is None:
            return None
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        if isinstance(t, ox.Literal):
            if t.language:
                return Literal(t.value, lang=t.language)
            return Literal(t.value, datatype=URIRef(t.datatype.value))
        return Literal(str(t))  # an RDF-star quoted triple, shown as text

    return term


class _Clock:
    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self.deadline = None if timeout is None else time.monotonic() + timeout

    def check(self, i: int) -> None:
        if self.deadline is not None and i % 256 == 0 and time.monotonic() > self.deadline:
            raise QueryTimeout(timeout_message(self.timeout))


def timeout_message(seconds: float | None) -> str:
    return (f"query exceeded {seconds:g} s, the server's limit (sparql_timeout); add LIMIT, "
            "make the patterns more selective, or run it locally with `kg query`")


def _evaluate(store: GraphStore, req: SparqlRequest, max_rows: int, clock: _Clock):
    """(result type, variables, rows, ask answer, triples, truncated) with rows/triples cut at ``max_rows``."""
    from rdflib import Variable

    from kg.sparql_functions import custom_functions, similarity_texts

    native = getattr(store, "native", None)
    semantic = similarity_texts(req.query)
    if semantic and (native is None or req.similarity is None):
        raise QueryError("kgf:similarity needs the search index and the Oxigraph store: use the API's /sparql "
                         "endpoint (`kg serve`) after `kg ingest` has built the index")
    if native is None:
        text = f"BASE <{req.base_iri}>\n{req.query}" if req.base_iri else req.query  # the query's own BASE wins
        result = store.query(text, dataset=req.dataset)
        kind = result.type
        if kind == "ASK":
            return "ASK", [], [], bool(result.askAnswer), [], False
        items = iter(result.graph) if kind in ("CONSTRUCT", "DESCRIBE") else iter(result)
        variables = list(result.vars or [])
    else:
        import pyoxigraph as ox

        dataset = oxigraph_arguments(req.query, req.dataset)
        try:
            functions = custom_functions(req.similarity) if semantic and req.similarity is not None else None
            result = native.query(req.query, prefixes=PREFIXES, custom_functions=functions, base_iri=req.base_iri,
                                  **dataset)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        if isinstance(result, ox.QueryBoolean):
            return "ASK", [], [], bool(result), [], False
        kind = "SELECT" if isinstance(result, ox.QuerySolutions) else "CONSTRUCT"
        variables = [Variable(v.value) for v in result.variables] if kind == "SELECT" else []
        items = iter(result)
    rows, truncated = [], False
    try:
        for i, item in enumerate(items):
            clock.check(i)
            if i >= max_rows:
                truncated = True
                break
            rows.append(item)
    except (OSError, RuntimeError) as exc:  # pyoxigraph reports evaluation failures this way
        raise QueryError(f"SPARQL evaluation failed: {exc}") from exc
    term = _term_converter()
    if kind in ("CONSTRUCT", "DESCRIBE"):
        triples = rows if native is None else [(term(t.subject), term(t.predicate), term(t.object)) for t in rows]
        return "CONSTRUCT", [], [], None, triples, truncated
    if native is None:
        bindings = [{v: row[v] for v in variables if row[v] is not None} for row in rows]
    else:
        names = [(v, str(v)) for v in variables]
        bindings = [{v: term(sol[n]) for v, n in names if sol[n] is not None} for sol in rows]
    return "SELECT", variables, bindings, None, [], truncated


def execute(store: GraphStore, req: SparqlRequest, max_rows: int, timeout: float | None = None) -> SparqlResponse:
    """Run one query on ``store`` and serialise the result with rdflib's (or pyoxigraph's) serialisers.

    Raises :class:`NotAcceptable` before the query runs when neither a known format name nor Accept
    admits any format, and after it when none fits the result's kind; :class:`QueryError` and its
    kin for the query itself.
    """
    from rdflib import Graph
    from rdflib.query import Result

    check_text(req.query)
    if not any(known_format(v) for v in req.wanted) and not _negotiable(req.accept):
        offered = ", ".join(sorted({f.media_type for f in FORMATS}))
        raise NotAcceptable(f"none of the accepted types ({req.accept}) is offered; offered: {offered}")
    kind, variables, bindings, answer, triples, truncated = _evaluate(store, req, max_rows, _Clock(timeout))
    fmt = negotiate(req.accept, req.wanted, kind)
    if kind == "CONSTRUCT":
        graph = Graph()
        for prefix, iri in PREFIXES.items():
            graph.bind(prefix, iri, override=True)
        for t in triples:
            graph.add(t)
        data = graph.serialize(format=fmt.rdflib, encoding="utf-8")
        rows = len(triples)
    else:
        result = Result(kind)
        if kind == "ASK":
            result.askAnswer = answer
        else:
            result.vars = variables
            result.bindings = bindings
        if fmt.name == "tsv" or (kind == "ASK" and fmt.rdflib == "csv"):
            # rdflib writes neither TSV nor a boolean as CSV; pyoxigraph writes both (a boolean as "true"/"false")
            import pyoxigraph as ox

            parsed = ox.parse_query_results(result.serialize(format="json"), ox.QueryResultsFormat.JSON)
            data = parsed.serialize(format=ox.QueryResultsFormat.TSV if fmt.name == "tsv" else ox.QueryResultsFormat.CSV)
        else:
            data = result.serialize(format=fmt.rdflib, encoding="utf-8")
        rows = len(bindings) if kind == "SELECT" else 1
    if fmt.bom:
        data = BOM + data
    return SparqlResponse(data, fmt.media_type, kind, rows, truncated)


def run_update(store: GraphStore, text: str) -> None:
    """Apply a SPARQL 1.1 Update (the caller has checked the token)."""
    check_text(text, update=True)
    native = getattr(store, "native", None)
    try:
        if native is not None:
            native.update(text, prefixes=PREFIXES)
            native.flush()
        else:
            store.dataset.update(sparql_prologue() + text)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL update syntax error: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"the update could not be written: {exc}") from exc
    except Exception as exc:
        if type(exc).__name__ in {"ParseException", "ParseSyntaxException"}:
            raise QueryError(f"SPARQL update syntax error: {exc}") from exc
        raise


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


WORKER_CODE = "import sys; from kg.sparql_service import worker_main; worker_main(*sys.argv[1:])"


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
    _close(store)


def _close(store: GraphStore) -> None:
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


# --- the services a server holds for its lifetime --------------------------------------------

@dataclass
class GraphServices:
    """The store, the query runner and the settings a server (or any long-lived caller) works with."""

    config: Any
    store: GraphStore
    runner: QueryRunner
    read_only: bool

    def close(self) -> None:
        self.runner.close()
        _close(self.store)


def open_services(config: Any, workers: int = 2) -> GraphServices:
    """Open the store (read-only unless updates are enabled) and start the query workers."""
    from kg.store import open_store

    read_only = config.store == "oxigraph" and not config.update_token
    store = open_store(config.store, config.data_dir, read_only=read_only)
    try:
        if read_only:
            runner: QueryRunner = ProcessRunner(store.path, config.sparql_timeout, config.sparql_max_rows, workers)
        else:
            runner = ThreadRunner(store, config.sparql_timeout, config.sparql_max_rows, workers)
    except Exception:
        _close(store)
        raise
    return GraphServices(config, store, runner, read_only)


def check_store(config: Any) -> None:
    """Fail early, with a message a user can act on, when the server could not open its store."""
    from kg.store import open_store

    if config.store == "oxigraph" and not (Path(config.data_dir) / "graph").is_dir():
        raise StoreError(f"{config.data_dir}: no graph store here; run `kg ingest --data-dir {config.data_dir}` first")
    _close(open_store(config.store, config.data_dir, read_only=config.store == "oxigraph" and not config.update_token))
