"""The search index: BM25 + dense vectors over passages, fused by reciprocal rank, persisted atomically.

On disk, everything lives under ``<data_dir>/index/``::

    CURRENT                  name of the live version (replaced atomically)
    v1-<time>-<id>/          one complete version
        manifest.json        format, encoder name/fingerprint/dim, vector backend, record count
        records.jsonl        the passages; line i is vector/BM25 id i
        vectors.faiss|.npy   the dense index
        bm25/                the lexical index

A build writes a hidden ``.build-*`` directory, fsyncs it, renames it to a version directory and
only then points ``CURRENT`` at it; the previous version is deleted last. A build that fails
half-way leaves the previous index as it was. The caller holds the data-directory lock, so two
builds never run at once. Embeddings are cached by content hash in ``<data_dir>/cache/``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
import unicodedata
import uuid
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kg.crashpoints import crash_point
from search.cache import EmbeddingCache, Progress, embed
from search.fusion import DEFAULT_RRF_K, DEFAULT_WEIGHTS, looks_english, reciprocal_rank_fusion
from search.translate import Glossary, Translation, load_glossary
from search.lexical import BM25_B, BM25_K1, BM25Index
from search.records import (
    BackendMismatchError,
    Encoder,
    IndexCorruptError,
    IndexMismatchError,
    IndexNotFoundError,
    PassageRecord,
)
from search.vector import HNSW_THRESHOLD, VectorIndex, load_vector_index, make_vector_index

FORMAT_VERSION = 1
MODES = ("hybrid", "bm25", "dense")
HYBRID_DEPTH = 100  # candidates taken from each list before fusing
QUERY_CACHE_SIZE = 256  # query vectors kept (a few hundred KB)
Filter = Callable[[PassageRecord], bool] | Collection[str] | None


@dataclass(frozen=True)
class Hit:
    record: PassageRecord
    score: float  # fused RRF score in hybrid mode, else the mode's own score
    rank: int  # 1-based
    ranks: dict[str, int | None] = field(default_factory=dict)  # per mode, None when not retrieved
    scores: dict[str, float | None] = field(default_factory=dict)

    @property
    def iri(self) -> str:
        return self.record.iri


@dataclass(frozen=True)
class QueryPlan:
    """What the index searches for a query: the text each list sees, and the translation if any."""

    query: str
    lexical: str
    dense: str
    english: bool
    translation: Translation | None = None


def index_root(data_dir: Path | str) -> Path:
    return Path(data_dir) / "index"


class SearchIndex:
    def __init__(
        self,
        path: Path,
        manifest: dict[str, Any],
        records: list[PassageRecord],
        lexical: BM25Index,
        vectors: VectorIndex,
        encoder: Encoder | None = None,
    ) -> None:
        self.path = path
        self.manifest = manifest
        self.records = records
        self.lexical = lexical
        self.vectors = vectors
        self._encoder = encoder
        self.model_cache: Path | str | None = None
        self.backend: str | None = None  # encoder backend for queries (None: the one that built the index)
        self.threads: int | None = None  # its intra-op threads (None: $OMP_NUM_THREADS, else the CPU budget)
        self._memo: dict[str, Any] = {}
        self._ids = {r.iri: i for i, r in enumerate(records)}
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._matrix: np.ndarray | None = None  # all passage vectors, for similarities()
        self._lock = threading.Lock()
        self._load_lock = threading.Lock()
        self.rrf_k: float = DEFAULT_RRF_K
        self.weights: dict[str, float] = dict(DEFAULT_WEIGHTS)
        self.depth = HYBRID_DEPTH
        # BM25's weight in the fusion is multiplied by the share of query words the corpus knows:
        # an English question shares few words with Danish passages, and its BM25 list is noise.
        self.scale_bm25_by_coverage = True
        # An English question is searched through its Danish glossary translation (search/translate.py);
        # BM25 on the translation is the more reliable list (measured in eval/results/search.md).
        self.translator: Glossary | None = load_glossary()
        self.translated_bm25_weight = 2.0
        # An English question the glossary cannot translate: only names and numbers match lexically.
        self.english_bm25_weight: float | None = 0.3
        self._sidecars: dict[str, Any] = {}
        self._sidecar_lock = threading.RLock()  # a sidecar's loader may load another sidecar

    def __len__(self) -> int:
        return len(self.records)

    # -- building and opening ------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        records: Sequence[PassageRecord],
        encoder: Encoder,
        data_dir: Path | str,
        progress: Progress | None = None,
        *,
        kind: str = "auto",
        use_cache: bool = True,
        batch_size: int = 8,
        sidecars: Sequence[Callable[[Path], None]] = (),
    ) -> SearchIndex:
        """Embed (through the cache), index and atomically persist ``records``; return the open index.

        ``sidecars`` write further files into the new version directory before it goes live (the
        fact-sentence vectors of :mod:`search.factindex`, the near-duplicate groups of
        :mod:`search.dedup`), so they are always in step with the passages.
        """
        records = list(records)
        seen: set[str] = set()
        for r in records:
            if r.iri in seen:
                raise ValueError(f"duplicate passage IRI {r.iri}")
            seen.add(r.iri)
        data_dir = Path(data_dir)
        cache = EmbeddingCache(data_dir / "cache" / "embeddings.sqlite", encoder.fingerprint, encoder.dim) if use_cache else None
        try:
            matrix = embed([r.indexed_text for r in records], [r.indexed_hash for r in records], encoder, cache, batch_size, progress)
        finally:
            if cache is not None:
                cache.close()
        vectors = make_vector_index(len(records), encoder.dim, kind)
        vectors.add(matrix)
        lexical = BM25Index.build([r.indexed_text for r in records])
        manifest = {
            "format": FORMAT_VERSION,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "count": len(records),
            "encoder": {"name": encoder.name, "fingerprint": encoder.fingerprint, "dim": encoder.dim,
                        "backend": getattr(encoder, "backend", "torch"), "variant": getattr(encoder, "variant", "fp32"),
                        "model_fingerprint": getattr(encoder, "model_fingerprint", encoder.fingerprint)},
            "vector_index": {"kind": vectors.kind, "file": vectors.filename, "hnsw_threshold": HNSW_THRESHOLD},
            "lexical": {"kind": "bm25s", "k1": BM25_K1, "b": BM25_B},
            "ids": "vector and BM25 id i is line i of records.jsonl",
            # ties this version to the graph state it was built from (kg check compares the two)
            "graph": {"passages": len(records), "fingerprint": passage_fingerprint((r.iri, r.content_hash) for r in records)},
        }
        path = _write_version(index_root(data_dir), records, lexical, vectors, manifest, sidecars)
        return cls(path, manifest, records, lexical, vectors, encoder)

    @classmethod
    def open(cls, data_dir: Path | str, encoder: Encoder | None = None, *, model_cache: Path | str | None = None,
             backend: str | None = None, threads: int | None = None) -> SearchIndex:
        """Open the live index; ``encoder`` (if given) must be the model that built it.

        Without ``encoder``, the model named in the manifest is loaded (from ``model_cache``) on
        the first query that needs it, with ``backend`` (default: the one that built the index) and
        ``threads`` intra-op threads; BM25-only use never loads it. A ``backend`` whose vectors are
        not compatible with the index's is refused here (:class:`BackendMismatchError`).
        """
        root = index_root(data_dir)
        try:
            version = (root / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            raise IndexNotFoundError(data_dir) from None
        path = root / version
        try:
            manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexCorruptError(path, f"manifest.json: {exc}") from exc
        if manifest.get("format") != FORMAT_VERSION:
            raise IndexCorruptError(path, f"format {manifest.get('format')}, this version reads {FORMAT_VERSION}")
        if encoder is not None:
            _check_encoder(manifest, encoder)
        built = manifest["encoder"].get("backend", "torch")
        if backend is not None and not _compatible(built, backend):
            raise BackendMismatchError(manifest["encoder"]["name"], built, backend)
        try:
            with (path / "records.jsonl").open(encoding="utf-8") as fh:
                records = [PassageRecord.from_json(json.loads(line)) for line in fh]
            lexical = BM25Index.load(path / "bm25")
            vectors = load_vector_index(path, manifest["vector_index"]["kind"])
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise IndexCorruptError(path, str(exc)) from exc
        if not len(records) == len(vectors) == lexical.n == manifest["count"]:
            raise IndexCorruptError(path, f"{len(records)} records, {len(vectors)} vectors, manifest says {manifest['count']}")
        index = cls(path, manifest, records, lexical, vectors, encoder)
        index.model_cache = model_cache
        index.backend = backend or built
        index.threads = threads
        return index

    @property
    def encoder(self) -> Encoder:
        """The query encoder; loaded on first dense query when the index was opened without one."""
        with self._load_lock:
            if self._encoder is None:
                from search.encoder import load_encoder

                encoder = load_encoder(self.manifest["encoder"]["name"], cache_dir=self.model_cache,
                                       backend=self.backend or self.manifest["encoder"].get("backend", "torch"),
                                       threads=self.threads)
                _check_encoder(self.manifest, encoder)
                self._encoder = encoder
        return self._encoder

    # -- searching -----------------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        filter: Filter = None,
        *,
        rrf_k: float | None = None,
        weights: dict[str, float] | None = None,
    ) -> list[Hit]:
        """The ``k`` best passages for ``query``; ``filter`` is a predicate on records or a set of allowed IRIs."""
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}; choose one of {', '.join(MODES)}")
        allowed = self._allowed(filter)
        if not query.strip() or k <= 0 or not self.records or (allowed is not None and len(allowed) == 0):
            return []
        plan = self.plan(query)
        depth = max(self.depth, k) if mode == "hybrid" else k
        lists: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        if mode in ("bm25", "hybrid"):
            lists["bm25"] = self.lexical.search(plan.lexical, depth, allowed)
        if mode in ("dense", "hybrid"):
            scores, ids = self.vectors.search(self._query_vector(plan.dense), depth, allowed)
            keep = ids[0] >= 0
            lists["dense"] = (ids[0][keep], scores[0][keep])
        ranks = {name: {int(i): r for r, i in enumerate(ids, start=1)} for name, (ids, _) in lists.items()}
        raw = {name: {int(i): float(s) for i, s in zip(ids, sc)} for name, (ids, sc) in lists.items()}
        if mode == "hybrid":
            weights = dict(self.weights if weights is None else weights)
            if self.scale_bm25_by_coverage:
                weights["bm25"] = weights.get("bm25", 1.0) * self.lexical.coverage(plan.lexical)
            if plan.translation is not None:
                weights["bm25"] = weights.get("bm25", 1.0) * self.translated_bm25_weight
            elif plan.english and self.english_bm25_weight is not None:
                weights["bm25"] = weights.get("bm25", 1.0) * self.english_bm25_weight
            fused = reciprocal_rank_fusion(
                {name: [int(i) for i in ids] for name, (ids, _) in lists.items()},
                k=self.rrf_k if rrf_k is None else rrf_k,
                weights=weights,
            )[:k]
        else:
            fused = list(raw[mode].items())[:k]
        return [
            Hit(
                record=self.records[i],
                score=score,
                rank=rank,
                ranks={name: ranks[name].get(i) for name in lists},
                scores={name: raw[name].get(i) for name in lists},
            )
            for rank, (i, score) in enumerate(fused, start=1)
        ]

    def plan(self, query: str) -> QueryPlan:
        """Danish queries are searched as typed; English ones through their glossary translation."""
        english = looks_english(query)
        if english and self.translator is not None:
            translation = self.translator.translate(query)
            if translation.matched:
                return QueryPlan(query, translation.text, translation.text, True, translation)
        return QueryPlan(query, query, query, english)

    def similarities(self, text: str) -> dict[str, float]:
        """Every passage's cosine similarity to ``text`` (embedded as a query; English via its translation)."""
        vector = self._query_vector(self.plan(text).dense)[0]
        with self._lock:
            if self._matrix is None:
                self._matrix = self.vectors.vectors(np.arange(len(self.records), dtype=np.int64))
            matrix = self._matrix
        return {r.iri: float(s) for r, s in zip(self.records, matrix @ vector, strict=True)}

    def sidecar(self, name: str, load: Callable[[Path], Any]) -> Any:
        """What ``load(version directory)`` returns, loaded once per open index (None: not built)."""
        with self._sidecar_lock:
            if name not in self._sidecars:
                self._sidecars[name] = load(self.path)
            return self._sidecars[name]

    def position(self, iri: str) -> int:
        """The passage's id (its line in records.jsonl, its row in the vector and BM25 indexes)."""
        return self._ids[iri]

    def record(self, iri: str) -> PassageRecord | None:
        """The passage record with this IRI, or None."""
        i = self._ids.get(iri)
        return self.records[i] if i is not None else None

    def query_vector(self, text: str, translate: bool = True) -> np.ndarray:
        """The dense query vector of ``text``, shape (dim,): as the index searches it (English via its
        glossary translation), or with ``translate=False`` the text as written. Cached per text."""
        return self._query_vector(self.plan(text).dense if translate else text)[0]

    def _allowed(self, filter: Filter) -> np.ndarray | None:
        if filter is None:
            return None
        if callable(filter):
            return np.flatnonzero(np.fromiter((bool(filter(r)) for r in self.records), dtype=bool, count=len(self.records)))
        return np.array(sorted(self._ids[iri] for iri in filter if iri in self._ids), dtype=np.int64)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per open index (e.g. document titles for result lists), then the kept value."""
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        value = compute()
        with self._lock:
            return self._memo.setdefault(key, value)

    def _query_vector(self, query: str) -> np.ndarray:
        """The query's vector from an LRU of :data:`QUERY_CACHE_SIZE`, keyed (and encoded) by its normalised text."""
        query = normalise_query(query)
        with self._lock:  # the API may search from several threads
            vector = self._query_cache.get(query)
            if vector is not None:
                self._query_cache.move_to_end(query)
                return vector
        vector = np.asarray(self.encoder.encode_queries([query]), dtype=np.float32).reshape(1, -1)
        vector.flags.writeable = False  # shared by every request that asks the same
        with self._lock:
            self._query_cache[query] = vector
            if len(self._query_cache) > QUERY_CACHE_SIZE:
                self._query_cache.popitem(last=False)
        return vector


def normalise_query(text: str) -> str:
    """Unicode NFC, whitespace runs as one space, no leading or trailing space: one key (and one vector)
    for what a user means as the same question. Case is kept: the model reads it."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def passage_fingerprint(pairs: Iterable[tuple[str, str]]) -> str:
    """sha256 over the sorted (passage IRI, content hash) pairs: equal exactly when the passage sets are."""
    digest = hashlib.sha256()
    for iri, content_hash in sorted(pairs):
        digest.update(f"{iri}\t{content_hash}\n".encode())
    return digest.hexdigest()


def _compatible(built: str, query: str) -> bool:
    from search.encoder import compatible

    return compatible(built, query)


def _check_encoder(manifest: dict[str, Any], encoder: Encoder) -> None:
    """Refuse an encoder whose vectors the index's are not: another model, or the same model on an incompatible backend."""
    built = manifest["encoder"]
    if built["fingerprint"] == encoder.fingerprint and built["dim"] == encoder.dim:
        return
    built_backend, backend = built.get("backend", "torch"), getattr(encoder, "backend", "torch")
    same_model = built.get("model_fingerprint", built["fingerprint"]) == getattr(encoder, "model_fingerprint", encoder.fingerprint)
    if same_model and not _compatible(built_backend, backend):
        raise BackendMismatchError(built["name"], built_backend, backend)
    raise IndexMismatchError(built["name"], built["fingerprint"], encoder.name, encoder.fingerprint)


def _write_version(
    root: Path, records: list[PassageRecord], lexical: BM25Index, vectors: VectorIndex, manifest: dict[str, Any],
    sidecars: Sequence[Callable[[Path], None]] = (),
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    token = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    tmp = root / f".build-{token}"
    final = root / f"v{FORMAT_VERSION}-{token}"
    try:
        tmp.mkdir()
        with (tmp / "records.jsonl").open("w", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")
        crash_point("index")  # test-only hook (kg/crashpoints.py): a kill while the version is half written
        (tmp / "bm25").mkdir()
        lexical.save(tmp / "bm25")
        vectors.save(tmp)
        for write in sidecars:
            write(tmp)
        manifest["version"] = final.name
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _fsync_tree(tmp)
        os.rename(tmp, final)
        _fsync_dir(root)
        pointer = root / f".CURRENT-{token}"
        with pointer.open("w", encoding="utf-8") as fh:
            fh.write(final.name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(pointer, root / "CURRENT")
        _fsync_dir(root)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for old in root.iterdir():  # previous versions and debris of interrupted builds
        if old != final and old.name != "CURRENT":
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    return final


def _fsync_tree(directory: Path) -> None:
    for dirpath, _, filenames in os.walk(directory):
        for name in filenames:
            with open(os.path.join(dirpath, name), "rb") as fh:
                os.fsync(fh.fileno())
        _fsync_dir(Path(dirpath))


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # directories cannot be opened on Windows; rename is still atomic there
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
