"""Segmentation of repaired text into sections and passages.

Sections start at headings the corpus uses: numbered agenda items ("6 (Offentlig) …"),
initiatives ("Initiativ 3a.", "Anbefaling 2 – …", table rows naming the responsible actors
"… (DR og KL)"), appendices and tables ("Bilag 1", "Tabel 1"), numbered headings ("2. En
regional psykiatriplan …") and short unnumbered headings. Passages pack a section's lines into
spans of about ``min_words``–``max_words`` words and never cross a section boundary; every
passage is an exact span ``text[start:end]`` of the repaired text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.repair import NUMERIC_ROW_END

AGENDA_ITEM = re.compile(r"\d{1,2} \((?:Offentlig|Fortrolig|Lukket)\)")
INITIATIVE = re.compile(r"(?:Initiativ|Anbefaling)\s+\d+[a-zæøå]?\b")
APPENDIX = re.compile(r"(?:Bilag|Tabel)\s+\d+\b(?!\s*(?:og|,))")
NUMBERED = re.compile(r"\d{1,2}(?:\.\d{1,2})*\.?\s+[A-ZÆØÅ]")
ACTOR_ROW = re.compile(
    r"[A-ZÆØÅ][^.()\n]{5,160}?\s\((?:[A-ZÆØÅ]{2,6}(?:\s*(?:og|,|/)\s*[A-ZÆØÅ]{2,6})*)\)"
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9•(\"“])")
SUBHEADINGS = frozenset(
    "Resumé Indstilling Sagsfremstilling Økonomi Beslutning Bilag Kommunikation Baggrund "
    "Sekretariatets bemærkninger Mål: Delmål:".split()
)


@dataclass
class Passage:
    order: int
    start: int
    end: int
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass
class Section:
    order: int
    kind: str  # preamble | agenda-item | initiative | appendix | numbered | heading
    title: str
    start: int
    end: int
    passages: list[Passage] = field(default_factory=list)


def _lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def heading_kind(line: str, next_line: str | None, prev_blank: bool) -> tuple[str, str] | None:
    """(kind, title) when ``line`` opens a section, else None."""
    words = line.split()
    if AGENDA_ITEM.match(line):
        return "agenda-item", line
    if INITIATIVE.match(line):
        return "initiative", line
    if APPENDIX.match(line) and len(words) <= 14:
        return "appendix", line
    if NUMERIC_ROW_END.search(line) or re.search(r"(?:\b(?:19|20)\d\d\b.*){3,}", line) or (next_line is not None and NUMERIC_ROW_END.match(" " + next_line)):
        return None  # a table row, not a heading
    if m := ACTOR_ROW.match(line):
        return "initiative", m.group(0)
    if NUMBERED.match(line) and len(words) <= 14 and not line.rstrip().endswith((".", ",", ";")):
        if next_line is not None and NUMBERED.match(next_line):
            return None  # one item of a numbered list
        return "numbered", line
    if (
        prev_blank and 1 <= len(words) <= 14 and line[:1].isupper() and line not in SUBHEADINGS
        and not line.rstrip().endswith((".", ",", ";", ":", "?", "!")) and next_line is not None
        and len(next_line.split()) >= 12
    ):
        return "heading", line
    return None


def segment(text: str, min_words: int = 100, max_words: int = 250) -> list[Section]:
    lines = _lines(text)
    starts: list[tuple[int, str, str]] = []  # (line index, kind, title)
    for i, (s, e) in enumerate(lines):
        nxt = text[lines[i + 1][0]:lines[i + 1][1]] if i + 1 < len(lines) else None
        prev = text[lines[i - 1][0]:lines[i - 1][1]] if i else ""
        prev_blank = (
            i == 0 or "\n\n" in text[lines[i - 1][1]:s] or prev.rstrip().endswith((".", "!", "?", ":"))
            or len(prev.split()) <= 14
        )
        found = heading_kind(text[s:e], nxt, prev_blank)
        if found:
            starts.append((i, *found))
    if not starts or starts[0][0] != 0:
        starts.insert(0, (0, "preamble", text[lines[0][0]:lines[0][1]] if lines else ""))
    # a heading directly followed by another heading is merged into it (no empty sections)
    merged: list[tuple[int, str, str]] = []
    for i, (line_i, kind, title) in enumerate(starts):
        nxt_line = starts[i + 1][0] if i + 1 < len(starts) else len(lines)
        words = sum(len(text[s:e].split()) for s, e in lines[line_i:nxt_line])
        if merged and merged[-1][1] in ("heading", "numbered") and merged[-1][3] < 30 and kind in ("heading", "numbered"):
            prev = merged.pop()
            merged.append((prev[0], prev[1], prev[2], prev[3] + words))
            continue
        merged.append((line_i, kind, title, words))
    sections: list[Section] = []
    for n, (line_i, kind, title, _) in enumerate(merged):
        last = (merged[n + 1][0] if n + 1 < len(merged) else len(lines)) - 1
        if last < line_i:
            continue
        sec = Section(len(sections), kind, title.strip()[:300], lines[line_i][0], lines[last][1])
        sec.passages = _pack(text, lines[line_i:last + 1], min_words, max_words)
        sections.append(sec)
    order = 0
    for sec in sections:
        for p in sec.passages:
            p.order = order
            order += 1
    return sections


def _units(text: str, lines: list[tuple[int, int]], max_words: int) -> list[tuple[int, int]]:
    """Lines, with lines longer than ``max_words`` split at sentence ends (or, failing that, words)."""
    units: list[tuple[int, int]] = []
    for s, e in lines:
        if len(text[s:e].split()) <= max_words:
            units.append((s, e))
            continue
        cuts = [s] + [m.end() for m in SENTENCE_END.finditer(text, s, e)] + [e]
        sentences = [(a, _rstrip(text, a, b)) for a, b in zip(cuts, cuts[1:]) if text[a:b].strip()]
        for a, b in sentences:
            if len(text[a:b].split()) <= max_words:
                units.append((a, b))
            else:
                units.extend(_word_chunks(text, a, b, max_words))
    return units


def _rstrip(text: str, a: int, b: int) -> int:
    while b > a and text[b - 1].isspace():
        b -= 1
    return b


def _word_chunks(text: str, a: int, b: int, max_words: int) -> list[tuple[int, int]]:
    spans = [m.span() for m in re.finditer(r"\S+", text[a:b])]
    return [
        (a + spans[i][0], a + spans[min(i + max_words, len(spans)) - 1][1])
        for i in range(0, len(spans), max_words)
    ]


def _pack(text: str, lines: list[tuple[int, int]], min_words: int, max_words: int) -> list[Passage]:
    groups: list[list[tuple[int, int]]] = []
    words: list[int] = []
    for unit in _units(text, lines, max_words):
        n = len(text[unit[0]:unit[1]].split())
        if groups and words[-1] < min_words and words[-1] + n <= max_words:
            groups[-1].append(unit)
            words[-1] += n
        else:
            groups.append([unit])
            words.append(n)
    if len(groups) > 1 and words[-1] < min_words // 2 and words[-2] + words[-1] <= max_words:
        groups[-2].extend(groups.pop())
        words[-1] += words.pop()
    return [Passage(0, g[0][0], g[-1][1], text[g[0][0]:g[-1][1]]) for g in groups]
