"""Danish numbers: digits ("1.465", "48,75", "2 500 000", "3½"), words ("ti", "femogtyve",
"to hundrede tusinde", "tre en halv", "to komma otte", "halvanden") and scales.

Digits are parsed with babel's ``parse_decimal(..., locale="da")`` in strict mode, so "1.465" is
one thousand four hundred and sixty-five and "1.5" (not a Danish way of writing a number) is
rejected. Thousands may also be grouped by a space — the plain space or any Unicode space that
typesetters use (no-break U+00A0, narrow no-break U+202F, thin U+2009, figure U+2007 …) — always in
groups of exactly three digits. The fractions ½, ¼ and ¾ may follow the digits ("3½").

Number words are composed by a small parser: units and tens, "og" compounds ("femogtyve"),
"hundrede"/"tusind" multipliers ("to hundrede og halvtreds", "to hundrede tusinde", also written
as one word, "tohundrede"), halves and quarters ("en halv", "tre en halv", "tolv og en halv",
"en kvart", "trekvart", "halvanden", "halvtredje" = 2½) and "komma" decimals ("tre komma fem").
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, format_decimal, parse_decimal

LOCALE = "da"

# Spaces that separate groups of digits: the plain space and every Unicode space (category Zs)
# a typesetter puts there: no-break, narrow no-break, thin, figure, punctuation, hair, en, em …
GROUP_SPACES = " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
SPACE = f"[{GROUP_SPACES}]"
# A number written with digits: thousands grouped with "." or with one space, decimals after ",".
# Grouped numbers come first so "1.465" is not read as "1", nor "2 500 000" as "000".
DIGITS = (rf"(?:\d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?|\d{{1,3}}(?:{SPACE}\d{{3}}(?!\d))+(?:,\d+)?"
          rf"|\d+(?:,\d+)?)")
# Vulgar fractions after (or instead of) the digits: "3½", "¾".
FRACTION_CHARS: dict[str, Decimal] = {"½": Decimal("0.5"), "¼": Decimal("0.25"), "¾": Decimal("0.75")}
FRACTION = "[½¼¾]"
DIGITS_FRACTION = rf"(?:{DIGITS}(?:[ \u00a0]?{FRACTION})?|{FRACTION})"

UNITS: dict[str, int] = {
    "nul": 0, "en": 1, "én": 1, "et": 1, "ét": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5,
    "seks": 6, "syv": 7, "otte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12, "tretten": 13,
    "fjorten": 14, "femten": 15, "seksten": 16, "sytten": 17, "atten": 18, "nitten": 19,
}
TENS: dict[str, int] = {
    "tyve": 20, "tredive": 30, "fyrre": 40, "fyrretyve": 40, "halvtreds": 50, "tres": 60,
    "halvfjerds": 70, "firs": 80, "halvfems": 90,
}
FRACTIONS: dict[str, Decimal] = {
    "halvanden": Decimal("1.5"), "halvandet": Decimal("1.5"), "halvtredje": Decimal("2.5"),
    "halvfjerde": Decimal("3.5"), "halvfemte": Decimal("4.5"), "trekvart": Decimal("0.75"), "halv": Decimal("0.5"),
}
MULTIPLIERS: dict[str, int] = {"hundrede": 100, "hundred": 100, "tusind": 1000, "tusinde": 1000}

_UNIT_WORDS = sorted(UNITS, key=len, reverse=True)
_TEN_WORDS = sorted(TENS, key=len, reverse=True)
_U = "|".join(_UNIT_WORDS)
_T = "|".join(_TEN_WORDS)
# below a hundred: "femogtyve" (5 + 20), "tyve", "tre"
_BASIC = rf"(?:(?:{_U})og(?:{_T})|{_T}|{_U})"
# below a thousand: "to hundrede og halvtreds", "tohundrede", "hundrede"
_HUNDREDS = rf"(?:(?:(?:{_U})\s*)?hundrede?(?:\s+og\s+{_BASIC})?|{_BASIC})"
# a whole number: "to hundrede tusinde", "femogtyve tusind", "hundredetusinde", "tre tusind og fem"
_WHOLE = rf"(?:(?:{_HUNDREDS}\s*)?tusinde?(?:\s+(?:og\s+)?{_HUNDREDS})?|{_HUNDREDS})"
# halves and quarters after a whole number: "tre en halv", "tolv og en halv", "to en kvart"
_HALF_TAIL = r"\s+(?:og\s+)?(?:en|et)\s+(?:halv|halvt|kvart)"
# decimals after "komma": "tre komma fem", "to komma otte fem", "en komma femogtyve"
_COMMA_TAIL = rf"\s+komma(?:\s+(?:{_BASIC}))+"
_SPECIAL = "|".join(sorted(FRACTIONS, key=len, reverse=True))
# One number in words.
WORDS = (rf"(?:(?:en|et)\s+(?:halv|halvt|kvart)|tre\s+kvart|{_WHOLE}(?:{_HALF_TAIL}|{_COMMA_TAIL})?"
         rf"|(?:{_SPECIAL}))")
_PIECES = re.compile("|".join(sorted([*UNITS, *TENS, *MULTIPLIERS, "og"], key=len, reverse=True)))

# Scale words after a number, with the factor they stand for.
SCALE_PATTERNS: list[tuple[str, int]] = [
    (r"mia\.?|mia(?=\b)|milliard(?:er)?|mrd\.?", 10**9),
    (r"mio\.?|mill\.?|million(?:er)?|mln\.?", 10**6),
    (r"t\.\s?kr\.?|tkr\.?|tusind(?:e)?", 10**3),
]


def scale_factor(word: str) -> int:
    """The factor of a scale word: "mio." → 1 000 000, "mia." → 10⁹, "t.kr." → 1 000; else 1."""
    w = re.sub(r"\s+", " ", word.strip().lower())
    for pattern, factor in SCALE_PATTERNS:
        if re.fullmatch(pattern, w):
            return factor
    return 1


def parse_digits(text: str) -> Decimal | None:
    """A number written with digits the Danish way ("1.465", "48,75", "7,0", "2 500 000", "3½") or ``None``.

    Groups of thousands are separated by "." or by one space of :data:`GROUP_SPACES`; a vulgar
    fraction (½ ¼ ¾) may follow. No sign: signs are read by the callers (money, table cells).
    """
    s = text.strip()
    frac = Decimal(0)
    if s and s[-1] in FRACTION_CHARS:
        frac = FRACTION_CHARS[s[-1]]
        s = s[:-1].rstrip(GROUP_SPACES)
        if not s:
            return frac
    if not re.fullmatch(DIGITS, s):
        return None
    if re.search(SPACE, s):  # "2 500 000": the groups were checked by DIGITS
        s = re.sub(SPACE, "", s)
    try:
        value = Decimal(parse_decimal(s, locale=LOCALE, strict=True))
    except (NumberFormatError, InvalidOperation, ValueError):
        return None
    if frac and "," in s:
        return None  # "2,5½" is no number
    return value + frac


def _word_value(word: str) -> Decimal | None:
    if word in UNITS:
        return Decimal(UNITS[word])
    if word in TENS:
        return Decimal(TENS[word])
    if word in FRACTIONS:
        return FRACTIONS[word]
    m = re.fullmatch(rf"({_U})og({_T})", word)
    if m:
        return Decimal(UNITS[m.group(1)] + TENS[m.group(2)])
    return None


def _whole_words(words: list[str]) -> Decimal | None:
    """A whole number from its words: "to hundrede og halvtreds", "to hundrede tusinde", "tohundrede"."""
    pieces: list[str] = []
    for word in words:
        value = _word_value(word)
        if value is not None or word in MULTIPLIERS or word == "og":
            pieces.append(word)
            continue
        split = _PIECES.findall(word)  # "tohundrede", "hundredetusinde"
        if "".join(split) != word:
            return None
        pieces.extend(split)
    total = Decimal(0)  # thousands already complete
    group = Decimal(0)  # hundreds of the current thousand
    current: Decimal | None = None  # the last number word
    after_og = False
    for i, word in enumerate(pieces):
        if word == "og":
            if i == 0 or i == len(pieces) - 1:
                return None
            after_og = True
            continue
        if word in ("hundrede", "hundred"):
            group += (current if current is not None else Decimal(1)) * 100
            current, after_og = None, False
        elif word in ("tusind", "tusinde"):
            total += ((group + (current or 0)) or Decimal(1)) * 1000
            group, current, after_og = Decimal(0), None, False
        else:
            value = _word_value(word)
            if value is None:
                return None
            if current is not None:
                if not (after_og and current < 10 and word in TENS):  # "fem og tyve" = 25
                    return None
                value += current
            current, after_og = value, False
    return total + group + (current or Decimal(0))


def parse_words(text: str) -> Decimal | None:
    """A number written in Danish words, or ``None``.

    "ti", "femogtyve", "to hundrede og halvtreds", "to hundrede tusinde", "en halv", "tre en halv"
    (3½), "tolv og en halv", "en kvart", "trekvart", "halvanden" (1½), "halvtredje" (2½), "tre komma
    fem" (3,5), "to komma otte fem" (2,85): the forms of Danish grammar (Retskrivningsordbogen's
    number words; "halvtredje" etc. are the old "half the third" forms still used in prose).
    """
    words = text.strip().lower().split()
    if not words:
        return None
    if "komma" in words:
        i = words.index("komma")
        whole_part = _whole_words(words[:i]) if i else None
        decimals = [_word_value(w) for w in words[i + 1:]]
        if whole_part is None or not decimals or any(d is None or d != d.to_integral() for d in decimals):
            return None
        if len(decimals) == 1 or all(d < 10 for d in decimals):
            digits = "".join(str(int(d)) for d in decimals)  # "otte fem" → 85
        else:
            return None
        return whole_part + Decimal("0." + digits)
    frac = Decimal(0)
    tails = {("en", "halv"): "0.5", ("et", "halvt"): "0.5", ("en", "halvt"): "0.5", ("et", "halv"): "0.5",
             ("en", "kvart"): "0.25", ("et", "kvart"): "0.25", ("tre", "kvart"): "0.75"}
    if len(words) >= 2 and tuple(words[-2:]) in tails:
        frac = Decimal(tails[tuple(words[-2:])])
        words = words[:-2]
        if words and words[-1] == "og":
            words = words[:-1]
            if not words:
                return None
        if not words:
            return frac
    if len(words) == 1 and words[0] in FRACTIONS:
        return None if frac else FRACTIONS[words[0]]  # "halvanden en halv" is no number
    value = _whole_words(words)
    return value + frac if value is not None else None


def parse_number(text: str) -> Decimal | None:
    """A Danish number in digits or words, or ``None`` when ``text`` is not one."""
    value = parse_digits(text)
    return value if value is not None else parse_words(text)


def format_danish(value: Decimal, decimals: int | None = None) -> str:
    """``value`` written the Danish way ("1.465,5"), the inverse of :func:`parse_digits`."""
    if decimals is None:
        exponent = value.normalize().as_tuple().exponent
        decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE, decimal_quantization=True)


def whole(value: Decimal) -> Decimal:
    """``value`` rounded to a whole number (half up), as amounts of money are kept in whole DKK."""
    return value.quantize(Decimal(1), rounding="ROUND_HALF_UP")
