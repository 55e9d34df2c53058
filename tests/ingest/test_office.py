""".docx and .html documents through the same pipeline as PDFs: prose and tables kept as rows, read back from the graph.

The documents are made here (python-docx for Word, a string for HTML) the way public bodies publish
them: a heading, a paragraph with an amount, a caption naming the unit and a table with a header row
of years. One real ``python -m kgcli ingest`` reads both.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.readers import read_document
from kg.errors import ReadError

ROOT = Path(__file__).resolve().parents[2]
CAPTION = "Tabel 3. Udmøntning af satspuljen (mio. kr.)"
YEARS = ("2025", "2026", "2027")
ROWS = [("Udgående psykiatriteam", ("4,2", "4,4", "4,6")), ("Peer-medarbejdere", ("1,5", "1,5", "")),
        ("I alt", ("5,7", "5,9", "4,6"))]
HTML = f"""<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Budget</title>
<style>p {{ color: red }}</style><script>var x = "99 mio. kr.";</script></head>
<body><nav><a href="/">Forside</a></nav>
<h1>Psykiatriens budget</h1>
<p>Regionsrådet har afsat <b>12,5 mio. kr.</b> i 2026 til flere sengepladser.</p>
<table><caption>{CAPTION}</caption>
<thead><tr><th>Indsats</th>{''.join(f'<th>{y}</th>' for y in YEARS)}</tr></thead>
<tbody>{''.join(f"<tr><td>{label}</td>{''.join(f'<td>{c}</td>' for c in cells)}</tr>" for label, cells in ROWS)}</tbody>
</table>
<p>Tallene er foreløbige.</p></body></html>"""


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Notat om satspuljen", level=1)
    document.add_paragraph("Kommunen modtager 3,0 mio. kr. i 2025 til en styrket indsats.")
    document.add_paragraph(CAPTION)
    table = document.add_table(rows=1 + len(ROWS), cols=1 + len(YEARS))
    for c, text in enumerate(("Indsats", *YEARS)):
        table.cell(0, c).text = text
    for r, (label, cells) in enumerate(ROWS, start=1):
        table.cell(r, 0).text = label
        for c, text in enumerate(cells, start=1):
            table.cell(r, c).text = text
    document.add_paragraph("Udvalget orienteres igen i foråret.")
    document.save(str(path))
    return path


def mio(printed: str) -> Decimal:
    return Decimal(printed.replace(",", ".")) * 1_000_000


def test_html_reader_keeps_text_and_table_rows_and_drops_scripts(tmp_path):
    page = tmp_path / "budget.html"
    page.write_text(HTML, encoding="utf-8")
    doc = read_document(page)
    assert doc.media_type == "text/html" and doc.page_count is None
    assert "99 mio" not in doc.raw and "Forside" not in doc.raw and "color" not in doc.raw
    assert "Regionsrådet har afsat 12,5 mio. kr. i 2026 til flere sengepladser." in doc.raw
    (table,) = doc.layout.tables
    assert table.unit == "mio. kr." and table.factor == 1_000_000
    assert [c.year for c in table.columns] == [2025, 2026, 2027]
    assert [r.label for r in table.rows] == [label for label, _ in ROWS]
    for row, (_, cells) in zip(table.rows, ROWS):
        assert [doc.raw[c.start:c.end] if c else "" for c in row.cells] == list(cells)


def test_broken_docx_is_a_clear_error(tmp_path):
    bad = tmp_path / "notat.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ReadError, match=r"notat\.docx: not a readable \.docx file"):
        read_document(bad)


def test_docx_and_html_facts_in_the_graph(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    make_docx(folder / "notat.docx")
    (folder / "budget.html").write_text(HTML, encoding="utf-8")
    data = tmp_path / "data"
    done = subprocess.run([sys.executable, "-m", "kgcli", "ingest", str(folder), "--data-dir", str(data), "--no-index"],
                          capture_output=True, text=True, cwd=ROOT, timeout=600, check=False)
    assert done.returncode == 0 and "2 added" in done.stderr and "0 failed" in done.stderr, done.stderr
    from kg.store import open_store

    with open_store("oxigraph", data) as store:
        for key, prose in (("notat.docx", (Decimal(3_000_000), 2025)), ("budget.html", (Decimal(12_500_000), 2026))):
            rows = store.query(f"""SELECT ?v ?y ?label ?table ?kind WHERE {{
                ?d kg:sourceKey "{key}" . ?f a kg:MoneyAmount ; kg:inDocument ?d ; kg:value ?v ; kg:fromTable ?table ;
                   kg:amountKind ?kind . OPTIONAL {{ ?f kg:year ?y }} OPTIONAL {{ ?f kg:rowLabel ?label }} }}""")
            facts = {(str(r.label) if r.label else None, int(r.y) if r.y else None): Decimal(str(r.v)) for r in rows}
            expected = {(label, int(y)): mio(c) for label, cells in ROWS for y, c in zip(YEARS, cells) if c}
            expected[(None, prose[1])] = prose[0]
            assert facts == expected, key
            recs = store.query(f"""SELECT ?y ?status WHERE {{ ?d kg:sourceKey "{key}" . ?r a kg:Reconciliation ;
                kg:inDocument ?d ; kg:year ?y ; kg:reconciliationStatus ?status }}""")
            assert {int(r.y): str(r.status).rsplit("#", 1)[-1] for r in recs} == {2025: "Balanced", 2026: "Balanced",
                                                                                 2027: "Balanced"}
            media = store.query(f'SELECT ?m WHERE {{ ?d kg:sourceKey "{key}" ; kg:mediaType ?m }}')
            assert [str(r.m) for r in media] == [
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document" if key.endswith("docx")
                else "text/html"]
