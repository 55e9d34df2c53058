from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.readers import discover, read_document, read_manifest
from kg.errors import ReadError


def make_pdf(path: Path, pages: list[str]) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for text in pages:
        y = 800
        for line in text.split("\n"):
            c.drawString(72, y, line)
            y -= 16
        c.showPage()
    c.save()
    return path


def test_utf8_text_with_stable_content_id(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Der afsættes 7,0 mio. kr. årligt.", encoding="utf-8")
    doc = read_document(p)
    assert doc.raw == "Der afsættes 7,0 mio. kr. årligt."
    assert doc.media_type == "text/plain"
    assert doc.doc_id == doc.sha256[:16] and len(doc.sha256) == 64
    q = tmp_path / "b.txt"
    q.write_bytes(p.read_bytes())
    assert read_document(q).doc_id == doc.doc_id


def test_latin1_is_a_clear_error_naming_the_file(tmp_path):
    p = tmp_path / "latin.txt"
    p.write_bytes("Børne- og ungdomspsykiatri".encode("latin-1"))
    with pytest.raises(ReadError, match=r"latin\.txt: not UTF-8: byte 0xf8 at offset 1 .*iconv"):
        read_document(p)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "file is empty"),
        ("blank.txt", b"  \n\n ", "file is empty"),
        ("bin.txt", b"\x00\x01\x02binary\x00", "binary file"),
        ("fake.pdf", b"PK\x03\x04 not a pdf", r"not a PDF \(starts with b'PK\\x03\\x04'\)"),
        ("broken.pdf", b"%PDF-1.4\n garbage", "broken PDF"),
        ("sheet.xlsx", b"PK\x03\x04", "unsupported file type '.xlsx'"),
    ],
)
def test_bad_input_gets_a_clear_message(tmp_path, name, data, message):
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(ReadError, match=message) as info:
        read_document(p)
    assert str(info.value).startswith(str(p))


def test_pdf_pages_are_separated_by_form_feeds(tmp_path):
    pdf = make_pdf(tmp_path / "plan.pdf", ["Side et: Der afsættes 5 mio. kr.", "Side to: Region Hovedstaden", "Tre"])
    doc = read_document(pdf)
    assert doc.media_type == "application/pdf"
    assert doc.page_count == 3
    assert doc.raw.split("\f")[1].strip() == "Side to: Region Hovedstaden"


def test_manifest_and_discovery(tmp_path, corpus_dir):
    meta = read_manifest(corpus_dir)
    assert meta["001_08ba568cb88d3b78.txt"]["publisher"].startswith("Regeringen")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.txt").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "MANIFEST.tsv").write_text("file\ttitle\n")
    os.symlink(tmp_path, tmp_path / "sub" / "loop")
    assert [p.relative_to(tmp_path).as_posix() for p in discover([tmp_path])] == ["sub/x.txt"]
    with pytest.raises(ReadError, match="no such file"):
        list(discover([tmp_path / "missing"]))


def two_column_prose(path: Path) -> tuple[Path, list[str]]:
    """A newsletter page: a full-width title, then two columns of prose side by side (sentences wrapped over lines)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    left = ("Regionen åbner i foråret et nyt akutteam for unge. Teamet kan rykke ud hele døgnet og samarbejder "
            "med kommunernes socialpsykiatri om den videre plan for hver enkelt ung.")
    right = ("Samtidig udvides den psykiatriske skadestue med fire pladser. Ventetiden skal ned under en time, "
             "og personalet får et fælles kursus i konfliktnedtrapning.")
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(56, 790, "Nyt fra psykiatrien")
    for x, text in ((56, left), (310, right)):
        words, line, y = text.split(), "", 760
        c.setFont("Helvetica", 10)
        for word in words:
            if c.stringWidth(f"{line} {word}".strip(), "Helvetica", 10) > 220:
                c.drawString(x, y, line)
                line, y = word, y - 13
            else:
                line = f"{line} {word}".strip()
        c.drawString(x, y, line)
    c.showPage()
    c.save()
    return path, [left, right]


def test_two_text_columns_are_read_one_after_the_other(tmp_path):
    from ingest.repair import repair

    pdf, (left, right) = two_column_prose(tmp_path / "nyhedsbrev.pdf")
    text = " ".join(repair(read_document(pdf).raw).text.split())
    assert text.startswith("Nyt fra psykiatrien")
    assert left in text and right in text  # each column's sentences whole, not interleaved line by line
    assert text.index(left) < text.index(right)
