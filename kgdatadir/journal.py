"""All-or-nothing ingests: a rollback journal of the graphs an ingest replaces.

An ingest changes the store one document at a time (each :meth:`GraphStore.replace` is atomic),
then recomputes the links graph and rebuilds the search index. A crash between those steps would
leave half the documents new and half old. So, before the first write to any named graph, the
graph's previous content (its *pre-image*, N-Triples; or "absent") is appended to
``<data_dir>/ingest.journal`` and fsynced. Deleting the journal is the commit. If the process dies
first, the next writer (``kg ingest``, ``kg check --repair``) finds the journal and puts every
recorded graph back as it was — unless the ingest had in fact finished everything but the delete:
the live search index was switched during the ingest and matches the graph (see :func:`recover`).

Rollback is idempotent: it only restores pre-images, so a crash during recovery is recovered by the
next one. A torn last journal line (killed while appending) is ignored: its graph was not yet written.
The caller holds the data-directory lock (:mod:`kgdatadir.lock`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.query import Result

from kg.store import GraphStore, Triple

JOURNAL_NAME = "ingest.journal"


def journal_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / JOURNAL_NAME


def index_current(data_dir: Path | str) -> str | None:
    """The live index version's name (``index/CURRENT``), or None without an index."""
    try:
        return (Path(data_dir) / "index" / "CURRENT").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Journal:
    """The journal file of one ingest: a header line, then one line per graph touched."""

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = Path(data_dir)
        self.path = journal_path(data_dir)
        self._saved: set[str] = set()
        self._fh = None

    def begin(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._fh = self.path.open("w", encoding="utf-8")
        self._append({"journal": 1, "pid": os.getpid(), "index": index_current(self.data_dir)})
        _fsync_dir(self.data_dir)

    def save(self, store: GraphStore, graphs: Iterable[URIRef]) -> None:
        """Record the pre-image of every graph not recorded yet (before it is written)."""
        for g in graphs:
            if str(g) in self._saved:
                continue
            existing = store.graph(g)
            record = {"graph": str(g), "existed": len(existing) > 0}
            if record["existed"]:
                record["nt"] = existing.serialize(format="nt")
            self._append(record)
            self._saved.add(str(g))

    def _append(self, record: dict) -> None:
        assert self._fh is not None, "journal not begun"
        self._fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def commit(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)
        _fsync_dir(self.data_dir)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


class JournaledStore(GraphStore):
    """A store whose writes are journaled first; reads go straight to the wrapped store."""

    def __init__(self, inner: GraphStore, journal: Journal) -> None:
        self.inner = inner
        self.journal = journal
        self.kind = inner.kind

    @property
    def dataset(self) -> Dataset:
        return self.inner.dataset

    def query(self, sparql: str, prologue: bool = True, dataset=None) -> Result:
        return self.inner.query(sparql, prologue, dataset)

    def graphs(self) -> list[URIRef]:
        return self.inner.graphs()

    def graph(self, name: URIRef) -> Graph:
        return self.inner.graph(name)

    def replace(self, graph: URIRef, triples: Iterable[Triple], drop: Iterable[URIRef] = ()) -> None:
        drop = list(drop)
        triples = list(triples)
        self.journal.save(self.inner, [graph, *drop])
        self.inner.replace(graph, triples, drop)

    def drop(self, graphs: Iterable[URIRef]) -> None:
        graphs = list(graphs)
        self.journal.save(self.inner, graphs)
        self.inner.drop(graphs)

    def __len__(self) -> int:
        return len(self.inner)

    def __getattr__(self, name: str):  # native, path, … of the wrapped backend
        return getattr(self.inner, name)


@dataclass
class Recovery:
    """What :func:`recover` found and did."""

    action: str  # "none", "rolled back" or "rolled forward"
    graphs: list[str] = field(default_factory=list)
    pid: int | None = None

    def __str__(self) -> str:
        if self.action == "none":
            return "no interrupted ingest"
        who = f" (pid {self.pid})" if self.pid else ""
        if self.action == "rolled forward":
            return f"an ingest{who} had finished but for its journal; kept its result"
        return f"an interrupted ingest{who} was rolled back: {len(self.graphs)} graphs restored"


def read_journal(path: Path) -> tuple[dict, list[dict]]:
    header: dict = {}
    records: list[dict] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            try:
                item = json.loads(line)
            except ValueError:  # torn last line: that graph was never written
                break
            if n == 0:
                header = item
            else:
                records.append(item)
    return header, records


def recover(store: GraphStore, data_dir: Path | str,
            finished: Callable[[GraphStore], bool] | None = None) -> Recovery:
    """Undo (or, when it had finished, keep) an ingest that left a journal behind.

    ``finished(store)`` says whether the live index matches the store's passages; it is asked only
    when the index was switched after the journal began (the ingest's last step before the commit).
    """
    path = journal_path(data_dir)
    if not path.is_file():
        return Recovery("none")
    header, records = read_journal(path)
    pid = header.get("pid")
    switched = bool(header) and index_current(data_dir) != header.get("index")
    if switched and finished is not None and finished(store):
        path.unlink()
        _fsync_dir(Path(data_dir))
        return Recovery("rolled forward", pid=pid)
    for record in records:
        graph = URIRef(record["graph"])
        if record.get("existed"):
            store.replace(graph, Graph().parse(data=record["nt"], format="nt"))
        else:
            store.drop([graph])
    path.unlink()
    _fsync_dir(Path(data_dir))
    return Recovery("rolled back", [r["graph"] for r in records], pid)


@contextmanager
def transaction(store: GraphStore, data_dir: Path | str) -> Iterator[GraphStore]:
    """Journal every write made through the yielded store; commit on success, roll back on error."""
    journal = Journal(data_dir)
    journal.begin()
    try:
        yield JournaledStore(store, journal)
    except BaseException:
        journal.close()
        recover(store, data_dir)
        raise
    journal.commit()


@contextmanager
def writer(config, *, command: str = "kg ingest", on_wait: Callable[[str], None] | None = None,
           on_recover: Callable[[Recovery], None] | None = None) -> Iterator[GraphStore]:
    """The store for one all-or-nothing write: lock the data directory, recover a crashed ingest, journal.

    Everything done through the yielded store until the block ends — documents, links, the index
    build — is one unit: a crash or an exception inside leaves the previous state.
    """
    from kg.store import open_store
    from kgdatadir.lock import DataDirLock

    if config.store == "memory":  # nothing survives the process: nothing to lock or journal
        with open_store(config.store, config.data_dir) as store:
            yield store
        return
    from search.service import index_matches

    with (DataDirLock(config.data_dir, on_wait=on_wait, command=command),
          open_store(config.store, config.data_dir) as store):
        recovery = recover(store, config.data_dir, finished=lambda s: index_matches(s, config.data_dir))
        if recovery.action != "none" and on_recover is not None:
            on_recover(recovery)
        with transaction(store, config.data_dir) as journaled:
            yield journaled
