"""Read views over the graph: an entity with its facts and provenance, documents with their sections and
text, lists of initiatives and actors. Plain dicts and lists out; the API and the pages render them.

Which classes count as initiatives and actors is read from the vocabulary (``kg/vocab.ttl``): every
subclass declared there is included, so new kinds of initiative or actor appear without code changes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import FOAF, ORG, PROV, RDFS

from kg.errors import NotFound, QueryError
from kg.namespace import ID_IRI, KG, PREFIXES, SCHEMA
from kg.sparql_build import V
from kg.store import GraphStore

LABEL_PATH = "rdfs:label|skos:prefLabel|dcterms:title|schema:name|foaf:name"
MAX_FACTS = 1000
MAX_INCOMING = 200
ACTOR_ROOTS = (PROV.Agent, ORG.Organization, FOAF.Organization, FOAF.Person, FOAF.Agent, SCHEMA.Organization,
               SCHEMA.Person)
NOT_ACTORS = (PROV.SoftwareAgent,)  # the ingest software is an agent, not an actor in the documents
DOCUMENT_COLUMNS = ("id", "key", "title", "publisher", "kind", "date", "pages", "sections", "passages", "facts", "iri")
RESOURCE_COLUMNS = ("iri", "label", "types", "incoming")


# --- IRIs and names ---------------------------------------------------------------------------

def resolve_iri(path: str | None = None, iri: str | None = None) -> str:
    """A full IRI from a suffix under ``kgr:`` (``doc/<id>/passage/3``) or a full IRI; checked, never trusted."""
    import pyoxigraph as ox

    if not (path or iri):
        raise QueryError("give an IRI suffix (/entities/doc/<id>) or a full IRI (?iri=https://…)")
    candidate = iri if iri else ID_IRI + path.lstrip("/")
    try:
        return ox.NamedNode(candidate).value
    except ValueError as exc:
        raise QueryError(f"not a valid IRI: {candidate!r} ({exc})") from exc


def curie(iri: str) -> str:
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and len(iri) > len(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri


@cache
def _vocabulary():
    from rdflib import Graph

    from kg.namespace import vocab_text

    return Graph().parse(data=vocab_text(), format="turtle")


def vocab_label(iri: str, lang: str = "en") -> str | None:
    labels = {o.language: str(o) for o in _vocabulary().objects(URIRef(iri), RDFS.label) if isinstance(o, Literal)}
    return labels.get(lang) or labels.get("en") or next(iter(labels.values()), None)


def subclasses(roots: Iterable[URIRef], exclude: Iterable[URIRef] = ()) -> list[URIRef]:
    """``roots`` and every class the vocabulary declares beneath them."""
    vocab, found, todo = _vocabulary(), set(), list(roots)
    while todo:
        c = todo.pop()
        if c not in found:
            found.add(c)
            todo.extend(vocab.subjects(RDFS.subClassOf, c))
    return sorted(found - set(exclude))


def _node(term: Any) -> dict[str, Any]:
    if isinstance(term, Literal):
        out: dict[str, Any] = {"kind": "literal", "value": str(term)}
        if term.language:
            out["lang"] = term.language
        elif term.datatype:
            out["datatype"] = curie(str(term.datatype))
        return out
    return {"kind": "bnode" if isinstance(term, BNode) else "iri", "value": str(term), "curie": curie(str(term))}


def _rows(store: GraphStore, query: str) -> list:
    """All rows at once: a half-read pyoxigraph result must not outlive the thread that made it."""
    return list(store.query(query))


def _one(store: GraphStore, query: str) -> Any:
    return _rows(store, query)[0]


def _int(term: Any) -> int | None:
    return None if term is None else int(term)


def _str(term: Any) -> str | None:
    return None if term is None else str(term)


# --- one entity -------------------------------------------------------------------------------

def entity_view(store: GraphStore, iri: str) -> dict[str, Any]:
    """An entity's label, types, outgoing facts, incoming links and provenance quotes."""
    node = URIRef(iri).n3()  # resolve_iri has checked the IRI
    facts = _rows(store, f"""
        SELECT ?p ?o (SAMPLE(?l) AS ?label) WHERE {{ {node} ?p ?o OPTIONAL {{ ?o {LABEL_PATH} ?l }} }}
        GROUP BY ?p ?o ORDER BY ?p ?o LIMIT {MAX_FACTS + 1}""")
    total_in = int(_one(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p {node} }}").n)
    if not facts and not total_in:
        raise NotFound(f"{iri} is not in the graph")
    incoming = _rows(store, f"""
        SELECT ?s ?p (SAMPLE(?l) AS ?label) WHERE {{ ?s ?p {node} OPTIONAL {{ ?s {LABEL_PATH} ?l }} }}
        GROUP BY ?s ?p ORDER BY ?p ?s LIMIT {MAX_INCOMING}""")
    label = next((str(r.o) for r in facts if str(r.p) == str(RDFS.label)), None)
    label = label or next((str(r.o) for r in facts if curie(str(r.p)) in LABEL_PATH.split("|")), None)
    types = [str(r.o) for r in facts if str(r.p) == PREFIXES["rdf"] + "type"]
    return {
        "iri": iri,
        "curie": curie(iri),
        "label": label or vocab_label(iri),
        "types": [{"iri": t, "curie": curie(t), "label": vocab_label(t)} for t in types],
        "facts": [
            {"predicate": str(r.p), "predicate_curie": curie(str(r.p)), "predicate_label": vocab_label(str(r.p)),
             "object": _node(r.o),
             "object_label": _str(r.label) or (vocab_label(str(r.o)) if isinstance(r.o, URIRef) else None)}
            for r in facts[:MAX_FACTS]
        ],
        "facts_truncated": len(facts) > MAX_FACTS,
        "incoming": [
            {"subject": str(r.s), "subject_curie": curie(str(r.s)), "subject_label": _str(r.label),
             "predicate": str(r.p), "predicate_curie": curie(str(r.p))}
            for r in incoming
        ],
        "incoming_total": total_in,
        "provenance": provenance(store, iri),
    }


def provenance(store: GraphStore, iri: str) -> list[dict[str, Any]]:
    """Where the entity stands in its document: its own text or span, and the passages it was derived from."""
    node = URIRef(iri).n3()
    rows = _rows(store, f"""
        SELECT ?src ?text ?doc ?title ?page ?pageEnd ?start ?end WHERE {{
          {{ BIND({node} AS ?src) }} UNION {{ {node} prov:wasDerivedFrom ?src . ?src a {V.Passage} }}
          ?src {V.inDocument} ?doc .
          OPTIONAL {{ ?src {V.text} ?text }} OPTIONAL {{ ?doc dcterms:title ?title }}
          OPTIONAL {{ ?src {V.page} ?page }} OPTIONAL {{ ?src {V.pageEnd} ?pageEnd }}
          OPTIONAL {{ ?src {V.charStart} ?start }} OPTIONAL {{ ?src {V.charEnd} ?end }}
          FILTER(BOUND(?text) || BOUND(?start))
        }} ORDER BY ?src""")
    out, seen = [], set()
    for r in rows:
        if str(r.src) in seen:
            continue
        seen.add(str(r.src))
        out.append({"source": str(r.src), "source_curie": curie(str(r.src)), "text": _str(r.text),
                    "document": str(r.doc), "document_title": _str(r.title), "page": _int(r.page),
                    "page_end": _int(r.pageEnd), "char_start": _int(r.start), "char_end": _int(r.end)})
    return out


# --- documents --------------------------------------------------------------------------------

DOCUMENTS_QUERY = f"""
SELECT ?doc ?id ?key (SAMPLE(?t) AS ?title) (SAMPLE(?pub) AS ?publisher) (SAMPLE(?k) AS ?kind)
       (SAMPLE(?d) AS ?date) (SAMPLE(?n) AS ?pages)
       (SAMPLE(?ns) AS ?sections) (SAMPLE(?np) AS ?passages) (SAMPLE(?nf) AS ?facts) WHERE {{
  ?doc a {V.Document} ; {V.sourceKey} ?key ; dcterms:identifier ?id .
  OPTIONAL {{ ?doc dcterms:title ?t }} OPTIONAL {{ ?doc dcterms:publisher ?pub }} OPTIONAL {{ ?doc {V.documentKind} ?k }}
  OPTIONAL {{ ?doc dcterms:date ?d }} OPTIONAL {{ ?doc {V.pageCount} ?n }}
  OPTIONAL {{ SELECT ?doc (COUNT(?s) AS ?ns) WHERE {{ ?s a {V.Section} ; {V.inDocument} ?doc }} GROUP BY ?doc }}
  OPTIONAL {{ SELECT ?doc (COUNT(?p) AS ?np) WHERE {{ ?p a {V.Passage} ; {V.inDocument} ?doc }} GROUP BY ?doc }}
  OPTIONAL {{ SELECT ?doc (COUNT(DISTINCT ?f) AS ?nf) WHERE {{ VALUES ?fc {{ %s }} ?f a ?fc ; {V.inDocument} ?doc }}
             GROUP BY ?doc }}
}} GROUP BY ?doc ?id ?key ORDER BY ?key"""


def list_documents(store: GraphStore) -> list[dict[str, Any]]:
    """Every document with its metadata and counts of sections, passages and facts (kg:Quantity and subclasses)."""
    facts = " ".join(c.n3() for c in subclasses([KG.Quantity]))
    return [
        {"id": str(r.id), "key": str(r.key), "title": _str(r.title), "publisher": _str(r.publisher),
         "kind": _str(r.kind), "date": _str(r.date), "pages": _int(r.pages), "sections": _int(r.sections) or 0,
         "passages": _int(r.passages) or 0, "facts": _int(r.facts) or 0, "iri": str(r.doc)}
        for r in _rows(store, DOCUMENTS_QUERY % facts)
    ]


def _document(store: GraphStore, doc_id: str) -> dict[str, Any]:
    if re.fullmatch(r"[0-9A-Za-z_.-]{1,128}", doc_id):
        for doc in list_documents(store):
            if doc["id"] == doc_id:
                return doc
    raise NotFound(f"no document with id {doc_id!r}; GET /documents lists them")


def document_view(store: GraphStore, doc_id: str) -> dict[str, Any]:
    """A document's metadata and its sections in order."""
    doc = _document(store, doc_id)
    rows = _rows(store, f"""
        SELECT ?s ?order ?title ?kind ?page ?pageEnd ?start ?end (COUNT(?p) AS ?passages) WHERE {{
          ?s a {V.Section} ; {V.inDocument} {URIRef(doc["iri"]).n3()} ; {V.order} ?order .
          OPTIONAL {{ ?s dcterms:title ?title }} OPTIONAL {{ ?s {V.sectionKind} ?kind }}
          OPTIONAL {{ ?s {V.page} ?page }} OPTIONAL {{ ?s {V.pageEnd} ?pageEnd }}
          OPTIONAL {{ ?s {V.charStart} ?start }} OPTIONAL {{ ?s {V.charEnd} ?end }}
          OPTIONAL {{ ?p {V.inSection} ?s }}
        }} GROUP BY ?s ?order ?title ?kind ?page ?pageEnd ?start ?end ORDER BY ?order""")
    doc["sections"] = [
        {"iri": str(r.s), "order": int(r.order), "title": _str(r.title), "kind": _str(r.kind), "page": _int(r.page),
         "page_end": _int(r.pageEnd), "char_start": _int(r.start), "char_end": _int(r.end),
         "passages": int(r.passages)}
        for r in rows
    ]
    return doc


# --- initiatives and actors -------------------------------------------------------------------

def list_resources(store: GraphStore, classes: Iterable[URIRef]) -> list[dict[str, Any]]:
    """Every resource typed with one of ``classes``: label, types and how many links point at it."""
    values = " ".join(URIRef(c).n3() for c in classes)
    rows = _rows(store, f"""
        SELECT ?r (SAMPLE(?l) AS ?label) (GROUP_CONCAT(DISTINCT STR(?t); separator=" ") AS ?types)
               (COUNT(DISTINCT ?in) AS ?incoming) WHERE {{
          VALUES ?t {{ {values} }} ?r a ?t .
          OPTIONAL {{ ?r {LABEL_PATH} ?l }} OPTIONAL {{ ?in ?link ?r }}
        }} GROUP BY ?r""")
    items = [{"iri": str(r.r), "label": _str(r.label),
              "types": sorted(curie(t) for t in str(r.types).split()), "incoming": int(r.incoming)} for r in rows]
    return sorted(items, key=lambda i: ((i["label"] or "").casefold(), i["iri"]))


def list_initiatives(store: GraphStore) -> list[dict[str, Any]]:
    return list_resources(store, subclasses([KG.Initiative]))


def list_actors(store: GraphStore) -> list[dict[str, Any]]:
    return list_resources(store, subclasses(ACTOR_ROOTS, exclude=NOT_ACTORS))


def page(items: list[dict[str, Any]], q: str | None, limit: int | None, offset: int,
         fields: Iterable[str] = ("label", "title", "key", "publisher", "iri")) -> dict[str, Any]:
    """Filter by ``q`` (case-insensitive, in any of ``fields``) and cut one page out."""
    if q:
        needle = q.casefold()
        items = [i for i in items if any(needle in str(i.get(f) or "").casefold() for f in fields)]
    chosen = items[offset:] if limit is None else items[offset:offset + limit]
    end = offset + len(chosen)
    return {"total": len(items), "offset": offset, "limit": limit, "next_offset": end if end < len(items) else None,
            "items": chosen}


def to_csv(items: list[dict[str, Any]], columns: Iterable[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for item in items:
        writer.writerow({k: " ".join(v) if isinstance(v, list) else ("" if v is None else v) for k, v in item.items()})
    return out.getvalue()


def graph_health(store: GraphStore) -> dict[str, int]:
    """Proof the store answers: triples and documents."""
    docs = int(_one(store, f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a {V.Document} }}").n)
    return {"triples": len(store), "documents": docs}
