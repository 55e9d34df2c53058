"""Adding one document to, and removing one from, a data directory — for ``POST``/``DELETE /documents`` and
``kg remove``.

Both go through the same all-or-nothing writer as ``kg ingest`` (:func:`_writer`: today
:func:`kgdatadir.journal.writer`; the one place to swap in another publishing scheme): the data
directory is locked, the document's graph is written or dropped, the cross-document links are
recomputed (:func:`ingest.link.relink`: canonical initiatives, same-money links) and the search index
is rebuilt from the graph's passages where there is one (cached embeddings are reused), all as one unit. Files outside
the store — the upload itself (``<data_dir>/uploads/<name>``) and the kept text
(``<data_dir>/texts/<id>.json``) — are written before and deleted after that unit, so a failed
write never loses them.

An upload is checked before anything is written: its name (one file name, no folders, a suffix the
readers know), its size (setting ``upload_max_mb``) and its first bytes (a ``.pdf`` starts with
``%PDF-``, a ``.docx`` is a zip file).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KgError, NotFound, ReadError
from kg.store import GraphStore

UPLOADS = "uploads"
SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".txt", ".md")
MAGIC = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04"}


class UploadRefused(KgError):
    """An upload with a name, size or type the server does not take; nothing was written."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Change:
    """What an add or a remove did."""

    action: str  # "added", "replaced", "unchanged" or "removed"
    key: str
    doc_id: str | None = None
    facts: int = 0  # money, staff and percentage facts of the document (added or replaced)
    passages: int = 0  # passages now in the index


@contextmanager
def _writer(config, command: str, on_wait: Callable[[str], None] | None = None) -> Iterator[GraphStore]:
    """The store for one all-or-nothing change of the data directory (the same writer as ``kg ingest``)."""
    from kgdatadir.journal import writer

    with writer(config, command=command, on_wait=on_wait) as store:
        yield store


def safe_name(name: str) -> str:
    """The file name an upload is kept under: the last path part, NFC, without control or path characters.

    Raises :class:`UploadRefused` for a name that is empty, hidden or of a type the readers do not read.
    """
    base = unicodedata.normalize("NFC", re.split(r"[\\/]", name or "")[-1]).strip()
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = re.sub(r"[<>:\"|?*]+", "_", base)[:200]
    if not base or base.startswith(".") or base in {"MANIFEST.tsv"}:
        raise UploadRefused(f"{name!r}: not a usable file name")
    if not base.lower().endswith(SUFFIXES):
        raise UploadRefused(f"{base}: unsupported file type; send a {', '.join(SUFFIXES)} file", status=415)
    return base


def check_upload(name: str, data: bytes, max_bytes: int) -> str:
    """The safe name of an upload whose size and first bytes fit its type; else :class:`UploadRefused`."""
    base = safe_name(name)
    if len(data) > max_bytes:
        raise UploadRefused(f"{base}: {len(data) / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB upload limit",
                            status=413)
    if not data.strip():
        raise UploadRefused(f"{base}: the file is empty")
    suffix = Path(base).suffix.lower()
    magic = MAGIC.get(suffix)
    if magic is not None and not data.startswith(magic):
        raise UploadRefused(f"{base}: not a {suffix} file (starts with {data[:4]!r})", status=415)
    return base


def add_document(config, name: str, data: bytes, *, on_wait: Callable[[str], None] | None = None) -> Change:
    """Ingest one uploaded file into the data directory (graph, links, kept text, search index)."""
    from ingest.pipeline import ingest_paths

    base = check_upload(name, data, config.upload_max_mb * 1024 * 1024)
    folder = Path(config.data_dir) / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / base
    previous = target.read_bytes() if target.is_file() else None
    tmp = folder / f".{base}.part"
    tmp.write_bytes(data)
    os.replace(tmp, target)
    try:
        with _writer(config, "upload (POST /documents)", on_wait) as store:
            report = ingest_paths([target], store, config)
            if report.failed:
                raise ReadError(target.name, report.failed[0][1].removeprefix(f"{target}: ").removesuffix("; skipped"))
            passages = _reindex(store, config) if report.changed else None
            doc = store.documents()[base]
            facts = _fact_count(store, doc.iri)
    except BaseException:
        if previous is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(previous)
        raise
    action = "added" if report.added else "replaced" if report.replaced else "unchanged"
    return Change(action, base, str(doc.iri).rsplit("/", 1)[-1], facts, passages or 0)


def remove_document(config, key: str, *, on_wait: Callable[[str], None] | None = None) -> Change:
    """Drop a document's graph, recompute the links, rebuild the index; then delete its kept text and upload."""
    from rdflib import URIRef

    from ingest.link import relink

    with _writer(config, "kg remove", on_wait) as store:
        docs = store.documents()
        doc = docs.get(key) or next((d for d in docs.values() if str(d.iri).rsplit("/", 1)[-1] == key), None)
        if doc is None:
            raise NotFound(f"no document with the key {key!r} in {config.data_dir}; `kg stats` lists the keys")
        store.drop([URIRef(doc.graph)])
        relink(store)
        passages = _reindex(store, config)
    doc_id = str(doc.iri).rsplit("/", 1)[-1]
    if config.store != "memory":
        (Path(config.data_dir) / "texts" / f"{doc_id}.json").unlink(missing_ok=True)
        (Path(config.data_dir) / UPLOADS / doc.key).unlink(missing_ok=True)
    return Change("removed", doc.key, doc_id, 0, passages or 0)


def _reindex(store: GraphStore, config) -> int | None:
    """Rebuild the search index from the graph, when the data directory has one (``kg index`` builds it
    otherwise); never for the memory store, which keeps no index."""
    from kgdatadir.journal import index_current

    if config.store == "memory" or index_current(config.data_dir) is None:
        return None
    from search.service import build_index

    return len(build_index(store, config))


def _fact_count(store: GraphStore, doc) -> int:
    rows = store.query(f"SELECT (COUNT(?f) AS ?n) WHERE {{ ?f a ?t ; kg:inDocument <{doc}> . "
                       "VALUES ?t { kg:MoneyAmount kg:StaffFigure kg:PercentFigure } }")
    return int(next(iter(rows))[0])
