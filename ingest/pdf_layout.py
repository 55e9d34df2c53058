"""Layout-aware PDF reading with pdfplumber: words with coordinates → raw text in reading order, tables as rows.

Per page: the words of the text layer (or, for a scanned page, of OCR, :mod:`ingest.ocr`), with the
page turned upright (``/Rotate``). Running headers and footers are dropped (:mod:`ingest.layout_lines`)
and kept as metadata. Ruled tables come from pdfplumber's table finder (drawn cell borders),
unruled ones and the two-column money layout from aligned number columns
(:mod:`ingest.layout_tables`). The rest is running text, put in reading order (two text columns one
after the other) by :mod:`ingest.layout_render`, which also writes the tables as rows.

The raw text has one line per printed line (the repair stage joins them into sentences), a line
holding one space between blocks (paragraphs, tables, table rows and their descriptions), and a form
feed between pages, so every character still maps to its page. A table row is one line: its label,
then its cells; :class:`ingest.doc_tables.Table` records where each cell landed.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.doc_tables import Layout, RawText, Table
from ingest.layout_lines import Line, Word, group_lines, running_lines
from ingest.layout_render import continued_tables, emit_table, emit_text
from ingest.layout_tables import CAPTION_START, TableBlock, find_unruled, from_grid
from kg.errors import ReadError

log = logging.getLogger(__name__)

RULED = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3, "intersection_tolerance": 3}


@dataclass
class _Page:
    number: int
    width: float
    height: float
    words: list[Word]
    grids: list[tuple[tuple[float, float, float, float], list[list[list[Word] | None]]]] = field(default_factory=list)
    ocr: bool = False
    plain: str | None = None  # pypdf's text, where pdfminer found no text on a page that has some


def read_pdf(path: Path | str, data: bytes, ocr_languages: str = "dan") -> tuple[str, Layout, int]:
    """The raw text of a PDF (pages separated by form feeds), its layout and its page count.

    pypdf stays as the fallback for damaged files: where pdfminer cannot open a file, or finds no text on
    a page that is not a scan, pypdf's plain text of the page is used (no layout). A council's minutes
    cut short at 90 % (an interrupted download) read as 28 empty pages through pdfminer and in full
    through pypdf.
    """
    try:
        pages = _pages(path, data, ocr_languages)
        problem = "found no pages" if not pages else ""
    except ReadError as exc:
        pages, problem = [], exc.reason
    if problem:  # pdfminer could not open the file, or found no page tree: try pypdf before giving up
        fallback = _pypdf_pages(data)
        if not fallback or not any(t.strip() for t in fallback):
            if pages or not problem.startswith("found"):
                raise ReadError(path, problem)
            raise ReadError(path, "broken PDF (no pages could be read)")
        pages = [_Page(n + 1, 0.0, 0.0, [], plain=text) for n, text in enumerate(fallback)]
        log.warning("%s: pdfminer %s; read with pypdf, without layout", path, problem)
    empty = [p for p in pages if not p.words and not p.ocr and p.plain is None]
    if empty:
        fallback = _pypdf_pages(data)
        for p in empty:
            if fallback and p.number <= len(fallback) and fallback[p.number - 1].strip():
                p.plain = fallback[p.number - 1]
    lines_of = [group_lines([w for w in p.words if not _in_grids(w, p)]) for p in pages]
    drop, running = running_lines([(p.height, lines) for p, lines in zip(pages, lines_of)])
    plain = [p.number for p in pages if p.plain is not None]
    reader = "pdfplumber" + (f"; pypdf for pages {', '.join(map(str, plain))}" if plain else "")
    layout = Layout(running=running, ocr_pages=[p.number for p in pages if p.ocr], reader=reader)
    raw = RawText()
    for n, (page, lines) in enumerate(zip(pages, lines_of)):
        if n:
            raw.page_break()
        if page.plain is not None:
            raw.add(page.plain.replace("\f", " ").rstrip())
            raw.newline()
            continue
        kept = [ln for i, ln in enumerate(lines) if (n, i) not in drop]
        _render_page(page, kept, raw, layout.tables)
    layout.tables = continued_tables(layout.tables)
    return raw.text(), layout, len(pages)


def _pypdf_pages(data: bytes) -> list[str] | None:
    """Each page's plain text through pypdf, or None when pypdf cannot read the file either."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        return [(page.extract_text() or "") for page in reader.pages]
    except Exception:  # noqa: BLE001  (pypdf raises many types for damaged files; the caller reports pdfminer's)
        return None


def _pages(path: Path | str, data: bytes, ocr_languages: str) -> list[_Page]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PDFPasswordIncorrect as exc:
        raise ReadError(path, "encrypted PDF; decrypt it first") from exc
    except Exception as exc:  # pdfminer raises many types for damaged files
        raise ReadError(path, f"broken PDF ({type(exc).__name__}: {exc})") from exc
    out: list[_Page] = []
    with pdf:
        try:
            for page in pdf.pages:
                out.append(_read_page(path, page, ocr_languages))
        except ReadError:
            raise
        except Exception as exc:
            raise ReadError(path, f"broken PDF on page {len(out) + 1} ({type(exc).__name__}: {exc})") from exc
    return out


def _read_page(path: Path | str, page: Any, ocr_languages: str) -> _Page:
    from ingest.ocr import is_scanned, ocr_words

    number = page.page_number
    if is_scanned(page):
        return _Page(number, float(page.width), float(page.height), ocr_words(path, page, number, ocr_languages), ocr=True)
    page = _dedupe(page)
    words = [Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]),
                  w.get("fontname", ""), float(w.get("size", 10.0)))
             for w in page.extract_words(x_tolerance=1.5, y_tolerance=2.5, extra_attrs=["fontname", "size"])
             if w.get("upright", True)]
    result = _Page(number, float(page.width), float(page.height), words)
    for table in page.find_tables(RULED):
        grid: list[list[list[Word] | None]] = []
        for row in table.rows:
            grid.append([None if cell is None else [w for w in words if _inside(w, cell)] for cell in row.cells])
        if len(grid) >= 2 and any(len(r) >= 2 for r in grid):
            result.grids.append((tuple(map(float, table.bbox)), grid))  # type: ignore[arg-type]
    return result


def _dedupe(page: Any) -> Any:
    """The page without characters printed twice on the same spot (fake bold); linear, unlike pdfplumber's
    ``dedupe_chars``, which took 28 of 57 s on the 28 pages of a council's minutes."""
    seen: set[tuple] = set()
    twice: set[int] = set()
    for ch in page.chars:
        key = (ch["text"], round(ch["x0"]), round(ch["top"]))
        if key in seen:
            twice.add(id(ch))
        seen.add(key)
    if not twice:
        return page
    return page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) not in twice)


def _inside(w: Word, box: tuple) -> bool:
    x, y = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _in_grids(w: Word, page: _Page) -> bool:
    return any(_inside(w, box) for box, _ in page.grids)


def _render_page(page: _Page, lines: list[Line], raw: RawText, tables: list[Table]) -> None:
    blocks: list[TableBlock] = []
    loose: list[Word] = []
    for box, grid in page.grids:
        block = from_grid(grid, box[1], box[3])
        if block is None:  # not a table of figures: its words are running text
            loose += [w for r in grid for c in r for w in (c or [])]
        else:
            blocks.append(block)
    if loose:
        lines = group_lines([w for ln in lines for w in ln.words] + loose)
    taken: set[int] = set()
    for block in blocks:
        _attach_caption(block, lines, taken)
    rest = [ln for i, ln in enumerate(lines) if i not in taken]
    unruled, used = find_unruled(rest)
    blocks.extend(unruled)
    text = [ln for i, ln in enumerate(rest) if i not in used]
    items: list[tuple[float, Any]] = [(b.top, b) for b in blocks] + [(ln.top, ln) for ln in text]
    items.sort(key=lambda item: item[0])
    band: list[Line] = []
    for _, item in items:
        if isinstance(item, TableBlock):
            emit_text(band, page.width, raw)
            band = []
            tables.append(emit_table(item, raw, page.number))
        else:
            band.append(item)
    emit_text(band, page.width, raw)


def _attach_caption(block: TableBlock, lines: list[Line], taken: set[int]) -> None:
    """The line(s) just above a ruled table that caption it, and a unit note just below."""
    above = [i for i, ln in enumerate(lines) if ln.bottom <= block.top + 1 and block.top - ln.bottom <= 3 * ln.size]
    for i in sorted(above, reverse=True)[:2]:
        if CAPTION_START.match(lines[i].text) or _has_unit(lines[i].text):
            block.caption.insert(0, lines[i])
            taken.add(i)
        else:
            break
    below = [i for i, ln in enumerate(lines) if ln.top >= block.bottom - 1 and ln.top - block.bottom <= 2.5 * ln.size]
    if below and _has_unit(lines[below[0]].text) and len(lines[below[0]].words) <= 12:
        block.notes.append(lines[below[0]])
        taken.add(below[0])


def _has_unit(text: str) -> bool:
    from ingest.doc_tables import UNIT

    return UNIT.search(text) is not None

