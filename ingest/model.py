"""The graph of one document: the document, its sections and passages, the ingest run (PROV-O).

IRIs are stable: a document's id is the first 16 hex digits of its content's SHA-256, and its
sections and passages are numbered in document order, so ingesting the same bytes twice gives
the same triples.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from ingest.readers import SourceDocument
from ingest.repair import Repaired
from ingest.segment import Section
from kg.namespace import KG, KGR, SCHEMA

Triple = tuple[URIRef, URIRef, URIRef | Literal]
SOFTWARE = KGR["software/psykiatri-kg"]


def doc_iri(doc_id: str) -> URIRef:
    return KGR[f"doc/{doc_id}"]


def graph_iri(doc_id: str) -> URIRef:
    return KGR[f"graph/{doc_id}"]


def section_iri(doc_id: str, n: int) -> URIRef:
    return KGR[f"doc/{doc_id}/section/{n}"]


def passage_iri(doc_id: str, n: int) -> URIRef:
    return KGR[f"doc/{doc_id}/passage/{n}"]


def _int(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


@dataclass
class DocumentGraph:
    """Everything ingest learnt about one document, ready to become its named graph."""

    source: SourceDocument
    repaired: Repaired
    sections: list[Section]
    version: str = "0.1.0"
    pipeline: str = ""  # ingest.version.pipeline_version(): the code and settings that built this graph

    @property
    def doc_id(self) -> str:
        return self.source.doc_id

    @property
    def iri(self) -> URIRef:
        return doc_iri(self.doc_id)

    def passage_for(self, offset: int) -> URIRef | None:
        for sec in self.sections:
            if sec.start <= offset < sec.end:
                for p in sec.passages:
                    if p.start <= offset < p.end:
                        return passage_iri(self.doc_id, p.order)
        return None

    def triples(self) -> Iterator[Triple]:
        src, doc = self.source, self.iri
        meta = src.metadata
        yield doc, RDF.type, KG.Document
        yield doc, DCTERMS.identifier, Literal(self.doc_id)
        yield doc, DCTERMS.title, Literal(meta.get("title") or src.key)
        yield doc, RDFS.label, Literal(meta.get("title") or src.key)
        if meta.get("publisher"):
            yield doc, DCTERMS.publisher, Literal(meta["publisher"])
        if meta.get("kind"):
            yield doc, KG.documentKind, Literal(meta["kind"])
        if meta.get("date_hint"):
            yield doc, DCTERMS.date, Literal(meta["date_hint"])
        yield doc, KG.sourceKey, Literal(src.key)
        yield doc, KG.contentHash, Literal(src.sha256)
        yield doc, KG.mediaType, Literal(src.media_type)
        pages = src.page_count or self.repaired.page_count
        if pages:
            yield doc, KG.pageCount, _int(pages)
        run = KGR[f"run/{self.doc_id}"]
        yield doc, PROV.wasGeneratedBy, run
        yield run, RDF.type, KG.IngestActivity
        yield run, PROV.used, URIRef(src.path.resolve().as_uri())
        yield run, PROV.wasAssociatedWith, SOFTWARE
        if self.pipeline:
            yield run, KG.pipelineVersion, Literal(self.pipeline)
        for fix in self.repaired.fixes:  # damage in the source text that ingest repaired, and how
            yield run, KG.textRepair, Literal(fix)
        yield run, PROV.endedAtTime, Literal(datetime.now(UTC).replace(microsecond=0), datatype=XSD.dateTime)
        yield SOFTWARE, RDF.type, PROV.SoftwareAgent
        yield SOFTWARE, RDFS.label, Literal(f"psykiatri-kg {self.version}")
        for sec in self.sections:
            yield from self._section_triples(sec)

    def _span(self, node: URIRef, start: int, end: int) -> Iterator[Triple]:
        yield node, KG.charStart, _int(start)
        yield node, KG.charEnd, _int(end)
        raw_start, raw_end = self.repaired.raw_span(start, end)
        yield node, KG.rawStart, _int(raw_start)
        yield node, KG.rawEnd, _int(raw_end)
        first, last = self.repaired.page_at(start), self.repaired.page_at(max(end - 1, start))
        if first is not None:
            yield node, KG.page, _int(first)
            if last is not None and last != first:
                yield node, KG.pageEnd, _int(last)

    def _section_triples(self, sec: Section) -> Iterator[Triple]:
        node = section_iri(self.doc_id, sec.order)
        yield node, RDF.type, KG.Section
        yield node, KG.inDocument, self.iri
        yield node, DCTERMS.title, Literal(sec.title)
        yield node, RDFS.label, Literal(sec.title[:120])
        yield node, KG.sectionKind, Literal(sec.kind)
        yield node, KG.order, _int(sec.order)
        yield from self._span(node, sec.start, sec.end)
        for p in sec.passages:
            pnode = passage_iri(self.doc_id, p.order)
            yield pnode, RDF.type, KG.Passage
            yield pnode, KG.inDocument, self.iri
            yield pnode, KG.inSection, node
            yield pnode, KG.order, _int(p.order)
            yield pnode, KG.text, Literal(p.text)
            yield pnode, KG.wordCount, _int(p.words)
            yield pnode, KG.contentHash, Literal(hashlib.sha256(p.text.encode()).hexdigest())
            yield pnode, PROV.wasDerivedFrom, self.iri
            yield from self._span(pnode, p.start, p.end)


def to_graph(triples: Iterable[Triple], identifier: URIRef | None = None) -> Graph:
    g = Graph(identifier=identifier)
    for t in triples:
        g.add(t)
    return g


__all__ = ["SCHEMA", "DocumentGraph", "doc_iri", "graph_iri", "passage_iri", "section_iri", "to_graph"]
