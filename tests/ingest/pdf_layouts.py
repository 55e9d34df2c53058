"""PDFs with the layouts of issue 20, drawn with reportlab the way municipal offices lay them out.

Written from the layouts the issue describes, before the layout reader existed, so that they do not
mirror its rules. Every generator draws with absolute coordinates (A4, points from the bottom left)
and keeps what it printed in module constants (row labels, cells as printed, years, captions), from
which the tests state the facts a careful reader takes from the page.

* :func:`two_column_budget` — numbered activity headings (bold) with a paragraph each on the left,
  one amount per activity in a right-hand column whose header names the budget year and the unit;
  a closing "I alt" row;
* :func:`report_with_tables` — three pages under a running header and footer (municipality and
  committee, case number, meeting date, "Side N af 3"); page 1 a ruled table, page 2 an unruled
  one, both with a header row of years and the unit in the caption ("(1.000 kr.)");
* :func:`rotated_page` — a portrait page, then a page stored as portrait with ``/Rotate 90`` whose
  content is a landscape table;
* :func:`scanned_page` — a page with a text layer, then a page that is only a picture of a printed
  page (rendered at 200 dpi and embedded as an image, as a scanner makes it).
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

W, H = A4  # 595.27 x 841.89
LEFT, RIGHT = 56.0, 539.0
BODY, BOLD = "Helvetica", "Helvetica-Bold"


def _wrap(c: canvas.Canvas, text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if c.stringWidth(trial, font, size) <= width:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _paragraph(c: canvas.Canvas, text: str, x: float, y: float, width: float, font: str = BODY,
               size: float = 10, leading: float = 13) -> float:
    """Draw ``text`` wrapped to ``width`` from the baseline ``y`` down; return the baseline below it."""
    for line in _wrap(c, text, font, size, width):
        c.setFont(font, size)
        c.drawString(x, y, line)
        y -= leading
    return y


# --------------------------------------------------------------------------- two columns

ACTIVITIES = [
    ("1. Opsøgende team for hjemløse med psykisk sygdom", "1.250",
     ("Teamet besøger borgere på herberger og i boformer efter servicelovens § 110. I 2024 havde teamet "
      "kontakt med 35 borgere, og indsatsen udvides nu til hele Østjylland med to nye medarbejdere.")),
    ("2. Peer-støtte i akutmodtagelsen", "800",
     ("Medarbejdere med egen erfaring med psykisk sygdom tilbyder samtaler til pårørende og patienter i "
      "ventetiden. Ordningen afprøves i tolv måneder og evalueres af Aarhus Universitet.")),
    ("3. Styrket samarbejde mellem kommunens socialpsykiatri og regionens ambulante behandling", "2.400",
     ("Fælles visitationsmøder hver uge og en fælles plan for hver borger, så ingen udskrives uden en aftale "
      "om opfølgning. Midlerne dækker koordinatorer i begge organisationer og et fælles it-værktøj.")),
]
TWO_COLUMN_TOTAL = "4.450"


def two_column_budget(path: Path) -> Path:
    """A memo whose money table is two columns: activity and paragraph left, one 2025 amount right."""
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle("Notat om udmøntning af psykiatripuljen")
    c.setFont(BOLD, 14)
    c.drawString(LEFT, 790, "Notat: Udmøntning af psykiatripuljen 2025")
    y = _paragraph(c, "Byrådet afsatte ved budgetforliget en pulje til en styrket indsats for borgere med psykisk "
                   "sygdom. Forvaltningen foreslår, at puljen fordeles på tre aktiviteter som vist nedenfor.",
                   LEFT, 762, RIGHT - LEFT)
    y -= 14
    # the table's header: "Aktivitet" over the left column, the year and the unit over the right one
    c.setFont(BOLD, 10)
    c.drawString(LEFT, y, "Aktivitet")
    c.drawRightString(RIGHT, y, "Budget 2025")
    c.setFont(BODY, 9)
    c.drawRightString(RIGHT, y - 11, "(1.000 kr.)")
    c.setLineWidth(0.5)
    c.line(LEFT, y - 16, RIGHT, y - 16)
    y -= 34
    text_width = 330.0  # the left column ends well before the amounts
    for heading, amount, paragraph in ACTIVITIES:
        c.setFont(BOLD, 10)
        c.drawRightString(RIGHT, y, amount)  # the amount stands level with the heading's first line
        for line in _wrap(c, heading, BOLD, 10, text_width):
            c.setFont(BOLD, 10)
            c.drawString(LEFT, y, line)
            y -= 13
        y = _paragraph(c, paragraph, LEFT, y - 2, text_width)
        y -= 12
    c.line(LEFT, y + 8, RIGHT, y + 8)
    c.setFont(BOLD, 10)
    c.drawString(LEFT, y - 4, "I alt")
    c.drawRightString(RIGHT, y - 4, TWO_COLUMN_TOTAL)
    _paragraph(c, "Forvaltningen indstiller, at udvalget godkender fordelingen.", LEFT, y - 40, RIGHT - LEFT)
    c.showPage()
    c.save()
    return path


# --------------------------------------------------------------------------- a report with tables

RULED_CAPTION = "Tabel 1. Bevilling til psykiatriindsatser 2025-2027 (1.000 kr.)"
RULED_YEARS = ("2025", "2026", "2027")
RULED_ROWS = [
    ("Sengepladser i Risskov", ("12.500", "12.800", "13.100")),
    ("Udgående akutteam", ("3.200", "3.300", "3.400")),
    ("Recovery-mentorer", ("950", "1.000", "1.050")),
    ("I alt", ("16.650", "17.100", "17.550")),
]
UNRULED_CAPTION = "Tabel 2. Tilskud til frivillige foreninger (1.000 kr.)"
UNRULED_YEARS = ("2024", "2025", "2026")
UNRULED_ROWS = [
    ("SIND Aarhus", ("400", "420", "440")),
    ("Headspace Aarhus", ("600", "600", "-")),
    ("Bedre Psykiatri Østjylland", ("250", "275", "300")),
    ("I alt", ("1.250", "1.295", "740")),
]
RUNNING_HEADER = ("Aarhus Kommune · Psykiatri- og Handicapudvalget", "Sagsnr. 25/012345")
RUNNING_FOOTER = "Mødedato 27. august 2025"


def _running(c: canvas.Canvas, page: int, pages: int) -> None:
    c.setFont(BODY, 8)
    c.drawString(LEFT, 815, RUNNING_HEADER[0])
    c.drawRightString(RIGHT, 815, RUNNING_HEADER[1])
    c.line(LEFT, 810, RIGHT, 810)
    c.drawString(LEFT, 30, RUNNING_FOOTER)
    c.drawRightString(RIGHT, 30, f"Side {page} af {pages}")


def _table(c: canvas.Canvas, top: float, caption: str, head: str, years: tuple[str, ...],
           rows: list[tuple[str, tuple[str, ...]]], ruled: bool) -> float:
    """A table under ``caption`` from baseline ``top`` down: label column, then right-aligned year columns."""
    label_x, col_right = LEFT + 4, [330.0, 420.0, 510.0]
    c.setFont(BOLD, 10)
    c.drawString(LEFT, top, caption)
    y = top - 24
    row_h = 18.0
    edges = [y + 13 - row_h * i for i in range(len(rows) + 2)]  # horizontal rules between the rows
    c.setFont(BOLD, 9)
    c.drawString(label_x, y, head)
    for x, year in zip(col_right, years):
        c.drawRightString(x, y, year)
    for i, (label, cells) in enumerate(rows):
        yy = y - row_h * (i + 1)
        font = BOLD if label == "I alt" else BODY
        c.setFont(font, 9)
        c.drawString(label_x, yy, label)
        for x, cell in zip(col_right, cells):
            c.drawRightString(x, yy, cell)
    if ruled:
        c.setLineWidth(0.6)
        for e in edges:
            c.line(LEFT, e, 520, e)
        for x in (LEFT, 250.0, 340.0, 430.0, 520.0):
            c.line(x, edges[0], x, edges[-1])
    else:  # one thin rule under the header only, as many memo templates do
        c.setLineWidth(0.3)
        c.line(LEFT, edges[1] + 1, 520, edges[1] + 1)
    return edges[-1] - 20


def report_with_tables(path: Path) -> Path:
    """Three pages with a running header and footer; a ruled table on page 1, an unruled one on page 2."""
    c = canvas.Canvas(str(path), pagesize=A4)
    _running(c, 1, 3)
    c.setFont(BOLD, 14)
    c.drawString(LEFT, 770, "Budgetopfølgning for psykiatrien")
    y = _paragraph(c, "Psykiatri- og Handicapudvalget har bedt om en oversigt over bevillingerne til de "
                   "indsatser, der blev vedtaget med budgettet. Tabellen nedenfor viser bevillingen pr. år i "
                   "faste priser.", LEFT, 745, RIGHT - LEFT)
    y = _table(c, y - 16, RULED_CAPTION, "Indsats", RULED_YEARS, RULED_ROWS, ruled=True)
    _paragraph(c, "Sengepladserne i Risskov drives af regionen efter aftale med kommunen, og udgiften deles "
               "efter antal belagte dage.", LEFT, y, RIGHT - LEFT)
    c.showPage()
    _running(c, 2, 3)
    y = _paragraph(c, "Kommunen støtter frivillige foreninger, der tilbyder fællesskab og rådgivning til "
                   "mennesker med psykisk sygdom og deres pårørende.", LEFT, 770, RIGHT - LEFT)
    y = _table(c, y - 16, UNRULED_CAPTION, "Forening", UNRULED_YEARS, UNRULED_ROWS, ruled=False)
    _paragraph(c, "Headspace Aarhus har ikke søgt om tilskud for 2026, fordi tilbuddet fra 2026 finansieres "
               "af en landsdækkende pulje.", LEFT, y, RIGHT - LEFT)
    c.showPage()
    _running(c, 3, 3)
    _paragraph(c, "Forvaltningen følger op på bevillingerne ved næste budgetopfølgning. Udvalget orienteres "
               "om forbruget på hver indsats og om eventuelle mindreforbrug, der kan overføres til det "
               "følgende år efter de gældende regler for overførsler.", LEFT, 770, RIGHT - LEFT)
    c.showPage()
    c.save()
    return path


# --------------------------------------------------------------------------- a rotated page

ROTATED_CAPTION = "Bilag 1. Budget for akutpsykiatrien (mio. kr.)"
ROTATED_YEARS = ("2025", "2026", "2027", "2028")
ROTATED_ROWS = [
    ("Akutmodtagelse", ("24,5", "25,0", "25,5", "26,0")),
    ("Psykiatrisk skadestue", ("8,2", "8,4", "8,6", "8,8")),
    ("I alt", ("32,7", "33,4", "34,1", "34,8")),
]


def rotated_page(path: Path) -> Path:
    """Page 1 portrait prose; page 2 stored as portrait with /Rotate 90, its content a landscape table."""
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(BOLD, 14)
    c.drawString(LEFT, 790, "Akutpsykiatrien i Region Midtjylland")
    _paragraph(c, "Regionsrådet har vedtaget en samlet plan for akutpsykiatrien. Budgettet for de kommende år "
               "fremgår af bilag 1, der er sat op på tværs af siden.", LEFT, 762, RIGHT - LEFT)
    c.showPage()
    # Landscape content on a portrait page: drawn turned 90 degrees anticlockwise, so that a viewer
    # applying /Rotate 90 (clockwise) shows it upright, the way scanners and office printers store it.
    c.setPageRotation(90)
    c.setPageSize((H, W))  # reportlab writes a /Rotate 90 page's MediaBox with the sides swapped: portrait
    c.saveState()
    c.translate(W, 0)
    c.rotate(90)  # now x runs up the portrait page (0..H) and y runs leftwards (0..W)
    c.setFont(BOLD, 12)
    c.drawString(60, W - 60, ROTATED_CAPTION)
    cols = [420.0, 520.0, 620.0, 720.0]
    c.setFont(BOLD, 10)
    c.drawString(60, W - 90, "Område")
    for x, year in zip(cols, ROTATED_YEARS):
        c.drawRightString(x, W - 90, year)
    for i, (label, cells) in enumerate(ROTATED_ROWS):
        yy = W - 110 - 18 * i
        c.setFont(BOLD if label == "I alt" else BODY, 10)
        c.drawString(60, yy, label)
        for x, cell in zip(cols, cells):
            c.drawRightString(x, yy, cell)
    c.restoreState()
    c.showPage()
    c.save()
    return path


# --------------------------------------------------------------------------- a scanned page

SCANNED_TEXT = ("Der afsættes 3,5 mio. kr. i 2026 til flere sengepladser i Region Midtjylland. "
                "Pengene kommer fra den statslige pulje til psykiatrien.")
TEXT_LAYER_TEXT = "Regionen har i 2025 afsat 2,0 mio. kr. til et udvidet akuttelefonnummer."


def _printed_page(text: str, title: str) -> bytes:
    """A one-page PDF with ``text`` printed on it (the page that will be scanned)."""
    import io

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont(BOLD, 16)
    c.drawString(LEFT, 780, title)
    _paragraph(c, text, LEFT, 740, RIGHT - LEFT, size=13, leading=18)
    c.showPage()
    c.save()
    return buf.getvalue()


def scan_of(pdf: bytes, dpi: int = 200):
    """The first page of ``pdf`` as a greyscale picture, as a scanner would deliver it (PIL image)."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        return doc[0].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        doc.close()


def scanned_page(path: Path, *, text_page: bool = True) -> Path:
    """Page 1 with a text layer (unless ``text_page`` is false); then a page that is only a scanned image."""
    from reportlab.lib.utils import ImageReader

    picture = scan_of(_printed_page(SCANNED_TEXT, "Aktindsigt: beslutning om sengepladser"))
    c = canvas.Canvas(str(path), pagesize=A4)
    if text_page:
        c.setFont(BODY, 11)
        _paragraph(c, TEXT_LAYER_TEXT, LEFT, 780, RIGHT - LEFT, size=11, leading=15)
        c.showPage()
    c.drawImage(ImageReader(picture), 0, 0, width=W, height=H)
    c.showPage()
    c.save()
    return path


def all_layouts(folder: Path) -> dict[str, Path]:
    """Every layout above written into ``folder``; file name → path."""
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "two-column.pdf": two_column_budget(folder / "two-column.pdf"),
        "report.pdf": report_with_tables(folder / "report.pdf"),
        "rotated.pdf": rotated_page(folder / "rotated.pdf"),
        "scanned.pdf": scanned_page(folder / "scanned.pdf"),
    }
