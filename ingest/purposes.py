"""What an amount in running text pays for: the purpose phrase that names an initiative.

Status reports and budget notes name many initiatives only once, in the sentence that funds
them. :func:`purpose_of` reads that phrase around one money amount:

* after the amount: "afsat 4,4 mio. kr. til medicinnedtrapning", "… kr. er årligt disponeret
  til husleje og drift", "afsættes til at muliggøre …" (the infinitive marker is dropped);
* in an enumeration, an item without its own "til": "2 mio. kr. til A, 8 mio. kr. B, …";
* before the amount in parentheses: "afsat midler til behandling af X (3,2 mio. kr.)", and a
  bullet that names the initiative: "• Styrket indsats ved Y fra 2025 og frem (15 mio. kr.
  årligt)".

Not purposes: anaphora that point back to the section's initiative ("til initiativet",
"hertil"), actors ("til regionerne", "til Center for …": those are recipients), further amounts
("stigende til 5 mio. kr.").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_YEAR = r"(?:19|20)\d\d"
PERIOD_GAP = re.compile(
    rf"(?:\s*(?:årligt|om året|pr\.\s?år|varigt|i alt|og frem|herefter|i perioden|"
    rf"(?:i|fra|fra og med|til og med|frem til|fra år)\s+{_YEAR}(?:\s*(?:-|–|og)\s*{_YEAR})?|"
    r"i varige midler|yderligere|desuden))*", re.I)
# a few words between the amount and "til": "er årligt disponeret til", "er blevet anvendt bredt til"
VERB_BRIDGE = re.compile(r"\s*(?:[a-zæøå]+\s+){0,4}?til\s+", re.I)
STOP_WORDS = frozenset(
    "til er i fra og som der blev bliver skal kan vil af på hvoraf heraf årligt mhp stigende eller "
    "men samt pr ca mio mia kr kroner millioner".split())
END = re.compile(
    r"\s*(?:[,;:(]|\.(?:\s|$)|\s[–—-]\s|\bmhp\b|\bmed henblik\b|\bfor at\b|\bså\b|\bsom\b|\bder\b|\bhvor|\bjf\b|"
    rf"\bi regi af\b|\bog\s+\d|\bfra\s+{_YEAR}|\bi\s+{_YEAR}|\bårligt\b|\bi varige\b|\binden\b|\bhvilket\b|\bda\b|"
    r"\bnår\b|\bidet\b|\bprimært\b|\bbl\.\s?a\.|\bblandt andet\b|\bherunder\b|\bi størrelsesordenen\b|\bpå\s+\d)",
    re.I)
ANAPHORA = re.compile(
    r"^(?:initiativ(?:et|erne)|indsats(?:en|erne)|formålet|projektet|dette|det|denne|disse|hertil|midlerne|"
    r"puljen|området|ordningen|arbejdet|aftalen|planen)\b", re.I)
BULLET = re.compile(r"^\s*(?:[•·▪◦‣*]|-\s)\s*")
MAX_WORDS = 14


@dataclass(frozen=True)
class Purpose:
    label: str
    start: int
    end: int


def _phrase(text: str, start: int, limit: int) -> tuple[int, int] | None:
    """The noun phrase starting at ``start``: up to the first clause boundary, at most MAX_WORDS words."""
    window = text[start:limit]
    m = END.search(window)
    end = start + (m.start() if m else len(window))
    words = list(re.finditer(r"\S+", text[start:end]))
    if not words:
        return None
    if len(words) > MAX_WORDS:
        end = start + words[MAX_WORDS - 1].end()
    return start, end


def _label(text: str, span: tuple[int, int], actor_spans: list[tuple[int, int]],
           before_paren: bool = False) -> Purpose | None:
    s, e = span
    phrase = re.sub(r"\s+", " ", text[s:e]).strip(" .,;:-–")
    if not phrase or ANAPHORA.match(phrase) or not re.match(r"[A-Za-zÆØÅæøå]", phrase):
        return None
    if any(a_s <= s + 2 and a_e > s for a_s, a_e in actor_spans):
        return None  # "til Region Hovedstaden": a recipient, not a purpose
    if before_paren and any(s <= a_s < e <= a_e + 1 for a_s, a_e in actor_spans):
        return None  # the phrase ends in an actor's name: "klinikkerne på Psykiatrisk Center X (…)"
    phrase = re.sub(r"^(?:at|et|en)\s+", "", phrase, flags=re.I)
    if len(phrase) < 4:
        return None
    return Purpose(phrase[0].upper() + phrase[1:], s, e)


def purpose_of(text: str, start: int, end: int, sentence_start: int, sentence_end: int,
               actor_spans: list[tuple[int, int]] = ()) -> Purpose | None:  # type: ignore[assignment]
    """The purpose phrase of the amount at ``text[start:end]`` in its sentence, or ``None``."""
    spans = list(actor_spans)
    gap = PERIOD_GAP.match(text, end, sentence_end)
    after = gap.end() if gap else end
    bridge = VERB_BRIDGE.match(text, after, sentence_end)
    if bridge and not re.search(r"\d", text[after:bridge.start() + len(bridge.group(0))]):
        span = _phrase(text, bridge.end(), sentence_end)
        return _label(text, span, spans) if span else None
    # an item of an enumeration: "…, 8 mio. kr. recovery-mentorer på alle sengeafsnit, …"
    before = text[sentence_start:start]
    if re.search(r"(?:,|\bog)\s*$", before) and re.search(r"kr\.?\s+(?:\S+\s+){0,3}til\s", before):
        m = re.match(r"\s+([a-zæøå][\w-]*)", text[after:sentence_end])
        if m and m.group(1).lower() not in STOP_WORDS:
            span = _phrase(text, after + m.start(1), sentence_end)
            return _label(text, span, spans) if span else None
    # "… til X (3,2 mio. kr.)" and "• X fra 2025 og frem (15 mio. kr. årligt)"
    if re.search(r"\(\s*$", text[sentence_start:start]):
        paren = text.rfind("(", sentence_start, start)
        head = text[sentence_start:paren]
        til = list(re.finditer(r"\btil\s+", head))
        if til:
            s = sentence_start + til[-1].end()
        elif BULLET.match(head):
            s = sentence_start + BULLET.match(head).end()  # type: ignore[union-attr]
        else:
            return None
        phrase_end = paren
        trail = re.search(rf"\s+(?:fra|i)\s+{_YEAR}(?:\s+og\s+frem)?\s*$", text[s:paren])
        if trail:
            phrase_end = s + trail.start()
        if len(text[s:phrase_end].split()) > MAX_WORDS:
            return None
        return _label(text, (s, phrase_end), spans, before_paren=True)
    return None
