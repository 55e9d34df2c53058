"""The vocabulary as a table for analysts, generated from ``kg/vocab.ttl`` (printed by ``kg vocab``).

The README carries the same table between ``<!-- vocabulary:start -->`` and ``<!-- vocabulary:end -->``;
a test fails when it is out of date, so the documentation cannot drift from the vocabulary.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.namespace import PREFIXES, VOCAB_IRI, vocab_text

START, END = "<!-- vocabulary:start -->", "<!-- vocabulary:end -->"
KINDS = ((OWL.Class, "class"), (OWL.ObjectProperty, "object property"), (OWL.DatatypeProperty, "datatype property"),
         (SKOS.ConceptScheme, "concept scheme"), (SKOS.Concept, "concept"))


def _short(term: URIRef | None) -> str:
    if term is None:
        return ""
    for prefix, iri in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if str(term).startswith(iri):
            return f"{prefix}:{str(term)[len(iri):]}"
    return f"<{term}>"


def _text(graph: Graph, node: URIRef, prop: URIRef, lang: str) -> str:
    values = [str(v) for v in graph.objects(node, prop) if getattr(v, "language", None) == lang]
    return values[0].replace("|", "\\|").replace("\n", " ") if values else ""


def vocabulary_table() -> str:
    """A markdown table of every ``kg:`` term: kind, domain → range, English and Danish label, meaning."""
    graph = Graph().parse(data=vocab_text(), format="turtle")
    rows = []
    for order, (rdf_type, kind) in enumerate(KINDS):
        for node in sorted({s for s in graph.subjects(RDF.type, rdf_type) if str(s).startswith(VOCAB_IRI)}):
            domain, rng = graph.value(node, RDFS.domain), graph.value(node, RDFS.range)
            if rdf_type == SKOS.Concept:
                domain, rng = None, graph.value(node, SKOS.inScheme)
            where = f"{_short(domain)} → {_short(rng)}" if domain or rng else ""
            rows.append((order, _short(node), kind, where, _text(graph, node, RDFS.label, "en"),
                         _text(graph, node, RDFS.label, "da"), _text(graph, node, RDFS.comment, "en")))
    lines = ["| term | kind | domain → range | label (en / da) | meaning |", "|---|---|---|---|---|"]
    for _, term, kind, where, en, da, comment in rows:
        lines.append(f"| `{term}` | {kind} | {where} | {en} / {da} | {comment} |")
    return "\n".join(lines) + "\n"


def readme_section(readme: str) -> str | None:
    """The table currently between the README's markers (None when the markers are missing)."""
    if START not in readme or END not in readme:
        return None
    return readme.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"
