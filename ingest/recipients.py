"""Who receives an amount, and who pays it, where the text says so.

Recipients, in order of evidence:

* a share: "Region Hovedstadens andel er 9,4 mio. kr." → Region Hovedstaden;
* "… kr. til X", "tilføres X", "i regi af X", "X (2,6 mio. kr.)";
* the receiver as subject or object of a receiving verb: "X fik/får/modtager/modtog/tildeles …",
  "modtager X omkring 593 mio. kr.", "X bliver tildelt 1 mio. kr.";
* a possessive before the amount: "løft af kommunernes anlægsinvesteringer på 0,2 mia. kr.";
* the place at the end of the purpose: "… til styrkelse af teamet i BUC", "… i regionerne";
* an enumeration inherits the receiver of its first item: "0,2 mia. kr. i 2024, 0,6 mia. kr. i
  2025 og 0,7 mia. kr. i 2026";
* a budget table: a row named after an actor ("Region Sjælland 12,1 …"), else the recipient its
  caption names ("Oversigt over regionale midler …", "Midler til kommunerne").

Payers: "finansieret af X", "støttes med … af X", "X har afsat/bevilget …"; the state where the
sentence, or the caption of the table, places the money in the finance act ("finansloven",
"finanslovsforslag", "FL24"/"FFL24").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.quantities import Quantity
from ingest.tables import find_headers

RECIPIENT_AFTER = re.compile(
    r"^(?:\s*(?:årligt|i \d{4}|fra \d{4}|og frem|,))*\s*(?:til|tilføres|tildeles|går til|er øremær?rket til|er øremørket til)\s+"
    r"(?:de\s+|den\s+|det\s+)?$", re.I)
IN_CHARGE = re.compile(r"\bi regi af\s+$", re.I)
RECEIVING_VERB = r"(?:tilført|tildelt|tildeles|modtager|modtog|får|fik|har fået|bliver tildelt|blev tildelt)"
RECIPIENT_VERB_BEFORE = re.compile(rf"{RECEIVING_VERB}\s+(?:\S+\s+){{0,3}}$", re.I)
SUBJECT_THEN_VERB = re.compile(rf"^\s+(?:[\wæøå-]+\s+){{0,4}}?{RECEIVING_VERB}\s+(?:\S+\s+){{0,3}}$", re.I)
POSSESSIVE = re.compile(r"^s?\s+[\wæøå-]+\s+(?:på|af)\s+(?:\S+\s+)?$", re.I)
PURPOSE_PLACE = re.compile(r"^\s*(?:årligt\s+)?(?:til|er\s+\w+\s+til)\s+[^,.;()]{3,120}?\s(?:i|hos|på)\s+$", re.I)
ENUMERATION_GAP = re.compile(r"^(?:\s*(?:årligt|i \d{4}|fra \d{4}|og frem))*\s*(?:,|og)\s*$", re.I)
CAPTION_RECIPIENT = {
    "regionerne": re.compile(r"\bregionale midler\b|\bmidler(?:ne)? til regionerne\b|\bregionernes (?:midler|andel)", re.I),
    "kommunerne": re.compile(r"\bkommunale midler\b|\bmidler(?:ne)? til kommunerne\b|\bkommunernes (?:midler|andel)", re.I),
}
STATE_FUNDING = re.compile(r"\bfinanslov\w*|\b(?:F?FL)\s?\d{2}\b|\bstatsbudget\w*", re.I)
PAYER_AFTER = re.compile(r"^\s*(?:\S+\s+){0,4}?(?:af|fra)\s+$", re.I)
PAYER_BEFORE = re.compile(r"^\s+(?:har|havde|vil)?\s*(?:afsat|bevilget|bevilliget|afsætter|bevilger|finansierer|finansieret)\b", re.I)
FUNDED_AF = re.compile(r"\b(?:finansieret|finansieres|støttes|støttet|betalt|betales|bevilget)\s+af\s+$", re.I)
FUNDED_BY = re.compile(r"\b(?:finansieret|finansieres|støttes|støttet|betalt|betales|bevilget)\b", re.I)
CAPTION_WINDOW = 400
TABLE_GAP = 4000


def _orgs(actors: Sequence, q: Quantity) -> list:
    return [a for a in actors if q.sentence_start <= a.start < q.sentence_end and a.kind == "organisation"]


def recipient_in_sentence(q: Quantity, text: str, actors: Sequence) -> object | None:
    """The actor that receives a prose amount, where its sentence says so."""
    if q.measure != "money" or q.from_table:
        return None
    in_sentence = _orgs(actors, q)
    for a in in_sentence:  # "<actor>s andel"
        if a.end <= q.start and re.match(r"^s?\s+(?:samlede\s+)?andel\b", text[a.end:a.end + 20]):
            return a.actor
    after = [a for a in in_sentence if a.start >= q.end and a.start - q.end <= 60]
    for a in after:
        if RECIPIENT_AFTER.match(text[q.end:a.start]):
            return a.actor
    for a in in_sentence:  # "Psykiatrisk Center København (2,6 mio.kr.)"
        if a.end <= q.start and re.fullmatch(r"\s*\(", text[a.end:q.start]):
            return a.actor
    for a in after:
        if IN_CHARGE.search(text[q.end:a.start]):
            return a.actor
    before = [a for a in in_sentence if a.end <= q.start]
    for a in reversed(before):
        if q.start - a.end > 80:
            continue
        if RECIPIENT_VERB_BEFORE.search(text[q.sentence_start:a.start]) or SUBJECT_THEN_VERB.match(text[a.end:q.start]):
            return a.actor
        if POSSESSIVE.match(text[a.end:q.start]) and text[a.start:a.end].endswith("s"):
            return a.actor
    for a in after:
        if a.start - q.end <= 140 and PURPOSE_PLACE.match(text[q.end:a.start]):
            return a.actor
    return None


def _captions(text: str) -> list[tuple[int, str]]:
    """(header start, caption) for each budget-table header; a header without a caption of its own
    continues the table above it (a page break), so it keeps that caption."""
    out: list[tuple[int, str]] = []
    prev_end, prev_caption = -TABLE_GAP - 1, ""
    for h in find_headers(text):
        caption = text[max(0, h.start - CAPTION_WINDOW):h.start]
        own = any(p.search(caption) for p in CAPTION_RECIPIENT.values()) or re.search(r"\bTabel\s+\d", caption)
        if not own and h.start - prev_end <= TABLE_GAP:
            caption = prev_caption + "\n" + caption
        out.append((h.start, caption))
        prev_end, prev_caption = h.end, caption
    return out


def table_recipient(q: Quantity, text: str, actors: Sequence, captions: list[tuple[int, str]],
                    collectives: dict[str, object]) -> object | None:
    """The recipient of a table cell: the actor its row is named after, else the one its caption names."""
    row = [a for a in actors if q.sentence_start <= a.start < q.sentence_start + len(q.row_label or "")
           and a.kind == "organisation"]
    if len(row) == 1 and (q.row_label or "").lower().startswith(row[0].raw.lower()[:6]):
        return row[0].actor
    caption = next((c for s, c in reversed(captions) if s < q.start), "")
    for slug, pattern in CAPTION_RECIPIENT.items():
        if pattern.search(caption) and slug in collectives:
            return collectives[slug]
    return None


def recipients(quantities: Sequence[Quantity], text: str, actors: Sequence) -> dict[int, object]:
    """For each quantity index, its recipient where the text says so."""
    from ingest.actors import COLLECTIVES, Actor

    collectives: dict[str, object] = {slug: Actor(slug, name, kind, (), None, "collective")
                                      for slug, name, kind in COLLECTIVES}
    captions = _captions(text) if any(q.from_table for q in quantities) else []
    out: dict[int, object] = {}
    for i, q in enumerate(quantities):
        if q.measure != "money":
            continue
        r = table_recipient(q, text, actors, captions, collectives) if q.from_table else recipient_in_sentence(q, text, actors)
        if r is None and not q.from_table and i - 1 in out:
            prev = quantities[i - 1]
            if prev.sentence_start == q.sentence_start and ENUMERATION_GAP.match(text[prev.end:q.start]):
                r = out[i - 1]
        if r is not None:
            out[i] = r
    return out


def payer_in_sentence(q: Quantity, text: str, actors: Sequence, state: object) -> object | None:
    """Who pays a prose amount: "finansieret af X", "støttes med … af X", "X har afsat …", the finance act."""
    in_sentence = _orgs(actors, q)
    sentence = text[q.sentence_start:q.sentence_end]
    if FUNDED_BY.search(sentence):
        for a in in_sentence:
            if a.start >= q.end and a.start - q.end <= 60 and PAYER_AFTER.match(text[q.end:a.start]):
                return a.actor
    for a in in_sentence:
        if a.end > q.start:
            continue
        if PAYER_BEFORE.match(text[a.end:q.start]) and a.actor.slug != "regionerne":
            return a.actor  # "X har afsat 4 mio. kr."
        if FUNDED_AF.search(text[q.sentence_start:a.start]) and q.start - a.end <= 40:
            return a.actor  # "finansieret af X med 4 mio. kr."
    if STATE_FUNDING.search(sentence):
        return state
    return None


def state_actor():
    from ingest.actors import COLLECTIVES, Actor

    return next(Actor(s, n, k, (), None, "collective") for s, n, k in COLLECTIVES if s == "staten")


def state_scope(text: str, sections: Sequence, initiatives: Sequence, quantities: Sequence[Quantity]) -> set[int]:
    """Allocations the state pays because a heading places them in the finance act.

    "Prioriterede indsatser i psykiatrien i finansloven for 2024" is followed by the initiatives
    the act funds: the run of sections after it whose initiative is a row of a budget table; the
    state pays the allocations in those sections and in those rows. The run ends at the first
    section that is not such an initiative.
    """
    by_section = {i.section_order: i for i in initiatives if i.section_order is not None}
    funded: list = []
    for n, sec in enumerate(sections):
        if sec.kind != "heading" or not STATE_FUNDING.search(sec.title):
            continue
        for nxt in sections[n + 1:]:
            init = by_section.get(nxt.order)
            if init is None or init.source != "table-row":
                break
            funded.append(init)
    out: set[int] = set()
    for init in funded:
        out |= {qi for qi in init.quantities if quantities[qi].measure == "money" and quantities[qi].kind == "allocated"}
    return out


def payers(quantities: Sequence[Quantity], text: str, actors: Sequence) -> dict[int, object]:
    """For each money quantity index, its payer where the sentence or the table caption says so."""
    state = state_actor()
    captions = _captions(text) if any(q.from_table for q in quantities) else []
    out: dict[int, object] = {}
    for i, q in enumerate(quantities):
        if q.measure != "money":
            continue
        if q.from_table:
            caption = next((c for s, c in reversed(captions) if s < q.start), "")
            if STATE_FUNDING.search(caption):
                out[i] = state
            continue
        p = payer_in_sentence(q, text, actors, state)
        if p is not None:
            out[i] = p
    return out
