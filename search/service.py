"""Search over the graph's passages: build the index from the store, answer queries with facts.

This module is the seam between ``kg`` (the graph) and ``search`` (the index): passages are read
from the store with SPARQL, and each hit comes back with its document, page, span and the facts
(amounts, initiatives) the graph holds for that passage. Graph filters (document, year, actor,
initiative) become sets of allowed passage IRIs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.money import number
from kg.settings import Config
from kg.sparql_build import V, sparql_literal
from kg.store import GraphStore
from search.records import PassageRecord, SearchIndexError

PASSAGES_QUERY = f"""
SELECT ?p ?doc ?key ?text ?hash ?page ?rs ?re ?title ?doctitle WHERE {{
  ?p a {V.Passage} ; {V.inDocument} ?doc ; {V.text} ?text ; {V.contentHash} ?hash ;
     {V.rawStart} ?rs ; {V.rawEnd} ?re ; {V.inSection} ?sec .
  ?doc {V.sourceKey} ?key ; dcterms:title ?doctitle .
  OPTIONAL {{ ?sec dcterms:title ?title }}
  OPTIONAL {{ ?p {V.page} ?page }}
}} ORDER BY ?key ?p"""

YEARS_QUERY = f"""
SELECT ?p ?year WHERE {{ ?f prov:wasDerivedFrom ?p ; {V.year} ?year . ?p a {V.Passage} }}"""

FACTS_QUERY = f"""
SELECT ?p ?f ?label ?value ?year ?yearEnd ?perYear ?openEnded ?kind ?quote ?init ?initLabel ?cls ?uncertain ?flags WHERE {{
  VALUES ?p {{ %(passages)s }}
  ?f prov:wasDerivedFrom ?p ; {V.value} ?value ; a ?cls ; rdfs:label ?label .
  FILTER(?cls IN ({V.MoneyAmount}, {V.StaffFigure}, {V.PercentFigure}))
  OPTIONAL {{ ?f {V.year} ?year }} OPTIONAL {{ ?f {V.yearEnd} ?yearEnd }}
  OPTIONAL {{ ?f {V.perYear} ?perYear }} OPTIONAL {{ ?f {V.openEnded} ?openEnded }}
  OPTIONAL {{ ?f {V.amountKind}/skos:notation ?kind }}
  OPTIONAL {{ ?f {V.text} ?quote }}
  OPTIONAL {{ ?f {V.forInitiative} ?init . ?init rdfs:label ?initLabel }}
  OPTIONAL {{ ?f {V.uncertain} ?uncertain }}
  OPTIONAL {{ SELECT ?f (GROUP_CONCAT(DISTINCT ?flag; SEPARATOR=" ") AS ?flags) WHERE {{
    VALUES ?p {{ %(passages)s }} ?f prov:wasDerivedFrom ?p ; {V.parseFlag}/skos:notation ?flag }} GROUP BY ?f }}
}} ORDER BY ?p ?f"""


def passage_records(store: GraphStore) -> list[PassageRecord]:
    """Every ingested passage with its document and context; graphs put here by ``kg load`` are left out."""
    dataset = store.ingested_dataset()
    years: dict[str, set[int]] = {}
    for row in store.query(YEARS_QUERY, dataset=dataset):
        years.setdefault(str(row.p), set()).add(int(row.year))
    records = []
    for row in store.query(PASSAGES_QUERY, dataset=dataset):
        iri = str(row.p)
        records.append(PassageRecord(
            iri=iri, doc_id=str(row.doc).rsplit("/", 1)[-1], doc_key=str(row.key), text=str(row.text),
            content_hash=str(row.hash), page=int(row.page) if row.page is not None else None,
            raw_start=int(row.rs), raw_end=int(row.re), year_hints=tuple(sorted(years.get(iri, ()))),
            context=_context(str(row.doctitle), str(row.title) if row.title is not None else "", str(row.text)),
        ))
    return records


def _context(doc_title: str, section_title: str, text: str) -> str:
    """Document title and section heading, so a passage is found by what it is about."""
    parts = [doc_title]
    if section_title and not text.startswith(section_title[:40]):
        parts.append(section_title)
    return " — ".join(parts)


def build_index(store: GraphStore, config: Config, progress: Callable[[int, int], None] | None = None):
    """(Re)build the search index for every passage in the store; cached embeddings are reused."""
    from search.encoder import load_encoder
    from search.index import SearchIndex

    encoder = load_encoder(None if config.model == "default" else config.model, cache_dir=config.model_cache,
                           backend=config.encoder_backend)
    records = passage_records(store)
    return SearchIndex.build(records, encoder, config.data_dir, progress, sidecars=index_sidecars(store, records, encoder, config))


def index_sidecars(store: GraphStore, records: list[PassageRecord], encoder, config: Config) -> list:
    """What is kept beside the passages (issue 18): fact and sentence vectors, near-duplicate groups."""
    from search.dedup import groups_sidecar
    from search.factgraph import document_info
    from search.factindex import fact_sidecar
    from search.sentences import sentence_sidecar

    return [fact_sidecar(store, encoder, config.data_dir), sentence_sidecar(records, encoder, config.data_dir),
            groups_sidecar(records, document_info(store))]


def open_index(config: Config, threads: int | None = None):
    """The live index, searched with ``config.encoder_backend`` (an incompatible index is refused)."""
    from search.index import SearchIndex

    return SearchIndex.open(config.data_dir, model_cache=config.model_cache, backend=config.encoder_backend,
                            threads=threads)


def index_in_step(store: GraphStore, index) -> bool:
    """Whether the index holds exactly the store's passages with the same text."""
    have = {(r.iri, r.content_hash) for r in index.records}
    want = {(r.iri, r.content_hash) for r in passage_records(store)}
    return have == want


def graph_passages(store: GraphStore) -> dict[str, str]:
    """Passage IRI → content hash, exactly as the index would take them from the graph."""
    return {r.iri: r.content_hash for r in passage_records(store)}


def index_matches(store: GraphStore, data_dir: Path | str) -> bool:
    """Whether the live index holds exactly the graph's passages (used to roll an ingest forward)."""
    from search.index import SearchIndex

    try:
        index = SearchIndex.open(data_dir)
    except SearchIndexError:
        return False
    return {r.iri: r.content_hash for r in index.records} == graph_passages(store)


@dataclass
class SearchFilters:
    doc: str | None = None  # document id, source key or title fragment
    year: int | None = None
    actor: str | None = None  # actor IRI or label fragment
    initiative: str | None = None  # initiative IRI or label fragment

    def active(self) -> bool:
        return any(v is not None for v in (self.doc, self.year, self.actor, self.initiative))


def allowed_passages(store: GraphStore, f: SearchFilters) -> set[str] | None:
    """Passage IRIs that satisfy the filters, using the graph (None when no filter is set)."""
    if not f.active():
        return None
    clauses = [f"?p a {V.Passage} ; {V.inDocument} ?doc ."]
    if f.doc:
        d = sparql_literal(f.doc)
        clauses.append(f'?doc {V.sourceKey} ?key ; dcterms:title ?dt . FILTER(STRENDS(STR(?doc), {d}) || ?key = {d} || CONTAINS(LCASE(?dt), LCASE({d})))')
    if f.year is not None:
        clauses.append(f"?yf prov:wasDerivedFrom ?p ; {V.year} ?y . FILTER(?y = {int(f.year)} || (BOUND(?y) && EXISTS {{ ?yf {V.yearEnd} ?ye FILTER(?y <= {int(f.year)} && ?ye >= {int(f.year)}) }}))")
    if f.actor:
        a = sparql_literal(f.actor)
        clauses.append(f'?p {V.mentions} ?actor . ?actor rdfs:label ?al . FILTER(STR(?actor) = {a} || CONTAINS(LCASE(?al), LCASE({a})))')
    if f.initiative:
        i = sparql_literal(f.initiative)
        clauses.append(
            f'{{ ?if prov:wasDerivedFrom ?p ; {V.forInitiative} ?init }} UNION {{ ?init prov:wasDerivedFrom ?p }} '
            f'?init rdfs:label ?il . FILTER(STR(?init) = {i} || CONTAINS(LCASE(?il), LCASE({i})))'
        )
    query = "SELECT DISTINCT ?p WHERE { " + "\n".join(clauses) + " }"
    return {str(r.p) for r in store.query(query)}


@dataclass
class SearchResult:
    rank: int
    score: float
    iri: str
    doc_key: str
    doc_title: str
    page: int | None
    raw_start: int
    raw_end: int
    text: str
    ranks: dict[str, int | None] = field(default_factory=dict)
    facts: list[dict[str, Any]] = field(default_factory=list)
    also_in: list[dict[str, Any]] = field(default_factory=list)  # near-duplicates of this passage (search/dedup.py)


def facts_for(store: GraphStore, passages: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The money, staff and percent facts derived from each of ``passages``, in ONE query for the list.

    Each fact: ``iri``, ``label``, ``measure``, ``value`` (:func:`kg.money.number`: an int when whole),
    ``year``/``year_end``, ``per_year``, ``open_ended``, ``kind``, ``quote``, ``initiative`` and its
    label, ``uncertain`` and, for an uncertain figure, its ``flags`` (the kg:parseFlag notations, sorted;
    empty otherwise). On the embedded Oxigraph store the query runs in pyoxigraph itself (~5× faster
    than through rdflib's result layer, measured in bench/results/NOTES.md); other stores take the
    rdflib path. Both give the same dicts in the same order (tests/search/test_facts_lookup.py).
    """
    if not passages:
        return {}
    query = FACTS_QUERY % {"passages": " ".join(f"<{p}>" for p in passages)}
    native = getattr(store, "native", None)
    if native is not None:
        return _facts_native(native, query)
    out: dict[str, list[dict[str, Any]]] = {}
    for row in store.query(query):
        uncertain = bool(row.uncertain.toPython()) if row.uncertain is not None else False
        out.setdefault(str(row.p), []).append({
            "iri": str(row.f), "label": str(row.label), "measure": str(row.cls).rsplit("#", 1)[-1],
            "value": number(row.value), "year": _int(row.year), "year_end": _int(row.yearEnd),
            "per_year": bool(row.perYear.toPython()) if row.perYear is not None else False,
            "open_ended": bool(row.openEnded.toPython()) if row.openEnded is not None else False,
            "kind": str(row.kind) if row.kind is not None else None,
            "quote": str(row.quote) if row.quote is not None else None,
            "initiative": str(row.init) if row.init is not None else None,
            "initiative_label": str(row.initLabel) if row.initLabel is not None else None,
            "uncertain": uncertain,
            "flags": _flags(str(row.flags) if row.flags is not None else None, uncertain),
        })
    return out


def _int(term) -> int | None:
    return int(term) if term is not None else None


def _flags(joined: str | None, uncertain: bool) -> list[str]:
    """Why an uncertain figure is uncertain (kg:parseFlag notations, sorted), to show beside it."""
    return sorted(joined.split()) if uncertain and joined else []


def _facts_native(native: Any, query: str) -> dict[str, list[dict[str, Any]]]:
    """:func:`facts_for` on a pyoxigraph store: its solutions read as plain values, no rdflib terms."""
    from decimal import Decimal

    from kg.namespace import PREFIXES

    def text(sol: Any, name: str) -> str | None:
        term = sol[name]
        return None if term is None else term.value

    def integer(sol: Any, name: str) -> int | None:
        term = sol[name]
        return None if term is None else int(term.value)

    def flag(sol: Any, name: str) -> bool:
        term = sol[name]
        return term is not None and term.value.strip() in ("true", "1")

    out: dict[str, list[dict[str, Any]]] = {}
    for sol in native.query(query, prefixes=PREFIXES, use_default_graph_as_union=True):
        uncertain = flag(sol, "uncertain")
        out.setdefault(sol["p"].value, []).append({
            "iri": sol["f"].value, "label": sol["label"].value, "measure": sol["cls"].value.rsplit("#", 1)[-1],
            "value": number(Decimal(sol["value"].value)), "year": integer(sol, "year"),
            "year_end": integer(sol, "yearEnd"), "per_year": flag(sol, "perYear"), "open_ended": flag(sol, "openEnded"),
            "kind": text(sol, "kind"), "quote": text(sol, "quote"),
            "initiative": text(sol, "init"), "initiative_label": text(sol, "initLabel"),
            "uncertain": uncertain, "flags": _flags(text(sol, "flags"), uncertain),
        })
    return out


def search(store: GraphStore, index, query: str, k: int = 10, mode: str = "hybrid",
           filters: SearchFilters | None = None, with_facts: bool = True) -> list[SearchResult]:
    allowed = allowed_passages(store, filters or SearchFilters())
    hits = index.search(query, k=k, mode=mode, filter=allowed)
    memo = getattr(index, "memo", None)  # the titles once per open index, not once per request
    titles = memo("doc_titles", lambda: _titles(store)) if memo is not None else _titles(store)
    facts = _facts_remembered(store, index, [h.iri for h in hits]) if with_facts else {}
    return [
        SearchResult(
            rank=h.rank, score=float(h.score), iri=h.iri, doc_key=h.record.doc_key,
            doc_title=titles.get(h.record.doc_key, h.record.doc_key), page=h.record.page,
            raw_start=h.record.raw_start, raw_end=h.record.raw_end, text=h.record.text,
            ranks=dict(h.ranks), facts=facts.get(h.iri, []),
        )
        for h in hits
    ]


FACTS_KEPT = 4096  # passages whose facts an open index keeps (a few MB at most)


def _facts_remembered(store: GraphStore, index: Any, passages: list[str]) -> dict[str, list[dict[str, Any]]]:
    """:func:`facts_for`, remembering each passage's facts for as long as the index is open: a result list
    costs one query for the passages not seen before, and none once they all have been. (The index and the
    graph change together, by an ingest; a server opens both anew.) Callers get copies of the fact dicts."""
    memo = getattr(index, "memo", None)
    if memo is None:
        return facts_for(store, passages)
    kept, lock = memo("facts_by_passage", lambda: (OrderedDict(), threading.Lock()))
    with lock:
        known = {p: kept[p] for p in passages if p in kept}
        for p in known:
            kept.move_to_end(p)
    missing = [p for p in dict.fromkeys(passages) if p not in known]
    if missing:
        fresh = facts_for(store, missing)
        with lock:
            for p in missing:
                known[p] = kept[p] = fresh.get(p, [])
            while len(kept) > FACTS_KEPT:
                kept.popitem(last=False)
    return {p: [{**f, "flags": list(f["flags"])} for f in known[p]] for p in passages if known[p]}


def _titles(store: GraphStore) -> dict[str, str]:
    return {str(r.key): str(r.t) for r in store.query(f"SELECT ?key ?t WHERE {{ ?d a {V.Document} ; {V.sourceKey} ?key ; dcterms:title ?t }}")}


