"""The encoder backends: ONNX copies of the default model, built offline into the model cache, embed like the
torch model, and an index refuses a backend whose vectors are not its own unless the two are declared compatible."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from search.encoder import BACKENDS, compatible, load_encoder
from search.evaluate import chunk_corpus_for_dev
from search.index import SearchIndex
from search.records import BackendMismatchError, IndexMismatchError

from .conftest import gold_questions

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def onnx(model_cache):
    """The fp32 ONNX copy (built on first use from the torch model)."""
    return load_encoder(cache_dir=model_cache, backend="onnx")


@pytest.fixture(scope="module")
def int8(model_cache):
    """The int8 ONNX copy, the default backend."""
    return load_encoder(cache_dir=model_cache, backend="onnx-int8")


@pytest.fixture(scope="module")
def small_records(corpus_dir):
    return [r for r in chunk_corpus_for_dev(corpus_dir) if r.doc_key.startswith("000_")][:24]


def test_onnx_backends_load_offline_in_a_fresh_process_without_torch(onnx, int8, model_cache) -> None:
    script = textwrap.dedent(
        """
        import json, sys
        from search.encoder import load_encoder
        out = {}
        for backend in ("onnx", "onnx-int8"):
            enc = load_encoder(backend=backend)
            v = enc.encode_queries(["Hvor mange penge afsættes til akuttelefonen?"])
            out[backend] = {"path": str(enc._model.path), "shape": list(v.shape), "fingerprint": enc.fingerprint}
        out["torch_imported"] = "torch" in sys.modules
        out["sentence_transformers_imported"] = "sentence_transformers" in sys.modules
        print(json.dumps(out))
        """
    )
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", KG_MODEL_CACHE=str(model_cache))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600, env=env, cwd=ROOT,
                         check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["torch_imported"] is False and result["sentence_transformers_imported"] is False
    for backend, enc in (("onnx", onnx), ("onnx-int8", int8)):
        assert result[backend]["shape"] == [1, 384] and result[backend]["fingerprint"] == enc.fingerprint
        path = Path(result[backend]["path"])
        assert path.parent == model_cache / "onnx" and path.name.endswith(f"-{BACKENDS[backend][1]}-b2")
        assert (path / "model.onnx").is_file() and (path / "tokenizer.json").is_file()


def test_onnx_embeddings_agree_with_the_torch_model(encoder, onnx, int8, passages) -> None:
    """The quality gate of issue 19: mean cosine ≥ 0.99 over 100 corpus passages and the 40 gold questions."""
    questions = gold_questions()
    assert len(passages) == 100 and len(questions) == 40
    ref_p, ref_q = encoder.encode_passages(passages), encoder.encode_queries(questions)
    figures = {}
    for name, enc in (("onnx", onnx), ("onnx-int8", int8)):
        cos = np.concatenate([(enc.encode_passages(passages) * ref_p).sum(1), (enc.encode_queries(questions) * ref_q).sum(1)])
        figures[name] = (float(cos[:100].mean()), float(cos[100:].mean()), float(cos.mean()), float(cos.min()))
    print("\ncosine to torch fp32 (passages mean, questions mean, all mean, all min): "
          + "; ".join(f"{k} {a:.5f} {b:.5f} {c:.5f} {d:.5f}" for k, (a, b, c, d) in figures.items()))
    assert figures["onnx"][3] >= 0.9999  # fp32: the same function, which is why it is declared compatible
    assert figures["onnx-int8"][2] >= 0.99 and figures["onnx-int8"][3] >= 0.995
    # the build recorded its own check on the probe texts
    info = json.loads((int8._model.path / "encoder.json").read_text())
    assert info["agreement"]["mean_cosine"] >= 0.999 and info["quantization"]["layers"] == 72  # 12 × (q k v o in out)


def test_fingerprints_follow_the_vectors(encoder, onnx, int8) -> None:
    assert onnx.fingerprint == encoder.fingerprint == encoder.model_fingerprint  # declared compatible
    assert int8.model_fingerprint == encoder.fingerprint and int8.fingerprint != encoder.fingerprint
    assert (encoder.backend, onnx.backend, int8.backend) == ("torch", "onnx", "onnx-int8")
    assert compatible("torch", "onnx") and compatible("onnx", "torch") and not compatible("torch", "onnx-int8")


def test_a_vector_does_not_depend_on_the_texts_encoded_with_it(int8, passages) -> None:
    together = int8.encode_passages(passages[:6])
    alone = np.stack([int8.encode_passages([p])[0] for p in passages[:6]])
    assert np.array_equal(together, alone)


def test_an_int8_index_refuses_the_fp32_backends(int8, encoder, small_records, tmp_path) -> None:
    SearchIndex.build(small_records, int8, tmp_path)
    for backend in ("torch", "onnx"):
        with pytest.raises(BackendMismatchError) as err:
            SearchIndex.open(tmp_path, backend=backend)
        assert str(err.value) == (
            f"index built with default on encoder backend 'onnx-int8', but the encoder backend is '{backend}': their "
            f"vectors are not comparable; rebuild with `kg index` (or `kg ingest`) under '{backend}', or set "
            "encoder_backend (KG_ENCODER_BACKEND) to 'onnx-int8'"
        )
    with pytest.raises(BackendMismatchError):  # an encoder handed over is checked the same way
        SearchIndex.open(tmp_path, encoder)
    index = SearchIndex.open(tmp_path, int8, backend="onnx-int8")
    assert index.manifest["encoder"]["backend"] == "onnx-int8" and index.manifest["encoder"]["variant"] == "int8"
    assert "DRISP" in index.search("Hvor mange penge får DRISP i 2024?", 3)[0].record.text


def test_a_torch_index_serves_the_declared_compatible_onnx_backend(encoder, onnx, int8, small_records, tmp_path) -> None:
    built = SearchIndex.build(small_records, encoder, tmp_path)
    question = "Hvor mange penge får DRISP i 2024?"
    via_onnx = SearchIndex.open(tmp_path, onnx)
    assert [h.iri for h in via_onnx.search(question, 5, "dense")] == [h.iri for h in built.search(question, 5, "dense")]
    assert SearchIndex.open(tmp_path, backend="onnx").backend == "onnx"
    with pytest.raises(BackendMismatchError):
        SearchIndex.open(tmp_path, backend="onnx-int8")
    with pytest.raises(IndexMismatchError):
        SearchIndex.open(tmp_path, int8)
