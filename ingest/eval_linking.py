"""Scoring of amount → initiative (and → recipient) links against eval/gold/amounts.jsonl.

For each gold fact that the graph found (same document, amount and year), the link is right when
the linked initiative's label matches the gold initiative after lower-casing and removing
punctuation and row numbers: equal, one contains the other, or token-set similarity ≥ 0.8.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz


def norm(label: str | None) -> str:
    if not label:
        return ""
    text = re.sub(r"^\s*(?:initiativ\s+\d+[a-zæøå]?\.?|\d{1,2}[.)])\s*", "", label.lower())
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def labels_match(found: str | None, gold: str | None) -> bool:
    a, b = norm(found), norm(gold)
    if not a or not b:
        return False
    return a == b or a in b or b in a or fuzz.token_set_ratio(a, b) >= 80


def score_linking(facts: list[dict[str, Any]], gold_path: Path) -> dict[str, Any]:
    gold = [json.loads(line) for line in Path(gold_path).read_text("utf-8").splitlines() if line.strip()]
    index: dict[tuple, list[dict]] = defaultdict(list)
    for f in facts:
        index[(f["doc"], int(f["amount_dkk"]), f.get("year"))].append(f)
    found = linked_best = linked_every = with_initiative = 0
    recip_gold = recip_found = 0
    misses: list[dict[str, Any]] = []
    for g in gold:
        cands = index.get((g["doc"], int(g["amount_dkk"]), g.get("year")), [])
        if not cands:
            continue
        found += 1
        if not g.get("initiative"):
            continue
        with_initiative += 1
        ok = [labels_match(c.get("initiative"), g["initiative"]) for c in cands]
        linked_best += any(ok)
        linked_every += all(ok)
        if not any(ok):
            misses.append({"id": g["id"], "gold": g["initiative"], "found": sorted({str(c.get("initiative")) for c in cands})})
        if g.get("recipient"):
            recip_gold += 1
            recip_found += any(labels_match(c.get("recipient"), g["recipient"]) for c in cands)
    return {
        "found_facts": found,
        "with_gold_initiative": with_initiative,
        "initiative_link_best": linked_best / with_initiative if with_initiative else 0.0,
        "initiative_link_every": linked_every / with_initiative if with_initiative else 0.0,
        "recipient_gold": recip_gold,
        "recipient_link": recip_found / recip_gold if recip_gold else 0.0,
        "misses": misses,
    }


def format_linking(m: dict[str, Any]) -> str:
    rows = [
        "| linking metric | value |", "| --- | ---: |",
        f"| initiative link (best matching fact) | {m['initiative_link_best']:.3f} |",
        f"| initiative link (every matching fact) | {m['initiative_link_every']:.3f} |",
        f"| recipient link ({m['recipient_gold']} gold facts with a recipient) | {m['recipient_link']:.3f} |",
    ]
    misses = [f"- {x['id']}: gold {x['gold']!r}, linked {x['found']}" for x in m["misses"][:25]]
    return "\n".join(rows) + ("\n\nLinks missed (first 25):\n\n" + "\n".join(misses) if misses else "")
