"""Repair of PDF-extraction damage, with a map back to the original characters.

The stage works on physical lines and decides, for each pair of neighbouring lines, how they join:

* words hyphenated across lines are rejoined ("anbefa-\\nlinger" → "anbefalinger"), while real
  hyphens stay ("Børne- og Ungdomspsykiatrien", "F-\\nACT" → "F-ACT", "og -\\nvedligeholdelse");
  a compound that the document spells with a hyphen elsewhere keeps it ("recovery-mentorer");
* sentences broken over lines are joined with one space; table rows, list items, headings and
  paragraphs stay on lines of their own ("\\n", "\\n\\n" between paragraphs);
* page markers ("Side 6", "Side 2 af 9") and PDF page breaks (form feeds) become page numbers;
* running headers repeated on many pages are removed;
* runs of spaces inside a line collapse to one; soft hyphens and zero-width characters go; a word
  split by a soft hyphen (U+00AD) at a line end is rejoined ("efter\u00ad\nuddannelse" →
  "efteruddannelse"); a no-break or thin space between digits ("2 500 000") is kept;
* before all that, mojibake and ligatures are fixed with ftfy (:mod:`ingest.textfix`).

``Repaired.fixes`` says what damage was repaired and how (the ingest report prints it, and the
document's ingest run keeps it as ``kg:textRepair``).

:class:`Repaired` keeps ``offsets``: for every character of the repaired text the index of the
original character it came from, so any span maps back into the source file.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from array import array
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

PAGE_MARKER = re.compile(r"(?:side|page|s\.)\s*(\d{1,4})(?:\s*(?:af|of|/)\s*\d{1,4})?", re.I)
LIST_START = re.compile(
    r"(?:[•●▪■◦*–-]\s|\d{1,2}[.)]\s|[a-zæøå][.)]\s|\d{1,2}\s\((?:Offentlig|Fortrolig|Lukket)\)"
    r"|(?:Initiativ|Anbefaling|Tema|Bilag|Tabel|Figur|Boks|Delmål|Mål)\s+\d)"
)
NUMERIC_CELL = r"(?:[-−÷]?\d{1,3}(?:\.\d{3})*(?:,\d+)?|(?:19|20)\d\d|-|–|÷|−)"
NUMERIC_ROW_END = re.compile(rf"(?:\s{NUMERIC_CELL}){{3,}}\s*$")
TWO_CELL_ROW_END = re.compile(rf"(?:\s{NUMERIC_CELL}){{2,}}\s*$")  # rows of a table with two columns
_UNIT = (r"(?:\(?(?:(?:alle\s+)?beløb(?:ene)?\s+(?:er\s+)?)?(?:i\s+)?(?:(?:mio|mia)\.?\s?kr\.?|1\.?000\s?kr\.?|t\.\s?kr\.?|tkr\.?)"
         r"|(?:beløb(?:ene)?\s+(?:er\s+)?)?i\s+kr\.|\(kr\.)")  # a bare "kr." on a line is the end of a sentence
UNIT_LINE = re.compile(rf"{_UNIT}(?:,?\s*\(?[\w -]*(?:pl|priser)\)?)?\)?", re.IGNORECASE)  # "(1.000 kr.)" alone
UNIT_AFTER_YEARS = re.compile(rf"(?:\s(?:19|20)\d\d){{2,}}\s+{_UNIT}[^\n]*$", re.IGNORECASE)  # "2025 2026 (mio. kr.)"
CONNECTORS = frozenset(
    "og i til af for med på at der som en et de den det fra om mellem under over ved samt eller hvor "
    "hvis når men så end efter inden uden mod hos ikke er blev bliver kan skal vil har have har".split()
)
CONJUNCTIONS_AFTER_HYPHEN = frozenset({"og", "eller", "samt", "el.", "&", "og/eller", "til"})
TERMINAL = (".", "!", "?", ".)", '."', ".”", "?)", ":", ";")
SOFT_HYPHEN = "\u00ad"
DROP_CHARS = {SOFT_HYPHEN, "\u200b", "\u200c", "\u200d", "\ufeff"}
# non-space characters; a no-break, thin or other typeset space between two digits stays inside ("2 500 000")
TOKEN = re.compile(r"(?:\S|(?<=\d)[\u00a0\u2000-\u200a\u202f\u205f\u3000](?=\d))+")
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.U)


@dataclass
class _Line:
    start: int  # raw offset of the line's first character
    tokens: list[tuple[int, int]]  # raw spans of the whitespace-separated tokens
    content: str  # tokens joined by single spaces
    page: int | None = None
    blanks_before: int = 0  # empty lines between this line and the previous kept line
    ws_before: int = 0  # whitespace-only lines between
    marker_page: int | None = None  # a "Side N" marker stood between this line and the previous one


@dataclass
class Repaired:
    raw: str
    text: str
    offsets: array  # len(text) + 1 raw offsets; offsets[i] is where text[i] came from
    page_starts: list[tuple[int, int]] = field(default_factory=list)  # (text offset, page number)
    removed: list[tuple[int, int, str]] = field(default_factory=list)  # (raw start, raw end, why)
    fixes: list[str] = field(default_factory=list)  # damage repaired, and how ("mojibake fixed with ftfy …")
    fixed_spans: list[tuple[int, int]] = field(default_factory=list)  # raw spans ftfy changed

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that the repaired span [start, end) came from."""
        if end <= start:
            pos = self.offsets[start]
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1

    def page_at(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        i = bisect_right(self.page_starts, (offset, float("inf"))) - 1
        return self.page_starts[max(i, 0)][1] if i >= 0 else self.page_starts[0][1]

    @property
    def page_count(self) -> int | None:
        return max((p for _, p in self.page_starts), default=None)


def repair(raw: str) -> Repaired:
    """Repair ``raw`` (text extracted from a PDF, pages separated by form feeds) into clean text."""
    from ingest.textfix import fix_text

    fixed = fix_text(raw)
    source = fixed.text
    lines, removed = _lines(source)
    builder = _Builder(source)
    vocab = _hyphen_vocabulary(source)
    width = _wrap_width(lines)
    gap = statistics.median([ln.blanks_before for ln in lines[1:]]) if len(lines) > 1 else 0
    prev: _Line | None = None
    page: int | None = None
    for line in lines:
        new_page = line.page if line.page is not None else line.marker_page
        if prev is not None:
            how = _join(prev, line, source, vocab, width, gap)
            if how == "dehyphen":
                builder.drop_last()  # the hyphen that ended the previous line
            elif how != "concat":
                builder.add_gap(how, prev.tokens[-1][1])
        if new_page is not None and new_page != page:
            builder.page(new_page)
            page = new_page
        for i, (s, e) in enumerate(line.tokens):
            if i:
                builder.add_gap(" ", line.tokens[i - 1][1])
            builder.add_token(s, e)
        prev = line
    out = builder.finish(removed)
    out.fixes = fixed.notes + _soft_hyphen_notes(source)
    if fixed.offsets is not None:  # map back through ftfy's changes to the original characters
        out.offsets = array("q", (fixed.offsets[o] for o in out.offsets))
        out.removed = [(fixed.offsets[s], fixed.offsets[e], why) for s, e, why in out.removed]
        out.raw, out.fixed_spans = raw, fixed.spans
    return out


def _soft_hyphen_notes(text: str) -> list[str]:
    if SOFT_HYPHEN not in text:
        return []
    at_end = len(re.findall(rf"{SOFT_HYPHEN}[ \t]*(?:\r?\n|\f)", text))
    inside = text.count(SOFT_HYPHEN) - at_end
    notes = []
    if at_end:
        notes.append(f"{at_end} soft hyphen{'s' if at_end != 1 else ''} (U+00AD) at line ends removed and the "
                     "split words rejoined")
    if inside:
        notes.append(f"{inside} soft hyphen{'s' if inside != 1 else ''} (U+00AD) inside lines removed")
    return notes


class _Builder:
    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.parts: list[str] = []
        self.offsets = array("q")
        self.length = 0
        self.pages: list[tuple[int, int]] = []

    def page(self, number: int) -> None:
        if self.pages and self.pages[-1][0] == self.length:
            self.pages[-1] = (self.length, number)
        else:
            self.pages.append((self.length, number))

    def add_gap(self, sep: str, raw_pos: int) -> None:
        self.parts.append(sep)
        self.offsets.extend([raw_pos] * len(sep))
        self.length += len(sep)

    def add_token(self, start: int, end: int) -> None:
        tok = self.raw[start:end]
        if tok.isascii() or (not DROP_CHARS.intersection(tok) and unicodedata.is_normalized("NFC", tok)):
            self.parts.append(tok)
            self.offsets.extend(range(start, end))
            self.length += end - start
            return
        for i, ch in enumerate(tok):
            if ch in DROP_CHARS:
                continue
            norm = unicodedata.normalize("NFC", ch)
            if unicodedata.combining(ch) and self.parts and self.parts[-1]:
                merged = unicodedata.normalize("NFC", self.parts[-1][-1] + ch)
                if len(merged) == 1:  # a combining mark composes with the character before it
                    self.parts[-1] = self.parts[-1][:-1] + merged
                    continue
            self.parts.append(norm)
            self.offsets.extend([start + i] * len(norm))
            self.length += len(norm)

    def drop_last(self) -> None:
        last = self.parts[-1]
        self.parts[-1] = last[:-1]
        self.offsets.pop()
        self.length -= 1

    def finish(self, removed: list[tuple[int, int, str]]) -> Repaired:
        text = "".join(self.parts)
        self.offsets.append(len(self.raw))
        assert len(self.offsets) == len(text) + 1
        return Repaired(self.raw, text, self.offsets, self.pages, removed)


def _lines(raw: str) -> tuple[list[_Line], list[tuple[int, int, str]]]:
    """Physical lines with their tokens; page markers and running headers taken out."""
    has_ff = "\f" in raw
    physical: list[tuple[int, int, int]] = []  # (start, end, page)
    page = 1
    pos = 0
    for m in re.finditer(r"[^\n\f]*(?:\r?\n|\f|$)", raw):
        if m.start() == len(raw) and m.start() == m.end() and pos == len(raw) and physical:
            break
        physical.append((m.start(), m.end(), page))
        if raw[m.start():m.end()].endswith("\f"):
            page += 1
        pos = m.end()
        if m.end() == len(raw):
            break
    headers = _running_headers(raw, physical, has_ff)
    lines: list[_Line] = []
    removed: list[tuple[int, int, str]] = []
    blanks = ws = 0
    marker: int | None = None
    for start, end, pg in physical:
        tokens = [(t.start(), t.end()) for t in TOKEN.finditer(raw, start, end)]
        if not tokens:
            if raw[start:end].strip("\r\n\f") == "":
                blanks += 1
            else:
                ws += 1
            continue
        content = " ".join(raw[s:e] for s, e in tokens)
        if m := PAGE_MARKER.fullmatch(content):
            removed.append((tokens[0][0], tokens[-1][1], "page marker"))
            if not has_ff:
                marker = int(m.group(1))
            ws += 1
            continue
        if content in headers:
            removed.append((tokens[0][0], tokens[-1][1], "running header"))
            ws += 1
            continue
        lines.append(_Line(start, tokens, content, pg if has_ff else None, blanks, ws, marker))
        blanks = ws = 0
        marker = None
    if not has_ff:
        _assign_marker_pages(lines)
    return lines, removed


def _assign_marker_pages(lines: list[_Line]) -> None:
    """'Side N' begins page N; text before the first marker is on the page before it."""
    first = next((ln.marker_page for ln in lines if ln.marker_page is not None), None)
    if first is None:
        return
    if lines and lines[0].marker_page is None:
        lines[0].marker_page = max(first - 1, 1)


def _running_headers(raw: str, physical: list[tuple[int, int, int]], has_ff: bool) -> set[str]:
    contents: list[tuple[str, int]] = []
    for start, end, pg in physical:
        content = " ".join(raw[start:end].split())
        if content:
            contents.append((content, pg))
    counts = Counter(c for c, _ in contents)
    if has_ff:
        pages = max((pg for _, pg in contents), default=1)
        if pages < 3:
            return set()
        edge: Counter[str] = Counter()
        by_page: dict[int, list[str]] = {}
        for c, pg in contents:
            by_page.setdefault(pg, []).append(c)
        for cs in by_page.values():
            for c in set(cs[:2] + cs[-2:]):
                edge[c] += 1
        return {c for c, n in edge.items() if n >= max(3, pages // 2) and not PAGE_MARKER.fullmatch(c)}
    return {
        c for c, n in counts.items()
        if n >= 3 and len(c) >= 40 and not c.endswith(TERMINAL) and not LIST_START.match(c)
    }


def _hyphen_vocabulary(raw: str) -> set[str]:
    """Hyphenated compounds the document writes on one line, e.g. 'recovery-mentorer'."""
    return {w.lower() for w in WORD.findall(raw) if "-" in w}


def _wrap_width(lines: list[_Line]) -> float:
    lengths = sorted(len(ln.content) for ln in lines if len(ln.tokens) >= 3)
    if not lengths:
        return 80.0
    return float(lengths[int(0.9 * (len(lengths) - 1))])


def _join(a: _Line, b: _Line, raw: str, vocab: set[str], width: float, gap: float) -> str:
    """How line ``a`` joins line ``b``: 'dehyphen', 'concat', ' ', '\\n' or '\\n\\n'."""
    a_last = raw[a.tokens[-1][0]:a.tokens[-1][1]]
    b_first = raw[b.tokens[0][0]:b.tokens[0][1]]
    b_word = WORD.match(b_first)
    page_break = b.marker_page is not None or (a.page is not None and b.page != a.page)
    if a_last.endswith(SOFT_HYPHEN) and b_word:
        return "concat"  # "efter\u00ad\nuddannelse": the soft hyphen itself is dropped with the token
    if a_last.endswith("-") and len(a_last) > 1 and a_last[-2].isalpha() and b_word:
        if b_first.lower() in CONJUNCTIONS_AFTER_HYPHEN:
            return " "  # "Børne- og Ungdomspsykiatrien"
        if a_last[-2].islower() and b_first[0].islower():
            stem = WORD.findall(a_last)
            compound = (stem[-1] if stem else a_last[:-1]).lower() + "-" + b_word.group(0).lower()
            return "concat" if compound in vocab else "dehyphen"
        return "concat"  # "F-\nACT" → "F-ACT"
    if a_last == "-" and b_first[:1].islower():
        return "concat"  # "og -\nvedligeholdelse" → "og -vedligeholdelse"
    hard = "\n\n" if (b.ws_before or b.blanks_before > gap or page_break and a.content.endswith(TERMINAL)) else "\n"
    if LIST_START.match(b.content) or a.content.endswith(":"):
        return hard
    if TWO_CELL_ROW_END.search(a.content) and (TWO_CELL_ROW_END.search(" " + b.content) or b.blanks_before):
        return hard  # two rows of figures (a table with two year columns), or a row before an empty line
    if b.blanks_before and TWO_CELL_ROW_END.search(" " + b.content) and not b_first[:1].islower():
        return hard  # a table's header or row after an empty line starts a line of its own
    if UNIT_LINE.fullmatch(a.content) or UNIT_LINE.fullmatch(b.content) or UNIT_AFTER_YEARS.search(a.content):
        return hard  # "(1.000 kr.)" alone over a table's years, "2025 2026 (mio. kr.)": table headers
    if b_first[:1].islower() and not NUMERIC_ROW_END.search(a.content):
        return " "
    if a.content.endswith(TERMINAL) or NUMERIC_ROW_END.search(a.content) or NUMERIC_ROW_END.match(" " + b.content):
        return hard
    last_word = a_last.lower().strip(",;")
    if (a_last.endswith(",") or last_word in CONNECTORS) and len(a.content) >= 0.65 * width:
        return " "
    if len(a.content) >= 0.7 * width and not b.ws_before:
        return " "
    return hard
