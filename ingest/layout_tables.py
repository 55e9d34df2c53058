"""Tables found from the geometry of a page's words: unruled ones from aligned number columns, ruled ones
from the cell grid pdfplumber finds in the page's drawn lines.

**Unruled tables** (also the two-column money layout: an activity heading and its paragraph on the
left, one amount per activity on the right). A *cell* is a number (or "-", "X") at the end of a line
with a cell-wide space before it (:func:`ingest.layout_lines.pieces`); cells of two or more lines
whose horizontal extents overlap form a *value column* (right-, left- or centre-aligned alike). A
table is a run of lines that end in cells of those columns, with lines between them that stay left of
the columns (label continuations and paragraphs). Then:

* the *header* is the lines just above the first row that have text over a value column (the
  column's header: "2025", "Budget 2025" over "(1.000 kr.)"), or the first row itself when its
  cells are all years; text left of the columns there is the label column's header;
* the *caption* is up to two lines just above the header that start like one ("Tabel 1.", "Bilag")
  or name a unit; a note just below the last row that names a unit ("Beløb i mio. kr.") is kept too;
* a line without cells after a row continues the row's label when it is set like the label (same
  font) and stands closer to it than to the next row; otherwise it is the row's description
  (a paragraph); a line set like the next row's label just above it starts that label.

**Ruled tables**: columns where most body cells are numbers are value columns; the first other
column holds the labels; leading rows without numbers other than years are the header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.doc_tables import UNIT
from ingest.layout_lines import Line, Word, is_cell, merged, pieces

CAPTION_START = re.compile(r"(?:tabel|bilag|figur|oversigt|skema|budget|tilskud|bevilling)\b", re.IGNORECASE)
NOTE_START = re.compile(r"(?:anm|note|noter|kilde|beløb|alle\s+beløb)\b", re.IGNORECASE)
YEAR_CELL = re.compile(r"(?:19|20)\d\d")
MAX_HEADER_LINES = 3


@dataclass
class RowBlock:
    label_lines: list[list[Word]] = field(default_factory=list)
    cells: list[list[Word] | None] = field(default_factory=list)  # one per value column
    extra: list[Word] = field(default_factory=list)  # text of other columns (a ruled table's remarks)
    description: list[Line] = field(default_factory=list)
    main: int = 0  # index in label_lines of the line that holds the cells


@dataclass
class TableBlock:
    top: float
    bottom: float
    headers: list[str]  # one per value column
    rows: list[RowBlock]
    caption: list[Line] = field(default_factory=list)
    header_lines: list[list[Word]] = field(default_factory=list)
    label_header: str = ""
    notes: list[Line] = field(default_factory=list)
    ruled: bool = False


def _trailing_cells(line: Line) -> list[Word]:
    parts = pieces(line)
    cells: list[Word] = []
    for part in reversed(parts):
        cell = merged(part)
        if len(part) > 3 or not is_cell(cell.text):
            break
        cells.insert(0, cell)
    return cells


def _columns(cells: list[tuple[int, Word]]) -> list[tuple[float, float]]:
    """Value columns: x-extents of cells that overlap, from at least two lines."""
    spans = sorted(((w.x0, w.x1, i) for i, w in cells))
    groups: list[list[tuple[float, float, int]]] = []
    for x0, x1, i in spans:
        if groups and x0 <= max(s[1] for s in groups[-1]) + 1:
            groups[-1].append((x0, x1, i))
        else:
            groups.append([(x0, x1, i)])
    return [(min(s[0] for s in g), max(s[1] for s in g)) for g in groups if len({s[2] for s in g}) >= 2]


def _column_of(word: Word, columns: list[tuple[float, float]]) -> int | None:
    for c, (x0, x1) in enumerate(columns):
        if word.x0 <= x1 + 1 and word.x1 >= x0 - 1:
            return c
    return None


def _gap(a: Line, b: Line) -> float:
    return b.top - a.bottom


def find_unruled(lines: list[Line]) -> tuple[list[TableBlock], set[int]]:
    """Tables of aligned number columns among ``lines`` (top to bottom), and the indexes of the lines they take."""
    trailing = [_trailing_cells(ln) for ln in lines]
    columns = _columns([(i, w) for i, cells in enumerate(trailing) for w in cells])
    if not columns:
        return [], set()
    left_edge = min(x0 for x0, _ in columns)
    tables: list[TableBlock] = []
    used: set[int] = set()
    i = 0
    while i < len(lines):
        if not _is_row(trailing[i], columns) or i in used:
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < len(lines) and _gap(lines[run[-1]], lines[j]) <= 4 * lines[j].size:
            if _is_row(trailing[j], columns) or lines[j].x1 < left_edge - 4:
                run.append(j)
            else:
                break
            j += 1
        while run and not _is_row(trailing[run[-1]], columns):
            run.pop()
        table = _build(lines, trailing, run, columns, used)
        if table is not None:
            tables.append(table)
        i = max(j, i + 1)
    return tables, used


def _is_row(cells: list[Word], columns: list[tuple[float, float]]) -> bool:
    return bool(cells) and all(_column_of(w, columns) is not None for w in cells)


def _all_years(cells: list[Word]) -> bool:
    return all(YEAR_CELL.fullmatch(w.text) for w in cells)


def _build(lines: list[Line], trailing: list[list[Word]], run: list[int], columns: list[tuple[float, float]],
           used: set[int]) -> TableBlock | None:
    rows_at = [k for k in run if trailing[k]]
    header_at: list[int] = []
    if rows_at and _all_years(trailing[rows_at[0]]) and len(rows_at) > 1:
        header_at.append(rows_at.pop(0))
    if len(rows_at) < 2:
        return None
    cols = sorted({c for k in rows_at for w in trailing[k] if (c := _column_of(w, columns)) is not None})
    table_cols = [columns[c] for c in cols]
    # header lines above the first row (or above the years line)
    first = min(run if not header_at else header_at)
    k = first - 1
    while k >= 0 and len(header_at) < MAX_HEADER_LINES and k not in used:
        line = lines[k]
        if _gap(line, lines[k + 1]) > 2.5 * line.size or not _over_columns(line, table_cols) or len(pieces(line)) > len(table_cols) + 1:
            break
        header_at.insert(0, k)
        k -= 1
    top_line = min(header_at) if header_at else first
    caption_at: list[int] = []
    k = top_line - 1
    while k >= 0 and len(caption_at) < 2 and k not in used:
        line = lines[k]
        if _gap(line, lines[k + 1]) > 3 * line.size or not (CAPTION_START.match(line.text) or UNIT.search(line.text)):
            break
        caption_at.insert(0, k)
        k -= 1
    last = max(rows_at)
    notes = [last + 1] if (last + 1 < len(lines) and last + 1 not in used and _gap(lines[last], lines[last + 1]) <= 2.5 * lines[last].size
                            and NOTE_START.match(lines[last + 1].text) and UNIT.search(lines[last + 1].text)) else []
    headers = ["" for _ in table_cols]
    label_header: list[str] = []
    header_lines = []
    for k in header_at:
        header_lines.append(lines[k].words)
        for part in pieces(lines[k]):
            c = _best_column(part, table_cols)
            text = " ".join(w.text for w in part)
            if c is None:
                label_header.append(text)
            else:
                headers[c] = f"{headers[c]} {text}".strip()
    rows = _rows(lines, trailing, [k for k in run if k > (max(header_at) if header_at else -1)], table_cols)
    for k in [*header_at, *caption_at, *run, *notes]:
        used.add(k)
    bottom = lines[max([last, *notes])].bottom
    return TableBlock(top=lines[min([*header_at, *caption_at, first])].top, bottom=bottom, headers=headers, rows=rows,
                      caption=[lines[k] for k in caption_at], header_lines=header_lines,
                      label_header=" ".join(label_header), notes=[lines[k] for k in notes])


def _over_columns(line: Line, columns: list[tuple[float, float]]) -> bool:
    return any(_best_column(part, columns) is not None for part in pieces(line))


def _best_column(part: list[Word], columns: list[tuple[float, float]], slack: float = 12.0) -> int | None:
    """The value column a header piece stands over: the most overlap, with some slack either side."""
    x0, x1 = part[0].x0, part[-1].x1
    best, score = None, 0.0
    for c, (c0, c1) in enumerate(columns):
        overlap = min(x1, c1 + slack) - max(x0, c0 - slack)
        if overlap > score:
            best, score = c, overlap
    return best


def _rows(lines: list[Line], trailing: list[list[Word]], run: list[int], columns: list[tuple[float, float]]) -> list[RowBlock]:
    rows: list[RowBlock] = []
    pending: list[Line] = []
    row_lines = [k for k in run if trailing[k]]
    for n, k in enumerate(row_lines):
        line = lines[k]
        cells = trailing[k]
        label = _label_words(line, cells)
        row = RowBlock(cells=[None] * len(columns))
        for w in cells:
            c = _column_of(w, columns)
            if c is not None:
                row.cells[c] = [w]
        row.label_lines = [p.words for p in pending] + ([label] if label else [])
        row.main = max(len(row.label_lines) - 1, 0)
        pending = []
        nxt = row_lines[n + 1] if n + 1 < len(row_lines) else None
        between = [lines[j] for j in run if k < j < (nxt if nxt is not None else k + 1)]
        label_font = Line(label).font if label else None
        next_line = lines[nxt] if nxt is not None else None
        next_font = None
        if next_line is not None:
            next_label = _label_words(next_line, trailing[nxt])
            next_font = Line(next_label).font if next_label else None
        # a block of lines set like the next row's label, standing right above it, starts that label
        start_pending = len(between)
        while (start_pending > 0 and next_font is not None and between[start_pending - 1].font == next_font
               and _gap(between[start_pending - 1], between[start_pending] if start_pending < len(between) else next_line)
               <= 0.8 * between[start_pending - 1].size):
            start_pending -= 1
        prev = line
        described = False
        for m, other in enumerate(between):
            if m >= start_pending and not (m == 0 and other.font == label_font and next_line is not None
                                           and _gap(line, other) < _gap(between[-1], next_line)):
                pending.append(other)
            elif not described and other.font == label_font and _gap(prev, other) <= 0.8 * other.size:
                row.label_lines.append(other.words)
            else:
                row.description.append(other)
                described = True
            prev = other
        rows.append(row)
    return rows


def _cell_lines(words: list[Word]) -> list[list[Word]]:
    """The words of a ruled table's cell, line by line."""
    from ingest.layout_lines import group_lines

    return [ln.words for ln in group_lines(words)]


def _label_words(line: Line, cells: list[Word]) -> list[Word]:
    """The words of ``line`` left of its first cell."""
    return [w for w in line.words if w.x1 <= cells[0].x0] if cells else list(line.words)


def from_grid(grid: list[list[list[Word] | None]], top: float, bottom: float) -> TableBlock | None:
    """A ruled table from its cell grid (rows × columns of the words in each cell; None for a merged cell)."""
    if not grid or not grid[0]:
        return None
    width = max(len(r) for r in grid)
    grid = [r + [None] * (width - len(r)) for r in grid]

    def numeric(cell: list[Word] | None) -> bool:
        return bool(cell) and is_cell(" ".join(w.text for w in cell or []))

    def yearish(cell: list[Word] | None) -> bool:
        return not numeric(cell) or all(YEAR_CELL.fullmatch(w.text) for w in cell or [])

    value_cols = [c for c in range(width)
                  if sum(numeric(r[c]) for r in grid[1:]) * 2 > sum(bool(r[c]) for r in grid[1:]) > 0]
    n_header = 0  # leading rows with text over a value column but no figures other than years
    while (n_header < len(grid) - 1 and all(yearish(c) for c in grid[n_header])
           and any(grid[n_header][c] for c in value_cols)):
        n_header += 1
    body = grid[n_header:]
    if not value_cols or len(body) < 2:
        return None
    label_col = next((c for c in range(width) if c not in value_cols), None)
    headers = [" ".join(w.text for r in grid[:n_header] for w in (r[c] or [])) for c in value_cols]
    label_header = " ".join(w.text for r in grid[:n_header] for w in (r[label_col] or [])) if label_col is not None else ""
    rows = []
    for r in body:
        label = _cell_lines(r[label_col] or []) if label_col is not None else []
        extra = [w for c in range(width) if c not in value_cols and c != label_col for w in (r[c] or [])]
        rows.append(RowBlock(label_lines=label, cells=[[merged(r[c])] if r[c] else None for c in value_cols],
                             extra=extra, main=len(label) - 1 if label else 0))
    header_lines = [[w for c in row for w in (c or [])] for row in grid[:n_header]]
    return TableBlock(top=top, bottom=bottom, headers=headers, rows=rows, header_lines=header_lines,
                      label_header=label_header, ruled=True)
