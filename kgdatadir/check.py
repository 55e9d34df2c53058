"""``kg check``: do the graph, the search index and the kept texts agree? ``repair=True`` fixes what it can.

``kg check`` is a reader: it checks the committed generation (:mod:`kgdatadir.generations`) while
ingests and servers go on. ``kg check --repair`` is a writer: it repairs into a new generation and
publishes it. Checked, in order:

1. the data directory around the generation: what an interrupted writer left (a generation above
   ``CURRENT``; a note — the committed generation is untouched, and the next writer removes it), old
   generations kept for readers (notes), a directory still in the layout before generations (a note;
   with an older version's interrupted ingest, an error the migration repairs);
2. debris of interrupted index builds and text writes inside the generation — repaired by deleting it;
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
    generation: int | None = None  # the generation checked (after --repair: the one published)

    @property
    def ok(self) -> bool:
        """No error is left (found ones were all repaired); notes do not count."""
        return all(f.repaired or f.severity == "note" for f in self.findings)

    def add(self, code: str, message: str, repairable: bool, severity: str = "error") -> Finding:
        finding = Finding(code, message, repairable, severity=severity)
        self.findings.append(finding)
        return finding

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "generation": self.generation, "documents": self.documents, "graph_passages": self.graph_passages,
                "index_passages": self.index_passages, "findings": [asdict(f) for f in self.findings]}


def check(store: GraphStore, config: Config, *, repair: bool = False,
          rebuild: Callable[[GraphStore, Config], Any] | None = None) -> CheckReport:
    """Check (and with ``repair`` fix) the data directory of ``config`` around the open ``store``."""
    from search.service import graph_passages

    data_dir = Path(config.data_dir)
    report = CheckReport()
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


def _index_current(data_dir: Path) -> str | None:
    try:
        return (data_dir / "index" / "CURRENT").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _check_debris(data_dir: Path, report: CheckReport, repair: bool) -> None:
    root = data_dir / "index"
    live = _index_current(data_dir)
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
    """Check the committed generation (a reader), or with ``repair`` repair into a new one (a writer)."""
    from kg.store import open_store
    from kgdatadir.reader import reading
    from kgdatadir.writer import writer

    if config.store == "memory":
        with open_store(config.store, config.data_dir) as store:
            return check(store, config, repair=repair)
    if not repair:
        if never_published(Path(config.data_dir)):
            report = CheckReport()
            report.add("interrupted" if any(Path(config.data_dir).iterdir()) else "empty",
                       f"{config.data_dir}: no generation was published here yet (a first `kg ingest` stopped before "
                       "it finished, is still writing, or never ran); readers find no data until one is", True, "note")
            return report
        with reading(config) as snapshot:
            report = CheckReport()
            report.generation = snapshot.generation
            check_generations(Path(config.data_dir), snapshot.generation, report, config.keep_generations)
            inner = check(snapshot.store, snapshot.config)
    else:
        notes: list[str] = []
        with writer(config, command="kg check --repair", on_wait=on_wait, on_note=notes.append) as draft:
            report = CheckReport()
            for message in notes:
                report.add(getattr(message, "code", "interrupted"), str(message), True, "note").repaired = True
            inner = check(draft.store, draft.config, repair=True)
            draft.changed = any(f.repaired for f in inner.findings)
        report.generation = draft.number if draft.published else draft.base
    report.findings += inner.findings
    report.documents, report.graph_passages, report.index_passages = (inner.documents, inner.graph_passages,
                                                                      inner.index_passages)
    return report


def never_published(data_dir: Path) -> bool:
    """Whether ``data_dir`` exists but nothing was ever committed in it (at most a first writer's traces)."""
    from kgdatadir.generations import current, legacy_parts

    return data_dir.is_dir() and current(data_dir) is None and not legacy_parts(data_dir)


def check_generations(data_dir: Path, generation: int | None, report: CheckReport, keep: int = 0) -> None:
    """Notes (and the one error) about the data directory around the generation being checked."""
    from kgdatadir.generations import LEASE, current, gen_path, generations, held
    from kgdatadir.legacy import JOURNAL
    from kgdatadir.lock import describe, holder

    if generation == 0:
        report.add("old-layout", f"{data_dir}: the layout before generations; the next writer (`kg ingest`, "
                   "`kg check --repair`) moves it into generation 1", True, "note")
        if (data_dir / JOURNAL).is_file():
            report.add("journal", f"{data_dir / JOURNAL}: an ingest of an older version was interrupted; the next "
                       "writer (`kg check --repair`, `kg ingest`) rolls it back", True)
        return
    cur = current(data_dir) or 0
    kept = [n for n in generations(data_dir) if n < cur][-keep:] if keep > 0 else []
    for number in generations(data_dir):
        if number > cur:
            who = holder(data_dir)
            running = bool(who) and _alive(who.get("pid"))
            what = (f"is being written by {describe(who)}" if running else
                    "was being written by a writer that stopped before publishing it; the next writer removes it")
            report.add("interrupted", f"generation {number} {what}; generation {cur} is the committed one, whole",
                       True, "note")
        elif number < cur:
            if number in kept:
                state = "kept: keep_generations"
            else:
                state = "held by a reader" if held(gen_path(data_dir, number) / LEASE) else "no longer used"
            report.add("old-generation", f"generation {number} ({state}); removed by a writer or reader once "
                       "neither applies", True, "note")


def _alive(pid: object) -> bool:
    import os

    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
