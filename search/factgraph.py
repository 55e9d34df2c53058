"""What the graph says about candidate facts, actors and documents, for ranking and citing answers.

Three read-only SPARQL lookups used by :mod:`search.answer`:

* :func:`fact_details` — for given fact IRIs: value, period (``kg:year``, ``kg:yearEnd``,
  ``kg:perYear``, ``kg:openEnded``), ``kg:amountKind``, ``kg:fromTable``, the sentence
  (``kg:text``), the initiative (``kg:forInitiative``, its canonical ``owl:sameAs`` initiative and
  the larger initiative it is ``kg:partOfInitiative`` of), the recipient (``kg:recipient``), the
  passage, page and document; and the facts it is ``kg:sameMoneyAs`` or ``kg:conflictsWith``;
* :func:`graph_actors` — every organisation, agent or person with all its names (label and
  ``skos:altLabel``), to find the actors a question names;
* :func:`document_info` — title, kind, date and publisher of every document.

Fact dicts use the keys of :func:`search.service.facts_for` plus the ones listed in
:func:`fact_details`, so the answer's facts are a superset of what ``/ask`` returned before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kg.money import number
from kg.sparql_build import V
from kg.store import GraphStore
from search.question import Actor

DETAILS_QUERY = f"""
SELECT ?f ?cls ?label ?value ?year ?yearEnd ?perYear ?openEnded ?kind ?quote ?table ?init ?initLabel ?canon ?parentLabel
       ?rec ?recLabel ?p ?page ?key ?title ?uncertain WHERE {{
  VALUES ?f {{ %s }}
  ?f a ?cls ; {V.value} ?value ; {V.inDocument} ?doc .
  FILTER(?cls IN ({V.MoneyAmount}, {V.StaffFigure}, {V.PercentFigure}))
  ?doc {V.sourceKey} ?key ; dcterms:title ?title .
  OPTIONAL {{ ?f rdfs:label ?label }}
  OPTIONAL {{ ?f prov:wasDerivedFrom ?p . ?p a {V.Passage} }}
  OPTIONAL {{ ?f {V.page} ?page }}
  OPTIONAL {{ ?f {V.year} ?year }} OPTIONAL {{ ?f {V.yearEnd} ?yearEnd }}
  OPTIONAL {{ ?f {V.perYear} ?perYear }} OPTIONAL {{ ?f {V.openEnded} ?openEnded }}
  OPTIONAL {{ ?f {V.amountKind}/skos:notation ?kind }}
  OPTIONAL {{ ?f {V.fromTable} ?table }}
  OPTIONAL {{ ?f {V.text} ?quote }}
  OPTIONAL {{ ?f {V.uncertain} ?uncertain }}
  OPTIONAL {{ ?f {V.forInitiative} ?init .
             OPTIONAL {{ ?init rdfs:label ?initLabel }}
             OPTIONAL {{ ?init owl:sameAs ?canon . ?canon a {V.CanonicalInitiative} }}
             OPTIONAL {{ ?init {V.partOfInitiative}/rdfs:label ?parentLabel }} }}
  OPTIONAL {{ ?f {V.recipient} ?rec . OPTIONAL {{ ?rec rdfs:label ?recLabel }} }}
}}"""

LINKS_QUERY = f"""
SELECT ?f ?rel ?o WHERE {{
  VALUES ?f {{ %s }}
  VALUES ?rel {{ {V.sameMoneyAs} {V.conflictsWith} }}
  ?f ?rel ?o .
}}"""

FLAGS_QUERY = f"""
SELECT ?f ?flag WHERE {{ VALUES ?f {{ %s }} ?f {V.parseFlag}/skos:notation ?flag }} ORDER BY ?f ?flag"""

ACTORS_QUERY = """
SELECT DISTINCT ?a ?label ?name WHERE {
  VALUES ?cls { org:Organization prov:Agent foaf:Person }
  ?a a ?cls ; rdfs:label ?label .
  FILTER NOT EXISTS { ?a a prov:SoftwareAgent }
  { ?a rdfs:label ?name } UNION { ?a skos:altLabel ?name }
}"""

DOCUMENTS_QUERY = f"""
SELECT ?key ?title ?kind ?date ?publisher WHERE {{
  ?d a {V.Document} ; {V.sourceKey} ?key ; dcterms:title ?title .
  OPTIONAL {{ ?d {V.documentKind} ?kind }} OPTIONAL {{ ?d dcterms:date ?date }} OPTIONAL {{ ?d dcterms:publisher ?publisher }}
}}"""


@dataclass(frozen=True)
class DocumentInfo:
    key: str
    title: str
    kind: str
    date: str
    publisher: str

    @property
    def is_agreement(self) -> bool:
        """A political agreement (the primary source that other documents restate)."""
        return "agreement" in self.kind.lower() or self.title.lower().startswith("aftale")

    @property
    def year(self) -> int:
        """The first year in ``dcterms:date`` ("2024-2025" → 2024); 9999 when unknown (sorts last)."""
        digits = self.date[:4]
        return int(digits) if digits.isdigit() else 9999


def _iris(iris: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in iris)


def _bool(term) -> bool:
    return bool(term.toPython()) if term is not None else False


def _int(term) -> int | None:
    return int(term) if term is not None else None


def fact_details(store: GraphStore, iris: Iterable[str]) -> dict[str, dict[str, Any]]:
    """IRI → fact dict for the given facts, with ``same_money``/``conflicts`` (lists of IRIs).

    Keys: iri, label, measure (MoneyAmount | StaffFigure | PercentFigure), value (kroner, FTEs or
    per cent), year, year_end, per_year, open_ended, kind (allocated | share | used | total | other
    | None), quote, from_table, initiative, initiative_label, canonical, parent_label, recipient,
    recipient_label, passage, page, doc_key, document, same_money, conflicts, uncertain (``kg:uncertain``)
    and flags (the ``kg:parseFlag`` notations, sorted). Unknown IRIs are absent.
    """
    iris = list(dict.fromkeys(iris))
    out: dict[str, dict[str, Any]] = {}
    if not iris:
        return out
    for row in store.query(DETAILS_QUERY % _iris(iris)):
        iri = str(row.f)
        f = out.get(iri)
        if f is None:
            f = out[iri] = {
                "iri": iri, "label": str(row.label) if row.label is not None else "",
                "measure": str(row.cls).rsplit("#", 1)[-1], "value": number(row.value),
                "year": _int(row.year), "year_end": _int(row.yearEnd),
                "per_year": _bool(row.perYear), "open_ended": _bool(row.openEnded),
                "kind": str(row.kind) if row.kind is not None else None,
                "quote": str(row.quote) if row.quote is not None else None,
                "from_table": _bool(row.table),
                "initiative": None, "initiative_label": None, "canonical": None, "parent_label": None,
                "recipient": None, "recipient_label": None,
                "passage": str(row.p) if row.p is not None else None, "page": _int(row.page),
                "doc_key": str(row.key), "document": str(row.title), "same_money": [], "conflicts": [],
                "uncertain": _bool(row.uncertain), "flags": [],
            }
        # several initiatives/labels give several rows: keep the first of each, deterministically
        for key, term in (("initiative", row.init), ("initiative_label", row.initLabel), ("canonical", row.canon),
                          ("parent_label", row.parentLabel), ("recipient", row.rec), ("recipient_label", row.recLabel)):
            if term is not None and (f[key] is None or str(term) < f[key]):
                f[key] = str(term)
    for row in store.query(LINKS_QUERY % _iris(out)):
        key = "same_money" if str(row.rel).endswith("sameMoneyAs") else "conflicts"
        other = str(row.o)
        if other not in out[str(row.f)][key]:
            out[str(row.f)][key].append(other)
    doubtful = [iri for iri, f in out.items() if f["uncertain"]]
    if doubtful:  # why each uncertain figure is uncertain (kg:parseFlag), to show beside it
        for row in store.query(FLAGS_QUERY % _iris(doubtful)):
            out[str(row.f)]["flags"].append(str(row.flag))
    return out


def graph_actors(store: GraphStore) -> list[Actor]:
    """Every actor (organisation, agent, person; not software) with its label first, then its aliases."""
    names: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for row in store.query(ACTORS_QUERY):
        iri = str(row.a)
        labels[iri] = str(row.label)
        names.setdefault(iri, []).append(str(row.name))
    return [Actor(iri, labels[iri], tuple(dict.fromkeys([labels[iri], *sorted(names[iri])]))) for iri in sorted(names)]


def document_info(store: GraphStore) -> dict[str, DocumentInfo]:
    """Source key → :class:`DocumentInfo` for every document in the graph."""
    out = {}
    for row in store.query(DOCUMENTS_QUERY):
        key = str(row.key)
        out[key] = DocumentInfo(key, str(row.title), str(row.kind or ""), str(row.date or ""), str(row.publisher or ""))
    return out
