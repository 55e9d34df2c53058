"""The pipeline's fingerprint: which code and data turned a document into its graph.

A document is re-extracted when its bytes change *or* when the pipeline that built its stored graph
differs from this one (new rules, a new gazetteer entry, other passage sizes), so upgrading the tool
and running ``kg ingest`` refreshes the graph instead of reporting every file "unchanged".
The fingerprint is recorded on the document's ingest run as ``kg:pipelineVersion``.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# what shapes a document's graph: the ingest stages, the graph model, the vocabulary, shapes and gazetteer
SOURCES = ("ingest/*.py", "kg/namespace.py", "kg/vocab.ttl", "kg/shapes.ttl", "kg/data/*")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    digest = hashlib.sha256()
    for pattern in SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            if path.is_file():
                digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def pipeline_version(passage_min_words: int, passage_max_words: int) -> str:
    """The code fingerprint and the settings that change the graph, e.g. ``3f2a…-p100-250``."""
    return f"{code_fingerprint()}-p{passage_min_words}-{passage_max_words}"
