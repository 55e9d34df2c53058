"""Passage sentences embedded at index time, to order the first page of results by their best sentence.

A passage of 100-250 words answers a question with one or two sentences; its whole-passage vector
blurs them with the rest. At index time every sentence of at least :data:`MIN_WORDS` words is
embedded (through the embedding cache); at query time the first :data:`RERANK_TOP` hybrid results
are re-ordered by their fused score plus the question's similarity to their best sentence
(:func:`rerank`). Only the order *within* the first page changes, so hit@5 is what hybrid search
gives, and nothing but the question is encoded per request.

The weight :data:`SENTENCE_WEIGHT` (0.5, against 1.0) was chosen on the fit half of the gold
search questions (:mod:`search.split`; MRR 0.775 against 0.743); the held-out half is reported
in ``eval/results/search.md``.

On disk, in the index version directory: ``sentences.npy`` (one float32 row per sentence) and
``sentences.json`` (``{"owner": [passage line in records.jsonl per row]}``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.cache import EmbeddingCache, embed
from search.records import Encoder, PassageRecord, text_hash

MIN_WORDS = 4
RERANK_TOP = 5
SENTENCE_WEIGHT = 0.5
SIM_UNIT = 0.05  # as in search.rank: a cosine gap of 0.05 is one unit
VECTORS_FILE = "sentences.npy"
OWNERS_FILE = "sentences.json"

_SPLIT = re.compile(r"(?<=[.!?:])\s+(?=[A-ZÆØÅ0-9•\-–])|\s*•\s*|\n{2,}")


def split_sentences(text: str) -> list[str]:
    """Sentences (and bullet items) of at least :data:`MIN_WORDS` words, whitespace collapsed.

    >>> split_sentences("Der afsættes 7,0 mio. kr. årligt. • Styrket indsats for unge i 2025 og frem")
    ['Der afsættes 7,0 mio. kr. årligt.', 'Styrket indsats for unge i 2025 og frem']
    """
    out = []
    for s in _SPLIT.split(text):
        s = " ".join(s.split())
        if len(s.split()) >= MIN_WORDS:
            out.append(s)
    return out


def sentence_sidecar(records: Sequence[PassageRecord], encoder: Encoder, data_dir: Path | str,
                     batch_size: int = 16) -> Callable[[Path], None]:
    """Embed every passage's sentences now (through the embedding cache); return the writer of their files."""
    texts: list[str] = []
    owners: list[int] = []
    for i, r in enumerate(records):
        for s in split_sentences(r.text):
            texts.append(s)
            owners.append(i)
    cache = EmbeddingCache(Path(data_dir) / "cache" / "embeddings.sqlite", encoder.fingerprint, encoder.dim)
    try:
        vectors = embed(texts, [text_hash(t) for t in texts], encoder, cache, batch_size)
    finally:
        cache.close()

    def write(directory: Path) -> None:
        np.save(directory / VECTORS_FILE, np.asarray(vectors, dtype=np.float32))
        (directory / OWNERS_FILE).write_text(json.dumps({"owner": owners}), "utf-8")

    return write


@dataclass(frozen=True)
class SentenceVectors:
    matrix: np.ndarray  # (n sentences, dim)
    owner: np.ndarray  # (n sentences,) passage id (line of records.jsonl)
    passages: int

    def best(self, query_vector: np.ndarray) -> np.ndarray:
        """Per passage id, the cosine of its best sentence to the question (-1 for passages without one)."""
        out = np.full(self.passages, -1.0)
        if len(self.owner):
            np.maximum.at(out, self.owner, self.matrix @ query_vector)
        return out


def load_sentence_vectors(directory: Path, passages: int) -> SentenceVectors | None:
    try:
        matrix = np.load(directory / VECTORS_FILE)
        owner = np.asarray(json.loads((directory / OWNERS_FILE).read_text("utf-8"))["owner"], dtype=np.int64)
    except FileNotFoundError:
        return None
    if len(owner) != len(matrix) or (len(owner) and owner.max() >= passages):
        return None
    return SentenceVectors(matrix.astype(np.float32, copy=False), owner, passages)


def sentence_vectors(index) -> SentenceVectors | None:
    """The open index's sentence vectors (loaded once); None for an index built without them."""
    if not hasattr(index, "sidecar"):
        return None
    return index.sidecar("sentences", lambda path: load_sentence_vectors(path, len(index.records)))


def rerank(index, query: str, hits: list, top: int = RERANK_TOP, weight: float = SENTENCE_WEIGHT) -> list:
    """``hits`` with the first ``top`` re-ordered by fused score + ``weight`` × best-sentence similarity.

    The fused (RRF) score is scaled by the index's RRF constant, so rank 1 in one list is about 1;
    the sentence term is the gap to the best of the ``top`` in units of :data:`SIM_UNIT`. Ranks are
    renumbered; hits beyond ``top`` keep their order. Without sentence vectors nothing changes.
    """
    vectors = sentence_vectors(index)
    if vectors is None or len(hits) < 2:
        return hits
    best = vectors.best(index.query_vector(query))
    head, tail = hits[:top], hits[top:]
    sims = np.array([best[index.position(h.iri)] for h in head])
    k = getattr(index, "rrf_k", 60)
    score = np.array([h.score for h in head]) * k + weight * (sims - sims.max()) / SIM_UNIT
    order = [head[i] for i in np.argsort(-score, kind="stable")] + tail
    return [_renumbered(h, n) for n, h in enumerate(order, start=1)]


def _renumbered(hit, rank: int):
    from dataclasses import replace

    return replace(hit, rank=rank) if hit.rank != rank else hit
