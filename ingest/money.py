"""Mentions of money, staff figures and percentages in Danish prose.

Money is any number followed by a scale and/or a currency ("7,0 mio. kr.", "2,9 mio.kr.",
"0,2 mia. kr.", "24 millioner kroner", "ti millioner kroner", "500.000 kr.", "1,6 milliarder",
"4,5 mio. dkr.", "2 500 000 kr.", "3½ mio. kr.", "500.000,- kr."), or a currency followed by a
number ("kr. 500.000", "DKK 1,3 mio.", "kr. 425.000,-"), with an optional range ("2-3 mio. kr.",
"mellem 2 og 3 mio. kr.") and qualifier ("ca.", "knap", "op mod", "i størrelsesordenen" …).
A bare scale without a currency ("6,2 mio. i 2025") counts only when a function word, a period
word or punctuation follows, so "4 mio. borgere" is not money.

Signs: "-", "−" (U+2212) and "÷" (the Danish minus) attached to the number, "÷ 2,5" and "minus
2,5" make it negative. A sign the parser cannot place for sure — an en dash attached to the number
("–1,1 mio. kr.", a typeset minus or a dash) or a spaced hyphen or dash after a colon, a preposition
or a copula ("Resultat: - 0,4 mio. kr.", "et resultat på – 0,3 mio. kr.") — makes it negative *and*
flags the fact ``sign-unplaced``.

Sums written with "+" ("15+5 mio. kr.", "(15+5) mio. kr.") give one fact per part, each with the
shared unit. A sum the text states too ("10 + 2 = 12 mio. kr.") is a fact of kind total whose
``sum_of`` are the parts (stored as a kg:Reconciliation of the parts against it), so no SUM of
allocations counts the money twice. A number cut at a group separator ("12 50
000 kr.": groups of the wrong length) is read with all its digits and flagged ``cut-group``; a
group of zeros cut off from its number ("000 kr.") is no fact at all: 0 kr. is stored only when the
text says 0. A unit stated apart from its numbers ("Tilskuddet (mio. kr.) udgør 3,5 i 2025") is
given to the bare numbers after it in the same sentence, flagged ``unit-far-away``.

Staff figures are full-time equivalents only: "42,5 årsværk", "1 ÅV", "ét årsværk", "0,5 overlæge
årsværk", "3 fuldtidsstillinger". A head count such as "2 sygeplejersker" counts people, not
full-time equivalents, and is not a staff figure.

Percentages: "30 %", "50%", "40 pct.", "15 procent", "10-20 %", "3 procentpoint".
"""

from __future__ import annotations

import re
from decimal import Decimal

from ingest.numbers import (
    DIGITS_FRACTION,
    SPACE,
    WORDS,
    parse_number,
    scale_factor,
    whole,
)
from ingest.quantities import Quantity, squash

# Qualifiers directly before the number, longest first; the canonical form is the lower-cased text.
QUALIFIERS = (
    "i størrelsesordenen", "i omegnen af", "i alt op til", "op mod", "op til", "ikke under",
    "ikke over", "ikke mindre end", "ikke mere end", "mere end", "mindre end", "lidt over",
    "lidt under", "stigende til", "faldende til", "mindst", "minimum", "maksimalt", "maks.",
    "højst", "cirka", "ca.", "ca", "omkring", "knapt", "knap", "godt", "næsten", "over", "under",
    "skønsmæssigt", "+/-",
)
_QUAL = "|".join(re.escape(q).replace(r"\ ", r"\s+") for q in QUALIFIERS)
NUM = rf"(?:{DIGITS_FRACTION}|\b{WORDS}\b)"
_GAP = "[ \t\u00a0]*"
_RANGE = rf"(?:mellem\s+(?P<between>{NUM})\s+og\s+|(?P<lo>{NUM})\s*(?:[-–]|til)\s*)?"
_PLUS = rf"(?P<plus>(?P<paren>\({_GAP})?(?:{NUM}{_GAP}\+{_GAP})+)"  # "15+5 mio. kr.", "(15+5) mio. kr.": parts before the last
# A sign before the number: "÷" (the Danish minus, also spaced), "−" (U+2212), "minus", or a hyphen or
# en dash attached to the digits. Never a hyphen after a word or number ("2024-4,2", "F-35").
_SIGN = r"(?P<sign>÷[ \u00a0]?|−[ \u00a0]?|minus\s+|[-–](?=\d))"
_NUMBER = (rf"(?<![\w.,/§])(?<![\w.,/§][-–−÷])(?:(?P<qual>{_QUAL})\s+)?{_SIGN}?"
           rf"(?:{_PLUS}|{_RANGE})(?P<num>{NUM})(?(paren){_GAP}\))"
           rf"(?(plus)(?:{_GAP}={_GAP}(?P<total>{NUM}))?)")  # "10 + 2 = 12 mio. kr.": a written sum
MARK = r"(?:,[-–](?![\w]))"  # the whole-kroner mark: "500.000,- kr.", "kr. 500.000,-", "500.000 kr.,-"

SCALE = r"(?:mia\.?|milliard(?:er)?|mrd\.|mio\.?|mill\.|million(?:er)?|mln\.|tusinde?)"
THOUSANDS = r"(?:t\.\s?kr\.?|tkr\.?|1\.000\s+kr\.)"
CURRENCY = r"(?:kr\.?|kroner|dkr\.?|d\.\s?kr\.?|DKK)(?![\wæøå])"
MONEY = re.compile(
    rf"{_NUMBER}(?:(?P<mark>{MARK})?\s*(?P<unit>{THOUSANDS}|{SCALE}(?:\s*{CURRENCY})?|{CURRENCY}){MARK}?"
    rf"|(?P<bare_mark>{MARK}))"  # "500.000,-" alone: the mark says whole kroner
    rf"|(?<![\w.])(?P<pcur>kr\.?|dkr\.?|DKK)[ \t\u00a0]?(?P<psign>÷[ \u00a0]?|−|-(?=\d))?(?P<pnum>{DIGITS_FRACTION})"
    rf"(?!\w){MARK}?(?:\s*(?P<pscale>{SCALE}))?",
    re.IGNORECASE,
)
STAFF = re.compile(
    rf"{_NUMBER}\s*(?P<unit>(?:[a-zæøå]+\s+)?(?:årsværk|ÅV|fuldtidsstilling(?:er)?|fuldtidsansatte))"
    rf"(?![\wæøå])",
    re.IGNORECASE,
)
PERCENT = re.compile(rf"{_NUMBER}\s*(?P<unit>%|pct\.?|procentpoint|procent)(?![\wæøå])", re.IGNORECASE)
# A unit stated apart from its numbers: "Tilskuddet (mio. kr.) udgør 3,5 i 2025", "Beløb i 1.000 kr.: …"
_FAR_UNIT = r"(?:mio|mia)\.?\s?kr\.?|1\.?000\s?kr\.?|t\.\s?kr\.?|tkr\.?"
UNIT_DECLARATION = re.compile(
    rf"\((?:i\s+|beløb\s+i\s+)?(?P<u>{_FAR_UNIT})\)|\b(?:beløb(?:ene)?|tal(?:lene)?)\s+(?:er\s+)?i\s+(?P<u2>{_FAR_UNIT})",
    re.IGNORECASE,
)
BARE_NUMBER = re.compile(rf"(?<![\w.,/§])(?<![\w.,/§][-–−÷])(?P<sign>÷|−|-(?=\d))?(?P<num>{DIGITS_FRACTION})(?![\w%]|,\d)")
# digit groups right before a number, cut from it by a wrong group length or a line break ("2 500\n000 kr.")
CUT_BEFORE = re.compile(rf"(?<![\d.,])((?:\d{{1,3}}(?:{SPACE}|[ \t]*\n[ \t]*))+)$")

# Words that may follow a bare scale ("6,2 mio. i 2025 og frem") for it still to be money.
BARE_SCALE_FOLLOWERS = frozenset(
    ["i", "til", "fra", "og", "eller", "årligt", "om", "pr.", "pr", "per", "er", "var", "blev", "bliver", "vil", "skal", "kan", "ekstra", "mere", "mindre", "heraf", "hvoraf", "som", "der", "på", "af", "over", "under", "frem", "samlet", "afsat", "afsættes", "varigt", "hvert", "stigende", "faldende", "ud", "med", "til,", "i", "alt"]
)
YEAR_PREPOSITIONS = frozenset(["i", "fra", "siden", "til", "år", "efter", "før", "inden", "og", "frem", "mod", "budget", "finansloven"])
SIGN_UNPLACED = "sign-unplaced"
CUT_GROUP = "cut-group"
# a spaced hyphen or dash where a dash makes no sense, after ":", "=", a preposition or a copula
SPACED_SIGN = re.compile(r"(?:[:=]|\b(?:på|med|af|til|blev|er|var|udgør|udgjorde|udgjort)\b)[ \t]*([-–])[ \t]+$",
                         re.IGNORECASE)
UNIT_FAR_AWAY = "unit-far-away"


def _is_year_like(raw_num: str, text: str, start: int) -> bool:
    """A bare 4-digit year after a preposition ("fra 2022 mio. kr. 25-pl") is no amount."""
    if not re.fullmatch(r"(?:19|20)\d\d", raw_num):
        return False
    before = text[max(0, start - 30):start].split()
    return bool(before) and before[-1].lower().strip(",.(") in YEAR_PREPOSITIONS


def _bare_scale_ok(text: str, end: int) -> bool:
    rest = text[end:end + 40]
    m = re.match(r"\s*(\S*)", rest)
    nxt = m.group(1) if m else ""
    if not nxt or not nxt[0].isalnum():
        return True
    word = nxt.lower().rstrip(".,;:)")
    return word in BARE_SCALE_FOLLOWERS


def _value(m: re.Match[str], group: str) -> Decimal | None:
    raw = m.group(group)
    return parse_number(squash(raw)) if raw else None


def _qualifier(m: re.Match[str]) -> str | None:
    q = m.group("qual")
    return squash(q).lower() if q else None


def _sign(text: str, start: int, sign: str | None) -> tuple[int, int, tuple[str, ...]]:
    """(+1 or -1, start of the mention, flags) for a number whose sign group is ``sign``.

    "÷", "−" and "minus" are minus signs; an attached hyphen is one too, except at the start of a
    line, where it may be a list bullet; an attached en dash may be a typeset minus or a dash, and a
    spaced hyphen or en dash after ":" or "=" ("Resultat: - 0,4 mio. kr.") may be a minus or a
    dash, and so is one after a preposition or copula ("et resultat på – 0,3 mio. kr."): these are
    read as minus and flagged ``sign-unplaced``.
    """
    if sign:
        s = sign.strip().lower()
        line_start = text[:start].rstrip(" \t").endswith("\n") or not text[:start].strip()
        if s == "–" or (s == "-" and line_start):
            return -1, start, (SIGN_UNPLACED,)
        return -1, start, ()
    lo = max(0, start - 16)
    m = SPACED_SIGN.search(text, lo, start)
    if m:
        return -1, m.start(1), (SIGN_UNPLACED,)
    return 1, start, ()


def _cut_group(text: str, start: int, num: str) -> tuple[int, str] | None:
    """A number that continues digit groups written before it ("12 50 000": "50 000" after "12 "):
    the start of the whole and all its digits; ``None`` when nothing is cut off before it."""
    before = CUT_BEFORE.search(text, max(0, start - 24), start)
    if before is None or not re.match(rf"\d{{1,3}}(?:{SPACE}\d{{3}})*(?:,\d+)?$", num):
        return None
    if "\n" in before.group(1) and not num.startswith("0"):
        return None  # "… 12 13\n500 kr.": figures on two lines; "2 500\n000 kr." is one number cut
    digits = re.sub(r"\s", "", before.group(1)) + re.sub(SPACE, "", num)
    return before.start(1), digits


def _number_quantity(m: re.Match[str], text: str, measure: str, factor: int, unit: str) -> list[Quantity]:
    """The quantities of one match: one, or one per part of a "+" sum ("15+5 mio. kr.")."""
    value = _value(m, "num")
    if value is None:
        return []
    low = _value(m, "between") if m.group("between") else _value(m, "lo")
    start = m.start()
    num_start = m.start("lo") if m.group("lo") else m.start("num")
    sign, sign_start, flags = _sign(text, m.start("sign") if m.group("sign") else num_start, m.group("sign"))
    start = min(start, sign_start)
    value_max = None
    if low is not None:
        if low < value:
            value, value_max = low, value
        else:  # "i 2025 til 150 mio. kr." is no range: keep the last number alone
            start = m.start("num")
    raw_num = m.group("num")
    if not m.group("plus") and low is None and re.match(r"\d", raw_num):
        if re.match(r"0\d", raw_num):  # "000 kr." cut off its number: the text does not say 0
            cut = _cut_group(text, m.start("num"), raw_num)
            if cut is None:
                return []
        else:
            cut = _cut_group(text, m.start("num"), raw_num)
        if cut is not None:
            joined = parse_number(cut[1])
            if joined is None:
                return []
            value, start, flags = joined, min(start, cut[0]), flags + (CUT_GROUP,)
    qual = _qualifier(m) if start == m.start() else None
    out: list[Quantity] = []
    if m.group("plus"):
        for part in re.finditer(r"[^+(]+", m.group("plus")):
            piece = part.group(0)
            if not piece.strip():
                continue
            p_value = parse_number(squash(piece))
            if p_value is None:
                return []
            p_start = m.start("plus") + part.start() + (len(piece) - len(piece.lstrip()))
            p_end = m.start("plus") + part.start() + len(piece.rstrip())
            if not out:
                p_value, p_start = p_value * sign, (start if m.group("qual") or m.group("sign") else p_start)
            out.append(Quantity(
                start=p_start, end=p_end, raw=text[p_start:p_end], measure=measure,  # type: ignore[arg-type]
                value=whole(p_value * factor) if measure == "money" else p_value, qualifier=None,
                unit_text=squash(unit), flags=flags,
            ))
        start, sign = m.start("num"), 1
        qual = None
    value = value * sign
    value_max = value_max * sign if value_max is not None else None
    if measure == "money":
        value = whole(value * factor)
        value_max = whole(value_max * factor) if value_max is not None else None
    end = m.end("num") if m.group("total") else m.end()
    out.append(Quantity(
        start=start, end=end, raw=text[start:end], measure=measure, value=value,  # type: ignore[arg-type]
        value_max=value_max, qualifier=qual, unit_text=squash(unit), flags=flags,
    ))
    total = _value(m, "total")
    if total is not None and m.group("plus"):  # the written sum: a total of the parts, never counted beside them
        out.append(Quantity(
            start=m.start("total"), end=m.end(), raw=text[m.start("total"):m.end()], measure=measure,  # type: ignore[arg-type]
            value=whole(total * factor) if measure == "money" else total, unit_text=squash(unit), flags=flags,
            kind="total", sum_of=tuple(out),
        ))
    return out


def _prefix_money(m: re.Match[str], text: str) -> Quantity | None:
    """A currency before the number: "kr. 500.000", "DKK 1,3 mio.", "kr. -1.250", "kr. 425.000,-"."""
    before = text[max(0, m.start() - 12):m.start()]
    if re.search(rf"(?:\d|{SCALE})\s*$", before, re.IGNORECASE):
        return None  # the "kr." of a preceding "mio. kr." and the next number
    value = parse_number(m.group("pnum"))
    if value is None or re.match(r"0\d", m.group("pnum")):
        return None
    if re.fullmatch(r"(?:19|20)\d\d", m.group("pnum")) and re.match(r"\s*[-–]?\s*(?:19|20)\d\d\b", text[m.end():]):
        return None  # "kr. 2025 2026": a table header's columns, not 2.025 kr.
    sign = -1 if m.group("psign") else 1
    factor = scale_factor(m.group("pscale")) if m.group("pscale") else 1
    unit = m.group("pcur") + (" " + m.group("pscale") if m.group("pscale") else "")
    return Quantity(start=m.start(), end=m.end(), raw=m.group(0), measure="money",
                    value=whole(sign * value * factor), unit_text=squash(unit))


def _declarations(text: str) -> list[re.Match[str]]:
    return list(UNIT_DECLARATION.finditer(text))


def find_money(text: str) -> list[Quantity]:
    """Money mentions in ``text`` (see the module's docstring for the forms), not yet sorted."""
    declared = [(d.start(), d.end()) for d in _declarations(text)]
    out: list[Quantity] = []
    for m in MONEY.finditer(text):
        if any(s <= m.start() and m.end() <= e for s, e in declared):
            continue  # "(1.000 kr.)" states a unit, not an amount
        if m.group("pcur"):
            q = _prefix_money(m, text)
            if q is not None:
                out.append(q)
            continue
        unit = m.group("unit") or m.group("bare_mark")
        if _is_year_like(m.group("num"), text, m.start("num")):
            continue
        if re.fullmatch(SCALE, unit.strip(), re.IGNORECASE) and not _bare_scale_ok(text, m.end()):
            continue
        if m.group("bare_mark") or re.fullmatch(CURRENCY, unit.strip(), re.IGNORECASE):
            factor = 1
        elif re.fullmatch(THOUSANDS, unit.strip(), re.IGNORECASE):
            factor = 1000
        else:
            factor = scale_factor(re.match(SCALE, unit.strip(), re.IGNORECASE).group(0))  # type: ignore[union-attr]
        out.extend(_number_quantity(m, text, "money", factor, unit))
    return out + find_far_units(text)


def find_far_units(text: str) -> list[Quantity]:
    """Bare numbers after a unit declaration in the same sentence ("(mio. kr.) udgør 3,5 i 2025 og 4,0 i
    2026"), flagged ``unit-far-away``. A number followed by a noun ("12 pladser"), a year or a
    percentage is not one of them."""
    out: list[Quantity] = []
    for d in _declarations(text):
        unit = d.group("u") or d.group("u2")
        factor = 1000 if re.match(r"1|t", unit, re.IGNORECASE) else scale_factor(unit.split()[0].split("kr")[0])
        line_end = text.find("\n", d.end())
        end = len(text) if line_end < 0 else line_end
        stop = re.search(r"[.!?](?=\s+[A-ZÆØÅ])", text[d.end():end])
        end = d.end() + stop.start() if stop else end
        for m in BARE_NUMBER.finditer(text, d.end(), end):
            num = m.group("num")
            if re.fullmatch(r"(?:19|20)\d\d", num) or not _bare_scale_ok(text, m.end()):
                continue
            value = parse_number(num)
            if value is None or re.match(r"0\d", num):
                continue
            sign = -1 if m.group("sign") else 1
            out.append(Quantity(start=m.start(), end=m.end(), raw=m.group(0), measure="money",
                                value=whole(sign * value * factor), unit_text=squash(unit), flags=(UNIT_FAR_AWAY,)))
    return out


def find_staff(text: str) -> list[Quantity]:
    out = []
    for m in STAFF.finditer(text):
        out.extend(_number_quantity(m, text, "staff", 1, m.group("unit")))
    return out


def find_percent(text: str) -> list[Quantity]:
    out = []
    for m in PERCENT.finditer(text):
        if _is_year_like(m.group("num"), text, m.start("num")):
            continue
        out.extend(_number_quantity(m, text, "percent", 1, m.group("unit")))
    return out


def find_mentions(text: str) -> list[Quantity]:
    """Money, staff and percentage mentions in ``text``, sorted, without overlaps (longest wins)."""
    found = find_money(text) + find_staff(text) + find_percent(text)
    found.sort(key=lambda q: (q.start, -(q.end - q.start)))
    out: list[Quantity] = []
    for q in found:
        if out and q.start < out[-1].end:
            continue
        out.append(q)
    return out
