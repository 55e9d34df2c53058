"""Words with coordinates grouped into lines, and the running headers and footers of a document.

Coordinates are PDF points from the top left of the page as shown (pdfplumber's ``top``/``bottom``,
a rotated page already turned upright), the same for words read from the text layer and from OCR.

A *running* line is a line in the top or bottom margin band of a page that recurs, digits aside,
on at least half the pages (and two), or a page number
("Side 2", "Side 2 af 9", "- 2 -", "2/9") alone in the band. Running lines are dropped from the
text; their wording is kept as document metadata.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from ingest.tables import AT_LEAST_CELL, EMPTY_CELLS, NUMBER_CELL

PAGE_NUMBER = re.compile(r"(?:(?:side|page|s\.)\s*\d{1,4}(?:\s*(?:af|of|/)\s*\d{1,4})?|[-–]\s*\d{1,4}\s*[-–]|\d{1,4}(?:\s*/\s*\d{1,4})?)",
                         re.IGNORECASE)
MARGIN_BAND = 0.09  # top and bottom share of the page height where running lines stand
NEGATIVE = re.compile(r"[-−–]\d")


@dataclass
class Word:
    """One word on a page; ``top``/``bottom`` grow downwards."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    font: str = ""
    size: float = 10.0

    @property
    def bold(self) -> bool:
        return any(k in self.font.lower() for k in ("bold", "black", "heavy", "semibold", "demi"))


@dataclass
class Line:
    """Words sharing a baseline, left to right."""

    words: list[Word] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def size(self) -> float:
        return statistics.median(w.size for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def font(self) -> str:
        """The font of most of the line's characters (bold headings differ from body text)."""
        counts: Counter[str] = Counter()
        for w in self.words:
            counts[w.font] += len(w.text)
        return counts.most_common(1)[0][0]


def group_lines(words: list[Word]) -> list[Line]:
    """Words grouped into lines by vertical overlap, top to bottom; each line's words left to right."""
    lines: list[Line] = []
    for w in sorted(words, key=lambda w: (round(w.top, 1), w.x0)):
        mid = (w.top + w.bottom) / 2
        for line in reversed(lines[-4:]):  # a word joins a recent line whose band holds its middle
            if line.top - 0.5 <= mid <= line.bottom + 0.5 and abs(line.bottom - w.bottom) < 0.6 * w.size:
                line.words.append(w)
                break
        else:
            lines.append(Line([w]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


CELL_UNIT = re.compile(r"(?P<number>.+?)\s?(?P<unit>(?:(?:mio|mia|mrd|mill)\.?\s?)?kr\.?|t\.\s?kr\.?|tkr\.?|DKK)",
                       re.IGNORECASE)


def is_cell(text: str) -> bool:
    """Whether ``text`` fills a table cell: a number, "-", "X", "20,8+Y", "−1.200", also with a money unit
    ("500.000 kr.", "2,5 mio. kr.")."""
    t = NEGATIVE.sub(lambda m: "-" + m.group(0)[1:], text)
    if t in EMPTY_CELLS or NUMBER_CELL.fullmatch(t) is not None or AT_LEAST_CELL.fullmatch(t) is not None:
        return True
    m = CELL_UNIT.fullmatch(t)
    return m is not None and (NUMBER_CELL.fullmatch(m.group("number")) is not None
                              or AT_LEAST_CELL.fullmatch(m.group("number")) is not None)


def merged(words: list[Word]) -> Word:
    """Several words as one (a cell "500.000 kr."): their text joined by spaces, their joint box."""
    if len(words) == 1:
        return words[0]
    return Word(" ".join(w.text for w in words), words[0].x0, max(w.x1 for w in words), min(w.top for w in words),
                max(w.bottom for w in words), words[0].font, max(w.size for w in words))


def cell_gap(size: float) -> float:
    """The least space before a word for it to start a new cell (wider than any space between words)."""
    return max(6.0, 1.0 * size)


def pieces(line: Line) -> list[list[Word]]:
    """The line cut where the space between words is cell-wide: the parts of a header or a row."""
    out: list[list[Word]] = [[line.words[0]]]
    for a, b in zip(line.words, line.words[1:]):
        if b.x0 - a.x1 >= cell_gap(max(a.size, b.size)):
            out.append([b])
        else:
            out[-1].append(b)
    return out


def _normal(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split())).lower()


def running_lines(pages: list[tuple[float, list[Line]]]) -> tuple[set[tuple[int, int]], list[str]]:
    """The running headers and footers of a document given as (page height, lines) per page.

    Returns the (page index, line index) of every running line and their distinct wordings (as on
    the first page they stand on).
    """
    candidates: list[tuple[int, int, str]] = []
    for p, (height, lines) in enumerate(pages):
        band = height * MARGIN_BAND
        for i, line in enumerate(lines):
            edge = i < 2 or i >= len(lines) - 2
            if edge and (line.bottom <= band or line.top >= height - band):
                candidates.append((p, i, line.text))
    pages_of: dict[str, set[int]] = {}
    for p, _, text in candidates:
        pages_of.setdefault(_normal(text), set()).add(p)
    need = max(2, (len(pages) + 1) // 2)  # on half the pages: "Punktnummer: 3" atop a few pages is content
    drop: set[tuple[int, int]] = set()
    kept: dict[str, str] = {}
    for p, i, text in candidates:
        norm = _normal(text)
        if len(pages_of[norm]) >= need or PAGE_NUMBER.fullmatch(text.strip()):
            drop.add((p, i))
            kept.setdefault(norm, " ".join(text.split()))
    return drop, list(kept.values())
