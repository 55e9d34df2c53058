"""Embedding cache: a passage's vector keyed by (encoder fingerprint, passage content hash).

Re-ingesting a corpus re-embeds only passages whose text changed (or every passage, once, for a new
model). The cache is one SQLite file (default ``<data_dir>/cache/embeddings.sqlite``), outside the
index directory so that rebuilding the index never discards it; vectors are written as they are
computed, so an interrupted build resumes where it stopped.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from search.records import Encoder

ENCODE_CHUNK = 64  # passages per encoder call: progress and cache writes happen this often
Progress = Callable[[int, int], None]


class EmbeddingCache:
    """Vectors of one encoder (``fingerprint``), by content hash."""

    def __init__(self, path: Path, fingerprint: str, dim: int) -> None:
        self.path = Path(path)
        self.fingerprint = fingerprint
        self.dim = dim
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embeddings (fingerprint TEXT NOT NULL, content_hash TEXT NOT NULL,"
            " dim INTEGER NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (fingerprint, content_hash))"
        )
        self._db.commit()

    def get_many(self, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """The cached vectors among ``hashes`` (missing ones are simply absent)."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(wanted), 500):  # SQLite caps the number of bound parameters
            chunk = wanted[start : start + 500]
            rows = self._db.execute(
                f"SELECT content_hash, vector FROM embeddings WHERE fingerprint = ? AND dim = ?"
                f" AND content_hash IN ({','.join('?' * len(chunk))})",
                [self.fingerprint, self.dim, *chunk],
            )
            found.update((h, np.frombuffer(blob, dtype=np.float32).copy()) for h, blob in rows)
        return found

    def put_many(self, vectors: Mapping[str, np.ndarray]) -> None:
        rows = []
        for content_hash, vector in vectors.items():
            vector = np.asarray(vector, dtype=np.float32).reshape(-1)
            if len(vector) != self.dim:
                raise ValueError(f"vector for {content_hash} has {len(vector)} dimensions, the cache {self.dim}")
            rows.append((self.fingerprint, content_hash, self.dim, vector.tobytes()))
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)", rows)

    def __len__(self) -> int:
        (n,) = self._db.execute("SELECT count(*) FROM embeddings WHERE fingerprint = ?", [self.fingerprint]).fetchone()
        return int(n)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def embed(
    texts: Sequence[str],
    hashes: Sequence[str],
    encoder: Encoder,
    cache: EmbeddingCache | None = None,
    batch_size: int = 8,
    progress: Progress | None = None,
) -> np.ndarray:
    """Vectors for ``texts`` (float32, ``(n, dim)``): cached ones looked up, the rest encoded and cached.

    Identical texts (same hash) are encoded once. ``progress(done, total)`` counts passages.
    """
    if len(texts) != len(hashes):
        raise ValueError("texts and hashes differ in length")
    total = len(texts)
    known = cache.get_many(hashes) if cache is not None else {}
    todo: dict[str, str] = {}
    for text, h in zip(texts, hashes):
        if h not in known:
            todo.setdefault(h, text)
    copies = Counter(hashes)
    done = total - sum(copies[h] for h in todo)
    if progress:
        progress(done, total)
    pending = list(todo.items())
    for start in range(0, len(pending), ENCODE_CHUNK):
        chunk = pending[start : start + ENCODE_CHUNK]
        vectors = np.asarray(encoder.encode_passages([t for _, t in chunk], batch_size=batch_size), dtype=np.float32)
        fresh = {h: v for (h, _), v in zip(chunk, vectors)}
        if cache is not None:
            cache.put_many(fresh)
        known.update(fresh)
        done += sum(copies[h] for h in fresh)
        if progress:
            progress(done, total)
    if not total:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.stack([known[h] for h in hashes]).astype(np.float32, copy=False)
