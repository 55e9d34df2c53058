"""Fact extraction over a whole document: figures (money, staff, percentages) and initiatives.

Runs on the repaired text of one document and yields triples for its named graph. Every fact
keeps its provenance: the passage it lies in (prov:wasDerivedFrom), its character span, its page
and the quoted sentence or table row.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Literal
from rdflib.namespace import RDF, RDFS, XSD

import re

from ingest.entities import extract_entities, entity_triples
from ingest.initiatives import find_initiatives
from ingest.quantities import Quantity, extract_quantities
from kg.model import DocumentGraph
from kg.namespace import KG, KGR


def fact_iri(doc_id: str, n: int):
    return KGR[f"doc/{doc_id}/fact/{n}"]


def quantities_of(doc: DocumentGraph) -> list[Quantity]:
    cached = getattr(doc, "_quantities", None)
    if cached is None:
        cached = extract_quantities(doc.repaired.text)
        doc._quantities = cached  # type: ignore[attr-defined]
    return cached


def entities_of(doc: DocumentGraph):
    cached = getattr(doc, "_entities", None)
    if cached is None:
        cached = extract_entities(doc.repaired.text)
        doc._entities = cached  # type: ignore[attr-defined]
    return cached


RECIPIENT_AFTER = re.compile(
    r"^(?:\s*(?:årligt|i \d{4}|fra \d{4}|og frem|,))*\s*(?:til|tilføres|tildeles|går til|er øremær?rket til)\s+"
    r"(?:de\s+|den\s+|det\s+)?$", re.I)
IN_CHARGE = re.compile(r"\bi regi af\s+$", re.I)
RECIPIENT_VERB_BEFORE = re.compile(r"(?:tilført|tildelt|modtager|modtog|får|fik)\s+(?:\S+\s+){0,3}$", re.I)


def recipient_of(q: Quantity, text: str, actors) -> object | None:
    """The actor that receives an amount, where the sentence says so.

    "Region Hovedstadens andel er 9,4 mio. kr." (a share), "heraf 15,6 mio. kr. til Region
    Hovedstaden", "Midler tilført RHP …".
    """
    if q.measure != "money":
        return None
    in_sentence = [a for a in actors if q.sentence_start <= a.start < q.sentence_end and a.kind == "organisation"]
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
        if RECIPIENT_VERB_BEFORE.search(text[q.sentence_start:a.start]) and q.start - a.end <= 80:
            return a.actor
    return None


def entity_fact_triples(doc: DocumentGraph) -> Iterator[tuple]:
    """Actors, places and dates with the passages that mention them."""
    actors, places, dates = entities_of(doc)
    yield from entity_triples([*actors, *places, *dates], doc.passage_for)


def fact_triples(doc: DocumentGraph) -> Iterator[tuple]:
    """Triples for the document's agreement, initiatives and figures, linked to each other."""
    quantities = quantities_of(doc)
    actors = entities_of(doc)[0]
    initiatives, by_quantity = find_initiatives(doc.repaired.text, doc.sections, quantities)
    agreement = KGR[f"doc/{doc.doc_id}/agreement"]
    yield agreement, RDF.type, KG.Agreement
    yield agreement, RDFS.label, Literal(doc.source.metadata.get("title") or doc.source.key)
    yield agreement, KG.inDocument, doc.iri
    for init in initiatives:
        yield from init.triples(doc.doc_id, doc.iri, doc.passage_for(init.start))
    for n, q in enumerate(quantities):
        node = fact_iri(doc.doc_id, n)
        yield from q.triples(node, doc.iri, doc.passage_for(q.start))
        page = doc.repaired.page_at(q.start)
        if page is not None:
            yield node, KG.page, Literal(page, datatype=XSD.integer)
        raw_start, raw_end = doc.repaired.raw_span(q.start, q.end)
        yield node, KG.rawStart, Literal(raw_start, datatype=XSD.integer)
        yield node, KG.rawEnd, Literal(raw_end, datatype=XSD.integer)
        if n in by_quantity:
            yield node, KG.forInitiative, by_quantity[n].iri(doc.doc_id)
        recipient = recipient_of(q, doc.repaired.text, actors)
        if recipient is not None:
            yield node, KG.recipient, recipient.iri
