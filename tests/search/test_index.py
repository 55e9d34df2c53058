from __future__ import annotations

import json

import pytest

from search import index as index_module
from search.fusion import reciprocal_rank_fusion
from search.index import SearchIndex, index_root
from search.lexical import BM25Index
from search.records import IndexCorruptError, IndexMismatchError, IndexNotFoundError, PassageRecord, text_hash
from tests.search.fakes import FailingEncoder, HashEncoder

TEXTS = [
    "DRISP er forankret under Psykiatrisk Center København og får 3,7 mio. kr. i 2024.",
    "Region Hovedstadens andel er 6,1 mio. kr. i 2024 og 9,4 mio. kr. årligt i 2025 og frem.",
    "Der afsættes 100,0 mio. kr. i 2024 til lokalt ønskede tryghedsskabende initiativer.",
    "Kapaciteten i F-ACT og OPUS er udvidet med 42,5 årsværk.",
    "Regeringen vil afsætte 1.465 mio. kr. i 2026 til psykiatrien.",
    "Psykiatrisk akuttelefon etableres i det eksisterende akutberedskab.",
    "Selvmordsforebyggende klinikker får et løft på 50 procent.",
    "Udskrivningsaftaler og koordinationsplaner skal øges til 6.600.",
]


def make_records(texts: list[str] = TEXTS, doc: str = "001_x.txt") -> list[PassageRecord]:
    records, offset = [], 0
    for i, text in enumerate(texts):
        records.append(PassageRecord(f"urn:p:{i}", "x", doc, text, text_hash(text), 1 + i // 4, offset, offset + len(text), (2024,)))
        offset += len(text) + 2
    return records


@pytest.fixture
def built(tmp_path):
    encoder = HashEncoder()
    return SearchIndex.build(make_records(), encoder, tmp_path / "data"), encoder, tmp_path / "data"


def versions(data_dir) -> list[str]:
    return sorted(p.name for p in index_root(data_dir).iterdir())


def test_round_trip_manifest_records_and_results(built):
    index, encoder, data_dir = built
    reopened = SearchIndex.open(data_dir, HashEncoder())
    assert reopened.records == index.records == make_records()
    manifest = json.loads((reopened.path / "manifest.json").read_text())
    assert manifest == index.manifest == reopened.manifest
    assert manifest["encoder"] == {"name": "hash-trigrams", "fingerprint": encoder.fingerprint, "dim": 64,
                                   "backend": "torch", "variant": "fp32",  # an encoder that names no backend
                                   "model_fingerprint": encoder.fingerprint}
    assert manifest["vector_index"]["kind"] == "flat" and manifest["count"] == 8 and manifest["format"] == 1
    assert manifest["version"] == reopened.path.name
    for mode in ("bm25", "dense", "hybrid"):
        for query in ("DRISP", "akuttelefon", "hvor mange penge til tryghed"):
            assert reopened.search(query, 5, mode) == index.search(query, 5, mode)


@pytest.mark.parametrize("kind", ["numpy", "hnsw"])
def test_backend_recorded_and_reopened(tmp_path, kind):
    index = SearchIndex.build(make_records(), HashEncoder(), tmp_path, kind=kind)
    reopened = SearchIndex.open(tmp_path, HashEncoder())
    assert reopened.manifest["vector_index"]["kind"] == kind == reopened.vectors.kind
    assert [h.iri for h in reopened.search("akuttelefon", 3, "dense")] == [h.iri for h in index.search("akuttelefon", 3, "dense")]


def test_missing_index(tmp_path):
    with pytest.raises(IndexNotFoundError, match="run `kg index`"):
        SearchIndex.open(tmp_path)


def test_damaged_index_is_a_clear_error(built):
    index, encoder, data_dir = built
    lines = (index.path / "records.jsonl").read_text().splitlines(keepends=True)
    (index.path / "records.jsonl").write_text("".join(lines[:-1]))
    with pytest.raises(IndexCorruptError, match=r"unreadable \(7 records, 8 vectors, manifest says 8\); re-run `kg index`"):
        SearchIndex.open(data_dir, encoder)
    manifest = json.loads((index.path / "manifest.json").read_text())
    (index.path / "manifest.json").write_text(json.dumps({**manifest, "format": 99}))
    with pytest.raises(IndexCorruptError, match="format 99, this version reads 1"):
        SearchIndex.open(data_dir, encoder)


def test_fingerprint_mismatch_names_both_models(built):
    _, _, data_dir = built
    with pytest.raises(IndexMismatchError) as err:
        SearchIndex.open(data_dir, HashEncoder(name="other-model"))
    assert str(err.value).startswith("index built with hash-trigrams, query encoder is other-model: ")
    assert "pass --model hash-trigrams" in str(err.value)
    same_name = HashEncoder(salt="retrained")
    with pytest.raises(IndexMismatchError, match=same_name.fingerprint):
        SearchIndex.open(data_dir, same_name)


def test_interrupted_build_keeps_previous_index(built, monkeypatch):
    index, _, data_dir = built
    before = versions(data_dir)
    changed = make_records([t + " Ændret." for t in TEXTS] * 1)
    monkeypatch.setattr("search.cache.ENCODE_CHUNK", 3)
    with pytest.raises(RuntimeError, match="encoder crashed"):
        SearchIndex.build(changed, FailingEncoder(fail_on=2), data_dir)
    assert versions(data_dir) == before
    survivor = SearchIndex.open(data_dir, HashEncoder())
    assert survivor.records == index.records
    assert survivor.search("DRISP", 1, "bm25")[0].iri == "urn:p:0"


def test_failure_while_writing_keeps_previous_index(built, monkeypatch):
    index, encoder, data_dir = built

    def broken_save(self, directory):
        raise OSError("disk full")

    monkeypatch.setattr(BM25Index, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        SearchIndex.build(make_records(TEXTS[:3]), encoder, data_dir)
    assert versions(data_dir) == sorted(["CURRENT", index.path.name])  # the temp dir is gone
    assert len(SearchIndex.open(data_dir, encoder)) == 8


def test_rebuild_replaces_version_and_reuses_cache(built):
    index, encoder, data_dir = built
    texts = TEXTS[:7] + ["En helt ny passage om OPUS Young."]
    rebuilt = SearchIndex.build(make_records(texts), encoder, data_dir)
    assert encoder.encoded[8:] == ["En helt ny passage om OPUS Young."]  # only the changed passage
    assert versions(data_dir) == sorted(["CURRENT", rebuilt.path.name]) and rebuilt.path != index.path
    assert SearchIndex.open(data_dir).records[7].text == texts[7]


def test_search_modes_report_per_mode_ranks(built):
    index, _, _ = built
    bm25 = index.search("DRISP", 3, "bm25")
    assert [h.iri for h in bm25] == ["urn:p:0"] and bm25[0].ranks == {"bm25": 1} and bm25[0].rank == 1
    dense = index.search("psykiatrisk akuttelefon", 8, "dense")
    assert len(dense) == 8 and [h.rank for h in dense] == list(range(1, 9))
    assert all(set(h.ranks) == {"dense"} for h in dense)
    hybrid = index.search("DRISP akuttelefon", 8, "hybrid")
    lists = {m: [h.iri for h in index.search("DRISP akuttelefon", 100, m)] for m in ("bm25", "dense")}
    assert [(h.iri, h.score) for h in hybrid] == reciprocal_rank_fusion(lists)[:8]
    for h in hybrid:
        assert h.ranks == {m: (lists[m].index(h.iri) + 1 if h.iri in lists[m] else None) for m in lists}
        assert h.scores["bm25"] is None or h.scores["bm25"] > 0


def test_hybrid_scales_bm25_by_query_coverage(built):
    index, _, _ = built
    index.translator = None  # the untranslated path; translation is tested below
    query = "How much money goes to DRISP?"  # of how, much, money, goes, to, drisp only "drisp" is indexed
    assert index.lexical.coverage(query) == 1 / 6
    lists = {m: [h.iri for h in index.search(query, 100, m)] for m in ("bm25", "dense")}
    # an English question against Danish text: BM25 also gets the English factor (0.3)
    expected = reciprocal_rank_fusion(lists, weights={"bm25": 1 / 6 * 0.3, "dense": 1.0})[:5]
    assert [(h.iri, h.score) for h in index.search(query, 5)] == expected
    index.english_bm25_weight = None
    expected = reciprocal_rank_fusion(lists, weights={"bm25": 1 / 6, "dense": 1.0})[:5]
    assert [(h.iri, h.score) for h in index.search(query, 5)] == expected
    index.scale_bm25_by_coverage = False
    assert [(h.iri, h.score) for h in index.search(query, 5)] == reciprocal_rank_fusion(lists)[:5]
    index.scale_bm25_by_coverage, index.english_bm25_weight = True, 0.3


def test_english_query_is_searched_through_its_translation(built):
    index, encoder, _ = built
    query = "How much money goes to the Capital Region for coercion?"
    plan = index.plan(query)
    assert plan.english and plan.translation is not None
    assert "Region Hovedstaden" in plan.lexical and "tvang" in plan.lexical and "How" not in plan.lexical
    assert plan.dense == plan.lexical
    lists = {"bm25": [h.iri for h in index.search(plan.lexical, 100, "bm25")],
             "dense": [h.iri for h in index.search(plan.lexical, 100, "dense")]}
    weight = index.lexical.coverage(plan.lexical) * index.translated_bm25_weight
    expected = reciprocal_rank_fusion(lists, weights={"bm25": weight, "dense": 1.0})[:5]
    assert [(h.iri, h.score) for h in index.search(query, 5)] == expected
    assert plan.dense in index._query_cache and query not in index._query_cache  # embedded: the translation
    danish = "Hvor mange penge får Region Hovedstaden?"
    assert index.plan(danish).translation is None and index.plan(danish).lexical == danish


def test_search_filters(built):
    index, _, _ = built
    allowed = {"urn:p:1", "urn:p:4", "urn:p:unknown"}
    for mode in ("bm25", "dense", "hybrid"):
        assert {h.iri for h in index.search("mio. kr.", 10, mode, filter=allowed)} <= allowed
        hits = index.search("mio. kr.", 10, mode, filter=lambda r: r.page == 2)
        assert hits and all(h.record.page == 2 for h in hits)
    assert index.search("DRISP", 5, filter=set()) == []


def test_search_edge_cases(built, tmp_path):
    index, _, _ = built
    assert index.search("   ", 5) == []
    with pytest.raises(ValueError, match="unknown search mode"):
        index.search("DRISP", mode="semantic")
    with pytest.raises(ValueError, match="duplicate passage IRI"):
        SearchIndex.build(make_records()[:2] * 2, HashEncoder(), tmp_path / "dup")
    empty = SearchIndex.build([], HashEncoder(), tmp_path / "empty")
    assert SearchIndex.open(tmp_path / "empty").search("DRISP") == [] == empty.search("DRISP")


def test_lexical_search_does_not_load_the_encoder(built, monkeypatch):
    _, _, data_dir = built
    index = SearchIndex.open(data_dir)
    monkeypatch.setattr(index_module.SearchIndex, "encoder", property(lambda self: pytest.fail("encoder loaded")))
    assert index.search("DRISP", 1, "bm25")[0].iri == "urn:p:0"


# --------------------------------------------------------------------------- slow: the real model


@pytest.mark.slow
def test_real_encoder_index(encoder, corpus_dir, tmp_path, monkeypatch):
    from search.evaluate import chunk_corpus_for_dev

    records = [r for r in chunk_corpus_for_dev(corpus_dir) if r.doc_key.startswith("000_")]
    index = SearchIndex.build(records, encoder, tmp_path)
    assert index.manifest["encoder"] == {"name": encoder.name, "fingerprint": encoder.fingerprint, "dim": 384,
                                         "backend": "torch", "variant": "fp32", "model_fingerprint": encoder.fingerprint}
    drisp = index.search("Hvor mange penge får DRISP i 2024?", 3)
    assert "DRISP" in drisp[0].record.text and set(drisp[0].ranks) == {"bm25", "dense"}
    english = index.search("How much does the Capital Region get for follow-up after child psychiatric treatment?", 3, "dense")
    assert any("9,4 mio. kr." in h.record.text for h in english)

    loaded: list[str] = []

    def fake_load(name, cache_dir=None, backend=None, threads=None):
        loaded.append((name, backend))
        return encoder

    monkeypatch.setattr("search.encoder.load_encoder", fake_load)
    lazy = SearchIndex.open(tmp_path)  # no encoder: the manifest's model is loaded on the first dense query
    assert lazy.search("DRISP", 1, "bm25")[0].iri == drisp[0].iri and loaded == []
    assert [h.iri for h in lazy.search("Hvor mange penge får DRISP i 2024?", 3)] == [h.iri for h in drisp]
    assert loaded == [(encoder.name, "torch")]  # the backend that built the index
