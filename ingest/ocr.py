"""OCR of scanned PDF pages with Tesseract (through pytesseract), as words with coordinates.

A page is *scanned* when it has almost no text layer (fewer than :data:`MIN_CHARS` characters) but
pictures cover most of it. Its picture is rendered at :data:`DPI`, read by Tesseract in the
configured languages (setting ``ocr_languages``, default Danish) and every word comes back as a
:class:`~ingest.layout_lines.Word` in PDF points, so the layout reader treats it like text-layer
words. When Tesseract, its Danish data or pytesseract is missing, the file fails with a message
naming what to install — a scanned document never passes as an empty one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest.layout_lines import Word
from kg.errors import ReadError

DPI = 300
MIN_CHARS = 20  # a scan may carry a stamped page number or a file mark, not a text layer
MIN_IMAGE_COVER = 0.5  # share of the page pictures must cover
MIN_CONFIDENCE = 30  # Tesseract's per-word confidence (0-100) below which a word is noise
INSTALL = ("install Tesseract and its Danish data (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-dan) "
           "and the Python package pytesseract")


def is_scanned(page: Any) -> bool:
    """Whether a pdfplumber page is a picture without a text layer."""
    if len(page.chars) >= MIN_CHARS:
        return False
    area = float(page.width * page.height) or 1.0
    cover = sum(max(0.0, float(i["x1"] - i["x0"])) * max(0.0, float(i["bottom"] - i["top"])) for i in page.images)
    return cover / area >= MIN_IMAGE_COVER


def check_ocr(path: Path | str, page_number: int, languages: str) -> Any:
    """pytesseract, when Tesseract and every language in ``languages`` ("dan", "dan+eng") are installed."""
    why = f"page {page_number} is a scanned picture without a text layer; to read it, {INSTALL}"
    try:
        import pytesseract
    except ImportError:
        raise ReadError(path, f"{why} (pytesseract is not installed)") from None
    try:
        installed = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError):
        raise ReadError(path, f"{why} (the tesseract program, Debian package tesseract-ocr, was not found)") from None
    missing = [lang for lang in languages.split("+") if lang not in installed]
    if missing:
        packages = " ".join(f"tesseract-ocr-{m}" for m in missing)
        raise ReadError(path, f"{why} (Tesseract lacks the language data {', '.join(missing)}: "
                        f"apt-get install {packages})")
    return pytesseract


def ocr_words(path: Path | str, page: Any, page_number: int, languages: str = "dan") -> list[Word]:
    """The words Tesseract reads on a pdfplumber page, in the page's points (top-left origin)."""
    pytesseract = check_ocr(path, page_number, languages)
    image = page.to_image(resolution=DPI).original.convert("L")
    try:
        data = pytesseract.image_to_data(image, lang=languages, output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError as exc:
        raise ReadError(path, f"page {page_number}: Tesseract failed ({exc})") from exc
    scale = 72.0 / DPI
    words: list[Word] = []
    for text, conf, left, top, width, height in zip(data["text"], data["conf"], data["left"], data["top"],
                                                    data["width"], data["height"]):
        text = (text or "").strip()
        if not text or float(conf) < MIN_CONFIDENCE:
            continue
        x0, y0 = left * scale, top * scale
        words.append(Word(text, x0, x0 + width * scale, y0, y0 + height * scale, font="ocr",
                          size=max(height * scale, 4.0)))
    return words
