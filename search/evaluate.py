"""Search evaluation on the gold questions (eval/gold/README.md, "Search hit@k").

Each question names a document and a verbatim ``quote`` that occurs in it once whitespace runs are
collapsed. The quote is located in the collapsed text and mapped back to character offsets in the
original file; a retrieved passage *hits* when it comes from that document and its
``[raw_start, raw_end)`` span covers at least half of the quote's (collapsed) characters. A quote
occurring several times hits through any occurrence.

* hit@k — share of questions with a hit among the top ``k`` passages;
* MRR — mean of 1/rank of the first hit within the top 10 (0 when there is none);

reported per mode (bm25, dense, hybrid; hybrid with its first page ordered by best sentence,
:mod:`search.sentences`; and that with near-duplicate passages grouped, :mod:`search.dedup`), for
Danish, English and all questions. A group hits only through its own passages' text: the lead and
the passages listed under "also in", never by its size.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from search.records import PassageRecord, text_hash

MRR_DEPTH = 10
LANGS = ("da", "en", "all")
RERANKED = "hybrid, sentence-ordered"
GROUPED = "hybrid, sentence-ordered, grouped"
GROUP_DEPTH_FACTOR = 3  # passages retrieved per group wanted (as search.grouped does)


def read_text(path: Path) -> str:
    """A corpus file's text exactly as ingest reads it (UTF-8, BOM dropped, newlines untouched)."""
    return path.read_bytes().decode("utf-8-sig")


def collapse_with_offsets(text: str) -> tuple[str, np.ndarray]:
    """``re.sub(r"\\s+", " ", text)`` and, for each of its characters, the offset it came from."""
    pieces: list[str] = []
    offsets: list[int] = []
    for match in re.finditer(r"\s+|\S+", text):
        if match.group()[0].isspace():
            pieces.append(" ")
            offsets.append(match.start())
        else:
            pieces.append(match.group())
            offsets.extend(range(match.start(), match.end()))
    return "".join(pieces), np.asarray(offsets, dtype=np.int64)


def locate_quote(text: str, quote: str) -> list[np.ndarray]:
    """Original offsets of the quote's characters, one array per occurrence (empty list: not found)."""
    return _locate(*collapse_with_offsets(text), quote)


def _locate(collapsed: str, offsets: np.ndarray, quote: str) -> list[np.ndarray]:
    needle = re.sub(r"\s+", " ", quote).strip()
    found = []
    start = collapsed.find(needle)
    while needle and start >= 0:
        found.append(offsets[start : start + len(needle)])
        start = collapsed.find(needle, start + 1)
    return found


def is_hit(record: PassageRecord, doc_key: str, occurrences: Sequence[np.ndarray]) -> bool:
    """Whether the passage covers at least half of the quote's characters in some occurrence."""
    if record.doc_key != doc_key:
        return False
    for positions in occurrences:
        covered = int(np.count_nonzero((positions >= record.raw_start) & (positions < record.raw_end)))
        if 2 * covered >= len(positions):
            return True
    return False


def first_hit_rank(records: Iterable[PassageRecord], doc_key: str, occurrences: Sequence[np.ndarray]) -> int | None:
    for rank, record in enumerate(records, start=1):
        if is_hit(record, doc_key, occurrences):
            return rank
    return None


def first_reranked_hit_rank(index: Any, question: str, depth: int, doc_key: str, occurrences: Sequence[np.ndarray],
                            **search_options: Any) -> int | None:
    """Rank of the first hit in hybrid search with the first page ordered by best sentence."""
    from search.sentences import rerank

    hits = rerank(index, question, index.search(question, k=depth, mode="hybrid", **search_options))
    return first_hit_rank((h.record for h in hits), doc_key, occurrences)


def first_group_hit_rank(index: Any, question: str, depth: int, doc_key: str, occurrences: Sequence[np.ndarray],
                         **search_options: Any) -> int | None:
    """Rank of the first group of near-duplicates (hybrid search) one of whose own passages hits."""
    from search.dedup import group_hits, passage_groups
    from search.sentences import rerank

    hits = rerank(index, question, index.search(question, k=depth * GROUP_DEPTH_FACTOR, mode="hybrid", **search_options))
    for g in group_hits(hits, passage_groups(index), index.record)[:depth]:
        if any(is_hit(r, doc_key, occurrences) for r in g.records):
            return g.rank
    return None


def load_questions(path: Path | str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate_search(
    index: Any,
    questions_path: Path | str,
    corpus_dir: Path | str,
    k: int = 5,
    modes: Sequence[str] = ("bm25", "dense", "hybrid"),
    grouped: bool = True,
    **search_options: Any,
) -> dict[str, Any]:
    """hit@k and MRR per mode and language; ``search_options`` go to ``index.search`` (e.g. ``rrf_k``).

    With ``grouped``, also "hybrid, grouped": near-duplicate passages grouped (:mod:`search.dedup`),
    a group hitting only through its own passages (the lead and those listed under "also in").
    """
    # questions without a quote (e.g. eval/dev's questions the corpus cannot answer) have nothing to find
    questions = [q for q in load_questions(questions_path) if q.get("quote") and q.get("doc")]
    texts: dict[str, tuple[str, np.ndarray]] = {}
    located = []
    for q in questions:
        if q["doc"] not in texts:
            texts[q["doc"]] = collapse_with_offsets(read_text(Path(corpus_dir) / q["doc"]))
        occurrences = _locate(*texts[q["doc"]], q["quote"])
        if not occurrences:
            raise ValueError(f"{questions_path}: question {q['id']}: quote not found in {q['doc']}")
        located.append((q, occurrences))
    depth = max(k, MRR_DEPTH)
    per_question = []
    for q, occurrences in located:
        row: dict[str, Any] = {"id": q["id"], "lang": q["lang"], "doc": q["doc"], "rank": {}}
        for mode in modes:
            hits = index.search(q["question"], k=depth, mode=mode, **search_options)
            row["rank"][mode] = first_hit_rank((h.record for h in hits), q["doc"], occurrences)
        if grouped and "hybrid" in modes:
            row["rank"][RERANKED] = first_reranked_hit_rank(index, q["question"], depth, q["doc"], occurrences, **search_options)
            row["rank"][GROUPED] = first_group_hit_rank(index, q["question"], depth, q["doc"], occurrences, **search_options)
        per_question.append(row)
    summary: dict[str, dict[str, dict[str, float]]] = {}
    for mode in [*modes, *([RERANKED, GROUPED] if grouped and "hybrid" in modes else [])]:
        summary[mode] = {}
        for lang in LANGS:
            ranks = [r["rank"][mode] for r in per_question if lang == "all" or r["lang"] == lang]
            summary[mode][lang] = {
                "n": len(ranks),
                "hit": sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0,
                "mrr": sum(1 / r for r in ranks if r is not None and r <= MRR_DEPTH) / len(ranks) if ranks else 0.0,
            }
    by_split: dict[str, dict[str, float]] = {}
    if grouped and "hybrid" in modes:
        from search.split import SPLITS, split_of

        for mode in ("hybrid", RERANKED, GROUPED):
            by_split[mode] = {}
            for split in SPLITS:
                ranks = [r["rank"][mode] for r in per_question if split_of(r["id"]) == split]
                by_split[mode][split] = sum(1 / r for r in ranks if r is not None and r <= MRR_DEPTH) / len(ranks) if ranks else 0.0
    return {"k": k, "questions": len(questions), "modes": summary, "mrr_by_split": by_split, "per_question": per_question}


def format_report(result: dict[str, Any]) -> str:
    """A markdown table: one row per mode, hit@k and MRR for Danish, English and all questions."""
    k = result["k"]
    modes = result["modes"]
    first = next(iter(modes.values()), {})
    counts = ", ".join(f"{lang} {first[lang]['n']}" for lang in LANGS if lang in first)
    lines = [
        f"Search on {result['questions']} gold questions ({counts}); hit@{k}, MRR over the top {MRR_DEPTH}.",
        "",
        f"| mode | hit@{k} da | hit@{k} en | hit@{k} all | MRR da | MRR en | MRR all |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for mode, by_lang in modes.items():
        cells = [f"{by_lang[lang]['hit']:.3f}" for lang in LANGS] + [f"{by_lang[lang]['mrr']:.3f}" for lang in LANGS]
        lines.append(f"| {mode} | " + " | ".join(cells) + " |")
    if result.get("mrr_by_split"):
        lines += ["", "MRR by split of the questions (search/split.py; the sentence weight was chosen on the fit half):", "",
                  "| mode | MRR fit | MRR held-out |", "|---|---:|---:|"]
        for mode, by in result["mrr_by_split"].items():
            lines.append(f"| {mode} | {by.get('fit', 0.0):.3f} | {by.get('heldout', 0.0):.3f} |")
    return "\n".join(lines) + "\n"


def chunk_corpus_for_dev(corpus_dir: Path | str, words: int = 150) -> list[PassageRecord]:
    """DEV BASELINE ONLY: fixed windows of ``words`` words per ``*.txt`` file, with raw spans.

    Stands in for the ingest pipeline's passages so the evaluation can run end to end; it ignores
    sections, pages and sentences. Passage text is the window with whitespace collapsed.
    """
    records = []
    for path in sorted(Path(corpus_dir).glob("*.txt")):
        text = read_text(path)
        spans = [m.span() for m in re.finditer(r"\S+", text)]
        for n, start in enumerate(range(0, len(spans), words)):
            window = spans[start : start + words]
            raw_start, raw_end = window[0][0], window[-1][1]
            passage = re.sub(r"\s+", " ", text[raw_start:raw_end])
            records.append(
                PassageRecord(
                    iri=f"urn:dev-passage:{path.stem}:{n}",
                    doc_id=path.stem,
                    doc_key=path.name,
                    text=passage,
                    content_hash=text_hash(passage),
                    page=None,
                    raw_start=raw_start,
                    raw_end=raw_end,
                )
            )
    return records
