"""Laying out a PDF page's lines and tables as raw text: reading order, two text columns, table rows.

Used by :mod:`ingest.pdf_layout`. Text lines become lines of the raw text, with a line holding one
space (a hard break for the repair stage) between paragraphs, headings and columns. When a page has
two text columns (a vertical gutter most lines do not cross, both columns filled), each band between
full-width lines is read left column first, then right. A table becomes its caption, its header
lines and one line per row — label, then cells — with each row's description after it; a
:class:`ingest.doc_tables.Table` records where every cell landed.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import replace

from ingest.doc_tables import RawText, Row, Span, Table, make_table
from ingest.layout_lines import Line, Word
from ingest.layout_tables import TableBlock
from ingest.tables import ROW_NUMBER

LETTERED = re.compile(r"[a-zæøå]\)\s")
GUTTER_MIN = 10.0  # points of empty space between two text columns


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


def emit_text(lines: list[Line], width: float, raw: RawText) -> None:
    """Write running-text ``lines`` (top to bottom) into ``raw`` in reading order, paragraphs apart."""
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


def emit_table(block: TableBlock, raw: RawText, page: int) -> Table:
    """Write a table into ``raw`` (caption, header lines, one line per row, descriptions); its :class:`Table`."""
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
