"""Danish numbers: digits ("1.465", "48,75"), words ("ti", "femogtyve", "halvanden") and scales.

Digits are parsed with babel's ``parse_decimal(..., locale="da")`` in strict mode, so "1.465" is
one thousand four hundred and sixty-five and "1.5" (not a Danish way of writing a number) is
rejected. Number words are composed by a small parser: units and tens, "og" compounds
("femogtyve"), and "hundrede"/"tusind" multipliers ("to hundrede og halvtreds").
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, format_decimal, parse_decimal

LOCALE = "da"

# A number written with digits: thousands grouped with "." (or a thin/no-break space), decimals
# after ",". Grouped numbers come first so "1.465" is not read as "1".
DIGITS = r"(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)"

UNITS: dict[str, int] = {
    "nul": 0, "en": 1, "én": 1, "et": 1, "ét": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5,
    "seks": 6, "syv": 7, "otte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12, "tretten": 13,
    "fjorten": 14, "femten": 15, "seksten": 16, "sytten": 17, "atten": 18, "nitten": 19,
}
TENS: dict[str, int] = {
    "tyve": 20, "tredive": 30, "fyrre": 40, "fyrretyve": 40, "halvtreds": 50, "tres": 60,
    "halvfjerds": 70, "firs": 80, "halvfems": 90,
}
FRACTIONS: dict[str, Decimal] = {"halvanden": Decimal("1.5"), "halv": Decimal("0.5")}
MULTIPLIERS: dict[str, int] = {"hundrede": 100, "hundred": 100, "tusind": 1000, "tusinde": 1000}

_UNIT_WORDS = sorted(UNITS, key=len, reverse=True)
_TEN_WORDS = sorted(TENS, key=len, reverse=True)
_SIMPLE = "|".join(_UNIT_WORDS + _TEN_WORDS + list(FRACTIONS))
# "femogtyve" (5 + 20), "enogtredive" ...
_COMPOUND = rf"(?:{'|'.join(_UNIT_WORDS)})og(?:{'|'.join(_TEN_WORDS)})"
_WORD = rf"(?:{_COMPOUND}|{_SIMPLE})"
_MULT = "|".join(MULTIPLIERS)
# One number in words: "ti", "femogtyve", "to hundrede og halvtreds", "hundrede", "en halv".
WORDS = rf"(?:(?:{_WORD}\s+)?(?:{_MULT})(?:\s+og\s+{_WORD})?|en\s+halv|{_WORD})"

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
    """A number written with digits the Danish way ("1.465", "48,75", "7,0") or ``None``."""
    s = text.strip().replace("\u00a0", "").replace("\u202f", "")
    if not re.fullmatch(DIGITS, s):
        return None
    try:
        return Decimal(parse_decimal(s, locale=LOCALE, strict=True))
    except (NumberFormatError, InvalidOperation, ValueError):
        return None


def _word_value(word: str) -> Decimal | None:
    if word in UNITS:
        return Decimal(UNITS[word])
    if word in TENS:
        return Decimal(TENS[word])
    if word in FRACTIONS:
        return FRACTIONS[word]
    m = re.fullmatch(rf"({'|'.join(_UNIT_WORDS)})og({'|'.join(_TEN_WORDS)})", word)
    if m:
        return Decimal(UNITS[m.group(1)] + TENS[m.group(2)])
    return None


def parse_words(text: str) -> Decimal | None:
    """A number written in Danish words ("ti", "femogtyve", "to hundrede og halvtreds") or ``None``."""
    words = text.strip().lower().split()
    if not words:
        return None
    if words == ["en", "halv"]:
        return Decimal("0.5")
    total = Decimal(0)
    current: Decimal | None = None
    for i, word in enumerate(words):
        if word == "og" and 0 < i < len(words) - 1:
            continue
        if word in MULTIPLIERS:
            total += (current if current is not None else Decimal(1)) * MULTIPLIERS[word]
            current = None
            continue
        value = _word_value(word)
        if value is None or current is not None:
            return None
        current = value
    return total + (current or Decimal(0))


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
