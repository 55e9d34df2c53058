"""Organisations of the open classes that news and agenda texts name, from token patterns.

:mod:`ingest.orgshapes` finds names from their shape in characters; this module adds patterns over
the tokens of ``spacy.blank("da")`` (a :class:`spacy.matcher.Matcher`) and a few character
patterns, for the kinds that unseen pages name and the shapes missed (issue 15):

* hospitals and care institutions named head-first: "Regionshospitalet Gødstrup", "Sygehus
  Lillebælt", "Hospitalsenheden Vest", "Regionshospital Nordjylland", "friplejecentret Lærkevej" --
  the head word, then a capitalised name that is no common word;
* news media cited as sources: "fagbladet Folkeskolen", "dagbladet Information", "avisen Danmark";
* names written in capitals: "OK-FONDEN", "LANDSFORENINGEN AUTISME", "DANSKE SENIORER" -- a run of
  upper-case words with an organisation word ("FONDEN", "FORENINGEN" …) or a Danish opener;
* ministries, agencies and directorates in lower case: "undervisningsministeriet",
  "miljøstyrelsen" (labelled with a capital; not "bestyrelsen" or "fagministeriet");
* committees named "Børn og Unge-udvalget", "Klima-, Miljø- og Teknikudvalget";
* a municipality written with a lower-case "kommune" after its name: "Hjørring kommune".

Each finder yields :class:`~ingest.orgshapes.ShapeHit` values; :func:`find_org_patterns` returns
them without overlaps, longest first, outside the spans already ``taken``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.lang.da.stop_words import STOP_WORDS

from ingest.gazetteer import Gazetteer
from ingest.orgshapes import ShapeHit, clean

HOSPITAL_HEADS = {  # head word → actor type; the name follows the head ("Sygehus Lillebælt")
    "regionshospital": "hospital", "regionshospitalet": "hospital", "sygehus": "hospital", "sygehuset": "hospital",
    "hospital": "hospital", "hospitalet": "hospital", "hospitalsenhed": "hospital", "hospitalsenheden": "hospital",
    "universitetshospital": "hospital", "universitetshospitalet": "hospital", "sygehusenhed": "hospital",
    "sygehusenheden": "hospital", "regionspsykiatrien": "psychiatry", "regionspsykiatri": "psychiatry",
}
INSTITUTION_HEADS = {  # may be written in lower case ("friplejecentret Lærkevej")
    "plejecenter", "plejecentret", "friplejecenter", "friplejecentret", "plejehjem", "plejehjemmet", "friplejehjem",
    "friplejehjemmet", "dagcenter", "dagcentret", "aktivitetscenter", "aktivitetscentret", "hospice", "hospicet",
    "botilbud", "botilbuddet", "bostedet", "professionshøjskolen", "erhvervsakademiet",
}
MEDIA_CUES = {"fagbladet", "avisen", "dagbladet", "ugebladet", "nyhedsbureauet", "netmediet", "netavisen", "mediet",
              "magasinet", "tidsskriftet", "tv-stationen", "radiokanalen", "lokalavisen", "fagmediet"}
# words that may follow a head word without being a name
NOT_A_NAME = frozenset({"Der", "Det", "Den", "De", "Som", "Og", "Men", "I", "På", "Til", "For", "Med", "Af", "Når",
                        "Hvis", "Efter", "Inden", "Siden", "Samt", "Region"})
COMPASS = {"Vest", "Øst", "Nord", "Syd", "Midt", "Sønderjylland", "Lillebælt", "Nordsjælland", "Sjælland", "Fyn",
           "Thy-Mors", "Himmerland", "Vendsyssel", "Bornholm", "Nordjylland", "Midtjylland", "Sydvestjylland",
           "Østjylland", "Vestjylland", "Hovedstaden", "Sydjylland"}
CAPS_HEADS = ("FONDEN", "FOND", "FORENINGEN", "FORENING", "FORBUNDET", "FORBUND", "SELSKABET", "SELSKAB", "RÅDET",
              "INSTITUT", "INSTITUTTET", "CENTER", "CENTRET", "SAGEN", "HJÆLP", "KORS", "NETVÆRK", "NETVÆRKET")
CAPS_OPENERS = ("DANSK", "DANSKE", "DANMARKS", "LANDSFORENINGEN", "FORENINGEN", "NATIONALT", "NATIONALE")
CAPS_TYPES = {"FOND": "foundation", "FONDEN": "foundation", "SELSKAB": "professional", "SELSKABET": "professional",
              "RÅDET": "council", "INSTITUT": "research", "INSTITUTTET": "research", "CENTER": "centre",
              "CENTRET": "centre"}
LOWER_AUTHORITY = re.compile(
    r"(?<![\w-])((?:[a-zæøå]+-,?\s+(?:og\s+)?)*[a-zæøå]{3,}(ministeriet|styrelsen|direktoratet))(s?)(?![\w-])")
NOT_AUTHORITY = ("bestyrelsen", "fagministeriet", "ressortministeriet", "moderministeriet", "ministeriet",
                 "styrelsen", "direktoratet", "skolestyrelsen", "hovedstyrelsen", "landsstyrelsen")
AUTHORITY_TYPES = {"ministeriet": "ministry", "styrelsen": "agency", "direktoratet": "agency"}
HYPHEN_COMMITTEE = re.compile(
    r"(?<![\w-])((?:[A-ZÆØÅ][a-zæøå]+,?\s+(?:og\s+)?)*[A-ZÆØÅ][a-zæøå]+-(?:udvalget|udvalg|rådet|råd))(s?)(?![\w-])")
LOWER_MUNICIPALITY = re.compile(r"(?<![\w-])([A-ZÆØÅ][\wæøå-]+)\s+kommune(s?)(?![\w-])")


@lru_cache(maxsize=1)
def _nlp():
    import spacy
    from spacy.matcher import Matcher

    nlp = spacy.blank("da")
    matcher = Matcher(nlp.vocab)
    name = {"IS_TITLE": True, "IS_STOP": False, "TEXT": {"NOT_IN": sorted(NOT_A_NAME)}}
    matcher.add("HOSPITAL", [[{"LOWER": {"IN": sorted(HOSPITAL_HEADS)}, "IS_TITLE": True}, name]])
    matcher.add("INSTITUTION", [[{"LOWER": {"IN": sorted(INSTITUTION_HEADS)}}, name, {**name, "OP": "?"}]])
    matcher.add("MEDIA", [[{"LOWER": {"IN": sorted(MEDIA_CUES)}}, name, {**name, "OP": "?"}]])
    matcher.add("CAPS", [[{"IS_UPPER": True, "LENGTH": {">=": 2}, "IS_ALPHA": False, "OP": "?"},
                          {"TEXT": {"REGEX": r"^[A-ZÆØÅ][A-ZÆØÅ-]+$"}, "OP": "+"}]])
    return nlp, matcher


TRIGGERS = re.compile(  # where a token pattern can start: only these stretches are tokenised
    rf"(?i:\b(?:{'|'.join(sorted(set(HOSPITAL_HEADS) | INSTITUTION_HEADS | MEDIA_CUES, key=len, reverse=True))})\b)"
    rf"|\b(?:{'|'.join(CAPS_OPENERS)})\b|[A-ZÆØÅ-]*(?:{'|'.join(CAPS_HEADS)})\b")
WINDOW = 80  # characters around a trigger that a pattern may span


def _windows(text: str) -> list[tuple[int, int]]:
    """Stretches around the trigger words, widened to whitespace and merged where they overlap."""
    spans: list[tuple[int, int]] = []
    for m in TRIGGERS.finditer(text):
        a = text.rfind(" ", 0, max(0, m.start() - WINDOW)) + 1
        b = text.find(" ", min(len(text), m.end() + WINDOW))
        b = len(text) if b < 0 else b
        if spans and a <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(b, spans[-1][1]))
        else:
            spans.append((a, b))
    return spans


def _token_hits(text: str, gaz: Gazetteer) -> list[ShapeHit]:
    """Matcher hits in the stretches around trigger words (tokenising a whole long document is slow)."""
    nlp, matcher = _nlp()
    places = gaz.place_pattern()[0]
    hits = []
    for a, b in _windows(text):
        doc = nlp.make_doc(text[a:b])
        for match_id, start, end in matcher(doc, as_spans=False):
            hit = _hit(nlp.vocab.strings[match_id], doc[start:end], places)
            if hit is not None:
                hits.append(ShapeHit(hit.start + a, hit.end + a, hit.name, hit.type))
    return hits


def _hit(label: str, span, places) -> ShapeHit | None:
    if label == "HOSPITAL":
        place = span[1].text
        if place not in COMPASS and not places.fullmatch(place) and span[0].lower_ not in ("regionshospitalet",
                                                                                           "regionshospital"):
            return None  # "Sygehus Lillebælt", "Hospital Sønderjylland", "Regionshospitalet Gødstrup"
        return ShapeHit(span.start_char, span.end_char, _capitalised(span.text), HOSPITAL_HEADS[span[0].lower_])
    if label == "INSTITUTION":
        return ShapeHit(span.start_char, span.end_char, _capitalised(span.text), "institution")
    if label == "MEDIA":
        return ShapeHit(span[1].idx, span.end_char, span[1:].text, "media")
    return _caps(span)


def _caps(span) -> ShapeHit | None:
    """A name in capitals: an organisation word in it ("OK-FONDEN", "LANDSFORENINGEN AUTISME") or an opener."""
    words = [t.text for t in span]
    if len(words) > 5 or any(len(w) < 2 for w in words):
        return None
    last_part = words[-1].rsplit("-", 1)[-1]
    head = next((h for w in words for h in CAPS_HEADS if w.rsplit("-", 1)[-1].endswith(h)), None)
    opened = words[0] in CAPS_OPENERS and len(words) >= 2
    if head is None and not opened:
        return None
    if head is not None and words[0].endswith(head) and len(words) == 1 and words[0] == head:
        return None  # "FONDEN" alone
    kind = CAPS_TYPES.get(head or last_part, "association")
    return ShapeHit(span.start_char, span.end_char, span.text, kind)


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


def _lower_authorities(text: str, gaz: Gazetteer) -> list[ShapeHit]:
    hits = []
    for m in LOWER_AUTHORITY.finditer(text):
        name = clean(m.group(1))
        if name.endswith(NOT_AUTHORITY) and name.split()[-1] in NOT_AUTHORITY or name.endswith("bestyrelsen"):
            continue
        hits.append(ShapeHit(m.start(), m.end(1), _capitalised(name), AUTHORITY_TYPES[m.group(2)]))
    return hits


def _hyphen_committees(text: str) -> list[ShapeHit]:
    hits = []
    for m in HYPHEN_COMMITTEE.finditer(text):
        start = m.start()
        first = re.match(r"(\S+)\s+", m.group(1))
        while first and first.group(1).lower() in STOP_WORDS:  # "Derfor Børn og Unge-udvalget"
            start += first.end()
            first = re.match(r"(\S+)\s+", text[start:m.end(1)])
        kind = "committee" if "udvalg" in m.group(1)[-9:] else "council"
        hits.append(ShapeHit(start, m.end(1), clean(text[start:m.end(1)]), kind))
    return hits


def _lower_municipalities(text: str, gaz: Gazetteer) -> list[ShapeHit]:
    """'Hjørring kommune': a lower-case "kommune" after one of the 98 municipalities' names."""
    names = {p.name for p in gaz.places.values() if p.kind == "municipality"}
    return [ShapeHit(m.start(), m.end(), f"{m.group(1)} Kommune", "municipality")
            for m in LOWER_MUNICIPALITY.finditer(text) if m.group(1) in names]


def find_org_patterns(text: str, gaz: Gazetteer, taken: list[tuple[int, int]] = ()) -> list[ShapeHit]:
    """Organisations of the open classes above in ``text``, longest first, not overlapping ``taken``."""
    hits = [*_token_hits(text, gaz), *_lower_authorities(text, gaz), *_hyphen_committees(text),
            *_lower_municipalities(text, gaz)]
    out: list[ShapeHit] = []
    occupied = list(taken)
    for h in sorted(hits, key=lambda h: (h.start - h.end, h.start)):
        if not any(s < h.end and h.start < e for s, e in occupied):
            out.append(h)
            occupied.append((h.start, h.end))
    return sorted(out, key=lambda h: h.start)
