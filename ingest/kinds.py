"""The kind of an amount — allocated, share, used, total or other — from the lemmas around it.

Cues are looked for in the amount's own clause first (from the last clause break before it to the
first one after it, never past a neighbouring amount), in this order, the first cue found wins:

1. share: "andel", "øremærke", or an earlier amount of the sentence introduced partitively
   ("Af de afsatte 51,2 mio. kr. i 2024 skal 20 mio. kr. benyttes …": 20 is a share of 51,2);
2. used: anvende, disponere, finansiere, benytte, ansætte, and the participle "udmøntet"
   ("er udmøntet til"); the passive "udmøntes" is an allocation;
3. share: "heraf", "hvoraf" (after the verbs: "hvoraf 24,8 mio. kr. blev disponeret" is used);
4. total: "i alt", "samlet" (not "et samlet tilbud"), "samlede", "total", "sammenlagt";
5. allocated: afsætte, bevilge, udmønte(s), tilføre, allokere, tildele, prioritere, give, støtte,
   "et løft på" …

An amount whose clause has no cue takes the kind of the amount before it in the sentence ("Der
afsættes 3,0 mio. kr. i 2024, 113,3 mio. kr. i 2025 …"), else the first cue of the sentence before it,
else that of the lead-in of a list ("… penge til disse initiativer:" for "- Omkring 65 mio. kr. …"),
else "other".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ingest.quantities import Quantity

SHARE_STRONG = frozenset({"andel", "øremærke", "øremærket", "øremørket"})
USED = frozenset({"anvende", "disponere", "finansiere", "benytte", "ansætte", "forbruge", "bruge"})
USED_FORMS = frozenset({"udmøntet", "anvendt", "disponeret", "finansieret", "ansat"})
SHARE_WEAK = frozenset({"heraf", "hvoraf"})
TOTAL = re.compile(r"\bi alt\b|\btotal[et]?\b|\bsammenlagt\b|\bsamlede\b|(?<!\bet )(?<!\ben )\bsamlet\b")
TOTAL_REACH = 12  # "400 mio. kr. i alt": how far after an amount a total cue still is its own
PARTITIVE = re.compile(r"\baf\s+(?:de\s+)?(?:afsatte\s+|bevilgede\s+|samlede\s+)?$", re.IGNORECASE)
ALLOCATED = frozenset({
    "afsætte", "afsat", "afsatte", "bevilge", "bevilget", "bevilling", "udmønte", "udmøntes",
    "tilføre", "allokere", "tildele", "prioritere", "give", "støtte", "reservere", "budgettere",
    "afsættelse", "løft",
})
CLAUSE_BREAK = re.compile(r"[,;:()•]|\s[-–]\s|\b(?:men|hvoraf|heraf|mens)\b", re.IGNORECASE)
LIST_ITEM = re.compile(r"\s*(?:[-–•*▪●]|\d{1,2}[.)])\s")


def cue(words: Sequence[tuple[str, str]], text: str, total_text: str | None = None) -> str | None:
    """The kind that the (lower-cased text, lemma) pairs of a stretch of ``text`` point to, if any.

    ``total_text`` is where a total cue counts, when narrower than ``text``: "i alt" before a
    later amount is that amount's.
    """
    lemmas = {lemma for _, lemma in words} | {w for w, _ in words}
    flat = re.sub(r"\s+", " ", (text if total_text is None else total_text).lower())
    if lemmas & SHARE_STRONG:
        return "share"
    forms = {w for w, _ in words}
    if forms & USED_FORMS or {lemma for _, lemma in words} & USED:
        return "used"
    if lemmas & SHARE_WEAK:
        return "share"
    if TOTAL.search(flat):
        return "total"
    if lemmas & ALLOCATED:
        return "allocated"
    return None


def _words(doc: Doc, start: int, end: int) -> list[tuple[str, str]]:
    span = doc.char_span(start, end, alignment_mode="contract")
    if span is None:
        return []
    return [(t.lower_, (t.lemma_ or t.text).lower()) for t in span if not t.is_space]


def _clause(text: str, q: Quantity, lo: int, hi: int) -> tuple[int, int]:
    start = lo
    for m in CLAUSE_BREAK.finditer(text, lo, q.start):
        start = m.start() if m.group(0).strip().isalpha() else m.end()
    m = CLAUSE_BREAK.search(text, q.end, hi)
    return start, (m.start() if m else hi)


def classify(doc: Doc, text: str, quantities: list[Quantity], sent_start: int, sent_end: int,
             lead_in: tuple[int, int] | None = None) -> None:
    """Set ``kind`` of the (prose) ``quantities`` of one sentence of ``doc`` (whose text is ``text``)."""
    qs = sorted(quantities, key=lambda q: q.start)
    previous: str | None = None
    partitive = False
    for i, q in enumerate(qs):
        lo = qs[i - 1].end if i else sent_start
        hi = qs[i + 1].start if i + 1 < len(qs) else sent_end
        c_start, c_end = _clause(text, q, lo, hi)
        head = text[c_start:q.start]
        kind = None
        if partitive and not PARTITIVE.search(head):
            kind = "share"
        if kind is None:
            kind = cue(_words(doc, c_start, q.start) + _words(doc, q.end, c_end), text[c_start:c_end],
                       text[c_start:min(c_end, q.end + TOTAL_REACH)])
        if PARTITIVE.search(head):
            partitive = True
        if kind is None:
            kind = previous
        if kind is None:
            kind = cue(_words(doc, sent_start, q.start), text[sent_start:q.start])
        if kind is None and lead_in is not None:
            kind = cue(_words(doc, *lead_in), text[lead_in[0]:lead_in[1]])
        q.kind = kind or "other"  # type: ignore[assignment]
        previous = kind
