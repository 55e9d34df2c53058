"""People named in Danish policy texts, with the role the text gives them.

A person is a run of two to four capitalised words on one line that either starts with a common
Danish first name from the gazetteer ("Kira West", "Sophie Hæstorp Andersen") or directly follows
a role ("Forperson\\n\\nMerete Nordentoft"). The role is read from the words before the name
("Tidligere Social- og boligminister", "leder af Psykiatriens Hus"), from a line before it in
lists laid out as organisation / role / name, or from an apposition after it
("Kira West, formand for Rådet for Socialt Udsatte,").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.gazetteer import Gazetteer

NAME_TOKEN = r"[A-ZÆØÅÉ][a-zæøåéèüöäë]+(?:-[A-ZÆØÅ][a-zæøåéèüöäë]+)?"
NAME_RUN = re.compile(rf"(?<![\w.-]){NAME_TOKEN}(?:[ ]{NAME_TOKEN})+(?![\w-])")
SAINT = re.compile(r"(?:Sct|Skt|Sankt)\.?\s*$")
ROLE_MODIFIER = re.compile(r"(?:[\wæøå]+-,?|og|[\wæøå]+(?:ig|lig|isk|ende|ere|ne|te))$", re.I)
CLAUSE = re.compile(r"[.;:()!?\n]|,\s")
NOT_NAME = frozenset(
    "Region Kommune Center Hospital Fonden Fond Universitet Psykiatri Psykiatrien Psykiatrisk Danske Dansk "
    "Det Den De Aftale Bilag Tabel Initiativ Status Udvalget Sagsfremstilling Indstilling Resumé Økonomi "
    "Kommunikation Beslutninger Mødedeltagere Styrelsen Rådet Task Force Research Group Hus Selskab".split()
)


@dataclass(frozen=True)
class PersonHit:
    start: int
    end: int
    name: str
    role: str | None = None
    role_start: int | None = None  # where the role's text starts (the affiliation may be inside it)
    role_end: int | None = None


def _is_role_word(word: str, roles: tuple[str, ...]) -> bool:
    w = word.lower().strip(",.:;")
    return len(w) > 2 and any(w.endswith(r) for r in roles)


def _role_before(text: str, start: int, roles: tuple[str, ...]) -> tuple[int, int] | None:
    """The span of a role phrase that ends right before ``start`` (same clause or the line above)."""
    line_start = text.rfind("\n", 0, start) + 1
    segment = text[line_start:start]
    if segment.strip():
        cut = max((m.end() for m in CLAUSE.finditer(segment)), default=0)
        seg_start = line_start + cut
        words = list(re.finditer(r"\S+", text[seg_start:start]))
        idx = next((i for i, w in enumerate(words) if _is_role_word(w.group(0), roles)), None)
        if idx is None and not words and segment.rstrip().endswith(","):
            return _role_apposition(text, line_start, line_start + len(segment.rstrip()) - 1, roles)
        if idx is None:
            return None
        while idx > 0 and ROLE_MODIFIER.fullmatch(words[idx - 1].group(0)) and words[idx - 1].group(0)[0] != "(":
            idx -= 1
        return seg_start + words[idx].start(), start
    # the name starts its line: the role is the previous non-empty line, if short and a role
    prev_end = len(text[:line_start].rstrip())
    prev_start = text.rfind("\n", 0, prev_end) + 1
    prev = text[prev_start:prev_end].strip()
    if 0 < len(prev) <= 60 and len(prev.split()) <= 5 and any(_is_role_word(w, roles) for w in prev.split()):
        return prev_start + text[prev_start:prev_end].index(prev), prev_end
    return None


def _role_apposition(text: str, line_start: int, comma: int, roles: tuple[str, ...]) -> tuple[int, int] | None:
    """'Formand for Regionsrådet i Region Sjælland, Heino Knudsen': a clause that opens with a role."""
    clause_start = max((m.end() for m in CLAUSE.finditer(text, line_start, comma)), default=line_start)
    clause = text[clause_start:comma]
    first = re.match(r"\s*(\S+)", clause)
    if first and _is_role_word(first.group(1), roles) and len(clause.split()) <= 8:
        return clause_start + first.start(1), comma
    return None


def _role_after(text: str, end: int, roles: tuple[str, ...]) -> tuple[int, int] | None:
    m = re.match(r",\s+((?:[\wæøå-]+\s+){0,2}?[\wæøå-]+)", text[end:end + 80])
    if not m or not _is_role_word(m.group(1).split()[-1], roles):
        return None
    stop = re.search(r"[,.;:()\n]", text[end + m.start(1):end + 160])
    role_end = end + m.start(1) + (stop.start() if stop else len(text[end + m.start(1):end + 160]))
    return end + m.start(1), role_end


def _first_name_above(text: str, start: int, gaz: Gazetteer) -> tuple[int, str] | None:
    """A first name that ends the line above a name starting its line ("Britt\n\nReuter Morthorst")."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return None
    m = re.search(rf"(?<![\w-])({NAME_TOKEN})[ \t]*\n\s*$", text[max(0, line_start - 60):start])
    if m and m.group(1) in gaz.first_names:
        return max(0, line_start - 60) + m.start(1), m.group(1)
    return None


def find_persons(text: str, gaz: Gazetteer, taken: list[tuple[int, int]] = ()) -> list[PersonHit]:
    """People in ``text`` outside the spans ``taken`` (organisations, places found before)."""
    hits: list[PersonHit] = []
    for m in NAME_RUN.finditer(text):
        for segment in _segments(m):
            hit = _person(text, segment, gaz, taken)
            if hit is not None:
                hits.append(hit)
    return hits


def _segments(m: re.Match[str]) -> list[list[tuple[int, int, str]]]:
    """The run of capitalised words split at words that cannot be part of a name ("Hus", "Region")."""
    out: list[list[tuple[int, int, str]]] = [[]]
    for t in re.finditer(NAME_TOKEN, m.group(0)):
        if t.group(0) in NOT_NAME:
            out.append([])
        else:
            out[-1].append((m.start() + t.start(), m.start() + t.end(), t.group(0)))
    return [s for s in out if s]


def _person(text: str, tokens: list[tuple[int, int, str]], gaz: Gazetteer, taken) -> PersonHit | None:
    roles = gaz.roles
    first = next((i for i, t in enumerate(tokens) if t[2] in gaz.first_names and i < len(tokens) - 1), None)
    if first is not None:
        tokens = tokens[first:first + 4]
    elif len(tokens) > 4:
        return None
    start, end = tokens[0][0], tokens[-1][1]
    names = [t[2] for t in tokens]
    split = _first_name_above(text, start, gaz) if first is None else None
    if split is not None:  # "Chefrådgiver Josefina\n\nHindenburg Krausing"
        start, names, first = split[0], [split[1], *names], 0
    if first is None and len(names) < 2 or SAINT.search(text[max(0, start - 6):start]):
        return None
    if any(s < end and start < e for s, e in taken):
        return None
    role = _role_before(text, start, roles)
    if role is None:
        role = _role_after(text, end, roles)
    if first is None:
        # no known first name: only a name right after its role ("Forperson\n\nMerete Nordentoft")
        if role is None or any(len(n) > 15 or n.endswith("et") or _is_role_word(n, roles) for n in names):
            return None
        same_line = text[role[1]:start].strip() == "" and "\n" not in text[role[1]:start]
        if same_line and not _is_role_word(text[role[0]:role[1]].split()[-1], roles):
            return None
    role_text = re.sub(r"\s+", " ", text[role[0]:role[1]]).strip(" ,") if role else None
    return PersonHit(start, end, " ".join(names), role_text or None,
                     role[0] if role else None, role[1] if role else None)
