"""Contract suite: every vector backend against the numpy brute-force reference."""

from __future__ import annotations

import numpy as np
import pytest

from search import vector
from search.vector import (
    BACKENDS,
    HNSW_THRESHOLD,
    FaissFlatIndex,
    FaissHNSWIndex,
    NumpyIndex,
    choose_kind,
    load_vector_index,
    make_vector_index,
)

N, DIM, NQ, K = 3000, 32, 50, 10


def unit(rows: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((rows, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    return unit(N, 1), unit(NQ, 2)


@pytest.fixture(scope="module")
def reference(data) -> NumpyIndex:
    index = NumpyIndex(DIM)
    index.add(data[0])
    return index


@pytest.fixture(scope="module", params=sorted(BACKENDS))
def backend(request, data):
    index = BACKENDS[request.param](DIM)
    index.add(data[0][:1000])
    index.add(data[0][1000:])  # added in two calls: ids continue
    return index


def brute_force(x: np.ndarray, q: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-(q @ x.T), axis=1, kind="stable")[:, :k]


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / len(t) for f, t in zip(found, truth)]))


def test_numpy_reference_is_brute_force(reference, data):
    scores, ids = reference.search(data[1], K)
    np.testing.assert_array_equal(ids, brute_force(*data, K))
    np.testing.assert_allclose(scores, np.take_along_axis(data[1] @ data[0].T, ids, axis=1), rtol=1e-5)


def test_backend_matches_reference(backend, reference, data):
    assert len(backend) == N
    ref_scores, ref_ids = reference.search(data[1], K)
    scores, ids = backend.search(data[1], K)
    assert ids.shape == scores.shape == (NQ, K)
    if backend.kind == "hnsw":
        assert recall(ids, ref_ids) >= 0.95
    else:
        np.testing.assert_array_equal(ids, ref_ids)
        np.testing.assert_allclose(scores, ref_scores, rtol=1e-5, atol=1e-6)
    assert np.all(np.diff(scores, axis=1) <= 1e-6)  # best first


@pytest.mark.parametrize("exact_subset_max", [20_000, 10])  # exact subset path, then faiss selectors
def test_backend_filtered_search(backend, reference, data, monkeypatch, exact_subset_max):
    monkeypatch.setattr(vector, "EXACT_SUBSET_MAX", exact_subset_max)
    allowed = np.arange(0, N, 7, dtype=np.int64)
    ref_scores, ref_ids = reference.search(data[1], K, allowed=allowed)
    scores, ids = backend.search(data[1], K, allowed=allowed)
    assert np.isin(ids, allowed).all()
    if backend.kind == "hnsw":
        assert recall(ids, ref_ids) >= 0.95
    else:
        np.testing.assert_array_equal(ids, ref_ids)


def test_backend_pads_when_fewer_than_k_qualify(backend, data):
    scores, ids = backend.search(data[1][:2], K, allowed=np.array([5, 3]))
    assert sorted(ids[0][:2]) == [3, 5]
    assert (ids[:, 2:] == -1).all() and np.isneginf(scores[:, 2:]).all()
    scores, ids = backend.search(data[1][:1], K, allowed=np.array([], dtype=np.int64))
    assert (ids == -1).all()


def test_backend_save_load_round_trip(backend, data, tmp_path):
    path = backend.save(tmp_path)
    assert path.name == backend.filename and path.is_file()
    loaded = load_vector_index(tmp_path, backend.kind)
    assert type(loaded) is type(backend) and len(loaded) == N and loaded.dim == DIM
    a, b = backend.search(data[1], K), loaded.search(data[1], K)
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(a[0], b[0])


def test_backend_empty_and_wrong_dimension():
    for cls in BACKENDS.values():
        index = cls(DIM)
        scores, ids = index.search(unit(1, 3), 3)
        assert (ids == -1).all() and len(index) == 0
        with pytest.raises(ValueError, match="dimensions"):
            index.add(np.ones((2, DIM + 1), dtype=np.float32))


def test_factory_chooses_and_records_backend():
    assert choose_kind(HNSW_THRESHOLD - 1) == "flat"
    assert choose_kind(HNSW_THRESHOLD) == "hnsw"
    assert isinstance(make_vector_index(10, DIM), FaissFlatIndex)
    assert isinstance(make_vector_index(HNSW_THRESHOLD, DIM), FaissHNSWIndex)
    assert make_vector_index(10, DIM, kind="hnsw").kind == "hnsw"
    assert make_vector_index(10**6, DIM, kind="numpy").kind == "numpy"
    with pytest.raises(ValueError, match="unknown vector index 'annoy'"):
        make_vector_index(10, DIM, kind="annoy")
