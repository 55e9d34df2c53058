"""Layout-aware PDF reading with pdfplumber: words with coordinates → raw text in reading order, tables as rows.

Per page: the words of the text layer (or, for a scanned page, of OCR, :mod:`ingest.ocr`), with the
page turned upright (``/Rotate``). Running headers and footers are dropped (:mod:`ingest.layout_lines`)
and kept as metadata. Ruled tables come from pdfplumber's table finder (drawn cell borders),
unruled ones and the two-column money layout from aligned number columns
(:mod:`ingest.layout_tables`). The rest is running text: when a page has two text columns (a
vertical gutter most lines do not cross), each band between full-width lines is read left column
first, then right.

The raw text has one line per printed line (the repair stage joins them into sentences), a line
holding one space between blocks (paragraphs, tables, table rows and their descriptions), and a form
feed between pages, so every character still maps to its page. A table row is one line: its label,
then its cells; :class:`ingest.doc_tables.Table` records where each cell landed.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ingest.doc_tables import Layout, RawText, Row, Span, Table, make_table
from ingest.layout_lines import Line, Word, group_lines, running_lines
from ingest.layout_tables import CAPTION_START, TableBlock, find_unruled, from_grid
from ingest.tables import ROW_NUMBER
from kg.errors import ReadError

log = logging.getLogger(__name__)

LETTERED = re.compile(r"[a-zæøå]\)\s")
GUTTER_MIN = 10.0  # points of empty space between two text columns
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
            _emit_text(band, page.width, raw)
            band = []
            tables.append(_emit_table(item, raw, page.number))
        else:
            band.append(item)
    _emit_text(band, page.width, raw)


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


def _gutter(lines: list[Line], width: float) -> float | None:
    """The x of a vertical gap between two text columns, or None for one column.

    Two columns: most lines have words on both sides of a gap at least :data:`GUTTER_MIN` wide that few
    lines cross, and on both sides the lines fill their column (label/value rows such as "Mødedato
    Onsdag …" have short labels, so they stay one column).
    """
    words = [w for ln in lines for w in ln.words]
    if len(words) < 20 or len(lines) < 3:
        return None
    best: tuple[int, float] | None = None
    for step in range(int(width * 0.3), int(width * 0.7), 2):
        x = float(step)
        crossing = sum(1 for w in words if w.x0 - GUTTER_MIN / 2 < x < w.x1 + GUTTER_MIN / 2)
        left = sum(1 for w in words if w.x1 <= x)
        if left < 0.25 * len(words) or len(words) - left - crossing < 0.25 * len(words):
            continue
        if best is None or crossing < best[0]:
            best = (crossing, x)
    if best is None:
        return None
    x = best[1]
    both = [ln for ln in lines if ln.words[0].x1 <= x and ln.x1 > x and not _crosses(ln, x)]
    spanning = sum(1 for ln in lines if _crosses(ln, x))
    if len(both) < max(3, 0.4 * len(lines)) or spanning > 0.2 * len(lines):
        return None
    left0 = min(ln.x0 for ln in both)
    right1 = max(ln.x1 for ln in both)
    left_fill = statistics.median(max(w.x1 for w in ln.words if w.x1 <= x) - left0 for ln in both) / (x - left0)
    right_fill = statistics.median(right1 - min(w.x0 for w in ln.words if w.x0 >= x) for ln in both) / (right1 - x)
    return x if left_fill >= 0.6 and right_fill >= 0.6 else None


def _crosses(line: Line, x: float) -> bool:
    return any(w.x0 - GUTTER_MIN / 2 < x < w.x1 + GUTTER_MIN / 2 for w in line.words)


def _reading_order(lines: list[Line], width: float) -> list[Line]:
    x = _gutter(lines, width)
    if x is None:
        return lines
    out: list[Line] = []
    left: list[Line] = []
    right: list[Line] = []
    for ln in lines:
        if _crosses(ln, x):
            out += left + right + [ln]
            left, right = [], []
            continue
        lw = [w for w in ln.words if w.x1 <= x]
        rw = [w for w in ln.words if w.x0 >= x]
        if lw:
            left.append(Line(lw))
        if rw:
            right.append(Line(rw))
    return out + left + right


def _emit_text(lines: list[Line], width: float, raw: RawText) -> None:
    if not lines:
        return
    raw.block()
    prev: Line | None = None
    for ln in _reading_order(lines, width):
        if prev is not None:
            gap = ln.top - prev.bottom
            if gap > 0.9 * ln.size or gap < -2 or ln.words[0].bold != prev.words[0].bold:
                raw.block()  # a paragraph break, a heading, or the top of the next column
            else:
                raw.newline()
        raw.add(ln.text)
        prev = ln
    raw.newline()


def _words_text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def _emit_table(block: TableBlock, raw: RawText, page: int) -> Table:
    raw.block()
    start = raw.length
    for ln in block.caption:
        raw.add(ln.text)
        raw.newline()
    for words in block.header_lines:
        raw.add(_words_text(sorted(words, key=lambda w: (round(w.top), w.x0))))
        raw.newline()
    rows: list[Row] = []
    group = ""  # the numbered heading row (no figures) over lettered rows: "4. Kompetenceudvikling" over "a) …"
    for row in block.rows:
        label_spans = []
        for i, words in enumerate(row.label_lines):
            if i:
                raw.newline()
            label_spans.append(raw.add(_words_text(words)))
        cells: list[Span | None] = []
        for cell in row.cells:
            if cell is None:
                cells.append(None)
                continue
            if raw.parts and not raw.parts[-1].endswith("\n"):
                raw.add(" ")
            cells.append(raw.add(_words_text(cell)))
        if row.extra:
            raw.add(" " + _words_text(row.extra))
        spans = [*label_spans, *[c for c in cells if c is not None]]
        label = short_label([s.text for s in label_spans])
        if ROW_NUMBER.match(label):
            group = label if not any(c is not None for c in cells) else ""
        elif group and LETTERED.match(label):
            label = f"{group} – {label}"
        if spans:
            rows.append(Row(label, spans[0].start, max(s.end for s in spans), tuple(cells)))
        raw.newline()
        if row.description:
            raw.block()
            for ln in row.description:
                raw.add(ln.text)
                raw.newline()
            raw.block()
    for ln in block.notes:
        raw.add(ln.text)
        raw.newline()
    end = raw.length
    raw.block()
    header_text = " ".join(_words_text(w) for w in block.header_lines)
    return make_table(start, end, block.headers, rows, caption=" ".join(ln.text for ln in block.caption),
                      context=" ".join([block.label_header, header_text, *(ln.text for ln in block.notes)]),
                      page=page, ruled=block.ruled)


def short_label(lines: list[str]) -> str:
    """A row's label from its lines: all of a label wrapped over two lines; of a longer cell (a paragraph)
    the first line, with its last word completed where it is hyphenated across the break."""
    if len(lines) <= 2:
        return _join_label(lines)
    first, rest = lines[0].rstrip(), lines[1].split()
    if first.endswith("-") and rest and rest[0][:1].islower():
        return _join_label([first, rest[0].rstrip(",.;:")])
    return first.strip()


def continued_tables(tables: list[Table]) -> list[Table]:
    """A table on the next page without a header of its own continues the one before it: it takes its
    columns' periods, unit and price level (a ruled table broken over pages)."""
    out: list[Table] = []
    for t in tables:
        prev = out[-1] if out else None
        if (prev is not None and prev.page is not None and t.page == prev.page + 1
                and len(t.columns) == len(prev.columns)
                and not any(c.year or c.per_year for c in t.columns) and any(c.year or c.per_year for c in prev.columns)):
            t = replace(t, columns=prev.columns, unit=t.unit or prev.unit, factor=t.factor if t.unit else prev.factor,
                        price_level=t.price_level or prev.price_level)
        out.append(t)
    return out


def _join_label(lines: list[str]) -> str:
    """A label printed over several lines, as one: "socialpsyki-" + "atri" → "socialpsykiatri"."""
    out = ""
    for part in lines:
        part = part.strip()
        if out.endswith("-") and part[:1].islower() and part.split()[0] not in ("og", "eller", "samt", "til"):
            out = out[:-1] + part
        else:
            out = f"{out} {part}".strip()
    return out
