"""``kg check``: do the graph, the search index and the kept texts agree? ``repair=True`` fixes what it can.

Checked, in order:

1. an ingest journal left by a crash (:mod:`kgdatadir.journal`) — repaired by rolling the ingest back
   (or forward, when only the journal's deletion was missing);
2. debris of interrupted index builds and text writes — repaired by deleting it;
3. the search index: present, readable, its records matching the manifest's graph fingerprint,
   and every indexed passage in the graph with the same text, and every graph passage indexed —
   repaired by rebuilding the index from the graph (embeddings come from the cache when present);
4. the kept texts (``texts/<doc id>.json``): one per document in the graph — a missing one can only
   be restored by ingesting the source file again; a text without a document is deleted.

Facts the parser flagged as uncertain (``kg:parseFlag``) are listed as notes, one per fact: they
are no problem of the data directory, but a person should read them in their source.

Core code: no CLI here (``kgcli/check.py`` prints the report).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kg.settings import Config
from kg.sparql_build import V
from kg.store import GraphStore

log = logging.getLogger(__name__)

FLAGGED_QUERY = f"""
SELECT ?key ?f ?raw ?year (GROUP_CONCAT(?flag; separator=", ") AS ?flags) WHERE {{
  ?f {V.parseFlag}/skos:notation ?flag ; {V.rawText} ?raw ; {V.inDocument}/{V.sourceKey} ?key .
  OPTIONAL {{ ?f {V.year} ?year }}
}} GROUP BY ?key ?f ?raw ?year ORDER BY ?key ?f"""

DANGLING_QUERY = f"""
SELECT (COUNT(?p) AS ?n) WHERE {{ ?p a {V.Passage} . FILTER NOT EXISTS {{ ?p {V.inDocument} ?d . ?d a {V.Document} }} }}"""


@dataclass
class Finding:
    code: str
    message: str
    repairable: bool
    repaired: bool = False
    severity: str = "error"  # "note": harmless leftovers (debris, orphan texts) that --repair tidies


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    documents: int = 0
    graph_passages: int = 0
    index_passages: int | None = None

    @property
    def ok(self) -> bool:
        """No error is left (found ones were all repaired); notes do not count."""
        return all(f.repaired or f.severity == "note" for f in self.findings)

    def add(self, code: str, message: str, repairable: bool, severity: str = "error") -> Finding:
        finding = Finding(code, message, repairable, severity=severity)
        self.findings.append(finding)
        return finding

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "documents": self.documents, "graph_passages": self.graph_passages,
                "index_passages": self.index_passages, "findings": [asdict(f) for f in self.findings]}


def check(store: GraphStore, config: Config, *, repair: bool = False,
          rebuild: Callable[[GraphStore, Config], Any] | None = None) -> CheckReport:
    """Check (and with ``repair`` fix) the data directory of ``config`` around the open ``store``."""
    from kgdatadir.journal import journal_path, recover
    from search.service import graph_passages, index_matches

    data_dir = Path(config.data_dir)
    report = CheckReport()
    if journal_path(data_dir).is_file():
        finding = report.add("journal", f"{journal_path(data_dir)}: an ingest was interrupted (or is running)", True)
        if repair:
            recovery = recover(store, data_dir, finished=lambda s: index_matches(s, data_dir))
            finding.message += f"; {recovery}"
            finding.repaired = True
    _check_debris(data_dir, report, repair)
    documents = store.documents()
    report.documents = len(documents)
    passages = graph_passages(store)
    report.graph_passages = len(passages)
    dangling = int(next(iter(store.query(DANGLING_QUERY, dataset=store.ingested_dataset()))).n)  # not kg load's graphs
    if dangling:
        report.add("graph", f"{dangling} passages belong to no document in the graph; re-ingest the corpus", False)
    for row in store.query(FLAGGED_QUERY):
        year = f" ({row.year})" if row.year is not None else ""
        report.add("flagged", f"{row.key}: {str(row.raw)!r}{year} is uncertain: {row.flags} ({row.f})", False, "note")
    if config.store != "memory":
        _check_index(store, config, passages, report, repair, rebuild)
        _check_texts(data_dir, {d.iri.rsplit("/", 1)[-1]: key for key, d in documents.items()}, report, repair)
    return report


def _check_debris(data_dir: Path, report: CheckReport, repair: bool) -> None:
    from kgdatadir.journal import index_current

    root = data_dir / "index"
    live = index_current(data_dir)
    debris = []
    if root.is_dir():
        debris += [p for p in root.iterdir() if p.name != "CURRENT" and p.name != live]
    if (data_dir / "texts").is_dir():
        debris += sorted((data_dir / "texts").glob("*.tmp"))
    if not debris:
        return
    finding = report.add("debris", f"{len(debris)} leftovers of interrupted writes ({', '.join(p.name for p in debris[:3])})", True, "note")
    if repair:
        for p in debris:
            shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
        finding.repaired = True


def _check_index(store: GraphStore, config: Config, passages: dict[str, str], report: CheckReport,
                 repair: bool, rebuild: Callable[[GraphStore, Config], Any] | None) -> None:
    from search.index import SearchIndex, passage_fingerprint
    from search.records import IndexNotFoundError, SearchIndexError

    problems: list[Finding] = []
    try:
        index = SearchIndex.open(config.data_dir)
    except IndexNotFoundError as exc:
        if not passages:
            return
        problems.append(report.add("index-missing", str(exc), True, "note"))
    except SearchIndexError as exc:
        problems.append(report.add("index-corrupt", str(exc), True))
    else:
        have = {r.iri: r.content_hash for r in index.records}
        report.index_passages = len(have)
        recorded = index.manifest.get("graph", {}).get("fingerprint")
        if recorded is not None and recorded != passage_fingerprint(have.items()):
            problems.append(report.add("index-corrupt", f"{index.path}: records do not match the manifest's graph fingerprint", True))
        missing = passages.keys() - have.keys()
        extra = have.keys() - passages.keys()
        changed = {p for p in passages.keys() & have.keys() if passages[p] != have[p]}
        if missing or extra or changed:
            problems.append(report.add("index-stale", (
                f"the index and the graph disagree: {len(missing)} graph passages not indexed, "
                f"{len(extra)} indexed passages not in the graph, {len(changed)} with changed text"), True))
    if problems and repair:
        from search.service import build_index

        index = (rebuild or build_index)(store, config)
        report.index_passages = len(index)
        for problem in problems:
            problem.message += f"; rebuilt the index from the graph ({len(index)} passages)"
            problem.repaired = True


def _check_texts(data_dir: Path, doc_ids: dict[str, str], report: CheckReport, repair: bool) -> None:
    folder = data_dir / "texts"
    kept = {p.stem: p for p in folder.glob("*.json")} if folder.is_dir() else {}
    for doc_id, key in sorted(doc_ids.items()):
        if doc_id not in kept:
            report.add("text-missing", f"{key}: its text (texts/{doc_id}.json) is missing; ingest the source file "
                       "again after removing the document", False)
    orphans = sorted(set(kept) - set(doc_ids))
    if orphans:
        finding = report.add("text-orphan", f"{len(orphans)} kept texts belong to no document ({', '.join(orphans[:3])})", True, "note")
        if repair:
            for doc_id in orphans:
                kept[doc_id].unlink(missing_ok=True)
            finding.repaired = True


def run_check(config: Config, *, repair: bool = False, on_wait: Callable[[str], None] | None = None) -> CheckReport:
    """Take the data directory's lock, open the store (writable only to repair) and check."""
    from kg.store import open_store
    from kgdatadir.lock import DataDirLock

    if config.store == "memory":
        with open_store(config.store, config.data_dir) as store:
            return check(store, config, repair=repair)
    if not (Path(config.data_dir) / "graph").is_dir():
        from kg.errors import StoreError

        raise StoreError(f"{config.data_dir}: no graph store here; run `kg ingest --data-dir {config.data_dir}` first")
    with (DataDirLock(config.data_dir, on_wait=on_wait, command="kg check"),
          open_store(config.store, config.data_dir, read_only=not repair) as store):
        return check(store, config, repair=repair)
