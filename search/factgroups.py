"""One fact, many sources: equal figures for the same thing become one answer; differing ones a conflict.

Ranked candidate facts (dicts from :func:`search.factgraph.fact_details` with a ``score``) are
merged into :class:`FactAnswer` values. Two facts are **the same figure** when their amounts are
equal (to the krone) and

* the graph links them with ``kg:sameMoneyAs`` (:mod:`ingest.link`), or
* they come from the same sentence or table row (a row repeating "30,0" for each year), or
* they are for the same initiative (or the same canonical initiative, ``owl:sameAs``) and the
  same first year, or one is a yearly amount whose period covers the other's year, or
* they are for the same first year and their texts (initiative label and sentence) share at least
  :data:`SAME_TEXT_JACCARD` of their content words — a sentence restated in another document.

Groups are connected components of that relation, ordered by their best score; the best-scored
fact leads and every member is a citation. A fact the graph says ``kg:conflictsWith`` a member
(the same allocation stated with another figure, e.g. 48,75 against 48,8 mio. kr.) is shown as
the answer's conflict, with its own sources, and never as an answer of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from search.question import content_stems

SAME_TEXT_JACCARD = 0.5


@dataclass
class FactAnswer:
    """One figure with every fact that states it (``facts[0]`` leads) and the figures that conflict."""

    facts: list[dict[str, Any]]
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def lead(self) -> dict[str, Any]:
        return self.facts[0]

    @property
    def value(self) -> float:
        return self.lead["value"]

    @property
    def score(self) -> float:
        return float(self.lead.get("score", 0.0))


def _text(f: Mapping[str, Any]) -> frozenset[str]:
    return content_stems(" ".join(filter(None, [f.get("initiative_label"), f.get("quote")])))


def same_figure(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether ``a`` and ``b`` state the same figure for the same thing (rules in the module docstring)."""
    if round(a["value"]) != round(b["value"]) or a.get("measure") != b.get("measure"):
        return False
    if b["iri"] in a.get("same_money", ()) or a["iri"] in b.get("same_money", ()):
        return True
    if a.get("quote") and " ".join(a["quote"].split()) == " ".join((b.get("quote") or "").split()):
        return True  # one sentence or table row repeating the figure ("30,0 30,0 30,0 …")
    same_thing = any(a.get(key) and a.get(key) == b.get(key) for key in ("initiative", "canonical"))
    if same_thing and (a.get("year") == b.get("year") or _covers(a, b) or _covers(b, a)):
        return True
    if a.get("year") != b.get("year"):
        return False
    ta, tb = _text(a), _text(b)
    return bool(ta and tb) and len(ta & tb) / len(ta | tb) >= SAME_TEXT_JACCARD


def _covers(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether ``a`` is a yearly amount whose period includes ``b``'s year ("30 mio. kr. årligt fra
    2024 og frem" covers the table cell for 2026)."""
    if not (a.get("per_year") and a.get("year") and b.get("year")):
        return False
    end = a.get("year_end") or (None if a.get("open_ended") else a["year"])
    return a["year"] <= b["year"] and (end is None or b["year"] <= end)


def group_facts(ranked: Sequence[dict[str, Any]]) -> list[FactAnswer]:
    """Merge ``ranked`` facts (best first) into answers, best first; members keep their order."""
    parent = list(range(len(ranked)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(ranked)):
        for j in range(i + 1, len(ranked)):
            if find(i) != find(j) and same_figure(ranked[i], ranked[j]):
                parent[find(j)] = find(i)
    answers: dict[int, FactAnswer] = {}
    for i, f in enumerate(ranked):
        answers.setdefault(find(i), FactAnswer([])).facts.append(f)
    return list(answers.values())


def attach_conflicts(answers: list[FactAnswer], lookup: Callable[[Iterable[str]], Mapping[str, dict[str, Any]]]) -> list[FactAnswer]:
    """Show each answer's ``kg:conflictsWith`` partners as its conflicts; drop them as answers of their own.

    Of two conflicting answers the better ranked one keeps the place, and the figure stated by more
    sources leads it (40,0 mio. kr. in the agreement and the minutes, 40,5 in a memo: 40,0 leads,
    40,5 is the conflict), whichever of them scored higher.

    ``lookup(iris)`` gives fact dicts for partners that were not among the candidates.
    """
    where = {f["iri"]: n for n, a in enumerate(answers) for f in a.facts}
    partners = {n: [c for f in a.facts for c in f.get("conflicts", ()) if where.get(c) != n] for n, a in enumerate(answers)}
    missing = {c for cs in partners.values() for c in cs if c not in where}
    found = dict(lookup(missing)) if missing else {}
    dropped: set[int] = set()
    for n, a in enumerate(answers):
        if n in dropped:
            continue
        seen = {f["iri"] for f in a.facts}
        for c in partners[n]:
            if c in seen:
                continue
            m = where.get(c)
            if m is not None and m not in dropped and m > n:
                other = list(answers[m].facts)
                if len(other) > len(a.facts):  # the figure more sources state leads the conflict
                    a.conflicts.extend(a.facts)
                    a.facts[:] = other
                else:
                    a.conflicts.extend(other)
                seen.update(f["iri"] for f in other)
                dropped.add(m)
            elif m is None and c in found:
                a.conflicts.append(found[c])
                seen.add(c)
    return [a for n, a in enumerate(answers) if n not in dropped]
