"""Adding one document to, and removing one from, a data directory — for ``POST``/``DELETE /documents`` and
``kg remove``.

Both go through the same writer as ``kg ingest`` (:func:`kgdatadir.writer.writer`): under the writer
lock, generation N+1 is started beside the committed generation N; the document's graph is written or
dropped there, the cross-document links are recomputed (:func:`ingest.link.relink`: canonical
initiatives, same-money links), the search index is rebuilt from the graph's passages where there is
one (cached embeddings are reused) and the kept text is written or deleted — all in N+1, which is then
published in one atomic step (or, on any error or crash, never: N stays the committed generation,
whole). Readers, and a running server, see N until the publish and N+1 after it; a server that made
the change serves N+1 before it answers (:meth:`kgdatadir.live.LiveServices.publish`). An upload that
changes nothing publishes nothing.

The upload itself is kept outside the generations, as a source file (``<data_dir>/uploads/<name>``):
written before the change (and put back as it was if the change fails) and, for a removal, deleted
after the publish.

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
from kgdatadir.writer import Draft

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
    generation: int | None = None  # the generation published with the change (None: nothing published)


@contextmanager
def _writer(config, command: str, on_wait: Callable[[str], None] | None = None) -> Iterator[Draft]:
    """The next generation, for one change of the data directory (the same writer as ``kg ingest``)."""
    from kgdatadir.writer import writer

    with writer(config, command=command, on_wait=on_wait) as draft:
        yield draft


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
        with _writer(config, "upload (POST /documents)", on_wait) as draft:
            store = draft.store
            report = ingest_paths([target], store, draft.config)
            if report.failed:
                raise ReadError(target.name, report.failed[0][1].removeprefix(f"{target}: ").removesuffix("; skipped"))
            passages = _reindex(store, draft.config) if report.changed else None
            doc = store.documents()[base]
            facts = _fact_count(store, doc.iri)
            draft.changed = report.changed
    except BaseException:
        if previous is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(previous)
        raise
    action = "added" if report.added else "replaced" if report.replaced else "unchanged"
    return Change(action, base, str(doc.iri).rsplit("/", 1)[-1], facts, passages or 0,
                  draft.number if draft.published else None)


def remove_document(config, key: str, *, on_wait: Callable[[str], None] | None = None) -> Change:
    """Drop a document's graph, recompute the links, rebuild the index and delete its kept text, as one new
    generation; then delete its upload. Raises :class:`~kg.errors.NotFound` for an unknown key (nothing is published)."""
    from rdflib import URIRef

    from ingest.link import relink

    with _writer(config, "kg remove", on_wait) as draft:
        store = draft.store
        docs = store.documents()
        doc = docs.get(key) or next((d for d in docs.values() if str(d.iri).rsplit("/", 1)[-1] == key), None)
        if doc is None:
            raise NotFound(f"no document with the key {key!r} in {config.data_dir}; `kg stats` lists the keys")
        store.drop([URIRef(doc.graph)])
        relink(store)
        passages = _reindex(store, draft.config)
        doc_id = str(doc.iri).rsplit("/", 1)[-1]
        if config.store != "memory":  # the generation's own hard link; the previous generation keeps its copy
            (Path(draft.config.data_dir) / "texts" / f"{doc_id}.json").unlink(missing_ok=True)
    if config.store != "memory":
        (Path(config.data_dir) / UPLOADS / doc.key).unlink(missing_ok=True)
    return Change("removed", doc.key, doc_id, 0, passages or 0, draft.number if draft.published else None)


def _has_index(config) -> bool:
    """Whether the generation at ``config.data_dir`` has a search index (never for the memory store)."""
    return config.store != "memory" and (Path(config.data_dir) / "index" / "CURRENT").is_file()


def _reindex(store: GraphStore, config) -> int | None:
    """Rebuild the search index of the generation being written (``config.data_dir``) from its graph, when
    it has one (``kg index`` builds it otherwise); never for the memory store, which keeps no index."""
    if not _has_index(config):
        return None
    from search.service import build_index

    return len(build_index(store, config))


def _fact_count(store: GraphStore, doc) -> int:
    rows = store.query(f"SELECT (COUNT(?f) AS ?n) WHERE {{ ?f a ?t ; kg:inDocument <{doc}> . "
                       "VALUES ?t { kg:MoneyAmount kg:StaffFigure kg:PercentFigure } }")
    return int(next(iter(rows))[0])
