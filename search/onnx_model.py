"""Run an ONNX copy of a sentence-transformers model (built by :mod:`search.onnx_build`) with ONNX Runtime.

No torch here: the tokenizer is the Rust ``tokenizers`` one sentence-transformers uses (saved as
it was loaded), the transformer runs in an ``onnxruntime.InferenceSession``, and pooling (mean over
the attention mask, or the first token) and L2 normalisation are numpy. A server that encodes only
queries therefore never imports torch (~8 s of start-up and its memory).

The object offers the part of ``SentenceTransformer`` that :class:`search.encoder.Encoder` uses:
``encode(texts, prompt=, batch_size=, normalize_embeddings=)``, ``prompts``, ``max_seq_length``,
``get_embedding_dimension()`` and ``tokenizer.backend_tokenizer`` (for counting tokens).

One text per run, one thread per run: each text is tokenised and run alone (no padding, and its vector
does not depend on which texts share its batch, as it would with int8's per-tensor activation scales),
and an ``encode`` of many texts spreads them over ``threads`` worker threads, each running single-threaded
(``InferenceSession.run`` releases the GIL and may be called from several threads at once). Measured on 2
loaded cores (bench/results/NOTES.md): 60 corpus passages took 108 ms each (wall) this way against 180-228
ms in batches of 8 on 2 intra-op threads, and half the CPU time. Intra-op threads do not spin while
idle (``allow_spinning`` 0): on shared cores spinning burnt 25 % more CPU for nothing.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

INFO = "encoder.json"
ONNX_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"


class OnnxSentenceModel:
    """A sentence encoder from a directory holding ``model.onnx``, ``tokenizer.json`` and ``encoder.json``."""

    def __init__(self, path: Path | str, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.path = Path(path)
        self.info: dict[str, Any] = json.loads((self.path / INFO).read_text(encoding="utf-8"))
        self.max_seq_length = int(self.info["max_seq_length"])
        self.prompts = {k: v for k, v in {"query": self.info.get("query_prompt"),
                                          "passage": self.info.get("passage_prompt")}.items() if v}
        counting = Tokenizer.from_file(str(self.path / TOKENIZER_FILE))
        counting.no_truncation()
        counting.no_padding()
        self.tokenizer = SimpleNamespace(backend_tokenizer=counting)
        self._tokenizer = Tokenizer.from_file(str(self.path / TOKENIZER_FILE))
        self._tokenizer.enable_truncation(self.max_seq_length)
        self._tokenizer.no_padding()
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # warnings about unused initialisers are noise
        self.threads = max(1, int(threads or 1))
        self._session = ort.InferenceSession(str(self.path / ONNX_FILE), options, providers=["CPUExecutionProvider"])
        self._inputs = list(self.info["inputs"])
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def get_embedding_dimension(self) -> int:
        return int(self.info["dim"])

    def encode(self, texts: list[str], prompt: str | None = None, batch_size: int = 8, show_progress_bar: bool = False,
               convert_to_numpy: bool = True, normalize_embeddings: bool = True) -> np.ndarray:
        """Embeddings of ``texts`` (``prompt`` prepended), float32 ``(len(texts), dim)``, L2-normalised rows.

        ``batch_size`` is accepted for sentence-transformers' signature; every text runs alone (module doc).
        """
        texts = [(prompt or "") + t for t in texts]
        out = np.zeros((len(texts), self.get_embedding_dimension()), dtype=np.float32)
        if self.threads == 1 or len(texts) < 2:
            for i, text in enumerate(texts):
                out[i] = self._embed(text)
            return out
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # long ones first: the workers end together
        for i, vector in zip(order, self._workers().map(self._embed, [texts[i] for i in order])):
            out[i] = vector
        return out

    def _workers(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="kg-encode")
            return self._pool

    def _embed(self, text: str) -> np.ndarray:
        encoding = self._tokenizer.encode(text)
        feed = {"input_ids": np.array([encoding.ids], dtype=np.int64),
                "attention_mask": np.array([encoding.attention_mask], dtype=np.int64)}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.array([encoding.type_ids], dtype=np.int64)
        hidden = self._session.run(None, feed)[0][0]
        pooled = hidden[0] if self.info["pooling"] == "cls" else hidden.mean(axis=0)  # no padding: every token counts
        return (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32, copy=False)
