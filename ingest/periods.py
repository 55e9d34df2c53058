"""Periods of Danish amounts: which year, range, per-year or open-ended period each amount has.

The words and patterns are :mod:`ingest.period_lexicon` (shared with :mod:`ingest.dates`); the
document's own date and heading periods are :mod:`ingest.period_context`.

:func:`find_periods` finds the period expressions in a stretch of text; :func:`assign_periods`
gives each quantity of one sentence the period that belongs to it and says how its year was
found (``Quantity.year_basis``, the concepts of ``kg:YearBases`` in kg/vocab.ttl):

* an expression right after an amount, before any clause break (",", "og", "men", "(" …), is that
  amount's ("48,75 mio. kr. i 2024 og 65,0 mio. kr. årligt fra 2025 og frem" → 2024; 2025 and on);
* an expression after a clause break belongs to the next amount ("I 2025 og frem er 5 mio. kr.");
* "herefter" continues from the year before it ("i 2026 og 200 mio. kr. årligt herefter" → 2027-);
  "i de efterfølgende år frem til 2026" runs from the year after the one before it to 2026, per
  year ("300 mio. kr. i 2023 og 350 mio. kr. i de efterfølgende år frem til 2026" → 2024-2026);
* coordinated amounts share a period that follows both ("40 pct. og 30 pct. frem mod 2030"), as
  do the parts of a sum ("12+4 mio. kr. i 2026", "300.000 kr. + 150.000 kr. i 2027");
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
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ingest.period_lexicon import BUDGET_CODES, BUDGET_WORDS, CLAUSE_BREAK, COORDINATION, MOVE_SPAN, MOVE_TO, MOVE_VERB, NOT_BEFORE_ROW_YEAR, PATTERNS, PER_YEAR, RELATIVE, ROW_YEAR, full_year  # noqa: F401  (full_year: re-exported)
from ingest.period_context import HeadingPeriod, PeriodContext, build_context, heading_period  # noqa: F401

if TYPE_CHECKING:
    from ingest.quantities import Quantity


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
