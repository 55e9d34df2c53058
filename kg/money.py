"""Money trails and flows over the graph: what was allocated to an initiative, whose share, what it was spent on.

Both read the graph only. A trail follows one canonical initiative through every document that
names it (national allocation → a region's share → uses and staff), each number with its quote,
document and page; the uses of a share are the initiatives that are ``kg:partOfInitiative`` one
of its members ("3 mio. kr. til at sikre varig finansiering af OPUS YOUNG"). Flows aggregate
money per payer → initiative → recipient and year, counting facts linked by ``kg:sameMoneyAs``
once and flagging ``kg:conflictsWith``. Both carry the reconciliation of stated totals
(``kg:Reconciliation``): whether the figures are totals or parts that add up (``balanced``,
``rounding``) or not (``mismatch``). Figures the parser was unsure of are marked: a trail's facts
carry ``uncertain`` and ``flags`` (``kg:parseFlag`` notations), a flow row counts its ``uncertain`` facts.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from kg.errors import NotFound
from kg.namespace import KG
from kg.sparql_build import V, sparql_literal
from kg.store import GraphStore


class NoSuchInitiative(NotFound):
    """No initiative matches the request."""


TRAIL = f"""
SELECT ?f ?cls ?value ?label ?year ?yearEnd ?perYear ?openEnded ?kind ?quote ?page ?key ?doctitle ?init ?initLabel
       ?recipient ?recipientLabel ?payerLabel ?conflict ?same ?flag WHERE {{
  VALUES ?c {{ %s }}
  {{ ?init owl:sameAs ?c }} UNION {{ ?init {V.partOfInitiative}/owl:sameAs ?c }}
  ?init rdfs:label ?initLabel .
  ?f {V.forInitiative} ?init ; a ?cls ; {V.value} ?value ; rdfs:label ?label ; {V.inDocument} ?d .
  FILTER(?cls IN ({V.MoneyAmount}, {V.StaffFigure}))
  ?d {V.sourceKey} ?key ; dcterms:title ?doctitle .
  OPTIONAL {{ ?f {V.year} ?year }} OPTIONAL {{ ?f {V.yearEnd} ?yearEnd }}
  OPTIONAL {{ ?f {V.perYear} ?perYear }} OPTIONAL {{ ?f {V.openEnded} ?openEnded }}
  OPTIONAL {{ ?f {V.amountKind}/skos:notation ?kind }}
  OPTIONAL {{ ?f {V.text} ?quote }} OPTIONAL {{ ?f {V.page} ?page }}
  OPTIONAL {{ ?f {V.recipient} ?recipient . ?recipient rdfs:label ?recipientLabel }}
  OPTIONAL {{ ?f {V.payer}/rdfs:label ?payerLabel }}
  OPTIONAL {{ ?f {V.conflictsWith} ?conflict }}
  OPTIONAL {{ ?f {V.sameMoneyAs} ?same }}
  OPTIONAL {{ ?f {V.parseFlag}/skos:notation ?flag }}
}} ORDER BY ?key ?year ?f"""


def find_initiatives(store: GraphStore, initiative: str) -> list[dict[str, str]]:
    """Canonical initiatives whose IRI is ``initiative`` or whose label or key contains it."""
    q = sparql_literal(initiative.strip())
    rows = store.query(f"""
        SELECT DISTINCT ?c ?label WHERE {{
          ?c a {V.CanonicalInitiative} ; rdfs:label ?label ; {V.matchKey} ?key .
          FILTER(STR(?c) = {q} || CONTAINS(LCASE(?label), LCASE({q})) || CONTAINS(?key, LCASE({q})))
        }} ORDER BY STRLEN(?label)""")
    return [{"iri": str(r.c), "label": str(r.label)} for r in rows]


def trail(store: GraphStore, initiative: str) -> dict[str, Any]:
    matches = find_initiatives(store, initiative)
    if not matches:
        raise NoSuchInitiative(f"no initiative matches {initiative!r}; see /initiatives")
    chosen = matches[0]
    facts: dict[str, dict[str, Any]] = {}
    for r in store.query(TRAIL % f"<{chosen['iri']}>"):
        f = facts.setdefault(str(r.f), {
            "iri": str(r.f), "measure": "staff" if r.cls == KG.StaffFigure else "money",
            "value": number(r.value), "label": str(r.label), "year": _int(r.year), "year_end": _int(r.yearEnd),
            "per_year": _bool(r.perYear), "open_ended": _bool(r.openEnded),
            "kind": str(r.kind) if r.kind is not None else "other", "quote": _str(r.quote), "page": _int(r.page),
            "doc_key": str(r.key), "document": str(r.doctitle), "initiative": str(r.init),
            "initiative_label": str(r.initLabel), "recipient": _str(r.recipient),
            "recipient_label": _str(r.recipientLabel), "payer_label": _str(r.payerLabel),
            "conflicts_with": [], "same_money_as": [], "uncertain": False, "flags": [],
        })
        if r.flag is not None and str(r.flag) not in f["flags"]:
            f["flags"].append(str(r.flag))
            f["uncertain"] = True
        if r.conflict is not None and str(r.conflict) not in f["conflicts_with"]:
            f["conflicts_with"].append(str(r.conflict))
        if r.same is not None and str(r.same) not in f["same_money_as"]:
            f["same_money_as"].append(str(r.same))
    checks = reconciliation_flags(store, list(facts))
    for f in facts.values():
        f["reconciliation"] = checks.get(f["iri"], [])
    steps: dict[str, list[dict[str, Any]]] = {"allocated": [], "total": [], "share": [], "used": [], "staff": [], "other": []}
    for f in facts.values():
        steps["staff" if f["measure"] == "staff" else (f["kind"] if f["kind"] in steps else "other")].append(f)
    documents = sorted({f["doc_key"] for f in facts.values()})
    return {"initiative": chosen, "other_matches": matches[1:10], "documents": documents, "steps": steps,
            "conflicts": sum(bool(f["conflicts_with"]) for f in facts.values()),
            "mismatches": sum(any(c["status"] == "mismatch" for c in f["reconciliation"]) for f in facts.values())}


RECONCILIATIONS = f"""
SELECT ?f ?role ?r ?label ?status ?stated ?computed ?diff WHERE {{
  VALUES ?f {{ %s }}
  {{ ?r {V.reconciles} ?f . BIND("total" AS ?role) }} UNION {{ ?r {V.summand} ?f . BIND("part" AS ?role) }}
  ?r rdfs:label ?label ; {V.reconciliationStatus}/skos:notation ?status ;
     {V.statedTotal} ?stated ; {V.computedTotal} ?computed ; {V.difference} ?diff .
}}"""


def reconciliation_flags(store: GraphStore, facts: list[str]) -> dict[str, list[dict[str, Any]]]:
    """For each fact IRI, the reconciliations it takes part in: as the stated total or as a part."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for i in range(0, len(facts), 400):
        values = " ".join(f"<{f}>" for f in facts[i:i + 400])
        for r in store.query(RECONCILIATIONS % values):
            out[str(r.f)].append({"reconciliation": str(r.r), "label": str(r.label), "role": str(r.role),
                                  "status": str(r.status), "stated": number(r.stated),
                                  "computed": number(r.computed), "difference": number(r.diff)})
    return dict(out)


def reconciliations(store: GraphStore, status: str | None = None) -> list[dict[str, Any]]:
    """Every stated total checked against its parts, optionally only one status (balanced, rounding, mismatch)."""
    flt = f"FILTER(?status = {sparql_literal(status)})" if status else ""
    rows = store.query(f"""
        SELECT ?r ?label ?status ?year ?stated ?computed ?diff ?key ?total (COUNT(DISTINCT ?part) AS ?parts) WHERE {{
          ?r a {V.Reconciliation} ; rdfs:label ?label ; {V.reconciliationStatus}/skos:notation ?status ;
             {V.statedTotal} ?stated ; {V.computedTotal} ?computed ; {V.difference} ?diff ; {V.reconciles} ?total ;
             {V.inDocument}/{V.sourceKey} ?key .
          OPTIONAL {{ ?r {V.year} ?year }} OPTIONAL {{ ?r {V.summand} ?part }} {flt}
        }} GROUP BY ?r ?label ?status ?year ?stated ?computed ?diff ?key ?total ORDER BY ?key ?total""")
    return [{"iri": str(r.r), "label": str(r.label), "status": str(r.status), "year": _int(r.year),
             "stated": number(r.stated), "computed": number(r.computed), "difference": number(r.diff),
             "doc_key": str(r.key), "total": str(r.total), "parts": int(r.parts)} for r in rows]


FLOWS = f"""
SELECT ?f ?value ?year ?c ?clabel ?recipientLabel ?payerLabel ?kind ?same ?uncertain WHERE {{
  ?f a {V.MoneyAmount} ; {V.value} ?value ; {V.year} ?year ; {V.forInitiative}/owl:sameAs ?c .
  ?c rdfs:label ?clabel .
  OPTIONAL {{ ?f {V.amountKind}/skos:notation ?kind }}
  OPTIONAL {{ ?f {V.recipient}/rdfs:label ?recipientLabel }}
  OPTIONAL {{ ?f {V.payer}/rdfs:label ?payerLabel }}
  OPTIONAL {{ ?f {V.sameMoneyAs} ?same }}
  OPTIONAL {{ ?f {V.uncertain} ?uncertain }}
  %s
}}"""


def flows(store: GraphStore, year: int | None = None, payer: str | None = None,
          recipient: str | None = None) -> list[dict[str, Any]]:
    """Allocated money and shares per payer → initiative → recipient and year; restated money counted once."""
    filters = []
    if year is not None:
        filters.append(f"FILTER(?year = {int(year)})")
    if payer:
        filters.append(f"FILTER(BOUND(?payerLabel) && CONTAINS(LCASE(?payerLabel), LCASE({sparql_literal(payer)})))")
    if recipient:
        filters.append(f"FILTER(BOUND(?recipientLabel) && CONTAINS(LCASE(?recipientLabel), LCASE({sparql_literal(recipient)})))")
    groups: dict[tuple, dict[str, Any]] = {}
    counted: set[str] = set()
    for r in store.query(FLOWS % "\n".join(filters)):
        kind = str(r.kind) if r.kind is not None else "other"
        if kind not in ("allocated", "share"):
            continue
        key = (_str(r.payerLabel) or "", str(r.c), _str(r.recipientLabel) or "", int(r.year), kind)
        g = groups.setdefault(key, {"payer": key[0] or None, "initiative": str(r.c), "initiative_label": str(r.clabel),
                                    "recipient": key[2] or None, "year": key[3], "kind": kind, "dkk": Decimal(0), "facts": [],
                                    "uncertain": 0})
        iri = str(r.f)
        if iri in g["facts"]:
            continue
        g["facts"].append(iri)
        g["uncertain"] += _bool(r.uncertain)  # figures the parser was unsure of, counted in dkk
        if r.same is not None and str(r.same) in counted:
            continue  # the same money, already counted from another statement
        counted.add(iri)
        g["dkk"] += Decimal(str(r.value))
    checks = reconciliation_flags(store, sorted({f for g in groups.values() for f in g["facts"]}))
    for g in groups.values():
        g["dkk"] = number(g["dkk"])
        statuses = sorted({c["status"] for f in g["facts"] for c in checks.get(f, [])})
        g["reconciliation"] = ",".join(statuses) or None
        g["mismatch"] = "mismatch" in statuses
    return sorted(groups.values(), key=lambda g: (g["year"], -g["dkk"]))


def number(value) -> int | float:
    """An amount as JSON and CSV should show it: an int when whole (kroner are), else its exact decimal digits.

    ``value`` is an rdflib literal (xsd:decimal/integer), a Decimal or a number; it is read through its
    decimal text, never through a binary float, so 1147000000 stays 1147000000 (not 1147000000.0)
    and 0.5 stays 0.5.
    """
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    return int(d) if d == d.to_integral_value() else float(d)


def _int(t) -> int | None:
    return int(t) if t is not None else None


def _str(t) -> str | None:
    return str(t) if t is not None else None


def _bool(t) -> bool:
    return bool(t.toPython()) if t is not None else False
