"""Read views the page needs beyond the JSON API: a document's fact spans and page starts, one initiative
across documents, money checks for a year, and the example SPARQL queries shipped with the page.

Plain dicts out, errors from :mod:`kg.errors`; no FastAPI here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from rdflib import URIRef

from kg import browse
from kg.errors import NotFound, QueryError
from kg.money import number
from kg.namespace import KG
from kg.sparql_build import V
from kg.store import GraphStore

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
SHARE_TOLERANCE = 0.005  # shares may exceed the allocation by rounding (½ %) before a warning


def _rows(store: GraphStore, query: str) -> list:
    return list(store.query(query))


def _s(term: Any) -> str | None:
    return None if term is None else str(term)


MEASURES = {KG.MoneyAmount: "money", KG.StaffFigure: "staff", KG.PercentFigure: "percent"}


def _measure(cls: str) -> str:
    """The page's mark type of a quantity class IRI: money, staff, percent, or quantity for any other."""
    return MEASURES.get(URIRef(cls), "quantity")


# --- document -------------------------------------------------------------------------------

def document_marks(store: GraphStore, data_dir: Path, doc_id: str) -> dict[str, Any]:
    """Where the document's facts stand in its repaired text (the text of ``GET /documents/{id}/text``).

    Everything comes from the graph with its span: amounts, staff figures, percentages and initiatives
    (``kg:charStart``/``kg:charEnd`` on the fact), and actors, places and dates (one ``kg:Mention`` per
    place in the text where one is named, stored at ingest). Also the offsets where pages start.
    Raises :class:`kg.errors.NotFound` when the document or its kept text is missing.
    """
    from ingest.repair import repair
    from ingest.texts import load_text

    doc = _document(store, doc_id)
    stored = load_text(data_dir, doc_id)
    if stored is None:
        raise NotFound(f"the text of document {doc_id} is not stored in {data_dir}/texts; re-run `kg ingest` "
                       "with the oxigraph store to keep it")
    repaired = repair(stored["raw"])
    node = URIRef(doc["iri"]).n3()
    quantity_classes = {str(c) for c in browse.subclasses([KG.Quantity])}
    marks: dict[str, dict[str, Any]] = {}
    for r in _rows(store, f"""
            SELECT ?f ?t ?label ?start ?end ?value WHERE {{
              ?f {V.inDocument} {node} ; a ?t ; {V.charStart} ?start ; {V.charEnd} ?end .
              OPTIONAL {{ ?f rdfs:label ?label }} OPTIONAL {{ ?f {V.value} ?value }}
            }} ORDER BY ?start"""):
        t = str(r.t)
        if t == str(KG.Initiative) or t in quantity_classes:
            kind = "initiative" if t == str(KG.Initiative) else _measure(t)
            old = marks.get(str(r.f))
            if old is None or old["type"] == "quantity":
                marks[str(r.f)] = {"type": kind, "iri": str(r.f), "label": _s(r.label), "start": int(r.start),
                                   "end": int(r.end), "value": number(r.value) if r.value is not None else None}
    out = list(marks.values())
    for r in _rows(store, f"""
            SELECT ?e ?start ?end (SAMPLE(?name) AS ?label)
                   (MAX(IF(EXISTS {{ ?e a prov:Agent }}, 3, IF(EXISTS {{ ?e a schema:Place }}, 2,
                        IF(EXISTS {{ ?e a time:TemporalEntity }} || EXISTS {{ ?e a time:Instant }}
                           || EXISTS {{ ?e a time:Interval }}, 1, 0)))) AS ?kind) WHERE {{
              ?m a {V.Mention} ; {V.inDocument} {node} ; {V.mentionOf} ?e ; {V.charStart} ?start ; {V.charEnd} ?end .
              OPTIONAL {{ ?e rdfs:label ?name }}
            }} GROUP BY ?e ?start ?end ORDER BY ?start"""):
        kind = {3: "actor", 2: "place", 1: "date"}.get(int(r.kind))
        if kind is None:
            continue
        start, end = int(r.start), int(r.end)
        out.append({"type": kind, "iri": str(r.e), "label": _s(r.label) or repaired.text[start:end], "start": start,
                    "end": end, "value": None})
    out.sort(key=lambda m: (m["start"], -m["end"]))
    return {"id": doc_id, "iri": doc["iri"], "length": len(repaired.text),
            "pages": [{"offset": o, "page": p} for o, p in repaired.page_starts], "marks": out}


def _document(store: GraphStore, doc_id: str) -> dict[str, Any]:
    if re.fullmatch(r"[0-9A-Za-z_.-]{1,128}", doc_id):
        for doc in browse.list_documents(store):
            if doc["id"] == doc_id:
                return doc
    raise NotFound(f"no document with id {doc_id!r}; GET /documents lists them")


# --- initiative -----------------------------------------------------------------------------

def initiative(store: GraphStore, iri: str) -> dict[str, Any]:
    """One initiative across documents: its canonical name, and per document its own name, theme,
    agreement or plan, the actors responsible and the actors its passages name."""
    node = URIRef(browse.resolve_iri(iri=iri)).n3()
    canon = _rows(store, f"""
        SELECT ?c ?label WHERE {{
          {{ BIND({node} AS ?c) {node} a {V.CanonicalInitiative} }} UNION {{ {node} owl:sameAs ?c . ?c a {V.CanonicalInitiative} }}
          ?c rdfs:label ?label }} LIMIT 1""")
    if not canon:
        raise NotFound(f"{iri} is not an initiative in the graph; GET /initiatives lists them")
    c = URIRef(str(canon[0].c)).n3()
    members: dict[str, dict[str, Any]] = {}
    for r in _rows(store, f"""
            SELECT ?i ?label ?doc ?docId ?key ?title ?theme ?agreement ?agreementLabel ?page ?source WHERE {{
              ?i owl:sameAs {c} ; rdfs:label ?label ; {V.inDocument} ?doc .
              ?doc dcterms:identifier ?docId ; {V.sourceKey} ?key . OPTIONAL {{ ?doc dcterms:title ?title }}
              OPTIONAL {{ ?i {V.theme} ?theme }} OPTIONAL {{ ?i {V.initiativeSource} ?source }}
              OPTIONAL {{ ?i {V.partOfAgreement} ?agreement OPTIONAL {{ ?agreement rdfs:label ?agreementLabel }} }}
              OPTIONAL {{ ?i prov:wasDerivedFrom/{V.page} ?page }}
            }} ORDER BY ?key ?i"""):
        members.setdefault(str(r.i), {
            "iri": str(r.i), "label": str(r.label), "doc_id": str(r.docId), "doc_key": str(r.key),
            "document": _s(r.title), "theme": _s(r.theme), "agreement": _s(r.agreement),
            "agreement_label": _s(r.agreementLabel), "page": int(r.page) if r.page is not None else None,
            "source": _s(r.source), "responsible": [], "mentioned": []})
    if members:
        values = " ".join(URIRef(i).n3() for i in members)
        actor_types = " ".join(c.n3() for c in browse.subclasses(browse.ACTOR_ROOTS, exclude=browse.NOT_ACTORS))
        for r in _rows(store, f"""
                SELECT DISTINCT ?i ?how ?a ?label WHERE {{
                  VALUES ?i {{ {values} }}
                  {{ ?i {V.responsible}|prov:wasAttributedTo ?a BIND("responsible" AS ?how) }}
                  UNION {{ VALUES ?t {{ {actor_types} }} ?i prov:wasDerivedFrom ?p . ?p {V.mentions} ?a . ?a a ?t .
                           BIND("mentioned" AS ?how) }}
                  ?a rdfs:label ?label }} ORDER BY ?label"""):
            bucket = members[str(r.i)][str(r.how)]
            if all(a["iri"] != str(r.a) for a in bucket):
                bucket.append({"iri": str(r.a), "label": str(r.label)})
    return {"iri": str(canon[0].c), "label": str(canon[0].label), "members": list(members.values())}


# --- money ----------------------------------------------------------------------------------

def money_years(store: GraphStore) -> list[int]:
    """Years that have money tied to an initiative."""
    return [int(r.year) for r in _rows(store, f"""
        SELECT DISTINCT ?year WHERE {{ ?f a {V.MoneyAmount} ; {V.year} ?year ; {V.forInitiative} ?i }} ORDER BY ?year""")]


def reconcile(flows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Warnings for one year's flows: shares that add up to more than the allocation, and shares of an
    initiative with no allocation found for that year."""
    allocated: dict[tuple[int, str], int | float] = defaultdict(int)  # whole kroner stay ints
    shared: dict[tuple[int, str], int | float] = defaultdict(int)
    labels: dict[str, str] = {}
    for f in flows:
        key = (f["year"], f["initiative"])
        labels[f["initiative"]] = f["initiative_label"]
        if f["kind"] == "allocated":
            allocated[key] += f["dkk"]
        elif f["kind"] == "share":
            shared[key] += f["dkk"]
    out = []
    for (year, init), share in sorted(shared.items()):
        alloc = allocated.get((year, init))  # a defaultdict: .get does not insert
        base = {"year": year, "initiative": init, "initiative_label": labels[init], "shares_dkk": share,
                "allocated_dkk": alloc}
        if alloc is None:
            out.append({**base, "code": "share-without-allocation"})
        elif share > alloc * (1 + SHARE_TOLERANCE):
            out.append({**base, "code": "shares-exceed-allocation"})
    return out


def conflicts(store: GraphStore, year: int | None) -> list[dict[str, Any]]:
    """Money stated twice with different figures (``kg:conflictsWith``), in ``year`` if given."""
    where = f"FILTER(?year = {int(year)})" if year is not None else ""
    return [{"code": "conflicting-figures", "year": int(r.year), "a": str(r.a), "b": str(r.b),
             "a_label": str(r.la), "b_label": str(r.lb), "a_dkk": number(r.va), "b_dkk": number(r.vb),
             "a_quote": _s(r.qa), "b_quote": _s(r.qb), "initiative_label": _s(r.init)}
            for r in _rows(store, f"""
        SELECT ?a ?b ?year ?va ?vb ?la ?lb ?qa ?qb (SAMPLE(?il) AS ?init) WHERE {{
          ?a {V.conflictsWith} ?b ; a {V.MoneyAmount} ; {V.value} ?va ; rdfs:label ?la ; {V.year} ?year .
          ?b {V.value} ?vb ; rdfs:label ?lb . FILTER(STR(?a) < STR(?b)) {where}
          OPTIONAL {{ ?a {V.text} ?qa }} OPTIONAL {{ ?b {V.text} ?qb }}
          OPTIONAL {{ ?a {V.forInitiative}/owl:sameAs/rdfs:label ?il }}
        }} GROUP BY ?a ?b ?year ?va ?vb ?la ?lb ?qa ?qb ORDER BY ?year ?a""")]


def mismatches(store: GraphStore, year: int | None) -> list[dict[str, Any]]:
    """Stated totals whose parts add up to something else (``kg:Reconciliation`` with status mismatch)."""
    from kg.money import reconciliations

    return [{"code": "total-mismatch", "year": r["year"], "label": r["label"], "stated_dkk": r["stated"],
             "computed_dkk": r["computed"], "doc_key": r["doc_key"], "iri": r["iri"]}
            for r in reconciliations(store, "mismatch") if year is None or r["year"] == year]


def money_checks(store: GraphStore, year: int | None) -> dict[str, Any]:
    """The years with money, and for ``year`` (or all years) the warnings: shares against allocations,
    conflicting restatements, and stated totals that do not match their parts."""
    from kg.money import flows

    return {"years": money_years(store), "year": year,
            "warnings": reconcile(flows(store, year)) + conflicts(store, year) + mismatches(store, year)}


# --- example queries ------------------------------------------------------------------------

def examples(directory: Path = QUERIES_DIR) -> list[dict[str, str]]:
    """The shipped example queries: ``NN-name.rq`` files whose first lines are ``# da: …`` and ``# en: …``."""
    out = []
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        titles = dict(re.findall(r"^#\s*(da|en):\s*(.+)$", text, flags=re.M))
        if set(titles) != {"da", "en"}:
            raise QueryError(f"{path}: an example query needs '# da: …' and '# en: …' title lines")
        body = "\n".join(line for line in text.splitlines() if not re.match(r"#\s*(da|en):", line)).strip()
        out.append({"id": path.stem, "title_da": titles["da"].strip(), "title_en": titles["en"].strip(),
                    "query": body + "\n"})
    return out
