"""Scoring of extracted actors, places and dates against ``eval/gold/entities.jsonl`` (eval/gold/README.md).

* **Entities**: a gold record of type organisation, person, place or date is found when an entity
  of the same type found in the same document has a label or alias equal to the gold name or one
  of its aliases. Names compare case-insensitively, with runs of whitespace, spaces around hyphens
  ("Psykiatri - og") and apostrophe variants ("Field´s") ignored; a gold name's trailing
  parenthetical note ("Regionsrådet (Region Hovedstaden)") may be left out.
* **Organisation precision**: of the organisation resources found in a document, the share that
  are right. Only a *judged* find counts: one whose name (label or alias, genitive "s" allowed)
  occurs in the gold quotes of its document -- or anywhere in the document when the gold marks it
  ``"exhaustive": true`` (every organisation it names is annotated; eval/dev does, with its text).
  A judged find is right when it matches a gold organisation of its document, or, for a sample
  gold like eval/gold (which lists some of each document's organisations), one of another
  document (the gold vouches it is an organisation). Collective actors ("regionerne",
  "kommunerne", "staten") are not organisations named in a text and are left out.
* **Cross-document**: every pair of gold records that share a ``same_as`` key and lie in different
  documents counts; the pair is linked when both records resolve to one and the same resource.

``texts`` (source key → repaired text) lets exhaustive documents be judged whole.

A found entity is a dict: ``doc``, ``type`` (organisation | person | place | date), ``id`` (the
resource IRI), ``label`` and ``aliases`` (its skos:altLabel values and the raw text it was found as).

"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

TYPES = ("organisation", "person", "place", "date")


def norm(name: str) -> str:
    s = re.sub(r"[´’`]", "'", name.casefold())
    s = re.sub(r"\s*-\s*", "-", s)
    return re.sub(r"\s+", " ", s).strip(" .,;:")


def gold_names(record: dict[str, Any]) -> set[str]:
    names = {record["name"], *record.get("aliases", ())}
    names |= {re.sub(r"\s*\([^)]*\)\s*$", "", n) for n in names}
    return {norm(n) for n in names if n.strip()}


def load_gold(path: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["type"] in TYPES]


def _resolve(found: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, set[str]]]:
    """(doc, type) → resource id → its names."""
    index: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for f in found:
        names = index[(f["doc"], f["type"])][f["id"]]
        names.update(norm(n) for n in (f["label"], *f.get("aliases", ())) if n)
    return index


COLLECTIVES = frozenset({"regionerne", "kommunerne", "staten"})


def _named_in(names: set[str], texts: list[str]) -> bool:
    return any(re.search(rf"(?<![\w-]){re.escape(n)}(?:s|'s?)?(?![\w])", t) for n in names if n for t in texts)


def organisation_precision(found: list[dict[str, Any]], rows: list[dict[str, Any]],
                           texts: dict[str, str] | None = None) -> dict[str, Any]:
    """Precision of the found organisations that the gold can judge (see the module docstring)."""
    orgs = [r for r in rows if r["type"] == "organisation"]
    exhaustive = {r["doc"] for r in orgs if r.get("exhaustive")}
    quotes: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if r.get("quote"):
            quotes[r["doc"]].append(norm(r["quote"]))
    for doc in exhaustive:
        if texts and doc in texts:
            quotes[doc] = [norm(texts[doc])]
    here: dict[str, set[str]] = defaultdict(set)
    for r in orgs:
        here[r["doc"]] |= gold_names(r)
    anywhere = set().union(*here.values()) if here else set()
    right, wrong, unjudged = [], [], 0
    for f in found:
        if f["type"] != "organisation" or f["id"].rsplit("/", 1)[-1] in COLLECTIVES:
            continue
        names = {norm(n) for n in (f["label"], *f.get("aliases", ())) if n}
        if not _named_in(names, quotes.get(f["doc"], [])):
            unjudged += 1
            continue
        ok = bool(names & here.get(f["doc"], set())) or (f["doc"] not in exhaustive and bool(names & anywhere))
        (right if ok else wrong).append(f'{f["doc"][:3]} {f["label"]}')
    judged = len(right) + len(wrong)
    return {"judged": judged, "right": len(right), "precision": len(right) / judged if judged else None,
            "unjudged": unjudged, "wrong": sorted(wrong)}


def score_entities(found: list[dict[str, Any]], gold_path: Path, texts: dict[str, str] | None = None) -> dict[str, Any]:
    """Recall per type, organisation precision, and cross-document link rate per type (and over all types)."""
    gold = load_gold(gold_path)
    index = _resolve(found)
    resolved: dict[str, set[str]] = {}
    recall: dict[str, dict[str, Any]] = {t: {"total": 0, "found": 0, "missed": []} for t in TYPES}
    for g in gold:
        names = gold_names(g)
        ids = {i for i, ns in index.get((g["doc"], g["type"]), {}).items() if ns & names}
        resolved[g["id"]] = ids
        r = recall[g["type"]]
        r["total"] += 1
        if ids:
            r["found"] += 1
        else:
            r["missed"].append(f'{g["id"]} {g["doc"][:3]} {g["name"]}')
    for r in recall.values():
        r["recall"] = r["found"] / r["total"] if r["total"] else None

    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in gold:
        if g.get("same_as"):
            groups[g["same_as"]].append(g)
    cross: dict[str, dict[str, Any]] = {t: {"pairs": 0, "linked": 0, "unlinked": []} for t in (*TYPES, "all")}
    for key, members in sorted(groups.items()):
        for a, b in combinations(members, 2):
            if a["doc"] == b["doc"]:
                continue
            linked = bool(resolved[a["id"]] & resolved[b["id"]])
            for t in (a["type"], "all"):
                cross[t]["pairs"] += 1
                cross[t]["linked"] += linked
                if not linked:
                    cross[t]["unlinked"].append(f'{key}: {a["id"]}/{b["id"]}')
    for c in cross.values():
        c["rate"] = c["linked"] / c["pairs"] if c["pairs"] else None
    rows = [json.loads(line) for line in Path(gold_path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return {"recall": recall, "organisation_precision": organisation_precision(found, rows, texts),
            "cross_document": cross, "found_entities": len({f["id"] for f in found})}


def _pct(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:5.2f}"


def format_report(metrics: dict[str, Any]) -> str:
    lines = ["Entity recall (gold records found in their document)"]
    for t, r in metrics["recall"].items():
        lines.append(f"  {t:<13} {_pct(r['recall'])}  ({r['found']}/{r['total']})")
    p = metrics.get("organisation_precision")
    if p is not None:
        lines.append(f"Organisation precision (found organisations the gold can judge; {p['unjudged']} not judged)")
        lines.append(f"  organisation  {_pct(p['precision'])}  ({p['right']}/{p['judged']})")
    lines.append("Cross-document links (gold pairs sharing same_as in different documents)")
    for t, c in metrics["cross_document"].items():
        if c["pairs"]:
            lines.append(f"  {t:<13} {_pct(c['rate'])}  ({c['linked']}/{c['pairs']})")
    missed = [m for r in metrics["recall"].values() for m in r["missed"]]
    if missed:
        lines.append("Missed: " + "; ".join(missed))
    if p is not None and p["wrong"]:
        lines.append("Organisations found that the gold does not have: " + "; ".join(p["wrong"]))
    unlinked = metrics["cross_document"]["all"]["unlinked"]
    if unlinked:
        lines.append("Unlinked: " + "; ".join(unlinked))
    return "\n".join(lines)


def mention_records(doc: str, actors: list, places: list, dates: list) -> list[dict[str, Any]]:
    """Found-entity dicts (see the module docstring) for the mentions of one document."""
    out = []
    for m in actors:
        out.append({"doc": doc, "type": m.kind, "id": str(m.iri), "label": m.actor.name,
                    "aliases": [*m.actor.aliases, m.raw]})
    for p in places:
        out.append({"doc": doc, "type": "place", "id": str(p.iri), "label": p.place.name,
                    "aliases": [*p.place.aliases, p.raw]})
    for d in dates:
        out.append({"doc": doc, "type": "date", "id": str(d.iri), "label": d.label,
                    "aliases": [d.raw, d.begin.isoformat() if d.is_instant else f"{d.begin}/{d.end_date}"]})
    return out


def corpus_entities(corpus: Path) -> tuple[list[dict[str, Any]], dict[str, list]]:
    """Run the extractors over ``corpus/*.txt``: found-entity dicts and the actor mentions per document."""
    from ingest.entities import extract_entities
    from ingest.repair import repair

    found: list[dict[str, Any]] = []
    actors_by_doc: dict[str, list] = {}
    for path in sorted(Path(corpus).glob("*.txt")):
        text = repair(path.read_text(encoding="utf-8")).text
        actors, places, dates = extract_entities(text)
        actors_by_doc[path.name] = actors
        found.extend(mention_records(path.name, actors, places, dates))
    return found, actors_by_doc


def top_actors(actors_by_doc: dict[str, list], n: int = 30) -> list[tuple[str, str, int]]:
    counts: Counter[tuple[str, str]] = Counter()
    for mentions in actors_by_doc.values():
        for m in mentions:
            counts[(m.actor.name, m.actor.type)] += 1
    return [(name, kind, c) for (name, kind), c in counts.most_common(n)]
