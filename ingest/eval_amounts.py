"""Scoring of extracted money facts against ``eval/gold/amounts.jsonl`` (see eval/gold/README.md).

* **Amount recall**: a gold fact is found when a fact from the same document has the same
  ``amount_dkk`` and the same ``year`` (``None`` matches ``None``); per document and overall.
* **Agreement** of ``per_year``, ``open_ended`` and ``kind`` on found facts: among the facts that
  match a gold fact, the one agreeing on most of the three is compared ("best"); the stricter
  "every" counts a gold fact only when all the facts matching it agree (a table cell and a
  sentence often state the same amount).
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
            missed.append({k: g[k] for k in ("id", "doc", "amount_dkk", "raw", "year", "kind")})
            continue
        stats["found"] += 1
        best = max(candidates, key=lambda f: sum(_agrees(f, g, a) for a in ATTRIBUTES))
        for a in ATTRIBUTES:
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
        "agreement": {a: (agree[a] / found if found else 0.0) for a in ATTRIBUTES},
        "agreement_all": {a: (agree_all[a] / found if found else 0.0) for a in ATTRIBUTES},
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
    lines.append(f"| Bilag 1 precision ({b['in_gold']}/{b['facts']}) | {b['precision']:.3f} |")
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
