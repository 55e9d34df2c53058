"""The layouts of issue 20 (tests/ingest/pdf_layouts.py) ingested by the real CLI, facts read back from the graph.

One ``python -m kgcli ingest`` over a folder of generated PDFs (module fixture); every test asks the
Oxigraph store it left behind. Expected values come from what the generators printed, converted by
hand here ("1.250" under "(1.000 kr.)" is 1,250,000 kr.), not by the parser under test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.ingest import pdf_layouts as L

ROOT = Path(__file__).resolve().parents[2]


def kg(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kgcli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=600, env=env, check=False)


def dkk(printed: str, factor: int) -> Decimal:
    """A cell as printed ("12.500", "24,5") times its unit, by hand: Danish thousands dot, decimal comma."""
    return Decimal(printed.replace(".", "").replace(",", ".")) * factor


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    """The generated PDFs ingested by ``kg ingest`` into a fresh data directory; yields a query function."""
    from kg.store import open_store

    tmp = tmp_path_factory.mktemp("layouts")
    folder = tmp / "pdfs"
    L.all_layouts(folder)
    data = tmp / "data"
    done = kg("ingest", str(folder), "--data-dir", str(data), "--no-index")
    assert done.returncode == 0, done.stderr
    assert "4 added" in done.stderr and "0 failed" in done.stderr, done.stderr
    store = open_store("oxigraph", data)

    def rows(sparql: str) -> list:
        return list(store.query(sparql))

    rows.data = data  # type: ignore[attr-defined]
    yield rows
    store.close()


def money(rows, key: str, page: int | None = None) -> dict[tuple[str, int | None], dict]:
    """Money facts of one document (on one page) by (row label, year)."""
    out: dict[tuple[str, int | None], dict] = {}
    on_page = f"FILTER(?page = {page})" if page else ""
    for r in rows(f"""
        SELECT ?f ?label ?value ?year ?kind ?page ?init ?ocr WHERE {{
          ?d kg:sourceKey "{key}" . ?f a kg:MoneyAmount ; kg:inDocument ?d ; kg:value ?value ; kg:amountKind ?kind .
          OPTIONAL {{ ?f kg:rowLabel ?label }} OPTIONAL {{ ?f kg:year ?year }} OPTIONAL {{ ?f kg:page ?page }}
          OPTIONAL {{ ?f kg:forInitiative/rdfs:label ?init }} OPTIONAL {{ ?f kg:ocrDerived ?ocr }} {on_page}
        }}"""):
        k = (str(r.label) if r.label else "", int(r.year) if r.year else None)
        assert k not in out, f"two facts for {k} in {key}"
        out[k] = {"value": Decimal(str(r.value)), "kind": str(r.kind).rsplit("#", 1)[-1],
                  "page": int(r.page) if r.page else None, "initiative": str(r.init) if r.init else None,
                  "ocr": bool(r.ocr and r.ocr.toPython())}
    return out


def reconciliations(rows, key: str, page: int | None = None) -> dict[int, tuple[Decimal, Decimal, str, int]]:
    """year → (stated, computed, status, number of summands) of the document's reconciliations (of totals on a page)."""
    out = {}
    on_page = f"?r kg:reconciles/kg:page {page} ." if page else ""
    for r in rows(f"""
        SELECT ?year ?stated ?computed ?status (COUNT(?s) AS ?n) WHERE {{
          ?d kg:sourceKey "{key}" . ?r a kg:Reconciliation ; kg:inDocument ?d ; kg:year ?year ;
             kg:statedTotal ?stated ; kg:computedTotal ?computed ; kg:reconciliationStatus ?status ; kg:summand ?s .
          {on_page}
        }} GROUP BY ?year ?stated ?computed ?status"""):
        year = int(r.year)
        assert year not in out
        out[year] = (Decimal(str(r.stated)), Decimal(str(r.computed)), str(r.status).rsplit("#", 1)[-1], int(r.n))
    return out


def test_two_column_amounts_belong_to_their_activity(graph):
    facts = money(graph, "two-column.pdf")
    assert len(facts) == len(L.ACTIVITIES) + 1
    for heading, amount, _ in L.ACTIVITIES:
        fact = facts[(heading, 2025)]  # the whole heading, also where it wraps over two lines
        assert fact["value"] == dkk(amount, 1000)
        assert fact["kind"] == "Allocated" and fact["page"] == 1
        assert fact["initiative"] == heading.split(". ", 1)[1]  # the activity, not a neighbouring heading
    total = facts[("I alt", 2025)]
    assert total["value"] == dkk(L.TWO_COLUMN_TOTAL, 1000) == Decimal(4_450_000) and total["kind"] == "Total"
    assert reconciliations(graph, "two-column.pdf") == {2025: (Decimal(4_450_000), Decimal(4_450_000), "Balanced", 3)}


@pytest.mark.parametrize(("rows_", "years", "page"), [(L.RULED_ROWS, L.RULED_YEARS, 1), (L.UNRULED_ROWS, L.UNRULED_YEARS, 2)],
                         ids=["ruled", "unruled"])
def test_table_rows_with_header_years_and_caption_unit(graph, rows_, years, page):
    facts = money(graph, "report.pdf", page)
    expected = {(label, int(year)): dkk(cell, 1000) for label, cells in rows_ for year, cell in zip(years, cells)
                if cell != "-"}
    assert {k: v["value"] for k, v in facts.items()} == expected
    for (label, _), fact in facts.items():
        assert fact["kind"] == ("Total" if label == "I alt" else "Allocated")
        if label != "I alt":
            assert fact["initiative"] == label
    recs = reconciliations(graph, "report.pdf", page)
    assert sorted(recs) == [int(y) for y in years]
    for year, cell in zip(years, rows_[-1][1]):
        parts = [cells[years.index(year)] for label, cells in rows_[:-1] if cells[years.index(year)] != "-"]
        assert recs[int(year)] == (dkk(cell, 1000), sum(dkk(p, 1000) for p in parts), "Balanced", len(parts))


def test_running_headers_and_footers_are_metadata_not_text(graph):
    headers = {str(r.h) for r in graph('SELECT ?h WHERE { ?d kg:sourceKey "report.pdf" ; kg:runningHeader ?h }')}
    assert headers == {f"{L.RUNNING_HEADER[0]} {L.RUNNING_HEADER[1]}", f"{L.RUNNING_FOOTER} Side 1 af 3"}
    texts = [str(r.t) for r in graph('SELECT ?t WHERE { ?d kg:sourceKey "report.pdf" . ?p a kg:Passage ; '
                                     'kg:inDocument ?d ; kg:text ?t }')]
    assert texts and not any(s in t for t in texts for s in ("Sagsnr", "25/012345", "Mødedato", "Side 2 af 3"))
    spans = graph('SELECT ?page ?end WHERE { ?d kg:sourceKey "report.pdf" . ?p a kg:Passage ; kg:inDocument ?d ; '
                  'kg:page ?page OPTIONAL { ?p kg:pageEnd ?end } }')
    assert {n for r in spans for n in range(int(r.page), int(r.end or r.page) + 1)} == {1, 2, 3}


def test_rotated_page_table(graph):
    facts = money(graph, "rotated.pdf")
    expected = {(label, int(y)): dkk(cell, 1_000_000) for label, cells in L.ROTATED_ROWS
                for y, cell in zip(L.ROTATED_YEARS, cells)}
    assert {k: v["value"] for k, v in facts.items()} == expected
    assert {v["page"] for v in facts.values()} == {2}
    assert facts[("Akutmodtagelse", 2028)]["value"] == Decimal(26_000_000)
    assert all(r[2] == "Balanced" and r[3] == 2 for r in reconciliations(graph, "rotated.pdf").values())
    assert len(reconciliations(graph, "rotated.pdf")) == 4


def test_scanned_page_is_read_by_ocr_and_marked(graph):
    facts = money(graph, "scanned.pdf")
    assert facts[("", 2026)] == {"value": Decimal(3_500_000), "kind": "Allocated", "page": 2, "ocr": True,
                                 "initiative": facts[("", 2026)]["initiative"]}
    assert facts[("", 2025)]["value"] == Decimal(2_000_000) and facts[("", 2025)]["page"] == 1
    assert facts[("", 2025)]["ocr"] is False  # the page with a text layer is not OCR-derived
    assert "sengepladser" in facts[("", 2026)]["initiative"].lower()
    doc = graph('SELECT ?ocr ?page WHERE { ?d kg:sourceKey "scanned.pdf" ; kg:ocrDerived ?ocr ; kg:ocrPage ?page }')
    assert [(r.ocr.toPython(), int(r.page)) for r in doc] == [(True, 2)]
    marked = graph('SELECT ?t WHERE { ?d kg:sourceKey "scanned.pdf" . ?p a kg:Passage ; kg:inDocument ?d ; '
                   'kg:text ?t ; kg:ocrDerived true }')
    assert len(marked) == 1 and "3,5 mio. kr. i 2026" in str(marked[0].t)


def test_scanned_file_without_tesseract_fails_naming_the_packages(tmp_path):
    pdf = L.scanned_page(tmp_path / "aktindsigt.pdf", text_page=False)
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    env = {**os.environ, "PATH": str(empty_bin)}  # as on a machine without Tesseract
    done = kg("ingest", str(pdf), "--data-dir", str(tmp_path / "data"), "--no-index", "--quiet", env=env)
    assert done.returncode == 1
    assert "aktindsigt.pdf: page 1 is a scanned picture without a text layer" in done.stderr
    assert "apt-get install tesseract-ocr tesseract-ocr-dan" in done.stderr
    from kg.store import open_store

    store = open_store("oxigraph", tmp_path / "data")
    try:
        assert store.documents() == {}  # never an empty document
    finally:
        store.close()


def test_every_fact_points_at_its_characters_in_the_kept_text(graph):
    """kg:rawStart/kg:rawEnd of every money fact span exactly its printed figure in the text kept for the document."""
    import json

    rows = graph("""SELECT ?id ?raw ?s ?e WHERE { ?d a kg:Document ; dcterms:identifier ?id .
        ?f a kg:MoneyAmount ; kg:inDocument ?d ; kg:rawText ?raw ; kg:rawStart ?s ; kg:rawEnd ?e }""")
    assert len(rows) > 40
    kept: dict[str, str] = {}
    for r in rows:
        text = kept.setdefault(str(r.id), json.loads((graph.data / "texts" / f"{r.id}.json").read_text("utf-8"))["raw"])
        assert text[int(r.s):int(r.e)].split() == str(r.raw).split(), (str(r.raw), text[int(r.s):int(r.e)])
