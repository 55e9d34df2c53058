"""What the graph holds, in the shape the gold scorers read: money facts and entities per document."""

from __future__ import annotations

from kg.sparql_build import V
from kg.store import GraphStore


def extracted_amounts(graph_store: GraphStore) -> list[dict]:
    rows = graph_store.query(f"""
    SELECT ?key ?v ?year ?yearEnd ?perYear ?open ?kind ?table ?row ?ilabel ?f ?start ?rlabel ?basis WHERE {{
      ?f a {V.MoneyAmount} ; {V.value} ?v ; {V.inDocument} ?d ; {V.charStart} ?start . ?d {V.sourceKey} ?key .
      OPTIONAL {{ ?f {V.recipient} ?r . ?r rdfs:label ?rlabel }}
      OPTIONAL {{ ?f {V.year} ?year }} OPTIONAL {{ ?f {V.yearEnd} ?yearEnd }}
      OPTIONAL {{ ?f {V.yearBasis} ?b . ?b skos:notation ?basis }}
      OPTIONAL {{ ?f {V.perYear} ?perYear }} OPTIONAL {{ ?f {V.openEnded} ?open }}
      OPTIONAL {{ ?f {V.amountKind} ?k . BIND(LCASE(STRAFTER(STR(?k), "#")) AS ?kind) }}
      OPTIONAL {{ ?f {V.fromTable} ?table }} OPTIONAL {{ ?f {V.rowLabel} ?row }}
      OPTIONAL {{ ?f {V.forInitiative} ?i . ?i rdfs:label ?ilabel }}
    }}""")
    kinds = {"allocated": "allocated", "share": "share", "used": "used", "total": "total", "otherkind": "other"}
    return [
        {"doc": str(r.key), "amount_dkk": int(float(r.v)), "year": int(r.year) if r.year is not None else None,
         "year_end": int(r.yearEnd) if r.yearEnd is not None else None,
         "per_year": bool(r.perYear.toPython()) if r.perYear is not None else False,
         "open_ended": bool(r.open.toPython()) if r.open is not None else False,
         "kind": kinds.get(str(r.kind), "other") if r.kind is not None else "other",
         "from_table": bool(r.table.toPython()) if r.table is not None else False,
         "row_label": str(r.row) if r.row is not None else None,
         "initiative": str(r.ilabel) if r.ilabel is not None else None, "iri": str(r.f),
         "start": int(r.start), "recipient": str(r.rlabel) if r.rlabel is not None else None,
         "year_basis": str(r.basis) if r.basis is not None else None}
        for r in rows
    ]


ENTITY_TYPES = {
    "http://www.w3.org/ns/org#Organization": "organisation", "http://xmlns.com/foaf/0.1/Person": "person",
    "https://schema.org/Place": "place", "http://www.w3.org/2006/time#Instant": "date",
    "http://www.w3.org/2006/time#Interval": "date",
}


def graph_entities(graph_store: GraphStore) -> list[dict]:
    """Entities the graph holds per document (through passages that mention them), with labels and aliases."""
    found: dict[tuple[str, str], dict] = {}
    rows = graph_store.query(f"""
    SELECT DISTINCT ?key ?e ?t ?label ?alt WHERE {{
      ?p a {V.Passage} ; {V.mentions} ?e ; {V.inDocument} ?d . ?d {V.sourceKey} ?key .
      ?e a ?t ; rdfs:label ?label . OPTIONAL {{ ?e skos:altLabel ?alt }}
    }}""")
    for r in rows:
        kind = ENTITY_TYPES.get(str(r.t))
        if kind is None:
            continue
        item = found.setdefault((str(r.key), str(r.e)), {"doc": str(r.key), "type": kind, "id": str(r.e),
                                                         "label": str(r.label), "aliases": []})
        if r.alt is not None:
            item["aliases"].append(str(r.alt))
    return list(found.values())
