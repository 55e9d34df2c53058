"""Scoring money facts read from real PDFs against hand-checked facts (``eval/dev/pdf_facts.jsonl``).

The PDFs are third-party documents kept out of git: they are read from a local folder (setting
``eval_pdf_dir``) and identified by their SHA-256 in ``eval/dev/pdf_sources.json``, which also says
where to get each one. A PDF that is missing or differs is skipped with a message; with none present
the evaluation is skipped as a whole.

Per document, gold facts are matched one to one with the graph's money facts of that document:

* **found**: a fact with the same ``amount_dkk`` and ``year`` (None matches None); where several
  match, one on the gold fact's page is taken first;
* **on the right page**: the matched fact's ``kg:page`` is the gold page;
* **right row or initiative**: for gold facts with a ``label``, the label (case-folded) occurs in
  the matched fact's row label or its initiative's label;
* **kind agrees**: the matched fact's amount kind is the gold kind;
* **unmatched facts**: facts of the document no gold fact matched (a gold file lists every money
  fact a careful reader states, so these are mostly misreadings; thresholds such as "projekter over
  50 mio. kr." are not listed and count here).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from kg.store import GraphStore

KINDS = {"allocated": "allocated", "share": "share", "used": "used", "total": "total", "otherkind": "other"}


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    """One dict per non-empty line of a JSON Lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def present_pdfs(folder: Path, sources: dict[str, dict]) -> tuple[dict[str, Path], list[str]]:
    """The gold PDFs found in ``folder`` with the expected content, and a message for each one not usable."""
    found: dict[str, Path] = {}
    notes: list[str] = []
    for name, meta in sources.items():
        path = folder / name
        if not path.is_file():
            notes.append(f"{path}: not found; skipped (get it from {meta.get('source', 'its source')})")
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != meta.get("sha256"):
            notes.append(f"{path}: different content (sha256 {digest[:12]}…, expected {meta.get('sha256', '?')[:12]}…); skipped")
            continue
        found[name] = path
    return found, notes


def graph_money(store: GraphStore) -> list[dict[str, Any]]:
    """Every money fact in ``store`` with document key, value, year, page, kind, row and initiative labels."""
    rows = store.query("""
    SELECT ?key ?v ?year ?page ?kind ?row ?ilabel WHERE {
      ?f a kg:MoneyAmount ; kg:value ?v ; kg:inDocument ?d . ?d kg:sourceKey ?key .
      OPTIONAL { ?f kg:year ?year } OPTIONAL { ?f kg:page ?page } OPTIONAL { ?f kg:rowLabel ?row }
      OPTIONAL { ?f kg:amountKind ?k . BIND(LCASE(STRAFTER(STR(?k), "#")) AS ?kind) }
      OPTIONAL { ?f kg:forInitiative/rdfs:label ?ilabel }
    }""")
    return [{"doc": str(r.key), "amount_dkk": int(float(r.v)), "year": int(r.year) if r.year is not None else None,
             "page": int(r.page) if r.page is not None else None,
             "kind": KINDS.get(str(r.kind), "other") if r.kind is not None else "other",
             "row_label": str(r.row) if r.row is not None else None,
             "initiative": str(r.ilabel) if r.ilabel is not None else None} for r in rows]


def score_pdf_facts(facts: list[dict[str, Any]], gold: list[dict[str, Any]], docs: list[str]) -> dict[str, Any]:
    """Per document and overall: found, right page, right row/initiative, kind, unmatched facts."""
    per_doc: dict[str, dict[str, Any]] = {}
    for doc in docs:
        mine = [dict(f) for f in facts if f["doc"] == doc]
        wanted = [g for g in gold if g["doc"] == doc]
        used: set[int] = set()
        counts = {"gold": len(wanted), "found": 0, "page": 0, "labelled": 0, "label": 0, "kind": 0, "facts": len(mine)}
        misses: list[str] = []
        for g in wanted:
            candidates = [i for i, f in enumerate(mine) if i not in used and f["amount_dkk"] == g["amount_dkk"]
                          and f["year"] == g["year"]]
            candidates.sort(key=lambda i: mine[i]["page"] != g["page"])
            if g.get("label"):
                counts["labelled"] += 1
            if not candidates:
                misses.append(f"{g['id']} p.{g['page']} {g['amount_dkk']:,} ({g['year']})")
                continue
            i = candidates[0]
            used.add(i)
            f = mine[i]
            counts["found"] += 1
            counts["page"] += f["page"] == g["page"]
            counts["kind"] += f["kind"] == g["kind"]
            if g.get("label"):
                text = " ".join(x for x in (f["row_label"], f["initiative"]) if x).casefold()
                counts["label"] += g["label"].casefold() in text
        counts["unmatched"] = len(mine) - len(used)
        per_doc[doc] = {**counts, "missed": misses}
    total = {k: sum(d[k] for d in per_doc.values()) for k in ("gold", "found", "page", "labelled", "label", "kind",
                                                              "facts", "unmatched")}
    return {"documents": per_doc, "total": total}


def evaluate_pdf_folder(folder: Path, gold_dir: Path, config: Any) -> tuple[dict[str, Any] | None, list[str]]:
    """Ingest the gold PDFs present in ``folder`` into a fresh temporary store and score them.

    Returns (metrics, notes); metrics is None when no gold PDF is present (the notes say why).
    """
    from dataclasses import replace

    from ingest.pipeline import ingest_paths
    from kg.store import open_store

    sources = json.loads((gold_dir / "pdf_sources.json").read_text(encoding="utf-8"))
    found, notes = present_pdfs(folder, sources)
    if not found:
        return None, notes
    gold = load_jsonl(gold_dir / "pdf_facts.jsonl")
    with tempfile.TemporaryDirectory(prefix="kg-eval-pdfs-") as tmp:
        cfg = replace(config, data_dir=Path(tmp), store="oxigraph")
        with open_store(cfg.store, cfg.data_dir) as store:
            report = ingest_paths(sorted(found.values()), store, cfg)
            notes += [message for _, message in report.failed]
            facts = graph_money(store)
    return score_pdf_facts(facts, gold, sorted(found)), notes


def format_report(metrics: dict[str, Any], notes: list[str], label: str = "") -> str:
    """Markdown: one row per document and a total."""
    def pct(a: int, b: int) -> str:
        return f"{a}/{b} ({100 * a / b:.0f} %)" if b else "–"

    lines = [f"# Money facts in real PDFs{f' ({label})' if label else ''}", "",
             "Hand-checked facts: `eval/dev/pdf_facts.jsonl`; PDFs: `eval/dev/pdf_sources.json`.", "",
             "| document | found (amount, year) | right page | right row/initiative | kind agrees | unmatched facts |",
             "|---|---|---|---|---|---|"]
    rows = [*metrics["documents"].items(), ("**total**", metrics["total"])]
    for doc, d in rows:
        lines.append(f"| {doc} | {pct(d['found'], d['gold'])} | {pct(d['page'], d['found'])} | "
                     f"{pct(d['label'], d['labelled'])} | {pct(d['kind'], d['found'])} | {d['unmatched']} of {d['facts']} |")
    missed = [m for d in metrics["documents"].values() for m in d["missed"]]
    if missed:
        lines += ["", "Not found: " + "; ".join(missed)]
    if notes:
        lines += ["", *[f"- {n}" for n in notes]]
    return "\n".join(lines)
