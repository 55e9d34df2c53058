"""Budget tables: rows of figures under a header such as "Mio. kr., 2024-pl 2024 2025 … 2030".

PDF extraction puts a row's cells on one line after its label ("2. Styrkelse af Livslinien 7,0
7,0 …"), wraps long labels over lines, and sometimes puts the figures on a line of their own after
the label. :func:`find_tables` reads the lines after each header and recovers the rows:

* label lines are collected until a line ends in cells; a line of cells alone completes the
  pending label; a line starting with a row number ("3.", "2.1") starts a new label;
* a lone year ("2024") on a line is label text, not a cell;
* "-", "X" and "Y" are empty cells (no fact); "20,8+Y" is at least 20,8;
* a cell may be negative: "-3,5", "−3,5", "÷3,5" and "÷ 3,5" (a lone "-" stays an empty cell);
* the unit may stand in brackets ("(1.000 kr.) 2025 2026", "1000 kr.", "Mio. kr. (24-pl)") and be
  followed by a price level ("2024-pl", "(24-pl)" = "2024-pl", "løbende priser"); unit and price
  level go on every cell's fact;
* the unit may follow the years ("2025 2026 2027 (mio. kr.)"), or stand on a line of its own just
  above them ("(1.000 kr.)", "Beløb i mio. kr."); a header line of years without a unit
  ("Indsats 2025 2026 2027") under a title that names one ("Tabel 3. Midler … (mio. kr.)") takes
  the title's unit, a guess: its cells are flagged ``unit-from-header-guessed``;
* a row with one cell fewer than the header has columns lacks the first column (an earlier
  period); a row with fewer still stops early ("100,0" under 2024 … 2030 is 2024); a row with
  more cells than its header uses an earlier header of the same table with that many columns;
* where the header has a remarks column ("Bemærkninger"), lines after a row up to a blank line
  are remarks;
* the table ends at "Kilde:", "Anm.:", a footnote ("*…"), a long prose line, or after many
  label lines without figures.

Row kinds: "i alt"/"total"/"samlet" rows and group rows (an unnumbered row followed by numbered
ones, e.g. "Forebyggelse af selvmord" above "1. …" and "2. …") are totals; rows of a cost
table ("Udgift", "estimat", "overslag") are other; all other rows are allocations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ingest.numbers import parse_digits, scale_factor, whole
from ingest.quantities import Quantity, squash

_YEAR = r"(?:19|20)\d\d"
_UNIT = r"(?:mio|mia)\.?\s?(?:kr\.?|kroner|dkk)|1\.?000\s?(?:kr\.?|dkk)|t\.\s?kr\.?|tkr\.?|kr\.|kroner|dkk"
_PRICE_LEVEL = r"\d{2,4}\s?-\s?pl\b|pl\s?\d{2,4}\b|(?:faste\s+)?\d{4}-priser|løbende\s+priser|årets\s+priser"
HEADER = re.compile(
    rf"(?<![\w.])\(?(?P<unit>{_UNIT})\)?"
    rf"(?:\s*,?\s*\(?(?P<pl>{_PRICE_LEVEL})\)?)?"
    rf"(?P<cols>(?:[ \t]+{_YEAR}(?:\s?[-–]\s?{_YEAR})?){{2,}}|[ \t]+(?:årligt|pr\.\s?år)[ \t]*$)"
    r"(?P<rest>[^\n]*)",
    re.IGNORECASE | re.MULTILINE,
)
# a line of year columns with no unit, under a title that states it ("Indsats 2025 2026 2027")
YEARS_LINE = re.compile(
    rf"^[ \t]*(?P<label>[A-Za-zÆØÅæøå][^\d\n]{{0,40}}?)?(?P<cols>(?:[ \t]*{_YEAR}(?:\s?[-–]\s?{_YEAR})?){{2,}})"
    rf"(?:[ \t]+\(?(?P<unit>{_UNIT})(?:\s*,?\s*(?P<pl>{_PRICE_LEVEL}))?\)?)?[ \t]*$",  # "2025 2026 (mio. kr.)"
    re.MULTILINE | re.IGNORECASE,
)
# words that may stand beside the unit on a line of its own ("Beløb i 1.000 kr."): then the unit is no guess
UNIT_LINE_WORDS = frozenset({"beløb", "beløbene", "alle", "er", "i", "angivet", "anført", "opgjort"})
CAPTION_UNIT = re.compile(rf"(?<![\w.])\(?(?:i\s+)?(?P<unit>{_UNIT})(?:\s*,?\s*(?P<pl>{_PRICE_LEVEL}))?\)?", re.IGNORECASE)
NUMBER_CELL = re.compile(r"(?:[÷−] ?|-)?(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?:[\u00a0\u2000-\u200a\u202f]\d{3})+(?:,\d+)?|\d+(?:,\d+)?)")
AT_LEAST_CELL = re.compile(r"(\d{1,3}(?:\.\d{3})*(?:,\d+)?)\+[A-ZÆØÅ]")
# a token: non-space characters, with a no-break or thin space between digits kept inside ("1 250")
CELL_TOKEN = re.compile(r"(?:\S|(?<=\d)[\u00a0\u2000-\u200a\u202f](?=\d))+")
EMPTY_CELLS = frozenset({"-", "–", "—", "X", "x", "Y", "y", "..", "…", "n.a.", "i.a."})
ROW_NUMBER = re.compile(r"\d{1,2}(?:\.\d{1,2})*\.?\s+[A-ZÆØÅ]")
LONE_YEAR = re.compile(rf"{_YEAR}")
END_MARKERS = re.compile(r"(?:kilde|anm|note|noter|fodnote)\b|\*", re.IGNORECASE)
TOTAL_LABEL = re.compile(r"\b(?:i\s+alt|total|samlet|samlede|sum)\b", re.IGNORECASE)
# rows that state the budget frame or what is left of it, not money given to anything
FRAME_LABEL = re.compile(r"\b(?:\w*ramme|resterende|uprioriteret\w*|ikke[- ]udmøntet|til\s+rådighed|finansiering)\b",
                         re.IGNORECASE)
COST_TABLE = re.compile(r"\b(?:udgift\w*|estimat\w*|overslag\w*|driftsudgift\w*)\b", re.IGNORECASE)
UNIT_FROM_HEADER_GUESSED = "unit-from-header-guessed"
MAX_LABEL_LINES = 8
MAX_PROSE_LINE = 180


@dataclass
class _Header:
    start: int
    end: int
    unit: str
    factor: int
    price_level: str | None
    columns: list[tuple[int | None, int | None]]  # (year, year_end); (None, None) for "årligt"
    per_year: bool
    remarks: bool
    cost: bool
    guessed: bool = False  # the unit came from the title above, not from the header line


@dataclass
class _Row:
    label: list[tuple[int, int]] = field(default_factory=list)  # spans of label text
    cells: list[tuple[int, int, str]] = field(default_factory=list)
    header: _Header | None = None

    def numbered(self, text: str) -> bool:
        return bool(self.label) and ROW_NUMBER.match(text[self.label[0][0]:self.label[0][1]]) is not None


def find_headers(text: str) -> list[_Header]:
    """The budget-table headers in ``text``."""
    out = []
    for m in HEADER.finditer(text):
        cols_text = m.group("cols")
        per_year = bool(re.search(r"årligt|pr\.\s?år", cols_text, re.IGNORECASE))
        if per_year:
            prefix = text[text.rfind("\n", 0, m.start()) + 1:m.start()]
            if re.search(r"\d", prefix) or len(prefix.split()) > 3:
                continue  # "der afsættes 0,3 mio. kr. årligt" is prose, not a header
            columns: list[tuple[int | None, int | None]] = [(None, None)]
        else:
            columns = []
            for c in re.finditer(rf"({_YEAR})(?:\s?[-–]\s?({_YEAR}))?", cols_text):
                columns.append((int(c.group(1)), int(c.group(2)) if c.group(2) else None))
        prefix = text[text.rfind("\n", 0, m.start()) + 1:m.start()].strip().lower()
        if unit_factor(m.group("unit")) == 1 and prefix not in ("", "beløb i", "i", "(i", "beløb", "(beløb i"):
            continue  # "kr. 2025 2026" in a line of prose is no header; "Beløb i kr. 2025 2026" is
        title = text[max(0, text.rfind("\n", 0, max(0, text.rfind("\n", 0, m.start()) - 1))):m.start()]
        out.append(_Header(
            start=m.start(), end=m.end(), unit=squash(m.group("unit")), factor=unit_factor(m.group("unit")),
            price_level=price_level(m.group("pl")), columns=columns, per_year=per_year,
            remarks=bool(re.search(r"[A-Za-zÆØÅæøå]{3,}", m.group("rest") or "")),
            cost=COST_TABLE.search(title + " " + text[m.start():m.end()]) is not None,
        ))
    out.extend(_guessed_headers(text, out))
    out.sort(key=lambda h: h.start)
    return out


def unit_factor(unit: str) -> int:
    """DKK per printed unit of a table header: "Mio. kr." → 10⁶, "mia. kr." → 10⁹, "1.000 kr."/"t.kr." → 1000."""
    u = unit.strip().lower()
    if u.startswith("mia"):
        return 10**9
    if u.startswith("mio"):
        return 10**6
    if u.startswith(("1", "t")):
        return 1000
    return 1 if u.startswith(("kr", "dkk")) else scale_factor(u)


def price_level(text: str | None) -> str | None:
    """The price level as written, normalised: "24-pl", "(24-PL)", "PL 2024" → "2024-pl"; "løbende priser"."""
    if not text:
        return None
    m = re.fullmatch(r"(\d{2,4})\s?-\s?pl|pl\s?(\d{2,4})", squash(text), re.IGNORECASE)
    if m:
        year = int(m.group(1) or m.group(2))
        return f"{year + 2000 if year < 100 else year}-pl"
    return squash(text).lower() if not re.match(r"\d", text) else squash(text).replace(" ", "")


def _guessed_headers(text: str, headers: list[_Header]) -> list[_Header]:
    """Lines of year columns with no unit whose title line just above states one (flagged guesses)."""
    out = []
    for m in YEARS_LINE.finditer(text):
        if any(h.start <= m.end() and m.start() <= h.end for h in headers):
            continue
        if m.group("label") and len(m.group("label").split()) > 3:
            continue
        columns: list[tuple[int | None, int | None]] = [
            (int(c.group(1)), int(c.group(2)) if c.group(2) else None)
            for c in re.finditer(rf"({_YEAR})(?:\s?[-–]\s?({_YEAR}))?", m.group("cols"))]
        start = m.start("cols") if m.group("label") else m.start()
        if m.group("unit"):  # the unit after the years, on the header line itself
            out.append(_Header(start=start, end=m.end(), unit=squash(m.group("unit")), factor=unit_factor(m.group("unit")),
                               price_level=price_level(m.group("pl")), columns=columns, per_year=False,
                               remarks=False, cost=False))
            continue
        above = text[:m.start()].rstrip("\n")
        lines = [ln for ln in above.split("\n")[-3:] if ln.strip()][-1:]
        if not lines or len(lines[0]) > MAX_PROSE_LINE or NUMBER_CELL.fullmatch(lines[0].split()[-1]):
            continue  # no title above, or a row of figures
        cap = None
        for cap in CAPTION_UNIT.finditer(lines[0]):
            pass
        if cap is None:
            continue
        rest = (lines[0][:cap.start()] + " " + lines[0][cap.end():]).lower()
        alone = all(w in UNIT_LINE_WORDS for w in re.findall(r"[^\W\d_]+", rest))  # "(1.000 kr.)", "Beløb i mio. kr."
        out.append(_Header(
            start=start, end=m.end(), unit=squash(cap.group("unit")),
            factor=unit_factor(cap.group("unit")), price_level=price_level(cap.group("pl")), columns=columns,
            per_year=False, remarks=False, cost=COST_TABLE.search(lines[0]) is not None, guessed=not alone,
        ))
    return out


def _tokens(text: str, ls: int, line: str) -> list[tuple[int, int, str]]:
    """The tokens of a line, a spaced "÷ 250"/"− 250" kept together as one signed cell."""
    out: list[tuple[int, int, str]] = []
    for m in CELL_TOKEN.finditer(line):
        tok = m.group(0)
        if out and out[-1][2] in ("÷", "−") and tok[:1].isdigit() and NUMBER_CELL.fullmatch(tok):
            s, _, _ = out.pop()
            out.append((s, ls + m.end(), text[s:ls + m.end()]))
            continue
        out.append((ls + m.start(), ls + m.end(), tok))
    return out


def _cells(tokens: list[tuple[int, int, str]]) -> int:
    """How many tokens at the end of a line are cells."""
    n = 0
    for _, _, tok in reversed(tokens):
        if tok in EMPTY_CELLS or NUMBER_CELL.fullmatch(tok) or AT_LEAST_CELL.fullmatch(tok):
            n += 1
        else:
            break
    return n


def _label_text(text: str, spans: list[tuple[int, int]]) -> str:
    out = ""
    for s, e in spans:
        part = squash(text[s:e])
        if out.endswith("-") and part[:1].islower() and part.split()[0] not in ("og", "eller", "samt", "til"):
            out += part
        else:
            out = f"{out} {part}" if out else part
    return re.sub(r"\*+$", "", out).strip()


def _lines(text: str, start: int) -> list[tuple[int, int]]:
    return [(start + m.start(), start + m.end()) for m in re.finditer(r"(?m)^.*$", text[start:])]


def _read_table(text: str, header: _Header, headers: list[_Header]) -> list[_Row]:
    rows: list[_Row] = []
    seen = [header]
    current = _Row(header=header)
    remark = False

    def finish() -> None:
        nonlocal current, remark
        if current.cells:
            rows.append(current)
            remark = bool(current.header and current.header.remarks)
        current = _Row(header=seen[-1])

    nxt = text.find("\n", header.end)
    pos = len(text) if nxt < 0 else nxt + 1
    label_lines = 0
    for ls, le in _lines(text, pos):
        line = text[ls:le]
        stripped = line.strip()
        if not stripped:
            remark = False
            continue
        other = next((h for h in headers if ls <= h.start < le), None)
        if other is not None:
            finish()
            seen.append(other)
            current, remark, label_lines = _Row(header=other), False, 0
            continue
        if END_MARKERS.match(stripped):
            break
        tokens = _tokens(text, ls, line)
        n = _cells(tokens)
        if n == 1 and LONE_YEAR.fullmatch(tokens[-1][2]) and len(seen[-1].columns) > 1:
            n = 0  # "forskningsreserven 2024", "14. april\n2024": a year in a label
        widest = max(len(h.columns) for h in seen)
        n = min(n, widest)  # "Forskningsreserven 2024 100,0 - - …": the year belongs to the label
        if n == 0:
            numbered = ROW_NUMBER.match(stripped) is not None
            if current.cells:
                finish()
                if remark and not numbered:
                    continue
            if remark and not numbered:
                continue
            remark = False
            if len(stripped) > MAX_PROSE_LINE or label_lines >= MAX_LABEL_LINES:
                break
            span = (tokens[0][0], tokens[-1][1])
            if ROW_NUMBER.match(stripped):
                current.label = [span]
                label_lines = 1
            else:
                current.label.append(span)
                label_lines += 1
            continue
        label_tokens, cell_tokens = tokens[: len(tokens) - n], tokens[len(tokens) - n:]
        if label_tokens:
            if current.cells:
                finish()
            span = (label_tokens[0][0], label_tokens[-1][1])
            if ROW_NUMBER.match(stripped) or remark:
                current.label = [span]
            else:
                current.label.append(span)
            remark = False
        current.cells.extend(cell_tokens)
        label_lines = 0
        if len(current.cells) >= len(current.header.columns if current.header else []):
            finish()
    finish()
    return rows


def _columns(row: _Row, seen: list[_Header]) -> list[tuple[tuple[int | None, int | None], tuple[int, int, str]]]:
    header = row.header
    assert header is not None
    cols = header.columns
    cells = row.cells
    if len(cells) > len(cols):
        wider = next((h for h in reversed(seen) if len(h.columns) == len(cells)), None)
        if wider is not None:
            cols = wider.columns
        else:
            cells = cells[-len(cols):]
    offset = 1 if len(cells) == len(cols) - 1 and len(cols) >= 3 else 0
    return [(cols[i + offset], cell) for i, cell in enumerate(cells)]


def _kind(row: _Row, nxt: _Row | None, label: str, text: str, header: _Header) -> str:
    if FRAME_LABEL.search(label) and not TOTAL_LABEL.search(label):
        return "other"
    if TOTAL_LABEL.search(label):
        return "total"
    if not row.numbered(text) and nxt is not None and nxt.numbered(text):
        return "total"
    return "other" if header.cost else "allocated"


def find_tables(text: str) -> tuple[list[Quantity], list[tuple[int, int]]]:
    """Quantities read from budget tables in ``text``, and the spans of the tables' headers."""
    headers = find_headers(text)
    out: list[Quantity] = []
    done_until = -1
    for header in headers:
        if header.start < done_until:
            continue
        rows = _read_table(text, header, headers)
        seen = [h for h in headers if h.start >= header.start]
        for i, row in enumerate(rows):
            hdr = row.header or header
            label = _label_text(text, row.label)
            kind = _kind(row, rows[i + 1] if i + 1 < len(rows) else None, label, text, hdr)
            row_start = row.label[0][0] if row.label else row.cells[0][0]
            row_end = row.cells[-1][1]
            for (year, year_end), (s, e, tok) in _columns(row, seen):
                value = cell_value(tok)
                qualifier = None
                if value is None:
                    m = AT_LEAST_CELL.fullmatch(tok)
                    if m is None:
                        continue
                    value, qualifier = parse_digits(m.group(1)), "mindst"
                    if value is None:
                        continue
                out.append(Quantity(
                    start=s, end=e, raw=tok, measure="money", value=whole(value * hdr.factor),
                    qualifier=qualifier, unit_text=hdr.unit, year=year, year_end=year_end,
                    per_year=hdr.per_year, kind=kind, price_level=hdr.price_level,  # type: ignore[arg-type]
                    row_label=label or None, from_table=True, sentence_start=row_start,
                    sentence_end=row_end, quote=squash(text[row_start:row_end]),
                    flags=(UNIT_FROM_HEADER_GUESSED,) if hdr.guessed else (),
                ))
            done_until = max(done_until, row_end)
    return out, [(h.start, h.end) for h in headers]


def cell_value(token: str) -> Decimal | None:
    """The number in one table cell with its sign ("-3,5", "−3,5", "÷3,5", "÷ 3,5" are negative),
    ``None`` for an empty cell ("-", "X") or what is no number."""
    if token in EMPTY_CELLS:
        return None
    sign = 1
    if token[:1] in "-−÷":
        sign, token = -1, token[1:].lstrip(" ")
    value = parse_digits(token)
    return None if value is None else sign * value
