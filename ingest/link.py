"""Links across documents, recomputed over the whole store after every ingest that changed it.

* **Same initiative**: initiatives of different documents whose match keys agree
  (:func:`ingest.initiatives.same_initiative`) are ``owl:sameAs`` one canonical
  ``kg:CanonicalInitiative`` (``kgr:initiative/<slug>``), so a trail can run from the national
  allocation to a region's status report and the committee's minutes.
* **Same money / conflicts**: two money facts for the same canonical initiative and year, of kind
  allocated, from different sources (another document, or table vs prose) are ``kg:sameMoneyAs``
  when the numbers are equal (count it once), and ``kg:conflictsWith`` when they differ by less
  than 2 % and no differing price level explains it (the same allocation stated differently:
  48,75 vs 48,8 mio. kr.). Both facts stay.

Groups of initiatives (what a table's total row sums, ``kg:InitiativeGroup``) are per table and
never the same across documents. Everything lives in one named graph, ``kgr:graph/links``, replaced atomically.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ingest.initiatives import same_initiative
from kg.namespace import KG, KGR, slugify
from kg.sparql_build import V
from kg.store import GraphStore

LINKS_GRAPH = KGR["graph/links"]
CONFLICT_TOLERANCE = 0.02
SLUG_MAX = 80  # characters of a canonical initiative's IRI name (match keys can be whole sentences)

INITIATIVES = f"""
SELECT ?i ?label ?key ?doc ?source WHERE {{
  ?i a {V.Initiative} ; rdfs:label ?label ; {V.matchKey} ?key ; {V.inDocument} ?doc .
  OPTIONAL {{ ?i {V.initiativeSource} ?source }}
  FILTER NOT EXISTS {{ ?i a {V.CanonicalInitiative} }}
  FILTER NOT EXISTS {{ ?i a {V.InitiativeGroup} }}
}} ORDER BY ?doc ?i"""

MONEY = f"""
SELECT ?f ?i ?value ?year ?table ?doc ?pl WHERE {{
  ?f a {V.MoneyAmount} ; {V.forInitiative} ?i ; {V.value} ?value ; {V.year} ?year ; {V.amountKind} {V.Allocated} ;
     {V.inDocument} ?doc .
  OPTIONAL {{ ?f {V.fromTable} ?table }}
  OPTIONAL {{ ?f {V.priceLevel} ?pl }}
}}"""


@dataclass
class Cluster:
    key: str
    label: str
    members: list[URIRef] = field(default_factory=list)
    docs: set[URIRef] = field(default_factory=set)


def cluster_initiatives(rows: list[tuple[URIRef, str, str, URIRef, str]]) -> list[Cluster]:
    """Greedy clustering: each initiative joins the first cluster whose key it matches (no chaining).

    Rows are (iri, label, match key, document, source); budget-table rows go first, because their
    labels are the official initiative names.
    """
    clusters: list[Cluster] = []
    for iri, label, key, doc, _source in sorted(rows, key=lambda r: (r[4] != "table-row", len(r[2]), str(r[0]))):
        target = next((c for c in clusters if same_initiative(c.key, key)), None)
        if target is None:
            target = Cluster(key, label)
            clusters.append(target)
        target.members.append(iri)
        target.docs.add(doc)
    return clusters


def link_triples(store: GraphStore) -> list[tuple]:
    rows = [(r.i, str(r.label), str(r.key), r.doc, str(r.source) if r.source else "") for r in store.query(INITIATIVES)]
    clusters = cluster_initiatives(rows)
    triples: list[tuple] = []
    canonical_of: dict[URIRef, URIRef] = {}
    used: set[str] = set()
    for c in clusters:
        base = slugify(c.key)[:SLUG_MAX] or "initiative"
        name, n = base, 2
        while name in used:
            name, n = f"{base}-{n}", n + 1
        used.add(name)
        node = KGR[f"initiative/{name}"]
        triples += [(node, RDF.type, KG.CanonicalInitiative), (node, RDF.type, KG.Initiative),
                    (node, RDFS.label, Literal(c.label)), (node, SKOS.prefLabel, Literal(c.label, lang="da")),
                    (node, KG.matchKey, Literal(c.key))]
        for m in c.members:
            triples.append((m, OWL.sameAs, node))
            canonical_of[m] = node
    triples += money_links(store, canonical_of)
    return triples


def money_links(store: GraphStore, canonical_of: dict[URIRef, URIRef]) -> list[tuple]:
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for r in store.query(MONEY):
        canon = canonical_of.get(r.i)
        if canon is None:
            continue
        table = bool(r.table.toPython()) if r.table is not None else False
        groups[(canon, int(r.year))].append((r.f, float(r.value), r.doc, table, str(r.pl) if r.pl else None))
    out: list[tuple] = []
    for facts in groups.values():
        for i, (f1, v1, d1, t1, p1) in enumerate(facts):
            for f2, v2, d2, t2, p2 in facts[i + 1:]:
                if d1 == d2 and t1 == t2:
                    continue  # the same source states it once
                if p1 and p2 and p1 != p2:
                    continue  # different price levels: not comparable
                if v1 == v2:
                    out += [(f1, KG.sameMoneyAs, f2), (f2, KG.sameMoneyAs, f1)]
                elif abs(v1 - v2) <= CONFLICT_TOLERANCE * max(v1, v2):
                    out += [(f1, KG.conflictsWith, f2), (f2, KG.conflictsWith, f1)]
    return out


def relink(store: GraphStore) -> int:
    """Recompute the links graph; returns its size."""
    triples = link_triples(store)
    store.replace(LINKS_GRAPH, triples)
    return len(triples)
