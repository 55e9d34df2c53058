"""Build an ONNX copy of a sentence-transformers model into the model cache: fp32, or dynamic int8.

The ONNX backend (:mod:`search.onnx_model`) runs these files with ONNX Runtime; this module makes
them, once per machine and model, from the torch model that sentence-transformers loaded:

* ``fp32``: ``torch.onnx.export`` of the transformer (eager attention, opset 17, dynamic batch and
  sequence axes). ONNX Runtime fuses attention, layer norm and GELU itself when it loads the file
  (``ORT_ENABLE_ALL``), so an offline "O2" optimisation gains nothing at run time: measured equal
  speed (``bench/results/NOTES.md``).
* ``int8``: every ``MatMul`` with a constant weight (the 72 linear layers) becomes ONNX Runtime's
  ``MatMulNBits`` with 8-bit weights in blocks of 128 (symmetric, one fp32 scale per block) and
  ``accuracy_level`` 4: the activations are quantised to int8 per block of 128 too, and the product is
  computed in int8. Per-block activation scales keep the outliers of the GELU output that per-tensor
  scales flatten.

  Measured before choosing (2 shared cores; CPU ms on one thread for a gold question; gold and dev
  evaluation on the corpus; bench/results/NOTES.md): ``quantize_dynamic`` of every layer (what
  sentence-transformers' ``export_dynamic_quantized_onnx_model`` does): cosine 0.9965 to fp32, gold hybrid
  hit@5 0.950 → 0.875. The same with the 12 feed-forward output projections left fp32: cosine 0.9991,
  11.6 ms, but still hit@5 0.925 and dev dense MRR 0.786 → 0.750. ``MatMulNBits`` 8-bit, block 32: cosine
  0.99994, 14.1 ms, hit@5 0.925. Block 128 (chosen): 11.6 ms (fp32 17.5, torch 31), every figure within
  0.01 of fp32 (hit@5 0.950, MRR 0.625 → 0.631; dev identical; ask 0.85). Three gold questions sit at rank
  5, so any change of numerics can move one of them by a place: the evaluation, not the cosine, decides.
Why not sentence-transformers' own ``backend="onnx"`` and its export helpers: they need
``optimum-onnx``, whose releases require ``transformers < 4.58`` while this project runs
transformers 5 (pip cannot resolve both). The steps here are the ones those helpers run
(``torch.onnx`` export, then ONNX Runtime's quantiser), without the pin.

Each build is checked before it is kept: the ONNX model embeds :data:`PROBES` and must agree with the
torch model (mean cosine ≥ :data:`MIN_MEAN_COSINE` for the variant), else :class:`OnnxBuildError`.
The directory holds ``model.onnx``, ``tokenizer.json`` (the tokenizer sentence-transformers uses,
saved as it is loaded) and ``encoder.json`` (prompts, pooling, lengths, the torch model's
fingerprint, the measured agreement, library versions). A build goes into a temporary sibling
directory renamed into place under a file lock, like :func:`search.e5build.ensure_default_model`.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from search.e5build import _locked
from search.onnx_model import INFO, ONNX_FILE, TOKENIZER_FILE, OnnxSentenceModel

BUILD_VERSION = 2  # 2: int8 as MatMulNBits (1 was quantize_dynamic)
OPSET = 17
VARIANTS = ("fp32", "int8")
# The gate of a build: mean cosine to the torch model over PROBES. Issue 19 asks ≥ 0.99 on the corpus; the
# int8 copy measures 0.9997 there, so 0.999 here catches a kernel gone wrong on another CPU.
MIN_MEAN_COSINE = {"fp32": 0.9999, "int8": 0.999}
# int8: MatMulNBits, 8-bit symmetric weights in blocks of 128, int8 compute (see the module docstring)
INT8_SETTINGS = {"op": "MatMulNBits", "bits": 8, "block_size": 128, "symmetric": True, "accuracy_level": 4}
POOLING_MODES = ("mean", "cls")

PROBES = (
    ("query: ", "Hvor mange penge afsættes til psykiatrien i 2025?"),
    ("query: ", "How much funding is allocated to psychiatric emergency care?"),
    ("query: ", "Hvem har ansvaret for den landsdækkende akuttelefon?"),
    ("passage: ", ("Regeringen og Danske Regioner er enige om at afsætte 600 mio. kr. årligt fra 2025 til en "
                   "styrkelse af den regionale psykiatri, herunder flere sengepladser og kortere ventetider.")),
    ("passage: ", ("Sundhedsstyrelsen følger implementeringen af 10-årsplanen og afrapporterer status til "
                   "Folketinget hvert andet år; første afrapportering sker i 2026.")),
    ("passage: ", "The agreement earmarks DKK 1.1 billion for child and adolescent psychiatry over four years."),
)


class OnnxBuildError(RuntimeError):
    """The model cannot be exported, or its ONNX copy does not embed like the torch model."""


def onnx_model_dir(cache_dir: Path, base: Path, files_digest: str, variant: str) -> Path:
    """Where the ``variant`` copy of the model in ``base`` (with files hashing to ``files_digest``) lives."""
    return Path(cache_dir) / "onnx" / f"{base.name[:60]}-{files_digest[:12]}-{variant}-b{BUILD_VERSION}"


def is_built(onnx_dir: Path) -> bool:
    return all((onnx_dir / f).is_file() for f in (INFO, ONNX_FILE, TOKENIZER_FILE))


def ensure_onnx_model(st: Any, target: Path, variant: str, identity: dict[str, Any]) -> Path:
    """Build the ``variant`` ONNX copy of the loaded SentenceTransformer ``st`` into ``target`` unless it is there.

    ``identity`` (the torch model's fingerprint, prompts, maximum tokens) is written into ``encoder.json``.
    Raises :class:`OnnxBuildError` when the model's shape is not supported or the copy fails the gate.
    """
    if variant not in VARIANTS:
        raise OnnxBuildError(f"unknown ONNX variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    if is_built(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.parent / f".{target.name}.lock"):
        if is_built(target):
            return target
        for stale in target.parent.glob(f".{target.name}.tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        if target.exists():
            shutil.rmtree(target)
        work = target.parent / f".{target.name}.tmp-{os.getpid()}"
        work.mkdir()
        try:
            print(f"building the {variant} ONNX encoder into {target} (once; about a minute) ...", file=sys.stderr)
            _build(st, work, variant, identity)
            os.rename(work, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return target


def _modules(st: Any) -> tuple[Any, str]:
    """The transformer module and the pooling mode of ``st`` (Transformer → Pooling [→ Normalize])."""
    mods = list(st)
    names = [type(m).__name__ for m in mods]
    if len(mods) < 2 or names[0] != "Transformer" or names[1] != "Pooling" or any(n != "Normalize" for n in names[2:]):
        raise OnnxBuildError(f"only Transformer → Pooling [→ Normalize] models can be exported; this one is {' → '.join(names)}")
    pooling = mods[1]
    modes = getattr(pooling, "pooling_mode", None)
    mode = modes[0] if isinstance(modes, (list, tuple)) and len(modes) == 1 else modes
    if mode not in POOLING_MODES or not getattr(pooling, "include_prompt", True):
        raise OnnxBuildError(f"pooling {modes!r} (include_prompt={getattr(pooling, 'include_prompt', True)}) is not "
                             f"supported by the ONNX backend (only {', '.join(POOLING_MODES)} over all tokens)")
    return mods[0], mode


def _build(st: Any, out: Path, variant: str, identity: dict[str, Any]) -> None:
    import onnxruntime
    import torch

    transformer, pooling = _modules(st)
    model = transformer.auto_model
    tokenizer = transformer.tokenizer
    if getattr(transformer, "do_lower_case", False):
        raise OnnxBuildError("models that lower-case their input are not supported by the ONNX backend")
    backend_tokenizer = getattr(tokenizer, "backend_tokenizer", None)
    if backend_tokenizer is None:
        raise OnnxBuildError("the model has no fast (Rust) tokenizer; the ONNX backend needs one")
    backend_tokenizer.save(str(out / TOKENIZER_FILE))
    inputs = ["input_ids", "attention_mask"] + (["token_type_ids"] if "token_type_ids" in tokenizer.model_input_names
                                                and getattr(model.config, "type_vocab_size", 0) > 1 else [])
    fp32 = out / ("fp32.onnx" if variant != "fp32" else ONNX_FILE)
    t0 = time.perf_counter()
    _export(torch, model, inputs, fp32)
    export_s = time.perf_counter() - t0
    quantized = 0
    if variant == "int8":
        quantized = _quantize(fp32, out / ONNX_FILE)
        fp32.unlink()
    info = {
        "format": BUILD_VERSION, "variant": variant, "inputs": inputs, "pooling": pooling, "normalize": True,
        "max_seq_length": int(st.max_seq_length or 512), "dim": int(_dimension(st)),
        "pad_id": int(tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0),
        "pad_token": str(tokenizer.pad_token or "[PAD]"),
        **identity,
        "quantization": {**INT8_SETTINGS, "layers": quantized} if variant == "int8" else None,
        "opset": OPSET, "export_seconds": round(export_s, 1),
        "versions": {"onnxruntime": onnxruntime.__version__, "torch": torch.__version__, "python": platform.python_version()},
    }
    (out / INFO).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    info["agreement"] = _check(st, out, variant)
    (out / INFO).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _quantize(source: Path, target: Path) -> int:
    """``source`` with its constant-weight MatMuls as int8 ``MatMulNBits`` (:data:`INT8_SETTINGS`) into ``target``;
    how many were quantised."""
    import logging

    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    model = onnx.load(str(source))
    quiet = logging.getLogger("onnxruntime.quantization.matmul_nbits_quantizer")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # one INFO line per node otherwise
    try:
        quantizer = MatMulNBitsQuantizer(model, bits=INT8_SETTINGS["bits"], block_size=INT8_SETTINGS["block_size"],
                                         is_symmetric=INT8_SETTINGS["symmetric"],
                                         accuracy_level=INT8_SETTINGS["accuracy_level"], op_types_to_quantize=("MatMul",))
        quantizer.process()
    finally:
        quiet.setLevel(level)
    quantizer.model.save_model_to_file(str(target), use_external_data_format=False)
    return sum(1 for node in quantizer.model.model.graph.node if node.op_type == "MatMulNBits")


def _dimension(st: Any) -> int:
    get = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
    return get()


def _export(torch: Any, model: Any, inputs: list[str], path: Path) -> None:
    import warnings

    if hasattr(model, "set_attn_implementation"):
        try:  # ONNX Runtime recognises (and fuses) the eager attention pattern
            model.set_attn_implementation("eager")
        except (ValueError, ImportError):
            pass

    class Wrapper(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, *args: Any) -> Any:
            return self.inner(**dict(zip(inputs, args))).last_hidden_state

    example = torch.tensor([[0, 1000, 2000, 3000, 2], [0, 500, 2, 1, 1]], dtype=torch.long)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.long)
    args = (example, mask) + ((torch.zeros_like(example),) if len(inputs) == 3 else ())
    axes = {name: {0: "batch", 1: "sequence"} for name in [*inputs, "last_hidden_state"]}
    model.eval()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about Python conditions on shapes (checked below)
        torch.onnx.export(Wrapper(model), args, str(path), dynamo=False, opset_version=OPSET, input_names=inputs,
                          output_names=["last_hidden_state"], dynamic_axes=axes, do_constant_folding=True)


def _check(st: Any, out: Path, variant: str) -> dict[str, float]:
    """Embed :data:`PROBES` with both models (torch in a padded batch); refuse a copy that disagrees."""
    onnx = OnnxSentenceModel(out, threads=None)
    cosines = []
    for prompt in sorted({p for p, _ in PROBES}):
        texts = [t for p, t in PROBES if p == prompt]
        want = st.encode(texts, prompt=prompt, batch_size=8, normalize_embeddings=True, convert_to_numpy=True,
                         show_progress_bar=False)
        got = onnx.encode(texts, prompt=prompt, batch_size=8)
        cosines += list(np.sum(np.asarray(want, dtype=np.float32) * got, axis=1))
    result = {"probes": len(cosines), "mean_cosine": round(float(np.mean(cosines)), 6), "min_cosine": round(float(np.min(cosines)), 6)}
    if result["mean_cosine"] < MIN_MEAN_COSINE[variant]:
        raise OnnxBuildError(f"the {variant} ONNX copy embeds unlike the torch model (mean cosine {result['mean_cosine']:.4f} "
                             f"< {MIN_MEAN_COSINE[variant]}); use encoder_backend 'onnx' (fp32) or 'torch'")
    return result
