"""Readers: turn a file into a :class:`SourceDocument` (raw text, pages, metadata, content id, layout).

Plain text must be UTF-8. PDFs are read by layout with pdfplumber (:mod:`ingest.pdf_layout`: reading
order, tables as rows, running headers dropped, scanned pages OCR'd) and the pages are joined with a
form feed (``\\f``), which the repair stage turns into page numbers. ``.docx`` and ``.html`` files
are read by :mod:`ingest.office`. Every problem is a :class:`~kg.errors.ReadError` naming the file,
so the caller can skip it and go on.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import ReadError

if TYPE_CHECKING:
    from ingest.doc_tables import Layout

TEXT_SUFFIXES = {".txt", ".text", ".md"}
PDF_SUFFIXES = {".pdf"}
OFFICE_SUFFIXES = {".docx", ".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | OFFICE_SUFFIXES  # what read_document reads
MANIFEST_NAME = "MANIFEST.tsv"
MAX_FILE_BYTES = 200 * 1024 * 1024  # a PDF
MAX_TEXT_BYTES = 20 * 1024 * 1024  # a plain-text file (some 5,000 pages)
MAX_LINE_CHARS = 1_000_000  # longer single lines are data or damage, not prose
MAX_DEPTH = 64  # directory levels below a given root that are searched

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceDocument:
    path: Path
    key: str  # the file's name: a changed file under the same key replaces its earlier version
    sha256: str
    media_type: str
    raw: str
    metadata: dict[str, str] = field(default_factory=dict)
    page_count: int | None = None
    layout: Layout | None = None  # tables, running headers and OCR'd pages, from a layout-aware reader

    @property
    def doc_id(self) -> str:
        """Stable id from the content hash."""
        return self.sha256[:16]


def read_manifest(directory: Path) -> dict[str, dict[str, str]]:
    """``MANIFEST.tsv`` (file, title, publisher, kind, date_hint) → metadata per file name."""
    path = directory / MANIFEST_NAME
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(fh, delimiter="\t")
        return {r["file"]: {k: (v or "").strip() for k, v in r.items() if k != "file"} for r in rows if r.get("file")}


def discover(paths: list[Path]) -> Iterator[Path]:
    """Files under the given paths, sorted, once each; hidden files, manifests and symlink loops skipped.

    The walk is iterative (no recursion limit). A directory deeper than :data:`MAX_DEPTH` levels is
    yielded itself, unsearched, so that :func:`read_document` reports it by name and the rest goes on.
    """
    seen: set[str] = set()
    for root in paths:
        if root.is_file() or (root.exists() and not root.is_dir()):
            yield root
            continue
        if not root.exists():
            raise ReadError(root, "no such file or directory")
        stack: list[tuple[Path, int]] = [(root, 0)]
        while stack:
            directory, depth = stack.pop()
            real = os.path.realpath(directory)
            if real in seen:  # a symlink loop or a directory reached twice
                continue
            seen.add(real)
            if depth > MAX_DEPTH:
                yield directory
                continue
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError as exc:
                raise ReadError(directory, f"cannot list the directory ({exc.strerror or exc})") from exc
            subdirs = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    is_dir = entry.is_dir(follow_symlinks=True)
                except OSError:  # a symlink loop: reported by read_document
                    is_dir = False
                if is_dir:
                    subdirs.append(Path(entry.path))
                elif entry.name != MANIFEST_NAME:
                    yield Path(entry.path)
            stack.extend((d, depth + 1) for d in reversed(subdirs))


def read_document(path: Path, metadata: dict[str, str] | None = None, *, ocr_languages: str = "dan") -> SourceDocument:
    """Read one file; raise :class:`ReadError` with a message naming the file when it cannot be read.

    ``ocr_languages`` are the Tesseract languages for scanned PDF pages ("dan", "dan+eng").
    """
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(path).decode("utf-8", "backslashreplace")  # printable, bytes as \xNN
        raise ReadError(shown, "the file name is not valid UTF-8; rename the file") from None
    suffix = path.suffix.lower()
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ReadError(path, f"directory nested more than {MAX_DEPTH} levels deep; not searched")
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block the read, a device never end
            raise ReadError(path, "not a regular file (a pipe, socket or device)")
        limit = MAX_FILE_BYTES if suffix in PDF_SUFFIXES | OFFICE_SUFFIXES else MAX_TEXT_BYTES
        if info.st_size > limit:
            raise ReadError(path, f"file is {info.st_size / (1024 * 1024):.0f} MB, over the {limit // (1024 * 1024)} MB limit "
                            f"for {'PDF and office' if suffix in PDF_SUFFIXES | OFFICE_SUFFIXES else 'text'} files")
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(path, f"cannot read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise ReadError(path, "file is empty")
    layout = None
    pages: int | None = None
    if suffix in PDF_SUFFIXES or data[:5] == b"%PDF-":
        if data[:5] != b"%PDF-":
            raise ReadError(path, f"not a PDF (starts with {data[:4]!r})")
        from ingest.pdf_layout import read_pdf

        raw, layout, pages = read_pdf(path, data, ocr_languages)
        media_type = "application/pdf"
    elif suffix in OFFICE_SUFFIXES:
        from ingest.office import read_office

        raw, layout, media_type = read_office(path, data)
    elif suffix in TEXT_SUFFIXES:
        raw, media_type = _plain_text(path, data), "text/plain"
    else:
        raise ReadError(path, f"unsupported file type {suffix or '(no suffix)'!r}: expected .txt, .md, .pdf, "
                        ".docx or .html")
    if not raw.strip():
        raise ReadError(path, "no text could be extracted (the file holds no text, and no page is a scanned picture)")
    return SourceDocument(
        path=path,
        key=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=media_type,
        raw=raw,
        metadata=dict(metadata or {}),
        page_count=pages,
        layout=layout,
    )


def _plain_text(path: Path, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise ReadError(path, "binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = " (looks like Latin-1/Windows-1252: convert with `iconv -f cp1252 -t utf-8`)" if _latin1_like(data) else ""
        raise ReadError(path, f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}{hint}") from exc
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.05 * min(len(text), 8192):
        raise ReadError(path, "binary file (too many control characters), not text")
    longest = max((len(line) for line in text.splitlines()), default=0) if len(text) > MAX_LINE_CHARS else 0
    if longest > MAX_LINE_CHARS:
        raise ReadError(path, f"a single line of {longest:,} characters (the limit is {MAX_LINE_CHARS:,}): "
                        "data or a damaged extraction, not prose")
    return text


def _latin1_like(data: bytes) -> bool:
    return any(b in data for b in (b"\xe6", b"\xf8", b"\xe5", b"\xc6", b"\xd8", b"\xc5"))
