"""Plain values shared by the search modules: the passage record, the encoder interface, the errors.

The ingest pipeline hands passages to the index as :class:`PassageRecord` values; nothing in
``search/`` knows about the graph. The encoder is described by a :class:`typing.Protocol` so the
index can be built and tested without importing the real model (``search/encoder.py``).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import numpy as np

from kg.errors import KgError


@dataclass(frozen=True)
class PassageRecord:
    """One searchable passage: its IRI in the graph, where it comes from and its text.

    ``raw_start``/``raw_end`` are character offsets into the original file's text (after UTF-8
    decoding, nothing else changed); ``content_hash`` keys the embedding cache, so it must change
    whenever ``text`` does.
    """

    iri: str
    doc_id: str
    doc_key: str
    text: str
    content_hash: str
    page: int | None
    raw_start: int
    raw_end: int
    year_hints: tuple[int, ...] = ()
    context: str = ""  # indexed with the text but not shown: document title and section heading

    @property
    def indexed_text(self) -> str:
        return f"{self.context}\n{self.text}" if self.context else self.text

    @property
    def indexed_hash(self) -> str:
        """Cache key of the indexed text (the passage hash when there is no context)."""
        return text_hash(self.indexed_text) if self.context else self.content_hash

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["year_hints"] = list(self.year_hints)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PassageRecord:
        return cls(**{**data, "year_hints": tuple(data.get("year_hints") or ())})


def text_hash(text: str) -> str:
    """A content hash for passage text (sha256 hex); any stable hash of the text will do."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Encoder(Protocol):
    """What the index needs from an encoder (``search.encoder.Encoder`` is the real one).

    Both methods return float32 arrays of shape ``(len(texts), dim)`` with L2-normalised rows.
    """

    name: str
    fingerprint: str
    dim: int

    def encode_passages(self, texts: list[str], batch_size: int = 8, show_progress: bool = False) -> np.ndarray: ...

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...


class SearchIndexError(KgError):
    """Base class for search-index problems."""


class IndexNotFoundError(SearchIndexError):
    def __init__(self, data_dir: object) -> None:
        super().__init__(f"{data_dir}: no search index here; run `kg index` (or `kg ingest`) first")


class IndexMismatchError(SearchIndexError):
    """The query encoder is not the model that embedded the passages: their vectors are not comparable."""

    def __init__(self, built_name: str, built_fp: str, query_name: str, query_fp: str) -> None:
        self.built = (built_name, built_fp)
        self.query = (query_name, query_fp)
        if built_name == query_name:  # same name, different weights or settings: show the fingerprints
            built_name, query_name = f"{built_name} ({built_fp})", f"{query_name} ({query_fp})"
        super().__init__(
            f"index built with {built_name}, query encoder is {query_name}: "
            f"re-run `kg index` or pass --model {self.built[0]}"
        )


class BackendMismatchError(IndexMismatchError):
    """The index was built by an encoder backend whose vectors the configured backend's do not match."""

    def __init__(self, name: str, built_backend: str, query_backend: str) -> None:
        self.built = (name, built_backend)
        self.query = (name, query_backend)
        SearchIndexError.__init__(
            self,
            f"index built with {name} on encoder backend {built_backend!r}, but the encoder backend is {query_backend!r}: "
            f"their vectors are not comparable; rebuild with `kg index` (or `kg ingest`) under {query_backend!r}, "
            f"or set encoder_backend (KG_ENCODER_BACKEND) to {built_backend!r}",
        )


class IndexCorruptError(SearchIndexError):
    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: the search index is unreadable ({reason}); re-run `kg index`")
