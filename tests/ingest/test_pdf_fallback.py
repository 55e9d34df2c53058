"""pypdf as the fallback where pdfminer reads nothing: a real council's minutes cut short (an interrupted download).

Needs the third-party PDF of eval/dev/pdf_sources.json in the ``eval_pdf_dir`` folder (kept out of git);
skips, saying where to get it, when absent.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAME = "aarhus-byraad-2025-08-27.pdf"


def test_a_truncated_pdf_is_read_through_pypdf(tmp_path):
    from ingest.readers import read_document
    from kg.settings import load_config

    meta = json.loads((ROOT / "eval" / "dev" / "pdf_sources.json").read_text("utf-8"))[NAME]
    folder = load_config().eval_pdf_dir
    source = (folder if folder.is_absolute() else ROOT / folder) / NAME
    if not source.is_file() or hashlib.sha256(source.read_bytes()).hexdigest() != meta["sha256"]:
        pytest.skip(f"{source} absent: get it from {meta['source']} (see eval/dev/README.md)")
    data = source.read_bytes()
    cut = tmp_path / "referat-afbrudt.pdf"
    cut.write_bytes(data[: int(len(data) * 0.9)])
    import pdfplumber

    with pdfplumber.open(cut) as pdf:
        assert len(pdf.pages) == 0  # what pdfminer makes of it
    doc = read_document(cut)
    assert doc.page_count == 28 and doc.layout.reader.startswith("pdfplumber; pypdf for pages 1, 2, 3")
    assert "Puljen for mere tryghed i nattelivet øges med 25.000 kr. i 2025" in " ".join(doc.raw.split())
    assert doc.raw.split("\f")[11].count("25.000 kr.") == 1  # page 12, as in the whole file
