"""Fact extraction over a whole document: figures (money, staff, percentages) and initiatives.

Runs on the repaired text of one document and yields triples for its named graph. Every fact
keeps its provenance: the passage it lies in (prov:wasDerivedFrom), its character span, its page
and the quoted sentence or table row.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Literal
from rdflib.namespace import RDF, RDFS, XSD

from ingest.entities import entity_triples, extract_entities
from ingest.initiatives import find_initiatives
from ingest.layout_facts import TRUE, ocr_pages, with_layout_tables
from ingest.model import DocumentGraph
from ingest.nlp import extract_quantities
from ingest.periods import PeriodContext, build_context
from ingest.quantities import Quantity
from ingest.reconcile import reconcile, written_sums
from ingest.recipients import payers, recipients, state_actor, state_scope
from kg.namespace import KG, KGR


def fact_iri(doc_id: str, n: int):
    return KGR[f"doc/{doc_id}/fact/{n}"]


def period_context_of(doc: DocumentGraph) -> PeriodContext:
    """The document's dates and its title's and headings' periods, for the periods of its amounts."""
    cached = getattr(doc, "_period_context", None)
    if cached is None:
        meta = doc.source.metadata
        first_line = next((ln.strip() for ln in doc.source.raw.splitlines() if ln.strip()), None)
        cached = build_context(doc.repaired.text, doc.sections, (meta.get("title"), first_line), meta.get("date_hint"))
        doc._period_context = cached  # type: ignore[attr-defined]
    return cached


def quantities_of(doc: DocumentGraph) -> list[Quantity]:
    cached = getattr(doc, "_quantities", None)
    if cached is None:
        cached = with_layout_tables(extract_quantities(doc.repaired.text, period_context_of(doc)), doc)  # a PDF's tables: cells as read
        doc._quantities = cached  # type: ignore[attr-defined]
    return cached


def entities_of(doc: DocumentGraph):
    cached = getattr(doc, "_entities", None)
    if cached is None:
        cached = extract_entities(doc.repaired.text)
        doc._entities = cached  # type: ignore[attr-defined]
    return cached


def mention_iri(doc_id: str, n: int):
    return KGR[f"doc/{doc_id}/mention/{n}"]


def entity_fact_triples(doc: DocumentGraph) -> Iterator[tuple]:
    """Actors, places and dates with the passages that mention them, and one ``kg:Mention`` per place
    in the text where one is named (its span, so views highlight from the graph, not by re-extracting)."""
    actors, places, dates = entities_of(doc)
    mentions = [*actors, *places, *dates]
    yield from entity_triples(mentions, doc.passage_for)
    for n, m in enumerate(sorted(mentions, key=lambda m: (m.start, m.end, str(m.iri)))):
        node = mention_iri(doc.doc_id, n)
        yield node, RDF.type, KG.Mention
        yield node, KG.mentionOf, m.iri
        yield node, KG.inDocument, doc.iri
        yield node, KG.charStart, Literal(m.start, datatype=XSD.integer)
        yield node, KG.charEnd, Literal(m.end, datatype=XSD.integer)


def fact_triples(doc: DocumentGraph) -> Iterator[tuple]:
    """Triples for the document's agreement, initiatives and figures, linked to each other."""
    quantities = quantities_of(doc)
    actors = entities_of(doc)[0]
    spans = [(a.start, a.end) for a in actors if a.kind == "organisation"]
    initiatives, by_quantity = find_initiatives(doc.repaired.text, doc.sections, quantities, spans)
    received = recipients(quantities, doc.repaired.text, actors)
    paid = payers(quantities, doc.repaired.text, actors)
    for n in state_scope(doc.repaired.text, doc.sections, initiatives, quantities):
        paid.setdefault(n, state_actor())
    own_date = period_context_of(doc).own_date
    if own_date is not None:
        yield doc.iri, KG.documentDate, own_date.literal()
    agreement = KGR[f"doc/{doc.doc_id}/agreement"]
    yield agreement, RDF.type, KG.Agreement
    yield agreement, RDFS.label, Literal(doc.source.metadata.get("title") or doc.source.key)
    yield agreement, KG.inDocument, doc.iri
    for init in initiatives:
        yield from init.triples(doc.doc_id, doc.iri, doc.passage_for(init.start))
    ocr = ocr_pages(doc)
    for n, q in enumerate(quantities):
        node = fact_iri(doc.doc_id, n)
        yield from q.triples(node, doc.iri, doc.passage_for(q.start))
        page = doc.repaired.page_at(q.start)
        if page is not None:
            yield node, KG.page, Literal(page, datatype=XSD.integer)
            if page in ocr:
                yield node, KG.ocrDerived, TRUE
        raw_start, raw_end = doc.repaired.raw_span(q.start, q.end)
        yield node, KG.rawStart, Literal(raw_start, datatype=XSD.integer)
        yield node, KG.rawEnd, Literal(raw_end, datatype=XSD.integer)
        if n in by_quantity:
            yield node, KG.forInitiative, by_quantity[n].iri(doc.doc_id)
        if n in received:
            yield node, KG.recipient, received[n].iri
        if n in paid:
            yield node, KG.payer, paid[n].iri
    for actor in {a.iri: a for a in [*received.values(), *paid.values()]}.values():
        yield from actor.triples()
    yield from reconciliation_triples(doc, quantities, by_quantity)


def reconciliation_triples(doc: DocumentGraph, quantities: list[Quantity], by_quantity: dict) -> Iterator[tuple]:
    """Stated totals checked against their parts; the parts' initiatives are part of the total's group."""
    for n, r in enumerate(reconcile(quantities) + written_sums(quantities)):
        yield from r.triples(KGR[f"doc/{doc.doc_id}/reconciliation/{n}"], doc.iri, lambda i: fact_iri(doc.doc_id, i))
        group = by_quantity.get(r.total)
        if group is None or group.source != "table-total":
            continue
        for p in r.parts:
            member = by_quantity.get(p)
            if member is not None and member is not group:
                yield member.iri(doc.doc_id), KG.partOfInitiative, group.iri(doc.doc_id)
