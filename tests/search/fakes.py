"""Test doubles for index mechanics: a deterministic encoder with the real encoder's interface.

``HashEncoder`` maps character trigrams to ±1 in hashed dimensions and L2-normalises, so similar
strings get similar vectors. It counts calls and encoded texts so cache tests can assert on them.
Real-model behaviour is tested separately (``@pytest.mark.slow``).
"""

from __future__ import annotations

import hashlib
import re

import numpy as np


class HashEncoder:
    def __init__(self, dim: int = 64, name: str = "hash-trigrams", salt: str = "") -> None:
        self.name = name
        self.dim = dim
        self.salt = salt
        self.fingerprint = hashlib.sha256(f"{name}|{dim}|{salt}".encode()).hexdigest()[:16]
        self.calls = 0
        self.encoded: list[str] = []

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        text = " " + re.sub(r"\s+", " ", text.lower()) + " "
        for i in range(len(text) - 2):
            digest = hashlib.blake2b((self.salt + text[i : i + 3]).encode(), digest_size=8).digest()
            h = int.from_bytes(digest, "little")
            vector[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def encode_passages(self, texts: list[str], batch_size: int = 8, show_progress: bool = False) -> np.ndarray:
        self.calls += 1
        self.encoded.extend(texts)
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])


class FailingEncoder(HashEncoder):
    """Raises on the ``fail_on``-th call to ``encode_passages`` (1-based): an interrupted build."""

    def __init__(self, fail_on: int = 2, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.fail_on = fail_on

    def encode_passages(self, texts: list[str], batch_size: int = 8, show_progress: bool = False) -> np.ndarray:
        if self.calls + 1 >= self.fail_on:
            self.calls += 1
            raise RuntimeError("encoder crashed")
        return super().encode_passages(texts, batch_size, show_progress)
