"""The question's SPARQL, shown: for the question shapes users ask most, the query behind /ask's facts.

An analyst who reads an answer can take the query to ``/sparql`` and go further (other years, other
regions, sums). The shapes, recognised from cue words in Danish and English:

* ``amount``  — how much to X (in year Y): the money facts of the answer's initiatives, with period,
  kind, recipient, quote, document and page;
* ``recipient`` — who received money for X: the same facts that name a recipient, by recipient;
* ``leads`` — which initiatives does actor Z lead: initiatives whose responsible actor matches Z;
* ``changes`` — what changed between documents: facts about X that other documents state with other
  numbers (``kg:conflictsWith``) or restate (``kg:sameMoneyAs``).

The initiatives come from the answer's own facts (the graph resources the passages led to), so the
query is exact rather than a text match; the actor of ``leads`` is found by label in the graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kg.sparql_build import V
from kg.store import GraphStore

RECIPIENT_CUES = re.compile(r"\b(?:hvem (?:fik|får|modtog|modtager)|modtager\w*|hvilke regioner|hvilken region|"
                            r"who (?:got|gets|received|receives)|recipient\w*|which regions?|andel)\b", re.IGNORECASE)
LEADS_CUES = re.compile(r"\b(?:ansvar\w*|står for|leder|leads?|responsible|in charge)\b", re.IGNORECASE)
CHANGES_CUES = re.compile(r"\b(?:forskel\w*|ændre\w*|afvige\w*|forskellige|changed?|differ\w*|discrepanc\w*|"
                          r"restated?|between documents|mellem dokumenter)\b", re.IGNORECASE)
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
MAX_INITIATIVES = 3

FACT_COLUMNS = """?fact ?initiativeLabel ?year ?yearEnd ?perYear ?openEnded ?kind ?value ?recipientLabel ?quote ?document ?page"""
FACT_PATTERN = f"""  ?fact a {V.MoneyAmount} ; {V.forInitiative} ?initiative ; {V.value} ?value ; prov:wasDerivedFrom ?passage .
  ?initiative rdfs:label ?initiativeLabel .
  ?passage {V.inDocument}/dcterms:title ?document .
  OPTIONAL {{ ?passage {V.page} ?page }}
  OPTIONAL {{ ?fact {V.year} ?year }} OPTIONAL {{ ?fact {V.yearEnd} ?yearEnd }}
  OPTIONAL {{ ?fact {V.perYear} ?perYear }} OPTIONAL {{ ?fact {V.openEnded} ?openEnded }}
  OPTIONAL {{ ?fact {V.amountKind}/skos:notation ?kind }}
  OPTIONAL {{ ?fact {V.recipient}/rdfs:label ?recipientLabel }}
  OPTIONAL {{ ?fact {V.text} ?quote }}"""


@dataclass(frozen=True)
class ShownQuery:
    shape: str
    description: str
    sparql: str


def question_sparql(store: GraphStore, question: str, facts: list[dict[str, Any]], asks_amount: bool) -> ShownQuery | None:
    """The SPARQL for ``question``'s shape, built on the answer's ``facts``; None when no shape fits."""
    if LEADS_CUES.search(question):
        actor = _actor_in(store, question)
        if actor is not None:
            return _leads(*actor)
    initiatives = list(dict.fromkeys(f["initiative"] for f in facts if f.get("initiative")))[:MAX_INITIATIVES]
    if not initiatives:
        return None
    values = " ".join(f"<{i}>" for i in initiatives)
    if CHANGES_CUES.search(question):
        return _changes(values)
    if RECIPIENT_CUES.search(question):
        return _recipients(values)
    if asks_amount:
        years = sorted({int(y) for y in YEAR.findall(question)})
        return _amounts(values, years)
    return None


def _amounts(values: str, years: list[int]) -> ShownQuery:
    year_filter = ""
    if years:
        ys = ", ".join(str(y) for y in years)
        year_filter = (f"\n  FILTER(?year IN ({ys}) || (BOUND(?yearEnd) && ?year <= {min(years)} && ?yearEnd >= {max(years)})"
                       f" || (?openEnded && ?year <= {max(years)}))")
    sparql = f"""SELECT {FACT_COLUMNS} WHERE {{
  VALUES ?initiative {{ {values} }}
{FACT_PATTERN}{year_filter}
}} ORDER BY ?initiativeLabel ?year DESC(?value)"""
    what = "the money facts of the answer's initiatives" + (f" for {', '.join(map(str, years))}" if years else "")
    return ShownQuery("amount", what, sparql)


def _recipients(values: str) -> ShownQuery:
    sparql = f"""SELECT ?recipientLabel ?initiativeLabel ?year ?perYear ?openEnded ?value ?quote ?document ?page WHERE {{
  VALUES ?initiative {{ {values} }}
{FACT_PATTERN}
  FILTER(BOUND(?recipientLabel))
}} ORDER BY ?recipientLabel ?year"""
    return ShownQuery("recipient", "who receives money for the answer's initiatives, per fact", sparql)


def _changes(values: str) -> ShownQuery:
    sparql = f"""SELECT ?initiativeLabel ?relation ?value ?otherValue ?year ?quote ?otherQuote ?document ?otherDocument WHERE {{
  VALUES ?initiative {{ {values} }}
  ?fact {V.forInitiative} ?initiative ; {V.value} ?value ; {V.text} ?quote ; prov:wasDerivedFrom/{V.inDocument}/dcterms:title ?document .
  ?initiative rdfs:label ?initiativeLabel .
  VALUES ?relation {{ {V.conflictsWith} {V.sameMoneyAs} }}
  ?fact ?relation ?other .
  ?other {V.value} ?otherValue ; {V.text} ?otherQuote ; prov:wasDerivedFrom/{V.inDocument}/dcterms:title ?otherDocument .
  OPTIONAL {{ ?fact {V.year} ?year }}
}} ORDER BY ?initiativeLabel ?relation ?year"""
    return ShownQuery("changes", "how other documents state the answer's amounts: different numbers or the same money", sparql)


def _leads(actor: str, label: str) -> ShownQuery:
    sparql = f"""SELECT ?initiative ?initiativeLabel ?document WHERE {{
  ?initiative {V.responsible} <{actor}> ; rdfs:label ?initiativeLabel .
  OPTIONAL {{ ?initiative {V.inDocument}/dcterms:title ?document }}
}} ORDER BY ?initiativeLabel"""
    return ShownQuery("leads", f"initiatives {label} is responsible for", sparql)


ACTORS_QUERY = f"""SELECT DISTINCT ?actor ?label ?name WHERE {{
  ?initiative {V.responsible} ?actor . ?actor rdfs:label ?label .
  {{ ?actor rdfs:label ?name }} UNION {{ ?actor skos:altLabel ?name }}
}}"""


def _actor_in(store: GraphStore, question: str) -> tuple[str, str] | None:
    """The responsible actor whose label or alias the question names (longest name wins)."""
    found: list[tuple[int, str, str]] = []
    lowered = question.lower()
    labels: dict[str, str] = {}
    for row in store.query(ACTORS_QUERY):
        actor, name = str(row.actor), str(row.name)
        labels[actor] = str(row.label)
        if re.search(r"(?<!\w)" + re.escape(name.lower()) + r"(?!\w)", lowered):
            found.append((len(name), actor, name))
    if not found:
        return None
    _, actor, _ = max(found)
    return actor, labels[actor]
