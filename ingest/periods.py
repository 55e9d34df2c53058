"""Periods of Danish amounts, and the period lexicon that :mod:`ingest.dates` shares.

The lexicon (one place for both parsers): years and two-digit second years ("2024-27",
"skoleåret 2024/25", :func:`full_year`), month names, month-part words ("primo", "medio",
"ultimo", "starten af" …, :data:`PARTS`), quarters, halves and seasons, budget codes ("FL24",
"FFL25", "B2024", "BF-2027", "R-2023", :data:`BUDGET_CODES`) and years relative to the document's
date ("næste år", "i år", "sidste år", "fra næste år").

:func:`find_periods` finds the period expressions in a stretch of text; :func:`assign_periods`
gives each quantity of one sentence the period that belongs to it and says how its year was
found (``Quantity.year_basis``, the concepts of ``kg:YearBases`` in kg/vocab.ttl):

* an expression right after an amount, before any clause break (",", "og", "men", "(" …), is that
  amount's ("48,75 mio. kr. i 2024 og 65,0 mio. kr. årligt fra 2025 og frem" → 2024; 2025 and on);
* an expression after a clause break belongs to the next amount ("I 2025 og frem er 5 mio. kr.");
* "herefter" continues from the year before it ("i 2026 og 200 mio. kr. årligt herefter" → 2027-);
  "i de efterfølgende år frem til 2026" runs from the year after the one before it to 2026, per
  year ("300 mio. kr. i 2023 og 350 mio. kr. i de efterfølgende år frem til 2026" → 2024-2026);
* coordinated amounts share a period that follows both ("40 pct. og 30 pct. frem mod 2030");
* "end sidste år", "end i 2021", "i forhold til 2022" compare and date nothing;
* an amount with no period of its own takes the year (only the year) of an earlier period in its
  sentence ("Af de afsatte 51,2 mio. kr. i 2024 skal 20 mio. kr. benyttes" → 2024, fromContext);
* a year cell that opens a row of a table flattened to text dates the amount after it
  ("2024 900.000 kr. Sygehus Lillebælt 2025 1,2 mio. kr." → fromTable);
* relative years resolve against the document's date (:class:`PeriodContext`, relativeToDocumentDate);
* an amount with no year at all, or written "i perioden", takes the period of the title or heading
  it stands under ("Handleplan 2019-2022", "Budget 2026"; fromHeading); "i de kommende år" and
  "på sigt" say the text means no particular year, so nothing is inherited; "fremover", like
  "varigt" and "løbende", makes the amount recur every year from now on;
* money moved between years ("udskyde 40 mio. kr. fra 2025 til 2026", "fremrykke … i 2024 til
  2023", "… i 2024 overføres til 2025") is money for the year it moves to; the year it moves from
  is kept (``Quantity.moved_from``) and becomes a kg:YearMove fact.

"i 2025 og 2026" is read as the closed period 2025-2026 and is not taken to be per year unless
"årligt" says so; "fra 2025" without an end is open-ended. An open-ended amount ("20,0 mio. kr.
fra 2024 og frem", "varigt", "løbende") recurs every year, so it is also per year. A relative year
the document's date cannot resolve stays unset: it is never guessed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.quantities import Quantity

# ------------------------------------------------------------------ the shared lexicon
Y = r"(?<![\d.,/-])((?:19|20)\d\d)(?![\d]|,\d)"
Y2 = r"((?:19|20)\d\d)(?![\d]|,\d)"  # the second year of a range, after "-"
UNIT_AFTER = r"(?!\s*(?:mio|mia|mill|milliard|million|mrd|kr|pct|procent|%|årsværk|t\.\s?kr|tkr))"
Y2_SHORT = rf"((?:19|20)?\d\d)(?![\d]|,\d|\s*-?pl\b){UNIT_AFTER}"  # "2024-27", "2023 til 25"
SEP = r"\s*[-–]\s*"
MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november",
          "december"]
MONTH = r"(januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december)"
PARTS = {"primo": 0, "start": 0, "starten": 0, "begyndelsen": 0, "medio": 1, "midten": 1, "ultimo": 2,
         "slutningen": 2}
PART = r"(primo|medio|ultimo|(?:starten|begyndelsen|midten|slutningen)\s+af)"
ORDINAL = {"første": 1, "andet": 2, "anden": 2, "tredje": 3, "fjerde": 4, "1": 1, "2": 2, "3": 3, "4": 4}
SEASONS = {"forår": (3, 5), "sommer": (6, 8), "efterår": (9, 11), "vinter": (12, 2)}
QUARTER = r"(?:([1-4])\.\s*kvartal|(første|andet|tredje|fjerde)\s+kvartal|Q([1-4]))"
HALF = r"(?:([12])\.\s*halvår|(første|andet)\s+halvår)"
SEASON = r"(forår|sommer|efterår|vinter)(?:en|et)?"
SCHOOL_YEAR = rf"\bskoleår(?:et)?\s+{Y}\s*/\s*((?:19|20)?\d\d)(?!\d)"
# budget codes: code → (document kind, notation of its kg:BudgetDocumentKinds concept)
BUDGET_CODES = {"FL": "finance-act", "FFL": "finance-bill", "B": "budget", "BF": "budget-proposal", "R": "accounts"}
BUDGET_CODE = re.compile(r"(?<![\w-])(FFL|FL|BF|B|R)(?:-?((?:19|20)\d\d)|(?<=FL)(\d\d)|(?<=BF)-?(\d\d))(?![\w-])")
BUDGET_WORDS = (  # spelled-out budget documents before a year, with their kind
    (r"finanslovsforslag(?:et)?|forslag(?:et)?\s+til\s+finanslov(?:en)?", "finance-bill"),
    (r"finanslov(?:en)?|FL", "finance-act"),
    (r"budgetforslag(?:et)?", "budget-proposal"),
    (r"regnskab(?:et)?", "accounts"),
    (r"budget(?:tet|aftale(?:n)?)?", "budget"),
)


def full_year(text: str, base: int | None = None) -> int:
    """A year from four digits, or two digits after ``base`` ("27" after 2024 → 2027; "02" after 1999 → 2002)."""
    if len(text) == 4:
        return int(text)
    century = (base // 100 * 100) if base else 2000
    year = century + int(text)
    return year + 100 if base and year < base else year


_BUDGET_WORD = "|".join(f"(?:{w})" for w, _ in BUDGET_WORDS)
RELATIVE = {"næste": 1, "kommende": 1, "i år": 0, "indeværende": 0, "dette": 0, "sidste": -1, "forrige": -1,
            "fjor": -1}
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("following", re.compile(
        rf"\bi\s+(?:hvert\s+af\s+)?de\s+(?:efterfølgende|følgende|resterende)\s+år"
        rf"(?:\s+(?:(?:frem\s+)?til(?:\s+og\s+med)?\s+{Y}|{Y}(?:{SEP}|\s+til\s+){Y2_SHORT}))?", re.IGNORECASE)),
    ("school", re.compile(SCHOOL_YEAR, re.IGNORECASE)),
    ("closed", re.compile(rf"\b(?:i\s+|fra\s+)?(?:perioden|årene)\s+(?:fra\s+)?{Y}(?:{SEP}|\s+til\s+){Y2_SHORT}", re.IGNORECASE)),
    ("open", re.compile(rf"\b(?:(?:fra|i|med)\s+)?(?:og\s+med\s+)?{Y}\s+og\s+(?:årligt\s+)?(?:frem(?:efter|over)?|fremad)\b", re.IGNORECASE)),
    ("comparison", re.compile(
        rf"\b(?:end|i\s+forhold\s+til|sammenlignet\s+med)\s+(?:i\s+)?(?:{Y}|(?:sidste|forrige)\s+år|året\s+før|i\s+fjor)",
        re.IGNORECASE)),
    ("closed", re.compile(rf"\b(?:fra\s+)?{Y}(?:{SEP}|\s+til\s+){Y2_SHORT}", re.IGNORECASE)),
    ("budget", re.compile(rf"\b(?:{_BUDGET_WORD})(?:\s+for)?\s+{Y}(?:\s+og\s+{Y})?", re.IGNORECASE)),
    ("code", BUDGET_CODE),
    ("closed", re.compile(rf"\b(?:i|fra)\s+{Y}\s+og\s+{Y}", re.IGNORECASE)),
    ("target", re.compile(rf"\b(?:frem\s+(?:mod|til)|senest\s+i|inden)\s+{Y}", re.IGNORECASE)),
    ("from", re.compile(rf"\bfra\s+{Y}", re.IGNORECASE)),
    ("year", re.compile(rf"\b(?:{PART}(?:\s+{MONTH})?|(?:i|fra|inden|senest)\s+(?:{QUARTER}|{HALF}|{SEASON}|{MONTH}))\s+{Y}",
                        re.IGNORECASE)),
    ("year", re.compile(rf"\b(?:i|for|allerede\s+i)\s+{Y}", re.IGNORECASE)),
    ("relative", re.compile(
        r"\b(?:(fra|til|i)\s+)?(?:(næste|sidste|forrige|indeværende|dette|det\s+kommende)\s+år(?![\wæøå])"
        r"|(i\s+år)(?!\s*(?:19|20)\d\d)(?![\wæøå])|i\s+(fjor))", re.IGNORECASE)),
    ("herefter", re.compile(r"\b(?:årligt\s+)?(?:herefter|derefter)\b", re.IGNORECASE)),
    ("vague", re.compile(r"\b(?:i\s+de\s+kommende\s+år|på\s+sigt)\b", re.IGNORECASE)),
    ("lasting", re.compile(r"\b(?:i\s+årene\s+)?fremover\b", re.IGNORECASE)),
    ("the_period", re.compile(r"\b(?:i|over|for)\s+(?:hele\s+)?(?:perioden|årene|budgetperioden)\b(?!\s+(?:fra\s+)?\d)",
                              re.IGNORECASE)),
    ("lasting", re.compile(r"\b(?:varig[te]|permanent(?:e|t)?)\b(?!\s+[a-zæøå]*(?:finansiering|midler))", re.IGNORECASE)),
    ("lasting", re.compile(r"\bløbende\b(?=\s*(?:[.,;:)]|$|og\b|til\b|fra\b|i\s+(?!løbende|faste)\w|om\b))", re.IGNORECASE)),
]
PER_YEAR = re.compile(r"\b(?:årligt|om\s+året|pr\.\s*år|per\s+år|hvert\s+år|årlige|hvert\s+af\s+(?:årene|de))\b",
                      re.IGNORECASE)
CLAUSE_BREAK = re.compile(r"[,;:()•]|\s[-–]\s|\b(?:og|men|samt|hvoraf|heraf|hvor|mens)\b", re.IGNORECASE)
COORDINATION = re.compile(r"\s*(?:,|og|eller|samt)?\s*", re.IGNORECASE)
MOVE_VERB = re.compile(r"\b(?:udskyd|flyt|overfør|fremryk|viderefør|forskyd)[a-zæøå]*", re.IGNORECASE)
MOVE_SPAN = re.compile(rf"\b(?:fra|i)\s+(?:[a-zæøå]+\s+){{0,2}}?{Y}\s+til\s+{Y2}", re.IGNORECASE)
MOVE_TO = re.compile(rf"\b(?:udskyd|flyt|overfør|fremryk|viderefør|forskyd)[a-zæøå]*\s+(?:\S+\s+){{0,3}}?til\s+{Y2}",
                     re.IGNORECASE)
ROW_YEAR = re.compile(r"(?:^|(?<=[\s|;:]))((?:19|20)\d\d)[ \t]*[:|]?[ \t]*$")
NOT_BEFORE_ROW_YEAR = re.compile(
    rf"(?:\b(?:i|fra|til|frem|mod|og|eller|inden|senest|før|efter|siden|budget\w*|finanslov\w*|regnskab\w*|"
    rf"primo|medio|ultimo|af|år|året|{MONTH[1:-1]}|kvartal|halvår|perioden|årene)|\d|[-–/])\s*$", re.IGNORECASE)


@dataclass(slots=True)
class PeriodMention:
    """One period expression: a year, a closed or open period, or a marker without a year."""

    start: int
    end: int
    kind: str  # year | closed | open | from | budget | code | target | school | following | relative |
    #           herefter | the_period | lasting | vague | comparison | per_year
    year: int | None = None
    year_end: int | None = None
    per_year: bool = False  # "i 2025 og årligt frem"
    document: str | None = None  # budget document kind ("finance-act" …) of "FL24", "Budget 2026"
    code: str | None = None  # the budget code as written ("FFL25")
    offset: int | None = None  # relative years: +1 "næste år", 0 "i år", -1 "sidste år"
    opens: bool = False  # "fra næste år": from that year on

    @property
    def temporal(self) -> bool:
        return self.kind not in ("per_year", "comparison")


def _mention(kind: str, m: re.Match[str]) -> PeriodMention | None:
    groups = m.groups()
    if kind == "relative":
        prep = (groups[0] or "").lower()
        word = (groups[1] or groups[2] or groups[3] or "").lower().split()[-1]
        offset = RELATIVE["i år" if word == "år" else word]
        return PeriodMention(m.start(), m.end(), kind, offset=offset, opens=prep == "fra")
    if kind == "code":
        prefix = groups[0]
        digits = next(g for g in groups[1:] if g)
        return PeriodMention(m.start(), m.end(), kind, full_year(digits), document=BUDGET_CODES[prefix], code=m.group(0))
    years = [g for g in groups if g and re.fullmatch(r"(?:19|20)?\d\d", g)]
    if kind == "budget":
        word = m.group(0).lower()
        document = next(d for w, d in BUDGET_WORDS if re.match(w, word, re.IGNORECASE))
        ys = [int(y) for y in years]
        return PeriodMention(m.start(), m.end(), kind, ys[0], ys[1] if len(ys) > 1 else None, document=document)
    if kind == "year":
        return PeriodMention(m.start(), m.end(), kind, int(years[-1]))
    if not years:
        return PeriodMention(m.start(), m.end(), kind)
    year = int(years[0])
    year_end = full_year(years[1], year) if len(years) > 1 else None
    if kind == "following" and len(years) == 1:  # "… frem til 2026": the start comes from the sentence
        return PeriodMention(m.start(), m.end(), kind, None, year, per_year=True)
    if kind in ("closed", "school", "following") and (year_end is None or not year < year_end <= year + 50):
        return None
    per_year = kind == "following" or PER_YEAR.search(m.group(0)) is not None
    return PeriodMention(m.start(), m.end(), kind, year, year_end, per_year)


def find_periods(text: str, start: int = 0, end: int | None = None) -> list[PeriodMention]:
    """Period expressions in ``text[start:end]``, sorted and not overlapping (earlier patterns win)."""
    end = len(text) if end is None else end
    taken: list[PeriodMention] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text, start, end):
            if any(p.start < m.end() and m.start() < p.end for p in taken):
                continue
            mention = _mention(kind, m)
            if mention is not None:
                taken.append(mention)
    for m in PER_YEAR.finditer(text, start, end):
        if not any(p.start <= m.start() < p.end for p in taken):
            taken.append(PeriodMention(m.start(), m.end(), "per_year"))
    taken.sort(key=lambda p: (p.start, p.end))
    return taken


# ------------------------------------------------------------------ context: document dates and headings
@dataclass
class HeadingPeriod:
    """A period named in a title or heading ("Budget 2026") and the stretch of text it governs."""

    start: int
    end: int
    year: int
    year_end: int | None
    document: str | None
    text: str


@dataclass
class PeriodContext:
    """What the text around a sentence says about time: the document's date(s) and heading periods.

    ``dates`` are (offset, year) anchors sorted by offset: a relative year is resolved with the last
    anchor before it (a meeting's date governs its minutes), or the first one when none precedes.
    """

    dates: list[tuple[int, int]] = field(default_factory=list)
    headings: list[HeadingPeriod] = field(default_factory=list)
    own_date: object | None = None  # the document's own ingest.dates.DocumentDate (kg:documentDate), if any

    def year_at(self, offset: int) -> int | None:
        if not self.dates:
            return None
        i = bisect_right([o for o, _ in self.dates], offset) - 1
        return self.dates[max(i, 0)][1]

    def heading_at(self, offset: int) -> HeadingPeriod | None:
        inside = [h for h in self.headings if h.start <= offset < h.end]
        return max(inside, key=lambda h: h.start) if inside else None


HEADING_NOUN = (r"[\wæøåÆØÅ-]*(?:plan|planen|strategi|strategien|aftale|aftalen|budget|budgettet|budgetforslag|"
                r"program|programmet|pulje|puljen|finanslov|finansloven|finanslovsforslag|regnskab|handleplan|"
                r"indsatsplan|budgetperiode|økonomiaftale)")
HEADING_PERIOD = re.compile(
    rf"(?<![\wæøå])({HEADING_NOUN})(?:\s+for)?\s+{Y}(?:(?:{SEP}|\s+til\s+){Y2_SHORT})?(?![\wæøå])(?!\s*[-–]?\s*pl\b)",
    re.IGNORECASE)
HEADING_DATED = re.compile(  # "Budgetopfølgning pr. 31-03-2025": the budget year of a follow-up
    r"(?<![\wæøå])((?:budget)?(?:opfølgning|revision|regnskab)[a-zæøå]*|forventet\s+regnskab)\s+(?:pr\.\s*|per\s+)?"
    r"\d{1,2}[./-]\d{1,2}[./-]((?:19|20)\d\d)(?!\d)", re.IGNORECASE)
MAX_HEADING_WORDS = 14


def heading_period(line: str) -> tuple[int, int | None, str | None] | None:
    """(year, year_end, budget document) of a title or heading line that names a plan's or budget's period."""
    line = re.sub(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+", "", line)  # "2.1 Budget 2026"
    words = line.split()
    if not words or len(words) > MAX_HEADING_WORDS or line.rstrip().endswith((".", ",", ";", "!", "?")):
        return None
    if not line.lstrip()[:1].isupper():
        return None
    m = HEADING_PERIOD.search(line)
    if m is None:
        dated = HEADING_DATED.search(line)
        if dated is None or re.search(r"\d", line[:dated.start()] + line[dated.end():]):
            return None
        return int(dated.group(2)), None, "accounts" if "regnskab" in dated.group(1).lower() else "budget"
    if re.search(r"\d", re.sub(rf"{Y}(?:{SEP}{Y2_SHORT})?", "", line[:m.start()] + line[m.end():])):
        return None  # a table row or a sentence with figures, not a heading
    year = int(m.group(2))
    year_end = full_year(m.group(3), year) if m.group(3) else None
    if year_end is not None and not year < year_end <= year + 50:
        return None
    noun = m.group(1).lower()
    document = next((d for w, d in BUDGET_WORDS if re.fullmatch(w, noun, re.IGNORECASE)), None)
    return year, year_end, document


def build_context(text: str, sections=None, titles: Iterable[str | None] = (), date_hint: str | None = None) -> PeriodContext:
    """The :class:`PeriodContext` of a document: its dates (:func:`ingest.dates.document_dates`, with the
    manifest's ``date_hint``) and the periods of its title (the first of ``titles`` -- e.g. the
    manifest's title and the source's first line -- or of the text's first line that names one; it
    governs the whole document) and of its headings (the heading line of each of ``sections``, and
    any short line naming a period; each governs the text up to the next heading)."""
    from ingest.dates import document_date, document_dates

    found_dates = document_dates(text, date_hint)
    ctx = PeriodContext(dates=[(d.offset, d.year) for d in found_dates], own_date=document_date(found_dates))
    lines = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+", text)]
    first = next(((s, ln) for s, ln in lines if ln.strip()), None)
    candidates = [t for t in titles if t] + ([first[1]] if first else [])
    for title in candidates:
        found = heading_period(title)
        if found is not None:
            ctx.headings.append(HeadingPeriod(0, len(text), *found, title))
            break
    starts = sorted({sec.start for sec in sections or ()} | {s for s, ln in lines if heading_period(ln)})
    for i, s in enumerate(starts):
        line = text[s:text.find("\n", s) if "\n" in text[s:] else len(text)]
        hp = heading_period(line)
        if hp is None or (first is not None and s == first[0]):
            continue
        end = next((t for t in starts[i + 1:] if t > s), len(text))
        ctx.headings.append(HeadingPeriod(s, end, *hp, line))
    return ctx


# ------------------------------------------------------------------ assigning periods to amounts
def _has_break(text: str, start: int, end: int) -> bool:
    return CLAUSE_BREAK.search(text, start, end) is not None


def _set_year(q: Quantity, year: int | None, basis: str) -> None:
    q.year = year
    q.year_basis = basis if year is not None else None


def _apply(q: Quantity, p: PeriodMention, previous_year: int | None, ctx: PeriodContext | None,
           years: tuple[int, int] | None = None, apart: bool = False) -> None:
    """Give ``q`` the period ``p``; ``years`` are the first and last year named earlier in the
    sentence, ``apart`` says a clause break lies between ``p`` and ``q``."""
    if p.kind == "per_year":
        q.per_year = True
        return
    if p.kind in ("lasting", "vague") or (p.kind == "following" and p.year is None and previous_year is None):
        if p.kind != "vague":
            q.open_ended = p.year_end is None
            q.per_year = True
        return
    if p.kind == "herefter":
        q.open_ended = True
        q.per_year = True
        _set_year(q, previous_year + 1 if previous_year is not None else None, "stated")
        return
    if p.kind == "the_period":  # "i alt 1,5 mia. kr. i perioden": the years named before
        if years is not None and years[1] > years[0]:
            _set_year(q, years[0], "fromContext")
            q.year_end = years[1]
        return
    if p.kind == "relative":
        base = ctx.year_at(p.start) if ctx is not None else None
        _set_year(q, base + (p.offset or 0) if base is not None else None, "relativeToDocumentDate")
        if p.opens and not apart and q.year is not None:
            q.open_ended = q.per_year = True
        return
    if p.kind == "following":
        start = p.year if p.year is not None else previous_year + 1  # type: ignore[operator]
        _set_year(q, start, "stated")
        q.year_end = p.year_end
        q.per_year = True
        q.open_ended = p.year_end is None
        return
    _set_year(q, p.year, "stated")
    q.per_year = q.per_year or p.per_year
    if p.document:
        q.budget_document, q.budget_code = p.document, p.code
    if p.kind == "from" and not apart:  # "som fra 2022 øges til 25 mio. kr."; not "Data fra 2023 viser, at"
        q.open_ended = True
        q.per_year = True
    if p.kind in ("closed", "budget", "school"):
        q.year_end = p.year_end
    if p.kind == "open":  # "20 mio. kr. fra 2024 og frem" recurs every year
        q.open_ended = True
        q.per_year = True


def _row_year(text: str, q: Quantity, sent_start: int) -> int | None:
    """The year cell that opens the table row of ``q`` ("2024 900.000 kr.", "2022: 1,5 mio. kr.")."""
    m = ROW_YEAR.search(text, max(sent_start, q.start - 12), q.start)
    if m is None:
        return None
    if NOT_BEFORE_ROW_YEAR.search(text[max(0, m.start(1) - 20):m.start(1)]):
        return None
    return int(m.group(1))


def assign_periods(text: str, quantities: list[Quantity], sent_start: int, sent_end: int,
                   context: PeriodContext | None = None, carry: int | None = None) -> None:
    """Set year, year_end, open_ended, per_year and year_basis of the (prose) ``quantities`` of one
    sentence, and budget_document/budget_code/moved_from where the text gives them.

    ``carry`` is the one year of the amounts of the sentence before in the same paragraph ("Der
    allokeres 175 mio. kr. i 2025, … . 25 mio. kr. allokeres til …"): an amount of a sentence that
    names no period at all takes it (fromContext)."""
    qs = sorted(quantities, key=lambda q: q.start)
    if not qs:
        return
    own: list[list[PeriodMention]] = [[] for _ in qs]
    bounds = [sent_start] + [q.end for q in qs]
    for i in range(len(qs) + 1):
        seg_start = bounds[i]
        seg_end = qs[i].start if i < len(qs) else sent_end
        for p in find_periods(text, seg_start, seg_end):
            if i > 0 and not _has_break(text, seg_start, p.start):
                own[i - 1].append(p)  # right after the previous amount
            elif i < len(qs):
                own[i].append(p)  # before this amount, after a clause break
    last_year: int | None = None  # the latest year named before the current amount
    named: list[int] = []  # every year named so far in the sentence
    for i, q in enumerate(qs):
        temporal = [p for p in own[i] if p.temporal]
        before = [p for p in temporal if p.end <= q.start]
        after = [p for p in temporal if p.start >= q.end]
        span = (min(named), max(named)) if named else None
        row = _row_year(text, q, sent_start) if not before else None
        if row is not None:
            _set_year(q, row, "fromTable")
        for p in ([] if row is not None else (after[:1] or before[-1:])):
            apart = p.end <= q.start and _has_break(text, p.end, q.start)
            _apply(q, p, last_year, context, span, apart)
        for p in own[i]:  # "årligt", "om året"; before the amount only within its clause ("de årlige
            # økonomiforhandlinger …, at kommunerne får 1,4 mia. kr." is no per-year amount)
            if p.kind == "per_year" and (p.start >= q.end or not _has_break(text, p.end, q.start)):
                _apply(q, p, last_year, context, span)
        blocked = any(p.kind in ("the_period", "lasting", "vague", "relative") for p in temporal)
        inherited = last_year if last_year is not None else carry if not named and not temporal else None
        if q.year is None and not q.open_ended and not blocked and inherited is not None:
            _set_year(q, inherited, "fromContext")  # inherited: the year only
        for p in temporal:
            if p.year is not None or p.year_end is not None:
                last_year = p.year_end or p.year
                named.extend(y for y in (p.year, p.year_end) if y is not None)
        if q.year is not None:
            last_year = q.year_end or q.year
    _share_coordinated(text, qs, own)
    _moves(text, qs, sent_start, sent_end)
    if context is not None:
        for i, q in enumerate(qs):
            if q.year is None and not any(p.kind in ("vague", "relative") for p in own[i]):
                _from_heading(q, context, any(p.kind == "the_period" for p in own[i]))


def _from_heading(q: Quantity, ctx: PeriodContext, the_period: bool) -> None:
    """An amount without a year ("i perioden" or none at all) takes its heading's period."""
    h = ctx.heading_at(q.start)
    if h is None or (q.open_ended and not the_period):
        return
    _set_year(q, h.year, "fromHeading")
    q.year_end = h.year_end
    if h.document and not q.budget_document:
        q.budget_document = h.document


def _moves(text: str, qs: list[Quantity], start: int, end: int) -> None:
    """Money moved between years: the amount is for the target year and remembers where it came from."""
    if not MOVE_VERB.search(text, start, end):
        return
    money = [q for q in qs if q.measure == "money"]
    if not money:
        return
    span = MOVE_SPAN.search(text, start, end)
    if span is not None and MOVE_VERB.search(text, start, span.start()):
        source, target = int(span.group(1)), int(span.group(2))
    else:
        to = MOVE_TO.search(text, start, end)
        first = money[0]
        if to is None or first.year is None or to.start() < first.end:
            return
        source, target = first.year, int(to.group(1))
    if source == target:
        return
    q = min(money, key=lambda q: abs(q.start - (span.start() if span is not None else q.start)))
    q.moved_from = source
    _set_year(q, target, "stated")
    q.year_end = None
    q.open_ended = False  # "fra 2027" of "fra 2027 til 2026" is where it comes from, not "from then on"
    q.per_year = PER_YEAR.search(text, start, end) is not None


def _share_coordinated(text: str, qs: list[Quantity], own: list[list[PeriodMention]]) -> None:
    """"40 pct. og 30 pct. frem mod 2030": an amount with no period takes the next one's."""
    for i in range(len(qs) - 2, -1, -1):
        q, nxt = qs[i], qs[i + 1]
        if any(p.temporal for p in own[i]) or q.open_ended:
            continue
        if COORDINATION.fullmatch(text[q.end:nxt.start]) and (nxt.year or nxt.year_end or nxt.open_ended):
            q.year, q.year_end = nxt.year, nxt.year_end
            q.year_basis = nxt.year_basis
            q.open_ended, q.per_year = nxt.open_ended, nxt.per_year or q.per_year
