"""Initiatives of a document, and which initiative each figure belongs to.

Initiatives come from two places: budget-table rows (their labels, from the quantities found in
tables) and sections that name an initiative ("Initiativ 3a.", "Anbefaling 2 – …", status-table
rows ending in the responsible actors "(DR og KL)", and headings that match a table row or
allocate money). A figure belongs to its table row's initiative, or to the initiative whose
section it stands in; a figure in running text whose sentence names what it pays for ("afsat 4
mio. kr. til medicinnedtrapning", :mod:`ingest.purposes`) belongs to that purpose, an initiative
of its own that is part of the section's initiative. Closing total rows ("Udgifter i alt",
"Total (…)") are groups of initiatives (``kg:InitiativeGroup``), not initiatives of their own.
Headings that are not names (page headers with case numbers or dates, e-mail addresses, links,
sentences cut by a page break) name no initiative. Cross-document identity is decided later,
over the whole store (:mod:`ingest.link`), from the match keys made here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from ingest.purposes import purpose_of
from kg.namespace import KG, KGR

LEADING_NUMBER = re.compile(
    r"^\s*(?:(?:Initiativ|Anbefaling)\s+\d+[a-zæøå]?\.?\s*[–—-]?\s*|\d{1,2}[.)]\s+|[a-zæøå]\)\s+)", re.I
)
ACTOR_PARENS = re.compile(r"\s*\((?:[A-ZÆØÅ]{2,6}(?:\s*(?:og|,|/)\s*[A-ZÆØÅ]{2,6})*)\)")
QUOTED = re.compile(r"[”“\"]\s*([^”“\"]{5,200}?)\s*[”“\"]")
NOT_INITIATIVE = re.compile(r"\b(?:i alt|bevillingsramme|udgifter|finansiering|reserve|pulje i alt)\b", re.I)
CLOSING_TOTAL = re.compile(r"\b(?:i\s+alt|total|samlet|samlede)\b", re.I)
NOT_A_NAME = re.compile(
    r"@|https?:|www\.|\b[A-ZÆØÅ]{2,}-\d{4}-\d+|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b|\bd\.\s*\d{1,2}\.|"
    r"\d+,\d+\s*$|^(?:Der|Det|Desuden|Derudover|Dertil|Her|Men|Og|Link|Side|Se)\b")
PURPOSE_KINDS = ("allocated", "used", "other")
MATCH_THRESHOLD = 85.0


def match_key(label: str) -> str:
    """Lower case, no numbering, no actor parentheses, no punctuation: 'initiativ 3a. ”X” (DR)' → 'x'."""
    text = LEADING_NUMBER.sub("", label)
    text = ACTOR_PARENS.sub("", text)
    text = re.sub(r"[^\w\s]", " ", text.lower())
    return " ".join(text.split())


def same_initiative(a: str, b: str) -> bool:
    """Whether two match keys name the same initiative (token-set similarity, or one contains the other)."""
    if not a or not b:
        return False
    if a == b:
        return True
    if min(len(a), len(b)) < 0.5 * max(len(a), len(b)):
        return False  # a theme ("forebyggelse af selvmord") is not its longer-named initiative
    if min(len(a), len(b)) >= 12 and (a in b or b in a):
        return True
    return fuzz.token_set_ratio(a, b) >= MATCH_THRESHOLD and min(len(a.split()), len(b.split())) >= 2


def clean_label(title: str) -> str:
    """Display label: the quoted name of 'Initiativ 3a. ”…”', else the title without numbering."""
    if m := QUOTED.search(title):
        return m.group(1).strip()
    label = LEADING_NUMBER.sub("", title).strip()
    return label.rstrip(" .:") or title.strip()


@dataclass
class Initiative:
    n: int
    label: str
    start: int
    end: int
    source: str  # section | table-row | table-total | purpose
    section_order: int | None = None
    parent: int | None = None  # the initiative (its n) this one is part of
    responsible: tuple[str, ...] = ()
    theme: str | None = None
    quantities: list[int] = field(default_factory=list)  # indexes into the document's quantity list

    @property
    def key(self) -> str:
        return match_key(self.label)

    def iri(self, doc_id: str) -> URIRef:
        return KGR[f"doc/{doc_id}/initiative/{self.n}"]

    def triples(self, doc_id: str, doc: URIRef, passage: URIRef | None) -> Iterator[tuple]:
        node = self.iri(doc_id)
        yield node, RDF.type, KG.Initiative
        if self.source == "table-total":
            yield node, RDF.type, KG.InitiativeGroup
        if self.parent is not None:
            yield node, KG.partOfInitiative, KGR[f"doc/{doc_id}/initiative/{self.parent}"]
        yield node, RDFS.label, Literal(self.label)
        yield node, SKOS.prefLabel, Literal(self.label, lang="da")
        yield node, KG.matchKey, Literal(self.key)
        yield node, KG.initiativeSource, Literal(self.source)
        yield node, KG.inDocument, doc
        yield node, KG.partOfAgreement, KGR[f"doc/{doc_id}/agreement"]
        yield node, KG.charStart, Literal(self.start, datatype=XSD.integer)
        yield node, KG.charEnd, Literal(self.end, datatype=XSD.integer)
        if self.theme:
            yield node, KG.theme, Literal(self.theme)
        for actor in responsible_actors(self.responsible):
            yield node, KG.responsible, actor
        if passage is not None:
            yield node, PROV.wasDerivedFrom, passage


def responsible_actors(abbreviations: Sequence[str]) -> list[URIRef]:
    """The actors behind "(DR og KL)", resolved through the gazetteer.

    An abbreviation or name of exactly one actor resolves directly; an ambiguous one ("DR": Danske
    Regioner or the broadcaster) by the gazetteer's context patterns, read against the list as
    written in a heading, "(DR og KL)".
    """
    from ingest.actors import actor_iri
    from ingest.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    listed = "(" + " og ".join(dict.fromkeys(abbreviations)) + ")"
    out: list[URIRef] = []
    for a in dict.fromkeys(abbreviations):
        if any(a in e.ambiguous for e in gaz.actors.values()):
            ids = [e.id for e in gaz.actors.values() if a in e.ambiguous and any(re.search(c, listed) for c in e.context)]
        else:
            ids = [e.id for e in gaz.actors.values() if a in e.abbr or a == e.name or a in e.aliases]
        if len(ids) == 1:
            out.append(actor_iri(ids[0]))
    return out


def is_closing_total(q) -> bool:
    """A table row that sums other rows: "Udgifter i alt", "Total (FL24)", "Samlet estimat"."""
    return bool(q.from_table and q.kind == "total" and q.row_label and CLOSING_TOTAL.search(q.row_label))


def names_initiative(title: str) -> bool:
    """Whether a section title can name an initiative (not a page header, a link or a cut sentence)."""
    label = clean_label(title)
    return not (NOT_INITIATIVE.search(label) or NOT_A_NAME.search(title.strip()) or len(label.split()) > 25)


def find_initiatives(text: str, sections: Sequence, quantities: Sequence,
                     actor_spans: Sequence[tuple[int, int]] = ()) -> tuple[list[Initiative], dict[int, Initiative]]:
    """The document's initiatives and, for each quantity index, the initiative it belongs to."""
    found: list[Initiative] = []
    by_quantity: dict[int, Initiative] = {}

    def lookup(label: str, pool: Sequence[Initiative] | None = None) -> Initiative | None:
        key = match_key(label)
        return next((i for i in (found if pool is None else pool) if i.source != "table-total"
                     and same_initiative(i.key, key)), None)

    # 1. budget-table rows; group rows ("Forebyggelse af selvmord 55,8 …") become themes of the rows below;
    #    closing totals ("Udgifter i alt") are groups of the rows they sum
    theme: str | None = None
    totals: dict[tuple[int, str], Initiative] = {}
    for qi, q in enumerate(quantities):
        if not (q.from_table and q.row_label):
            continue
        if is_closing_total(q):
            theme = None
            init = totals.get((q.sentence_start, q.row_label))
            if init is None:
                s = q.sentence_start
                init = Initiative(len(found), clean_label(q.row_label), s, s + len(q.row_label), "table-total")
                found.append(init)
                totals[(s, q.row_label)] = init
            init.quantities.append(qi)
            by_quantity[qi] = init
            continue
        if NOT_INITIATIVE.search(q.row_label):
            continue
        numbered = bool(LEADING_NUMBER.match(q.row_label))
        if not numbered and q.kind == "total":
            theme = clean_label(q.row_label)
        init = lookup(q.row_label)
        if init is None:
            s = q.sentence_start
            init = Initiative(len(found), clean_label(q.row_label), s, s + len(q.row_label), "table-row",
                              theme=theme if numbered else None)
            found.append(init)
        init.quantities.append(qi)
        by_quantity[qi] = init
    # 2. sections that name an initiative
    allocating = {
        sec.order for sec in sections
        for q in quantities if q.measure == "money" and q.kind == "allocated" and not q.from_table
        and sec.start <= q.start < sec.end
    }
    for sec in sections:
        if sec.kind == "initiative" or (sec.kind in ("heading", "numbered") and (lookup(sec.title) or sec.order in allocating)):
            if not names_initiative(sec.title):
                continue
            init = lookup(sec.title)
            if init is None:
                init = Initiative(len(found), clean_label(sec.title), sec.start, sec.start + len(sec.title), "section")
                found.append(init)
            init.section_order = sec.order
            init.responsible = tuple(re.findall(r"\b[A-ZÆØÅ]{2,6}\b", m.group(0))) if (
                m := ACTOR_PARENS.search(sec.title)) else init.responsible
            for qi, q in enumerate(quantities):
                if qi not in by_quantity and sec.start <= q.start < sec.end:
                    init.quantities.append(qi)
                    by_quantity[qi] = init
    # 3. what a figure in running text pays for, where its sentence says so
    for qi, q in enumerate(quantities):
        if q.from_table or q.measure != "money" or q.kind not in PURPOSE_KINDS:
            continue
        p = purpose_of(text, q.start, q.end, q.sentence_start, q.sentence_end, list(actor_spans))
        if p is None:
            continue
        parent = by_quantity.get(qi)
        if parent is not None and same_initiative(parent.key, match_key(p.label)):
            continue
        init = lookup(p.label)
        if init is None:
            init = Initiative(len(found), p.label, p.start, p.end, "purpose",
                              parent=parent.n if parent is not None else None)
            found.append(init)
        if parent is not None and qi in parent.quantities:
            parent.quantities.remove(qi)
        init.quantities.append(qi)
        by_quantity[qi] = init
    return found, by_quantity
