"""BM25 over Danish passages (bm25s + the Snowball Danish stemmer).

Tokenisation keeps exact names, numbers and abbreviations findable next to the stemmed words:

* a word gives its stem, plus its lowercased form when that differs ("psykiatrien" →
  ``psykiatri``, ``psykiatrien``), so an exact form scores above a mere inflection;
* a hyphenated name gives its parts, the whole and the parts run together ("F-ACT" → ``f``,
  ``act``, ``f-act``, ``fact``), so "FACT" finds "F-ACT" and back;
* a number is written one canonical Danish way ("1.465" → ``1465``, "9.4" and "9,4" → ``9,4``,
  "150,0" → ``150``) and also joined to the next word ("9,4 mio." → ``9,4_mio``), so an amount
  with its unit ranks above the bare number;
* units are folded ("millioner" → ``mio``, "%" and "procent" → ``pct``);
* Danish stop words are dropped (the Snowball list shipped with bm25s).

The same function tokenises passages and queries.
"""

from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

TOKEN_RE = re.compile(r"\w+(?:[-.,/’']\w+)*|%", re.UNICODE)
NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
THOUSANDS_RE = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
PART_SPLIT_RE = re.compile(r"[-.,/’']")
UNITS = {
    "%": "pct", "procent": "pct", "pct": "pct",
    "mio": "mio", "million": "mio", "millioner": "mio", "millionen": "mio", "millions": "mio",
    "mia": "mia", "mia.": "mia", "milliard": "mia", "milliarder": "mia", "billion": "mia",
    "kr": "kr", "kroner": "kr", "krone": "kr", "dkk": "kr",
}
BM25_K1 = 1.2
BM25_B = 0.75


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("danish")


def _bm25s():  # type: ignore[no-untyped-def]
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on import: chatter in every log
    return bm25s


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_DANISH

    return frozenset(STOPWORDS_DANISH)


def canonical_number(raw: str) -> str:
    """One spelling per number: Danish thousands dots dropped, decimal comma, no ",0" tail."""
    if THOUSANDS_RE.fullmatch(raw):
        raw = raw.replace(".", "")
    elif re.fullmatch(r"\d+\.\d+", raw):  # "9.4": an English decimal point (Danish thousands take 3 digits)
        raw = raw.replace(".", ",")
    if re.fullmatch(r"\d+,0+", raw):
        raw = raw.split(",")[0]
    return raw


def _word_tokens(word: str) -> list[str]:
    """Tokens of one lowercased word without connectors."""
    if word in UNITS:
        return [UNITS[word]]
    if word in stop_words():
        return []
    if any(ch.isdigit() for ch in word):  # "3a", "h1", "covid19": kept exactly
        return [word]
    stem = _stemmer().stemWord(word)
    return [stem] if stem == word else [stem, word]


def tokenize(text: str) -> list[str]:
    """Index/query tokens of a text (see the module docstring)."""
    return [t for group in token_groups(text) for t in group]


def token_groups(text: str) -> list[list[str]]:
    """The tokens of each word of ``text`` (stop words give none), number-word pairs in their own group."""
    out: list[list[str]] = []
    pending_number: str | None = None
    for match in TOKEN_RE.finditer(text.lower()):
        raw = re.sub(r"[’']s$", "", match.group())  # genitive: "FN’s" → "fn"
        if NUMBER_RE.fullmatch(raw):
            tokens = [canonical_number(raw)]
        elif PART_SPLIT_RE.search(raw):
            parts = [p for p in PART_SPLIT_RE.split(raw) if p]
            tokens = [t for p in parts for t in (_word_tokens(p) if not p.isdigit() else [canonical_number(p)])]
            if "-" in raw and 1 < len(parts) <= 3 and not all(p.isdigit() for p in parts):
                tokens += [raw, "".join(parts)]
        else:
            tokens = _word_tokens(raw)
        if pending_number is not None and tokens:
            out.append([f"{pending_number}_{tokens[0]}"])
        pending_number = tokens[0] if len(tokens) == 1 and NUMBER_RE.fullmatch(raw) else None
        if tokens:
            out.append(tokens)
    return out


class BM25Index:
    """A bm25s index over passage texts; document ids are positions in the passage list."""

    def __init__(self, retriever, n: int) -> None:  # type: ignore[no-untyped-def]
        self._bm25 = retriever
        self.n = n

    @classmethod
    def build(cls, texts: list[str]) -> BM25Index:
        retriever = _bm25s().BM25(k1=BM25_K1, b=BM25_B, method="lucene")
        corpus = [tokenize(t) for t in texts]
        if not any(corpus):
            corpus = [["\x00"]] + corpus[1:] if corpus else [["\x00"]]  # bm25s refuses a vocabulary-free corpus
        retriever.index(corpus, show_progress=False)
        return cls(retriever, len(texts))

    def save(self, directory: Path) -> None:
        self._bm25.save(str(directory), show_progress=False)
        (directory / "lexical.json").write_text(json.dumps({"n": self.n}), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> BM25Index:
        n = json.loads((directory / "lexical.json").read_text(encoding="utf-8"))["n"]
        return cls(_bm25s().BM25.load(str(directory), mmap=False), n)

    def coverage(self, query: str) -> float:
        """Share of the query's words (stop words aside) with a token in the index; 0 without words.

        Low for a query in another language than the corpus (an English question against Danish
        passages): the hybrid search then trusts BM25 less.
        """
        words = [g for g in token_groups(query) if "_" not in g[0]]
        vocab = self._bm25.vocab_dict
        return sum(any(t in vocab for t in g) for g in words) / len(words) if words else 0.0

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for ``query`` (zeros when no query token is indexed)."""
        vocab = self._bm25.vocab_dict
        ids = sorted({vocab[t] for t in tokenize(query) if t in vocab})
        if not ids or self.n == 0:
            return np.zeros(self.n, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)[: self.n]

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (ids, scores), best first, among ``allowed`` ids; passages matching no token are left out."""
        scores = self.scores(query)
        if allowed is not None:
            mask = np.zeros(self.n, dtype=bool)
            mask[allowed] = True
            scores = np.where(mask, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        order = np.lexsort((candidates, -scores[candidates]))  # score desc, then id asc: deterministic
        ids = candidates[order]
        return ids.astype(np.int64), scores[ids]
