"""Extractive question answering: the best passages, and the graph facts they support.

No language model: the answer is made of what the documents say. The pipeline lives in
:mod:`search.answer` (question understanding, fact ranking with fitted weights, one answer per
figure with all its sources, the frame in the asker's language); this module keeps the entry
points the CLI and the API call, and the evaluation in :mod:`search.eval_ask`. A figure the parser
was unsure of (``kg:uncertain``) is stated with "[usikker aflæsning: …]" ("[uncertain reading: …]")
and its flags, never as plain fact; every fact carries ``uncertain`` and ``flags``.
"""

from __future__ import annotations

from typing import Any

from kg.store import GraphStore
from search.answer import Answer, answer_question
from search.question import AMOUNT_CUES  # noqa: F401  (re-exported: the cue words for "an amount is asked")
from search.service import SearchFilters

__all__ = ["Answer", "ask", "evaluate_ask", "format_ask_report"]


def ask(store: GraphStore, index, question: str, k: int = 6, filters: SearchFilters | None = None) -> Answer:
    """Answer ``question``: for amounts, the best figure in the asker's language with its sources."""
    return answer_question(store, index, question, k=k, filters=filters)


def evaluate_ask(store: GraphStore, index, questions: list[dict[str, Any]], top: int = 3) -> dict[str, Any]:
    """Top-1 and top-``top`` success per language and split (see :func:`search.eval_ask.evaluate_ask`)."""
    from search.eval_ask import evaluate_ask as run

    return run(store, index, questions, top=top)


def format_ask_report(r: dict[str, Any]) -> str:
    from search.eval_ask import format_ask_report as fmt

    return fmt(r)
