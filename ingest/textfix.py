"""Encoding damage that hides words and amounts, repaired with ftfy before the line-level repair.

* **Mojibake**: UTF-8 that was read as Latin-1 or Windows-1252 and saved again ("Ã¸konomi" for
  "økonomi", "3Â½" for "3½", "2Â 500Â 000" for "2 500 000", "â€“" for "–") is decoded back with
  ftfy's ``fix_encoding`` family of fixes (ftfy: Speer, "ftfy", https://ftfy.readthedocs.io).
* **Latin ligatures** ("ﬁnansloven", "ﬂere", "eﬀekt") become their letters (``fix_latin_ligatures``),
  so that lexical search and the number and period patterns see the words.

ftfy is used rather than our own tables: it knows the encodings, the partial and "sloppy" forms
and when a string only *looks* like mojibake. Its other fixes (curly quotes, line breaks,
character width, HTML entities, control characters, Unicode normalisation) are switched off: the
repair stage handles those, or they are the document's own text.

Each line is fixed on its own (ftfy works line by line too), and only lines that are not plain
ASCII. The characters of a changed line are aligned with the original line (``difflib``), so every
character of the fixed text keeps the offset of the character it came from.
"""

from __future__ import annotations

import difflib
import re
from array import array
from collections import Counter
from dataclasses import dataclass, field

LIGATURES = re.compile("[\ufb00-\ufb06]")


@dataclass
class FixedText:
    """``text`` fixed from ``raw``: ``offsets[i]`` is the raw offset of ``text[i]`` (one more at the end),
    ``None`` when nothing changed; ``notes`` say what was repaired and how; ``spans`` are the raw spans changed."""

    text: str
    offsets: array | None = None
    notes: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)


def _config():
    from ftfy import TextFixerConfig

    return TextFixerConfig(unescape_html=False, remove_terminal_escapes=False, uncurl_quotes=False,
                           fix_line_breaks=False, fix_character_width=False, remove_control_chars=False,
                           normalization=None, explain=True)


def fix_text(raw: str) -> FixedText:
    """``raw`` with mojibake and ligatures repaired by ftfy, the offset map back into ``raw`` and notes.

    Raises nothing: text ftfy has nothing to say about comes back unchanged (``offsets`` is None).
    """
    if raw.isascii():
        return FixedText(raw)
    import ftfy

    config = _config()
    parts: list[str] = []
    offsets = array("q")
    spans: list[tuple[int, int]] = []
    decoded: Counter[str] = Counter()  # encoding the UTF-8 had been read as → lines
    applied: Counter[str] = Counter()
    ligatures = 0
    changed = False
    pos = 0
    for line in raw.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        fixed = line
        if not line.isascii():
            result = ftfy.fix_and_explain(line, config)
            fixed = result.text
        if fixed == line:
            parts.append(line)
            offsets.extend(range(start, start + len(line)))
            continue
        changed = True
        steps = result.explanation or []
        encodings = [param for action, param in steps if action == "encode"]
        if any(action == "decode" for action, _ in steps):
            decoded[encodings[0] if encodings else "unknown"] += 1
        for action, param in steps:
            if action == "apply" and param != "fix_latin_ligatures":
                applied[param] += 1
        if any(param == "fix_latin_ligatures" for _, param in steps):
            ligatures += len(LIGATURES.findall(line))
        parts.append(fixed)
        mapped, changed_spans = _align(line, fixed, start)
        offsets.extend(mapped)
        spans.extend(changed_spans)
    if not changed:
        return FixedText(raw)
    offsets.append(len(raw))
    notes = []
    if decoded:
        how = ", ".join(sorted(decoded))
        n = sum(decoded.values())
        notes.append(f"mojibake fixed with ftfy on {n} line{'s' if n != 1 else ''} "
                     f"(UTF-8 that had been read as {how})")
    if ligatures:
        notes.append(f"{ligatures} ligature{'s' if ligatures != 1 else ''} expanded with ftfy (fix_latin_ligatures)")
    for name, n in sorted(applied.items()):
        notes.append(f"ftfy {name} on {n} line{'s' if n != 1 else ''}")
    return FixedText("".join(parts), offsets, notes, spans)


def _align(old: str, new: str, start: int) -> tuple[list[int], list[tuple[int, int]]]:
    """For each character of ``new``, the offset of the ``old`` character it stands for (from
    ``start``); and the spans of ``old`` that changed."""
    out: list[int] = []
    spans: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(range(start + i1, start + i2))
            continue
        spans.append((start + i1, start + i2))
        if tag == "replace":  # "Ã¸" → "ø": spread the new characters over the old ones
            out.extend(start + i1 + (j - j1) * (i2 - i1) // (j2 - j1) for j in range(j1, j2))
        elif tag == "insert":  # "ﬁ" → "fi" may align as an insertion: the neighbouring old character
            out.extend([start + min(i1, len(old) - 1)] * (j2 - j1))
    return out, spans
