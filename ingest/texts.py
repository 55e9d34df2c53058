"""Kept texts: the raw text of every ingested document, saved beside the graph in ``<data_dir>/texts``.

Document views, highlighting and re-indexing read these instead of the source files, which may have
moved. One JSON file per document (``{"key", "media_type", "raw"}``), written atomically.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from rdflib import URIRef

from ingest.readers import SourceDocument
from ingest.repair import repair
from kg import browse
from kg.errors import NotFound
from kg.sparql_build import V
from kg.store import GraphStore


def save_text(data_dir: Path, source: SourceDocument) -> None:
    """Keep the extracted text beside the graph, so document views and re-indexing need no source file."""
    folder = Path(data_dir) / "texts"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{source.doc_id}.json"
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps({"key": source.key, "media_type": source.media_type, "raw": source.raw}), "utf-8")
    os.replace(tmp, target)


def load_text(data_dir: Path, doc_id: str) -> dict | None:
    path = Path(data_dir) / "texts" / f"{doc_id}.json"
    return json.loads(path.read_text("utf-8")) if path.is_file() else None


def repaired_texts(store: GraphStore, data_dir: Path) -> dict[str, str]:
    """The repaired text of every stored document, by source key (re-derived from the kept raw text)."""
    out: dict[str, str] = {}
    for key, doc in store.documents().items():
        kept = load_text(data_dir, doc.iri.rsplit("/", 1)[-1])
        if kept is not None:
            out[key] = repair(kept["raw"]).text
    return out


def document_text(store: GraphStore, data_dir: Path, doc_id: str) -> dict[str, Any]:
    """The repaired text of a document (as ingest saw it) with every passage's span in it."""
    doc = browse._document(store, doc_id)
    stored = load_text(data_dir, doc_id)
    if stored is None:
        raise NotFound(f"the text of document {doc_id} is not stored in {data_dir}/texts; re-run `kg ingest` "
                       "with the oxigraph store to keep it")
    rows = browse._rows(store, f"""
        SELECT ?p ?order ?section ?start ?end ?page WHERE {{
          ?p a {V.Passage} ; {V.inDocument} {URIRef(doc["iri"]).n3()} ; {V.order} ?order ;
             {V.charStart} ?start ; {V.charEnd} ?end .
          OPTIONAL {{ ?p {V.inSection} ?section }} OPTIONAL {{ ?p {V.page} ?page }}
        }} ORDER BY ?order""")
    text = repair(stored["raw"]).text
    return {"id": doc_id, "iri": doc["iri"], "key": doc["key"], "title": doc["title"], "text": text,
            "length": len(text),
            "passages": [{"iri": str(r.p), "order": int(r.order), "section": browse._str(r.section),
                          "char_start": int(r.start), "char_end": int(r.end), "page": browse._int(r.page)} for r in rows]}
