from __future__ import annotations

import numpy as np
import pytest

from search import cache as cache_module
from search.cache import EmbeddingCache, embed
from search.records import text_hash
from tests.search.fakes import HashEncoder

TEXTS = [f"Passage nummer {i} om psykiatrien i Region Hovedstaden." for i in range(10)]
HASHES = [text_hash(t) for t in TEXTS]


@pytest.fixture
def db(tmp_path):
    return tmp_path / "cache" / "embeddings.sqlite"


def test_cache_hits_avoid_re_encoding(db):
    encoder = HashEncoder()
    with EmbeddingCache(db, encoder.fingerprint, encoder.dim) as cache:
        first = embed(TEXTS, HASHES, encoder, cache)
    assert len(encoder.encoded) == 10
    with EmbeddingCache(db, encoder.fingerprint, encoder.dim) as cache:  # reopened: persisted
        assert len(cache) == 10
        second = embed(TEXTS, HASHES, encoder, cache)
        assert len(encoder.encoded) == 10 and encoder.calls == 1
        np.testing.assert_array_equal(first, second)
        changed = TEXTS[:9] + ["En helt ny tekst om DRISP."]
        third = embed(changed, [text_hash(t) for t in changed], encoder, cache)
    assert encoder.encoded[10:] == ["En helt ny tekst om DRISP."]
    np.testing.assert_array_equal(third[:9], first[:9])
    np.testing.assert_array_equal(third[9], encoder.encode_queries(["En helt ny tekst om DRISP."])[0])


def test_cache_is_per_encoder_fingerprint(db):
    a, b = HashEncoder(), HashEncoder(salt="other weights")
    with EmbeddingCache(db, a.fingerprint, a.dim) as cache:
        embed(TEXTS, HASHES, a, cache)
    with EmbeddingCache(db, b.fingerprint, b.dim) as cache:
        assert cache.get_many(HASHES) == {}
        vectors = embed(TEXTS, HASHES, b, cache)
    assert len(b.encoded) == 10
    assert not np.allclose(vectors, embed(TEXTS, HASHES, a))


def test_duplicates_encoded_once_and_progress(db, monkeypatch):
    monkeypatch.setattr(cache_module, "ENCODE_CHUNK", 3)
    encoder = HashEncoder()
    texts = TEXTS[:5] + TEXTS[:5]
    seen: list[tuple[int, int]] = []
    with EmbeddingCache(db, encoder.fingerprint, encoder.dim) as cache:
        vectors = embed(texts, [text_hash(t) for t in texts], encoder, cache, progress=lambda d, t: seen.append((d, t)))
    assert encoder.encoded == TEXTS[:5] and encoder.calls == 2
    np.testing.assert_array_equal(vectors[:5], vectors[5:])
    assert seen == [(0, 10), (6, 10), (10, 10)]


def test_no_cache_and_empty_input():
    encoder = HashEncoder()
    assert embed([], [], encoder).shape == (0, encoder.dim)
    assert embed(TEXTS[:2], HASHES[:2], encoder).shape == (2, encoder.dim)
    with pytest.raises(ValueError):
        embed(TEXTS[:2], HASHES[:1], encoder)


def test_cache_rejects_wrong_dimension(db):
    with EmbeddingCache(db, "fp", 4) as cache:
        with pytest.raises(ValueError, match="3 dimensions, the cache 4"):
            cache.put_many({"h": np.ones(3, dtype=np.float32)})
