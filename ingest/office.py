"""Office and web documents: ``.docx`` (python-docx) and ``.html`` (lxml), read into the same raw text and
tables as PDFs.

Paragraphs, headings and list items become lines with a block break between them; a table becomes one
line per row (label, then cells, as in :mod:`ingest.pdf_layout`) and a :class:`ingest.doc_tables.Table`
whose columns take their periods from the header row(s) and whose unit comes from the header, the
caption (an HTML ``<caption>``, or the paragraph just above the table when it reads like one) or the
cells. Columns where most body cells are numbers are value columns; the first other column holds
the labels. Documents have no pages here (``page_count`` stays unknown).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from ingest.doc_tables import UNIT, Layout, RawText, Row, Span, Table, make_table
from ingest.layout_lines import is_cell
from ingest.layout_tables import CAPTION_START, YEAR_CELL
from ingest.quantities import squash
from kg.errors import ReadError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = "text/html"
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "nav", "button", "form", "iframe"})
BLOCK_TAGS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
                        "header", "footer", "main", "aside", "blockquote", "pre", "dd", "dt", "dl", "figure",
                        "figcaption", "address", "body", "html", "tr", "hr"})

Block = tuple[str, object]  # ("text", str) or ("table", (rows, caption))


def read_office(path: Path, data: bytes) -> tuple[str, Layout, str]:
    """The raw text, layout (tables) and media type of a ``.docx`` or ``.html`` file."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        blocks, reader, media = _docx_blocks(path, data), "python-docx", DOCX
    else:
        blocks, reader, media = _html_blocks(path, data), "lxml", HTML
    layout = Layout(reader=reader)
    raw = RawText()
    previous: Span | None = None
    for kind, item in blocks:
        if kind == "text":
            text = squash(str(item))
            if text:
                raw.block()
                previous = raw.add(text)
                raw.newline()
            continue
        rows, caption = item  # type: ignore[misc]
        above = previous if previous is not None and not caption and _caption_like(previous.text) else None
        table = _emit_grid(rows, caption, above, raw)
        if table is not None:
            layout.tables.append(table)
        previous = None
    return raw.text(), layout, media


def _caption_like(text: str) -> bool:
    return len(text) <= 200 and (CAPTION_START.match(text) is not None or UNIT.search(text) is not None)


def _emit_grid(rows: list[list[str]], caption: str, above: Span | None, raw: RawText) -> Table | None:
    """Write a table's rows into ``raw``; the :class:`Table` when it has value columns, else None."""
    rows = [[squash(c) for c in r] for r in rows if any(squash(c) for c in r)]
    if not rows:
        return None
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    value_cols = [c for c in range(width)
                  if sum(is_cell(r[c]) for r in rows[1:] if r[c]) * 2 > sum(1 for r in rows[1:] if r[c]) > 0]
    n_header = 0
    while (n_header < len(rows) - 1 and any(rows[n_header][c] for c in value_cols)
           and all(not is_cell(rows[n_header][c]) or YEAR_CELL.fullmatch(rows[n_header][c]) for c in value_cols)):
        n_header += 1
    raw.block()
    start = above.start if above is not None else raw.length
    if caption:
        raw.add(caption)
        raw.newline()
    for r in rows[:n_header]:
        raw.add(" ".join(c for c in r if c))
        raw.newline()
    label_col = next((c for c in range(width) if c not in value_cols), None)
    out_rows: list[Row] = []
    for r in rows[n_header:]:
        label = raw.add(r[label_col]) if label_col is not None and r[label_col] else None
        cells: list[Span | None] = []
        for c in value_cols:
            if not r[c]:
                cells.append(None)
                continue
            if raw.parts and not raw.parts[-1].endswith("\n"):
                raw.add(" ")
            cells.append(raw.add(r[c]))
        extra = [r[c] for c in range(width) if c not in value_cols and c != label_col and r[c]]
        if extra:
            raw.add(" " + " ".join(extra))
        spans = [s for s in (label, *cells) if s is not None]
        if spans:
            out_rows.append(Row(label.text if label else "", spans[0].start, max(s.end for s in spans), tuple(cells)))
        raw.newline()
    end = raw.length
    raw.block()
    if not value_cols or not out_rows:
        return None
    headers = [" ".join(r[c] for r in rows[:n_header] if r[c]) for c in value_cols]
    label_header = " ".join(rows[i][label_col] for i in range(n_header)) if label_col is not None else ""
    return make_table(start, end, headers, out_rows, caption=caption or (above.text if above else ""),
                      context=label_header)


def _docx_blocks(path: Path, data: bytes) -> list[Block]:
    try:
        import docx
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph
    except ImportError:  # pragma: no cover - a dependency
        raise ReadError(path, "reading .docx needs the Python package python-docx") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise ReadError(path, f"not a readable .docx file ({type(exc).__name__}: {exc})") from exc
    blocks: list[Block] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(("text", Paragraph(element, document).text))
        elif tag == "tbl":
            table = DocxTable(element, document)
            rows = []
            for row in table.rows:
                seen: set[int] = set()
                cells = []
                for cell in row.cells:  # a merged cell is repeated in every column it spans
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(cell.text)
                rows.append(cells)
            blocks.append(("table", (rows, "")))
    return blocks


def _html_blocks(path: Path, data: bytes) -> list[Block]:
    import lxml.html
    from lxml import etree

    try:
        text = data.decode("utf-8-sig")
        root = lxml.html.document_fromstring(text)
    except UnicodeDecodeError:
        root = lxml.html.document_fromstring(data)  # lxml reads the charset from <meta>
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(path, f"not readable HTML ({exc})") from exc
    blocks: list[Block] = []
    buf: list[str] = []

    def flush() -> None:
        text = "".join(buf)
        buf.clear()
        for line in re.split(r"\n", text):
            if line.strip():
                blocks.append(("text", line))

    def walk(el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag or tag in SKIP_TAGS:
            if el.tail:
                buf.append(el.tail)
            return
        if tag == "table":
            flush()
            caption = el.find("caption")
            rows = [[cell.text_content() for cell in tr if isinstance(cell.tag, str) and cell.tag.lower() in ("td", "th")]
                    for tr in el.iter("tr")]
            blocks.append(("table", (rows, caption.text_content() if caption is not None else "")))
        elif tag == "br":
            buf.append("\n")
        else:
            block = tag in BLOCK_TAGS
            if block:
                flush()
            if el.text:
                buf.append(el.text)
            for child in el:
                walk(child)
            if block:
                flush()
        if el.tail:
            buf.append(el.tail)

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    return blocks
