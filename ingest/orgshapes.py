"""Organisations not in the gazetteer, found from the shape of their names.

The shapes (their key words are data: ``shapes`` in ``kg/data/gazetteer.yaml``):

* a compound ending in an organisation word: "Sundhedsdatastyrelsen", "Psykiatri- og
  Socialudvalget", "Social-, Bolig- og Ældreministeriet", "Autismeforeningen";
* a head word with "for": "Center for Digital Psykiatri", "Task Force for forebyggelse af tvang
  i psykiatrien", "Nationalt råd for psykiske lidelser og mental sundhed" -- the name runs while
  words are joined by "af", "og", "i" … and stops before another actor ("… i Region Syddanmark",
  which becomes the parent);
* a name with an organisation tail: "VIRTU Research Group", "Novo Nordisk Fonden", "Aalborg
  Kommune", "Psykiatriens Hus i Aalborg";
* a name opened by "Danske", "Dansk" or "Danmarks": "Danske Hospitalsklovne";
* "Region …", "Psykiatrisk Center …", "Ældrepsykiatrisk Afdeling";
* a quoted name after "foreningen": "foreningen ’Børn og Unges Trivsel’";
* "X er en … organisation/forening/fond".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.lang.da.stop_words import STOP_WORDS

from ingest.gazetteer import Gazetteer, name_regex

CAP = r"[A-ZÆØÅ][a-zæøåéü]+"
WORD = re.compile(r"[\wæøåÆØÅ][\wæøåÆØÅ'’-]*")
ADJ_CAP = ("al", "alt", "ale", "ig", "igt", "ige", "isk", "iske", "ær", "ære", "ende", "men", "ny", "nye")
ADJECTIVE = ("iske", "ige", "ale", "ære", "isk", "al", "ig")
CONNECTORS = frozenset({"af", "og", "i", "for", "til", "med", "mod", "blandt"})
QUOTED = re.compile(r"\b(?:foreningen|organisationen|fonden|netværket|selskabet)\s+[’'\"”«]([^’'\"”»\n]{3,60})[’'\"”»]")
IS_A = re.compile(
    rf"(?:^|(?<=[.!?]\s)|(?<=\n))((?:{CAP}\s){{0,2}}{CAP})\s+er\s+en\s+(?:[a-zæøå-]+\s+){{0,3}}"
    r"(organisation|forening|fond|interesseorganisation|paraplyorganisation|myndighed|styrelse)\b"
)
REGION = re.compile(rf"(?<![\w-])Region\s+({CAP})(?:s)?(?![\w])")
REGION_PSYCHIATRY = re.compile(rf"(?<![\w-])(?:Region\s+({CAP})s\s+Psykiatri|Psykiatrien,?\s+(?:i\s+)?Region\s+({CAP}))(?![\w])")
CLINIC = re.compile(  # "Psykiatrisk Center Glostrup", "Psykoterapeutisk Center Stolpegård", "Diagnostisk Klinik"
    rf"(?<![\w-])(?:(?:{CAP}-\s+og\s+)?{CAP}isk[e]?|Psykiatrisk[e]?)\s+(?:Center|Afdeling|Klinik)"
    rf"(?:[ ]((?!(?:Der|Det|Den|De|Og|I|Som)\b){CAP}(?:[ ]{CAP})?))?(?![\w])"
)
PLACE_TAILS = frozenset({"Center", "Sygehus", "Hospital", "Regionshospital"})  # a town may follow: "… Center Odense"
IS_A_TYPES = {"forening": "association", "fond": "foundation", "myndighed": "agency", "styrelse": "agency"}


@dataclass(frozen=True)
class ShapeHit:
    start: int
    end: int
    name: str
    type: str
    acronym: str | None = None
    parent_start: int | None = None  # start of the actor this one belongs to ("… i Region Syddanmark")
    parent_name: str | None = None  # or the name of that actor ("Region Nordjylland" in "Psykiatrien i …")
    extends: bool = False  # may replace an actor found inside it ("Region Hovedstadens" + " Psykiatri")


def clean(name: str) -> str:
    name = re.sub(r"\s*[-–]\s+og\s+", "- og ", re.sub(r"\s+", " ", name))
    return re.sub(r"\s+-,", "-,", name).strip()


def _strip_stop(text: str, start: int, end: int) -> int:
    """Move ``start`` past leading common words ("Derfor Aalborg Kommune" → "Aalborg Kommune")."""
    while True:
        m = re.match(r"(\S+)\s+", text[start:end])
        if not m or m.group(1).lower() not in STOP_WORDS:
            return start
        start += m.end()


def _taken_at(taken: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    return next(((s, e) for s, e in taken if s == pos), None)


def _for_tail(text: str, pos: int, taken: list[tuple[int, int]]) -> tuple[int, int | None]:
    """The end of the name after 'for' starting at ``pos``, and the start of a parent actor after it."""
    words = []
    for m in WORD.finditer(text, pos, min(len(text), pos + 160)):
        gap = text[words[-1][1] if words else pos:m.start()]
        if "\n\n" in gap or (words and gap.strip()):
            break
        words.append((m.start(), m.end(), m.group(0)))
    end, i, parent = None, 0, None
    while i < len(words):
        s, e, w = words[i]
        if i == 0:
            if w.lower() in STOP_WORDS or w.isdigit() or _taken_at(taken, s):
                return pos, None
            end, i = e, 1
            continue
        prev = words[i - 1][2]
        if w[0].isupper() and not w.isupper() and text[end:s] == " " and prev[0].isupper() and (
                prev.endswith(ADJ_CAP) or (prev.endswith("s") and i == 1)):  # "Digital Psykiatri", "Fremtidens Folkeskole"
            if _taken_at(taken, s):
                break
            end, i = e, i + 1  # "Digital Psykiatri"
            continue
        if w.islower() and words[i - 1][2].endswith(ADJECTIVE) and w not in STOP_WORDS and text[end:s] == " ":
            end, i = e, i + 1  # "psykiske lidelser", "mental sundhed"
            continue
        if w.lower() in CONNECTORS and i + 1 < len(words):
            ns, ne, nw = words[i + 1]
            if _taken_at(taken, ns):
                parent = ns if w.lower() == "i" else None
                break
            if nw.lower() in STOP_WORDS or nw.isupper() or nw.isdigit() or ns - e > 2:
                break
            if words[0][2].islower() and not nw.islower():
                break  # "psykiatriområdet og Task Force …": a new name starts
            end, i = ne, i + 2
            continue
        break
    return end or pos, parent


def find_shapes(text: str, gaz: Gazetteer, taken: list[tuple[int, int]] = ()) -> list[ShapeHit]:
    """Organisation names in ``text`` found from their shape, longest first, not overlapping ``taken``."""
    shapes, hits = gaz.shapes, []
    suffixes = "|".join(sorted(shapes["suffixes"], key=len, reverse=True))
    not_suffix = tuple(shapes.get("not_suffixes", ()))
    for m in re.finditer(
        rf"(?<![\w-])((?:{CAP}\s?[-–],?\s+(?:og\s+)?)*)([A-ZÆØÅa-zæøå][a-zæøå]*?({suffixes}))(s?)(?![\w])", text
    ):
        final = m.group(2)
        if (not m.group(1) and not final[0].isupper()) or len(final) <= len(m.group(3)) + 2:
            continue
        if final.lower().endswith(not_suffix) or final.lower().startswith("regionsråd"):
            continue
        end, name = m.end(), clean(m.group(1) + final)
        acronym = re.match(r" ([A-ZÆØÅ]{2,8})(?![\w-])", text[end:end + 10]) if not m.group(4) else None
        if acronym:  # "Landsforeningen LEV"
            end, name = end + acronym.end(), f"{name} {acronym.group(1)}"
        if m.group(3) == "udvalg" and not m.group(4) and re.search(rf"(?<![\w-]){re.escape(final)}et(?!\w)", text):
            name += "et"  # "Psykiatri- og Socialudvalg tager …" in a text that names "… Socialudvalget"
        hits.append(ShapeHit(m.start(), end, name, shapes["suffixes"][m.group(3)]))

    heads = "|".join(sorted((name_regex(h) for h in shapes["heads_for"]), key=len, reverse=True))
    openers = "|".join(sorted((name_regex(o) for o in shapes["openers"]), key=len, reverse=True))
    head_types = {h.lower(): t for h, t in shapes["heads_for"].items()}
    for m in re.finditer(
        rf"(?<![\w-])(?:((?:{openers})\s+(?:[A-ZÆØÅ][a-zæøå]+\s+)?)?({heads})|({openers})\s+(råd|partnerskab|center|"
        rf"forum|enhed|netværk|udvalg))\s+for\s+",
        text,
    ):
        end, parent = _for_tail(text, m.end(), taken)
        if end <= m.end():
            continue
        head = (m.group(2) or m.group(4)).lower()
        kind = head_types.get(head, head_types.get(head.capitalize(), "organisation")) if m.group(2) else \
            {"råd": "council", "udvalg": "committee", "partnerskab": "taskforce"}.get(head, "centre")
        name = clean(text[m.start():end])
        start = m.start()
        before = re.search(r"(\S+)s\s$", text[max(0, start - 60):start])
        owner = next((s for s, e in taken if e == start - 1 and before), None)
        hits.append(ShapeHit(start, end, name, kind, None, parent if parent is not None else owner))

    tails = "|".join(sorted((name_regex(t) for t in shapes["tails"]), key=len, reverse=True))
    tail_types = {t: ty for t, ty in shapes["tails"].items()}
    for m in re.finditer(
        rf"(?<![\w-])((?:(?:[A-ZÆØÅ][\wæøåÆØÅ&-]*|[A-ZÆØÅ][a-zæøå]{{0,3}}\.|[A-ZÆØÅ]\.[A-ZÆØÅ]\.)[ ]+){{1,3}})"
        rf"({tails})(s?)(?![\w])", text
    ):
        tail = re.sub(r"\s+", " ", m.group(2))
        start = _strip_stop(text, m.start(), m.start(2))
        lead = text[start:m.start(2)].split()
        if tail == "Kommune" and len(lead) > 1 and gaz.place_pattern()[0].fullmatch(lead[-1]):
            start, lead = m.start(2) - len(lead[-1]) - 1, lead[-1:]  # "… i Aarhus Aarhus Kommune tildeler"
        if not lead or (tail in ("Kommune", "Hus") and len(lead) > 1) or (tail == "Hus" and not lead[0].endswith("s")):
            continue
        end = name_end = m.end(2)  # "Københavns Kommunes budget": the name is "Københavns Kommune"
        if tail == "Hus":
            place = re.match(r"\s+i\s+([A-ZÆØÅ][\wæøå-]+)", text[end:end + 40])
            if place and gaz.place_pattern()[0].fullmatch(place.group(1)):
                end = name_end = end + place.end()
        elif tail in PLACE_TAILS and not m.group(3):  # "Steno Diabetes Center Odense"
            place = re.match(r" ([A-ZÆØÅ][\wæøå-]+)(?![\w-])", text[end:end + 40])
            if place and gaz.place_pattern()[0].fullmatch(place.group(1)):
                end = name_end = end + place.end()
        if end == m.end(2):
            end = m.end()
        acronym = lead[0] if lead[0].isupper() and len(lead[0]) >= 2 and len(lead) == 1 else None
        hits.append(ShapeHit(start, end, clean(text[start:name_end]), tail_types[tail], acronym))

    for m in re.finditer(rf"(?<![\w-])(?:Danske|Dansk|Danmarks)(?:[ ]{CAP}){{1,4}}(?![\w])", text):
        last = m.group(0).split()[-1].lower()
        kind = "foundation" if last.endswith("fond") else "professional" if last.endswith("selskab") else "association"
        hits.append(ShapeHit(m.start(), m.end(), clean(m.group(0)), kind))
    for m in REGION_PSYCHIATRY.finditer(text):
        region = f"Region {m.group(1) or m.group(2)}"
        name = f"{region}s Psykiatri" if m.group(1) else f"Psykiatrien i {region}"
        hits.append(ShapeHit(m.start(), m.end(), name, "psychiatry", None, None, region, extends=True))
    for m in REGION.finditer(text):
        hits.append(ShapeHit(m.start(), m.end(), f"Region {m.group(1)}", "region"))
    for m in CLINIC.finditer(text):
        kind = "psychiatry" if "psykiatri" in m.group(0).lower() else "hospital"
        hits.append(ShapeHit(m.start(), m.end(), clean(m.group(0)), kind))
    for m in QUOTED.finditer(text):
        hits.append(ShapeHit(m.start(1), m.end(1), clean(m.group(1)), "association"))
    for m in IS_A.finditer(text):
        start = _strip_stop(text, m.start(1), m.end(1))
        if start < m.end(1):
            hits.append(ShapeHit(start, m.end(1), text[start:m.end(1)], IS_A_TYPES.get(m.group(2), "association")))

    out: list[ShapeHit] = []
    occupied = list(taken)
    for h in sorted(hits, key=lambda h: (h.start - h.end, h.start)):
        if not any(s < h.end and h.start < e and not (h.extends and h.start <= s and e <= h.end) for s, e in occupied):
            out.append(_degenitive(h, text))
            occupied.append((h.start, h.end))
    return sorted(out, key=lambda h: h.start)


def _degenitive(h: ShapeHit, text: str) -> ShapeHit:
    """'VIRTU Research Groups udvikling' → 'VIRTU Research Group' when the text also has the bare name."""
    if h.name.endswith("s") and len(h.name) > 4:
        stem = h.name[:-1]
        if any(_bare(text, i, len(stem)) for i in _find_all(text, stem)):
            return ShapeHit(h.start, h.end, stem, h.type, h.acronym, h.parent_start, h.parent_name, h.extends)
    return h


def _find_all(text: str, sub: str) -> list[int]:
    out, i = [], text.find(sub)
    while i >= 0:
        out.append(i)
        i = text.find(sub, i + 1)
    return out


def _bare(text: str, i: int, n: int) -> bool:
    """Whether text[i:i+n] is a whole name: no letter or hyphen before it, no letter after it."""
    before = text[i - 1] if i else " "
    after = text[i + n] if i + n < len(text) else " "
    return not (before.isalnum() or before == "-") and not after.isalnum()
