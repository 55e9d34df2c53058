"""The ingest pipeline: read → repair → segment → extract → validate → store, document by document.

A document is the unit of failure: anything that goes wrong with one file is reported with the
file's name and leaves the store exactly as it was, and the other files still ingest. Unchanged
files (same name, same content hash) are skipped; a changed file replaces its earlier graph in
one transaction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import Graph

from ingest.model import DocumentGraph, doc_iri, graph_iri, to_graph
from ingest.readers import SourceDocument, discover, read_document, read_manifest
from ingest.repair import repair
from ingest.segment import segment
from ingest.texts import save_text
from ingest.version import pipeline_version
from kg.errors import KgError, ReadError, ShapeViolation
from kg.settings import Config
from kg.sparql_build import V, sparql_literal
from kg.store import GraphStore, StoredDocument

log = logging.getLogger(__name__)
Extractor = Callable[[DocumentGraph], Iterable[tuple]]


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    timings: dict[str, float] = field(default_factory=dict)
    # per stored document: (facts flagged as uncertain, flag → facts) and the text damage repaired
    flagged: dict[str, tuple[int, dict[str, int]]] = field(default_factory=dict)
    repairs: dict[str, list[str]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced)

    def time(self, stage: str, seconds: float) -> None:
        self.timings[stage] = self.timings.get(stage, 0.0) + seconds


@cache
def shapes_graph() -> Graph:
    from importlib import resources

    return Graph().parse(data=resources.files("kg").joinpath("shapes.ttl").read_text("utf-8"), format="turtle")


def validate(graph: Graph, path: Path | str) -> None:
    """Raise :class:`ShapeViolation` with pyshacl's readable report when ``graph`` breaks a shape."""
    from pyshacl import validate as shacl_validate

    conforms, _, text = shacl_validate(graph, shacl_graph=shapes_graph(), inference="none", advanced=False)
    if not conforms:
        raise ShapeViolation(path, text)


def default_extractors() -> list[Extractor]:
    """Fact extractors run on every document (money, actors, …), each yielding triples."""
    from ingest.facts import entity_fact_triples, fact_triples
    from ingest.layout_facts import layout_triples

    return [fact_triples, entity_fact_triples, layout_triples]


def repaired_source(source: SourceDocument):
    """The repaired text of ``source``; a one-page PDF (no form feed to count) is all on page 1."""
    repaired = repair(source.raw)
    if not repaired.page_starts and source.page_count == 1:
        repaired.page_starts.append((0, 1))
    return repaired


def ingest_paths(
    paths: Iterable[Path],
    store: GraphStore,
    config: Config,
    *,
    extractors: list[Extractor] | None = None,
    on_file: Callable[[Path, str], None] | None = None,
    files_hint: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> IngestReport:
    """Ingest files and directories into ``store``; returns what happened to every file.

    Files are read (and unchanged ones skipped) here; repair, segmentation, extraction and SHACL
    validation run in ``workers`` processes (default: the ``ingest_workers`` setting; 1 runs them
    here, one document after another). Graphs are stored here, in file order, so the store ends up
    the same whatever the number of workers.
    """
    report = IngestReport()
    extractors = default_extractors() if extractors is None else extractors
    try:
        files = list(discover([Path(p) for p in paths]))
    except ReadError as exc:
        report.failed.append((exc.path, str(exc)))
        return report
    if files_hint:
        files_hint(len(files))
    ensure_vocabulary(store)
    stored = store.documents()
    pipeline = pipeline_version(config.passage_min_words, config.passage_max_words)  # a change re-extracts
    by_id = {doc.iri: doc for doc in stored.values()}
    manifests: dict[Path, dict[str, dict[str, str]]] = {}
    todo: list[tuple[Path, SourceDocument, StoredDocument | None]] = []
    for path in files:
        status, source, previous = _read_one(path, report, stored, by_id, manifests, pipeline, config.ocr_languages)
        if source is not None:
            todo.append((path, source, previous))
        elif on_file:
            on_file(path, status)
    for (path, source, previous), built in zip(todo, _build_all([s for _, s, _ in todo], config, extractors, workers)):
        status = _store_one(path, source, previous, built, store, config, report)
        if on_file:
            on_file(path, status)
    if report.changed:
        from ingest.link import relink

        t0 = time.perf_counter()
        relink(store)
        report.time("link", time.perf_counter() - t0)
    return report


def _read_one(path, report, stored, by_id, manifests, pipeline: str,
              ocr_languages: str = "dan") -> tuple[str, SourceDocument | None, StoredDocument | None]:
    """Read ``path``; a document to build comes back with its stored predecessor, else a status."""
    t0 = time.perf_counter()
    try:
        if path.parent not in manifests:
            manifests[path.parent] = read_manifest(path.parent)
        source = read_document(path, manifests[path.parent].get(path.name), ocr_languages=ocr_languages)
        report.time("read", time.perf_counter() - t0)
        previous = stored.get(source.key)
        if previous is not None and previous.sha256 == source.sha256 and previous.pipeline == pipeline:
            report.unchanged.append(source.key)
            return "unchanged", None, None
        twin = by_id.get(doc_iri(source.doc_id))
        if twin is not None and twin.key != source.key:
            raise ReadError(path, f"same content as the already ingested {twin.key!r}")
        return "read", source, previous
    except Exception as exc:  # noqa: BLE001  (reported with the file name; the other files go on)
        _fail(report, path, exc)
        return "failed", None, None


def _fail(report: IngestReport, path: Path, exc: BaseException | str) -> None:
    if isinstance(exc, KgError):
        report.failed.append((str(path), str(exc)))
        log.warning("%s", exc)
    elif isinstance(exc, str):  # a message from a worker process
        report.failed.append((str(path), exc))
        log.warning("%s", exc)
    else:  # a bug must not stop the other files; the message names the file
        log.debug("unexpected error while ingesting %s", path, exc_info=exc)
        report.failed.append((str(path), f"{path}: unexpected {type(exc).__name__}: {exc}; skipped"))


Built = tuple[list | None, dict[str, float], BaseException | str | None]  # triples, timings, error


def build_triples(source: SourceDocument, config: Config, extractors: list[Extractor]) -> tuple[list, dict[str, float]]:
    """A document's triples (document graph and extracted facts), SHACL-validated; and the time of each stage."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    repaired = repaired_source(source)
    t1 = time.perf_counter()
    sections = segment(repaired.text, config.passage_min_words, config.passage_max_words)
    t2 = time.perf_counter()
    doc = DocumentGraph(source, repaired, sections,
                        pipeline=pipeline_version(config.passage_min_words, config.passage_max_words))
    triples = list(doc.triples())
    for extract in extractors:
        triples.extend(extract(doc))
    t3 = time.perf_counter()
    timings.update(repair=t1 - t0, segment=t2 - t1, extract=t3 - t2)
    if config.shacl:
        validate(to_graph(triples), source.path)
        timings["validate"] = time.perf_counter() - t3
    return triples, timings


def _build_safely(source: SourceDocument, config: Config, extractors: list[Extractor]) -> Built:
    try:
        triples, timings = build_triples(source, config, extractors)
        return triples, timings, None
    except Exception as exc:  # noqa: BLE001  (comes back as a failed document)
        return None, {}, exc


_WORKER: dict = {}


def _init_worker(config: Config, extractors: list[Extractor]) -> None:
    _WORKER.update(config=config, extractors=extractors)


def _build_in_worker(source: SourceDocument) -> Built:
    """In a worker process: errors come back as messages (exceptions need not survive pickling)."""
    triples, timings, exc = _build_safely(source, _WORKER["config"], _WORKER["extractors"])
    if exc is None:
        return triples, timings, None
    if isinstance(exc, KgError):
        return None, {}, str(exc)
    return None, {}, f"{source.path}: unexpected {type(exc).__name__}: {exc}; skipped"


def _build_all(sources: list[SourceDocument], config: Config, extractors: list[Extractor],
               workers: int | None) -> Iterator[Built]:
    """Build every document, in order: here one by one, or in a pool of worker processes."""
    n = min(config.ingest_workers if workers is None else workers, len(sources))
    if n <= 1:
        for source in sources:
            yield _build_safely(source, config, extractors)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork: workers start at once with the parent's modules (nothing heavy is loaded yet: spaCy loads
    # lazily in each worker); elsewhere spawn, which needs picklable extractors
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=n, mp_context=context, initializer=_init_worker,
                             initargs=(config, extractors)) as pool:
        yield from pool.map(_build_in_worker, sources)


def _store_one(path, source, previous, built: Built, store, config, report) -> str:
    triples, timings, error = built
    for stage, seconds in timings.items():
        report.time(stage, seconds)
    if error is not None:
        _fail(report, path, error)
        return "failed"
    t4 = time.perf_counter()
    try:
        store.replace(graph_iri(source.doc_id), triples, drop=[previous.graph] if previous else [])
        if config.store != "memory":
            save_text(config.data_dir, source)
    except Exception as exc:  # noqa: BLE001  (a store failure fails this document only)
        _fail(report, path, exc)
        return "failed"
    report.time("store", time.perf_counter() - t4)
    (report.replaced if previous else report.added).append(source.key)
    _note_doubts(report, source.key, triples)
    return "replaced" if previous else "added"


def _note_doubts(report: IngestReport, key: str, triples: list) -> None:
    """Count the document's facts flagged as uncertain (by flag) and keep its text repairs for the report."""
    from collections import Counter

    from ingest.quantities import PARSE_FLAGS
    from kg.namespace import KG

    names = {iri: name for name, iri in PARSE_FLAGS.items()}
    by_flag: Counter[str] = Counter()
    facts = set()
    repairs = []
    for s, p, o in triples:
        if p == KG.parseFlag:
            by_flag[names.get(o, str(o))] += 1
            facts.add(s)
        elif p == KG.textRepair:
            repairs.append(str(o))
    if facts:
        report.flagged[key] = (len(facts), dict(sorted(by_flag.items())))
    if repairs:
        report.repairs[key] = repairs


def ensure_vocabulary(store: GraphStore) -> None:
    """Keep the vocabulary (labels, comments, amount-kind concepts) in the store as its own graph."""
    import hashlib

    from rdflib import Literal

    from kg.namespace import KG, KGR, vocab_text

    graph = KGR["graph/vocabulary"]
    text = vocab_text()
    digest = hashlib.sha256(text.encode()).hexdigest()
    ask = f'ASK {{ GRAPH <{graph}> {{ <{KGR["graph/vocabulary"]}> {V.contentHash} {sparql_literal(digest)} }} }}'
    if store.query(ask).askAnswer:
        return
    vocab = Graph().parse(data=text, format="turtle")
    triples = [*vocab, (graph, KG.contentHash, Literal(digest))]
    store.replace(graph, triples)
