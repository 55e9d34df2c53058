"""Dense vector indexes: a small base class, three backends and an explicit factory.

* :class:`NumpyIndex` — brute-force inner product in numpy; the reference the others are tested against.
* :class:`FaissFlatIndex` — faiss ``IndexFlatIP``: exact, fast to ~10⁵ vectors.
* :class:`FaissHNSWIndex` — faiss ``IndexHNSWFlat`` (inner product): approximate, for large collections.

Vectors are L2-normalised, so inner product is cosine similarity. Ids are positions (0..n-1) in the
order vectors were added; the search index maps them to passage IRIs. ``allowed`` restricts a search
to a sorted array of ids (a filter); ``-1`` ids pad results when fewer than ``k`` vectors qualify.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

import numpy as np

HNSW_THRESHOLD = 50_000  # "auto" picks HNSW from this many vectors up
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128
EXACT_SUBSET_MAX = 20_000  # a filter this selective is searched exactly, whatever the backend


class VectorIndex(ABC):
    kind: ClassVar[str]
    filename: ClassVar[str]

    def __init__(self, dim: int) -> None:
        self.dim = dim

    @abstractmethod
    def add(self, vectors: np.ndarray) -> None: ...

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def _search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]: ...

    @abstractmethod
    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors with these ids."""

    @abstractmethod
    def save(self, directory: Path) -> Path:
        """Write the index to ``directory/<filename>`` and return that path."""

    @classmethod
    @abstractmethod
    def load(cls, directory: Path) -> VectorIndex: ...

    def search(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids), each ``(len(queries), k)``, best first; ids ``-1`` where nothing qualifies."""
        queries = _as_matrix(queries, self.dim)
        if k <= 0 or len(self) == 0 or (allowed is not None and len(allowed) == 0):
            return _empty(len(queries), max(k, 0))
        if allowed is not None:
            allowed = np.unique(np.asarray(allowed, dtype=np.int64))
            if len(allowed) <= EXACT_SUBSET_MAX:
                return _exact(self.vectors(allowed), allowed, queries, k)
        return self._search(queries, k, allowed)


class NumpyIndex(VectorIndex):
    kind = "numpy"
    filename = "vectors.npy"

    def __init__(self, dim: int) -> None:
        super().__init__(dim)
        self._matrix = np.zeros((0, dim), dtype=np.float32)

    def add(self, vectors: np.ndarray) -> None:
        self._matrix = np.vstack([self._matrix, _as_matrix(vectors, self.dim)])

    def __len__(self) -> int:
        return len(self._matrix)

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        return self._matrix[ids]

    def _search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        ids = np.arange(len(self), dtype=np.int64) if allowed is None else allowed
        return _exact(self._matrix[ids], ids, queries, k)

    def save(self, directory: Path) -> Path:
        path = directory / self.filename
        np.save(path, self._matrix)
        return path

    @classmethod
    def load(cls, directory: Path) -> NumpyIndex:
        matrix = np.load(directory / cls.filename)
        index = cls(matrix.shape[1])
        index._matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        return index


class _FaissIndex(VectorIndex):
    filename = "vectors.faiss"

    def __init__(self, dim: int, index=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(dim)
        self._index = index if index is not None else self._new()

    @abstractmethod
    def _new(self):  # type: ignore[no-untyped-def]
        """A new, empty faiss index of this backend's kind."""

    def _params(self, selector, k: int):  # type: ignore[no-untyped-def]
        import faiss

        return faiss.SearchParameters(sel=selector)

    def add(self, vectors: np.ndarray) -> None:
        self._index.add(_as_matrix(vectors, self.dim))

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        return self._index.reconstruct_batch(np.asarray(ids, dtype=np.int64))

    def _search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        import faiss

        selector = faiss.IDSelectorBatch(allowed) if allowed is not None else None  # kept alive during search
        params = self._params(selector, k)
        scores, ids = self._index.search(queries, k, params=params)
        scores[ids < 0] = -np.inf
        return scores, ids.astype(np.int64)

    def save(self, directory: Path) -> Path:
        import faiss

        path = directory / self.filename
        faiss.write_index(self._index, str(path))
        return path

    @classmethod
    def load(cls, directory: Path) -> VectorIndex:
        import faiss

        index = faiss.read_index(str(directory / cls.filename))
        return cls(index.d, index)


class FaissFlatIndex(_FaissIndex):
    kind = "flat"

    def _new(self):  # type: ignore[no-untyped-def]
        import faiss

        return faiss.IndexFlatIP(self.dim)


class FaissHNSWIndex(_FaissIndex):
    kind = "hnsw"

    def _new(self):  # type: ignore[no-untyped-def]
        import faiss

        index = faiss.IndexHNSWFlat(self.dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        return index

    def _params(self, selector, k: int):  # type: ignore[no-untyped-def]
        import faiss

        # efSearch bounds how many results HNSW can return, so it grows with k.
        return faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, k))


BACKENDS: dict[str, type[VectorIndex]] = {b.kind: b for b in (NumpyIndex, FaissFlatIndex, FaissHNSWIndex)}


def choose_kind(n: int, kind: str = "auto") -> str:
    """The backend for ``n`` vectors: exact flat below :data:`HNSW_THRESHOLD`, HNSW from there up."""
    if kind == "auto":
        return "flat" if n < HNSW_THRESHOLD else "hnsw"
    if kind not in BACKENDS:
        raise ValueError(f"unknown vector index {kind!r}; choose one of: auto, {', '.join(BACKENDS)}")
    return kind


def make_vector_index(n: int, dim: int, kind: str = "auto") -> VectorIndex:
    """A new, empty index suited to ``n`` vectors of ``dim`` dimensions; its ``kind`` records the choice."""
    return BACKENDS[choose_kind(n, kind)](dim)


def load_vector_index(directory: Path, kind: str) -> VectorIndex:
    return BACKENDS[choose_kind(0, kind)].load(directory)


def _as_matrix(vectors: np.ndarray, dim: int) -> np.ndarray:
    matrix = np.ascontiguousarray(np.atleast_2d(np.asarray(vectors, dtype=np.float32)))
    if matrix.shape[1] != dim:
        raise ValueError(f"vectors have {matrix.shape[1]} dimensions, the index {dim}")
    return matrix


def _empty(nq: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full((nq, k), -np.inf, dtype=np.float32), np.full((nq, k), -1, dtype=np.int64)


def _exact(matrix: np.ndarray, ids: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Brute-force top-k by inner product; ties broken by the smaller id."""
    out_scores, out_ids = _empty(len(queries), k)
    if len(ids) == 0:
        return out_scores, out_ids
    sims = queries @ matrix.T
    take = min(k, len(ids))
    for row, s in enumerate(sims):
        top = np.argpartition(-s, take - 1)[:take] if take < len(s) else np.arange(len(s))
        top = top[np.lexsort((ids[top], -s[top]))]
        out_scores[row, :take] = s[top]
        out_ids[row, :take] = ids[top]
    return out_scores, out_ids
