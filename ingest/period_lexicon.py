"""The period lexicon shared by :mod:`ingest.periods` (periods of amounts) and :mod:`ingest.dates`
(dates as entities): years and two-digit second years ("2024-27", "skoleåret 2024/25",
:func:`full_year`), month names, month-part words ("primo", "medio", "ultimo", "starten af" …,
:data:`PARTS`), quarters, halves and seasons, budget codes ("FL24", "FFL25", "B2024", "BF-2027",
"R-2023", :data:`BUDGET_CODES`; the Danish finance act/bill, municipal budget/proposal, accounts) and
years relative to the document's date ("næste år", "i år", "sidste år", "fra næste år").
"""

from __future__ import annotations

import re

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
    ("year", re.compile(rf"\btil\s+{Y}(?!\s*[-–])", re.IGNORECASE)),  # "fordelt med -4,2 mio. kr. til 2026"
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
# "og" after a hyphenated first part ("børne- og ungdomspsykiatrien") joins a compound, not clauses
CLAUSE_BREAK = re.compile(r"[,;:()•]|\s[-–]\s|(?<!-\s)\bog\b|\b(?:men|samt|hvoraf|heraf|hvor|mens)\b", re.IGNORECASE)
COORDINATION = re.compile(r"\s*(?:,|og|eller|samt|\+|=)?\s*", re.IGNORECASE)  # "+", "=": "10 + 2 = 12 mio. kr."
MOVE_VERB = re.compile(r"\b(?:udskyd|flyt|overfør|fremryk|viderefør|forskyd)[a-zæøå]*", re.IGNORECASE)
MOVE_SPAN = re.compile(rf"\b(?:fra|i)\s+(?:[a-zæøå]+\s+){{0,2}}?{Y}\s+til\s+{Y2}", re.IGNORECASE)
MOVE_TO = re.compile(rf"\b(?:udskyd|flyt|overfør|fremryk|viderefør|forskyd)[a-zæøå]*\s+(?:\S+\s+){{0,3}}?til\s+{Y2}",
                     re.IGNORECASE)
ROW_YEAR = re.compile(r"(?:^|(?<=[\s|;:]))((?:19|20)\d\d)[ \t]*[:|]?[ \t]*$")
NOT_BEFORE_ROW_YEAR = re.compile(
    rf"(?:\b(?:i|fra|til|frem|mod|og|eller|inden|senest|før|efter|siden|budget\w*|finanslov\w*|regnskab\w*|"
    rf"primo|medio|ultimo|af|år|året|{MONTH[1:-1]}|kvartal|halvår|perioden|årene)|\d|[-–/])\s*$", re.IGNORECASE)
