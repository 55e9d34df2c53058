"""Scoring of extracted money facts against ``eval/gold/amounts.jsonl`` (see eval/gold/README.md).

* **Amount recall**: a gold fact is found when a fact from the same document has the same
  ``amount_dkk`` and the same ``year`` (``None`` matches ``None``); per document and overall.
* **Agreement** of ``per_year``, ``open_ended`` and ``kind`` on found facts: among the facts that
  match a gold fact, the one agreeing on most of the three is compared ("best"); the stricter
  "every" counts a gold fact only when all the facts matching it agree (a table cell and a
  sentence often state the same amount).
* **Year agreement**, stated apart from inferred: of the gold facts whose amount the document has
  at all (same ``amount_dkk``), the share where one of those facts has the gold year (and, for
  "period", the gold end year too). A gold year is *stated* when its quote writes it ("i 2024",
  "FL24", "2024-27"), *inferred* when the reader has to get it elsewhere (the document's date, a
  heading, a table header, the sentence before), *none* when the gold has no year. A gold row may
  name its basis itself (``basis``: stated, relativeToDocumentDate, fromHeading, fromTable,
  fromContext, none; eval/dev does); the found facts' own basis (kg:yearBasis) is tallied beside.
* **Precision on Bilag 1**: of the facts read from the Bilag 1 table (table facts of the Bilag 1
  document at or after its "Bilag 1" heading, when the text and offsets are given), the share that
  matches a gold fact of that document one to one on (amount, year).

"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ATTRIBUTES = ("per_year", "open_ended", "kind")
BILAG1_HEADING = re.compile(r"^[ \t]*Bilag 1[ \t]*$", re.MULTILINE)


def load_gold(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _key(fact: dict[str, Any]) -> tuple[str, int, int | None]:
    return fact["doc"], int(fact["amount_dkk"]), fact.get("year")


def year_basis(gold: dict[str, Any]) -> str:
    """The gold year's basis: the row's own ``basis``, else stated/inferred/none from its quote."""
    if gold.get("basis"):
        return str(gold["basis"])
    year = gold.get("year")
    if year is None:
        return "none"
    quote = gold.get("quote") or ""
    short = f"{int(year) % 100:02d}"
    if str(year) in quote or re.search(rf"\b(?:F?FL|BF?|R)-?{short}\b|\d\d\s?[-–/]\s?{short}\b", quote):
        return "stated"
    return "inferred"


def _group(basis: str) -> str:
    return basis if basis in ("stated", "none") else "inferred"


def score_years(facts: list[dict[str, Any]], gold: list[dict[str, Any]]) -> dict[str, Any]:
    """Year and period agreement per basis group (stated, inferred, none) and per fine basis."""
    by_amount: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for f in facts:
        by_amount[(f["doc"], int(f["amount_dkk"]))].append(f)
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    found_basis: Counter[str] = Counter()
    wrong: list[dict[str, Any]] = []
    for g in gold:
        candidates = by_amount.get((g["doc"], int(g["amount_dkk"])), [])
        basis = year_basis(g)
        keys = [_group(basis)] + ([f"inferred: {basis}"] if _group(basis) != basis else [])
        for key in keys:
            c = groups[key]
            c["gold"] += 1
            if not candidates:
                continue
            c["amount_found"] += 1
            year_ok = [f for f in candidates if f.get("year") == g.get("year")]
            c["year"] += bool(year_ok)
            c["period"] += any(f.get("year_end") == g.get("year_end") for f in year_ok)
        if candidates:
            best = next((f for f in candidates if f.get("year") == g.get("year")), candidates[0])
            found_basis[f'{basis} → {best.get("year_basis") or "-"}'] += 1
            if best.get("year") != g.get("year") or best.get("year_end") != g.get("year_end"):
                wrong.append({"id": g["id"], "basis": basis, "gold": (g.get("year"), g.get("year_end")),
                              "found": sorted({(f.get("year"), f.get("year_end")) for f in candidates}, key=str)})
    out = {}
    for key, c in sorted(groups.items()):
        n = c["amount_found"]
        out[key] = {"gold": c["gold"], "amount_found": n, "year_agrees": c["year"], "period_agrees": c["period"],
                    "year_agreement": c["year"] / n if n else None, "period_agreement": c["period"] / n if n else None}
    return {"by_basis": out, "gold_basis_to_found_basis": dict(sorted(found_basis.items())), "wrong": wrong}


def _agrees(fact: dict[str, Any], gold: dict[str, Any], attribute: str) -> bool:
    if attribute == "kind":
        return fact.get("kind") == gold["kind"]
    return bool(fact.get(attribute)) == bool(gold[attribute])


def _bilag1_doc(gold: list[dict[str, Any]]) -> str | None:
    return next((g["doc"] for g in gold if (g.get("note") or "").startswith("Bilag 1")), None)


def _bilag1_facts(facts: list[dict[str, Any]], doc: str | None, texts: dict[str, str] | None) -> list[dict]:
    table = [f for f in facts if f["doc"] == doc and f.get("from_table")]
    text = (texts or {}).get(doc or "")
    m = BILAG1_HEADING.search(text) if text else None
    if m is None or any(f.get("start") is None for f in table):
        return table
    return [f for f in table if f["start"] >= m.start()]


def score_amounts(facts: list[dict[str, Any]], gold_path: Path,
                  texts: dict[str, str] | None = None) -> dict[str, Any]:
    """Recall per document and overall, attribute agreement, and precision on Bilag 1.

    Each fact has ``doc, amount_dkk, year, year_end, per_year, open_ended, kind, from_table,
    row_label``, and optionally ``start`` (its offset in ``texts[doc]``) to place it in Bilag 1.
    """
    gold = load_gold(gold_path)
    index: dict[tuple, list[dict]] = defaultdict(list)
    for f in facts:
        index[_key(f)].append(f)
    per_doc: dict[str, dict[str, int]] = defaultdict(lambda: {"gold": 0, "found": 0})
    agree: Counter[str] = Counter()
    agree_all: Counter[str] = Counter()
    missed: list[dict[str, Any]] = []
    disagreements: list[dict[str, Any]] = []
    for g in gold:
        stats = per_doc[g["doc"]]
        stats["gold"] += 1
        candidates = index.get(_key(g), [])
        if not candidates:
            missed.append({k: g.get(k) for k in ("id", "doc", "amount_dkk", "raw", "year", "kind")})
            continue
        stats["found"] += 1
        attributes = [a for a in ATTRIBUTES if a in g]  # eval/dev rows have no kind
        best = max(candidates, key=lambda f: sum(_agrees(f, g, a) for a in attributes))
        for a in attributes:
            agree_all[a] += all(_agrees(f, g, a) for f in candidates)
            ok = _agrees(best, g, a)
            agree[a] += ok
            if not ok:
                disagreements.append({"id": g["id"], "attribute": a, "gold": g[a], "found": best.get(a)})
    found = sum(s["found"] for s in per_doc.values())
    total = sum(s["gold"] for s in per_doc.values())
    doc = _bilag1_doc(gold)
    table = _bilag1_facts(facts, doc, texts)
    pool = Counter((g["amount_dkk"], g["year"]) for g in gold if g["doc"] == doc)
    hits, extra = 0, []
    for f in table:
        key = (int(f["amount_dkk"]), f.get("year"))
        if pool[key] > 0:
            pool[key] -= 1
            hits += 1
        else:
            extra.append({k: f.get(k) for k in ("row_label", "year", "amount_dkk")})
    return {
        "recall": {
            "overall": found / total if total else 0.0,
            "found": found,
            "gold": total,
            "per_doc": {d: {**s, "recall": s["found"] / s["gold"]} for d, s in sorted(per_doc.items())},
        },
        "agreement": {a: (agree[a] / found if found else 0.0) for a in ATTRIBUTES if any(a in g for g in gold)},
        "agreement_all": {a: (agree_all[a] / found if found else 0.0) for a in ATTRIBUTES if any(a in g for g in gold)},
        "years": score_years(facts, gold),
        "bilag1": {
            "doc": doc,
            "facts": len(table),
            "in_gold": hits,
            "precision": hits / len(table) if table else 0.0,
            "not_in_gold": extra,
        },
        "missed": missed,
        "disagreements": disagreements,
    }


def format_report(metrics: dict[str, Any]) -> str:
    """The metrics as Markdown tables."""
    r = metrics["recall"]
    lines = ["| document | gold | found | recall |", "| --- | ---: | ---: | ---: |"]
    for doc, s in r["per_doc"].items():
        lines.append(f"| {doc} | {s['gold']} | {s['found']} | {s['recall']:.3f} |")
    lines.append(f"| **all** | {r['gold']} | {r['found']} | **{r['overall']:.3f}** |")
    b = metrics["bilag1"]
    lines += ["", "| metric | value |", "| --- | ---: |"]
    for a, v in metrics["agreement"].items():
        lines.append(f"| {a} agreement (best matching fact) | {v:.3f} |")
    for a, v in metrics["agreement_all"].items():
        lines.append(f"| {a} agreement (every matching fact) | {v:.3f} |")
    if b["doc"] is not None:
        lines.append(f"| Bilag 1 precision ({b['in_gold']}/{b['facts']}) | {b['precision']:.3f} |")
    lines += ["", "Year agreement (gold facts whose amount the document has; stated vs inferred years):", "",
              "| gold year | gold | amount found | year agrees | period agrees |", "| --- | ---: | ---: | ---: | ---: |"]
    for key, y in metrics["years"]["by_basis"].items():
        ya = "n/a" if y["year_agreement"] is None else f"{y['year_agreement']:.3f}"
        pa = "n/a" if y["period_agreement"] is None else f"{y['period_agreement']:.3f}"
        lines.append(f"| {key} | {y['gold']} | {y['amount_found']} | {ya} ({y['year_agrees']}) | {pa} ({y['period_agrees']}) |")
    if metrics["years"]["wrong"]:
        lines += ["", "Years that differ (gold year, end year → found):", ""]
        lines += [f"- {w['id']} [{w['basis']}] {w['gold']} → {w['found']}" for w in metrics["years"]["wrong"]]
    if b["not_in_gold"]:
        lines += ["", "Bilag 1 facts not in gold:", ""]
        lines += [f"- {e['row_label']} {e['year']}: {e['amount_dkk']}" for e in b["not_in_gold"]]
    if metrics["missed"]:
        lines += ["", "Missed gold facts:", ""]
        lines += [f"- {m['id']} {m['doc'][:3]} {m['raw']!r} {m['year']}" for m in metrics["missed"]]
    if metrics["disagreements"]:
        lines += ["", "Disagreements:", ""]
        lines += [f"- {d['id']} {d['attribute']}: gold {d['gold']!r}, found {d['found']!r}"
                  for d in metrics["disagreements"]]
    return "\n".join(lines)
