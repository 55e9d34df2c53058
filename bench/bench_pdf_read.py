"""What reading a PDF costs per page: pypdf's plain text against pdfplumber's words and our layout reader.

For each PDF (the generated layouts of tests/ingest/pdf_layouts.py, and the real PDFs in the
``eval_pdf_dir`` folder when present), the best of ``--repeat`` runs of:

* ``pypdf``: ``PdfReader(...).pages[i].extract_text()`` (the reader before issue 20);
* ``pdfplumber words``: ``page.extract_words()`` (pdfminer's layout analysis, the floor of any reader on it);
* ``layout reader``: :func:`ingest.pdf_layout.read_pdf` (words, running headers, ruled and unruled tables,
  reading order); scanned pages (OCR) are left out of this figure and timed apart.

The load average is printed with the result: on a shared machine the absolute times move, the ratios less.
Usage: ``python bench/bench_pdf_read.py [--repeat 3]``; writes bench/results/pdf_read.md and .json.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def pypdf_text(data: bytes) -> None:
    from pypdf import PdfReader

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text()


def plumber_words(data: bytes) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_words()


def layout(path: Path, data: bytes) -> None:
    from ingest.pdf_layout import read_pdf

    read_pdf(path, data)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    from kg.settings import load_config
    from tests.ingest.pdf_layouts import (
        report_with_tables,
        rotated_page,
        scanned_page,
        two_column_budget,
    )

    tmp = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    pdfs = [two_column_budget(tmp / "two-column.pdf"), report_with_tables(tmp / "report.pdf"),
            rotated_page(tmp / "rotated.pdf")]
    real = Path(load_config().eval_pdf_dir)
    pdfs += sorted(real.glob("*.pdf")) if real.is_dir() else []
    rows = []
    for path in pdfs:
        data = path.read_bytes()
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
        row = {"pdf": path.name, "pages": pages,
               "pypdf_ms_per_page": 1000 * best(lambda d=data: pypdf_text(d), args.repeat) / pages,
               "pdfplumber_words_ms_per_page": 1000 * best(lambda d=data: plumber_words(d), args.repeat) / pages,
               "layout_reader_ms_per_page": 1000 * best(lambda p=path, d=data: layout(p, d), args.repeat) / pages}
        rows.append(row)
        print(json.dumps(row))
    scan = scanned_page(tmp / "scanned.pdf", text_page=False)
    ocr_ms = 1000 * best(lambda: layout(scan, scan.read_bytes()), 1)
    total = {k: sum(r[k] * r["pages"] for r in rows) / sum(r["pages"] for r in rows)
             for k in ("pypdf_ms_per_page", "pdfplumber_words_ms_per_page", "layout_reader_ms_per_page")}
    load = os.getloadavg()
    result = {"rows": rows, "weighted": total, "ocr_ms_per_scanned_page": ocr_ms, "loadavg": load,
              "cpus": os.cpu_count(), "repeat": args.repeat}
    lines = ["# Reading PDFs: cost per page", "",
             f"Best of {args.repeat} runs; load average {load[0]:.1f} on {os.cpu_count()} CPUs while measuring.", "",
             "| PDF | pages | pypdf ms/page | pdfplumber words ms/page | layout reader ms/page | layout / pypdf |",
             "|---|---|---|---|---|---|"]
    for r in [*rows, {"pdf": "**all pages**", "pages": sum(r["pages"] for r in rows), **total}]:
        lines.append(f"| {r['pdf']} | {r['pages']} | {r['pypdf_ms_per_page']:.0f} | {r['pdfplumber_words_ms_per_page']:.0f} | "
                     f"{r['layout_reader_ms_per_page']:.0f} | {r['layout_reader_ms_per_page'] / r['pypdf_ms_per_page']:.1f}× |")
    lines += ["", f"A scanned page (OCR with Tesseract, 300 dpi, Danish): {ocr_ms:.0f} ms."]
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pdf_read.json").write_text(json.dumps(result, indent=2), "utf-8")
    (out / "pdf_read.md").write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
