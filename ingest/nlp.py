"""The Danish pipeline: ``spacy.blank("da")``, the lookup lemmatizer and the quantity components.

Components (each a ``Doc → Doc`` function registered with ``@Language.component``):

* ``da_sentences`` — sentence starts that know Danish abbreviations ("ca.", "mio.", "jf.") and
  that a paragraph break, a list item or a short line (heading, table row) ends a sentence;
* ``da_quantities`` — money, staff and percentage mentions in prose plus budget-table cells, as
  :class:`~ingest.quantities.Quantity` objects in ``doc._.quantities`` and spans in
  ``doc.spans["quantities"]``;
* ``da_periods`` — the period of each prose quantity, sentence by sentence, with the document's
  dates and heading periods from ``doc._.period_context`` (:class:`ingest.periods.PeriodContext`);
  a table cell's year comes from its column (``year_basis`` "fromTable");
* ``da_amount_kinds`` — the kind of each prose quantity from the lemmas of its clause.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, SpanGroup

from ingest.kinds import LIST_ITEM, classify
from ingest.money import find_mentions
from ingest.periods import assign_periods
from ingest.quantities import Quantity, merge, squash
from ingest.tables import find_tables

if not Doc.has_extension("quantities"):
    Doc.set_extension("quantities", default=None)
if not Doc.has_extension("period_context"):  # an ingest.periods.PeriodContext: the document's dates and headings
    Doc.set_extension("period_context", default=None)

ABBREVIATIONS = frozenset(
    ["ca", "mio", "mia", "mill", "jf", "mhp", "bl.a", "m.v", "mv", "f.eks", "fx", "hhv", "inkl", "ekskl", "evt", "nr", "pkt", "stk", "vedr", "iht", "dvs", "osv", "d", "pga", "ift", "mht", "etc", "tlf", "kl", "ml", "dr", "st", "sml", "resp", "cand", "adm", "ang", "gl", "ø", "m.m", "bl", "inkl.", "mrd", "mln", "t.kr", "tkr", "kap", "afs", "jvf"]
)
SOFT_ABBREVIATIONS = frozenset({"kr", "dkr", "pct", "mio.kr", "mia.kr"})  # end a sentence before a capital letter
_END = re.compile(r"[.!?](?=[\"”’)]?\s)")
_BULLET = re.compile(r"\n[ \t]*(?:[-–•*▪●]|\d{1,2}[.)])\s")
SHORT_LINE = 60
CONTINUING = frozenset(["i", "til", "af", "og", "på", "for", "fra", "med", "om", "at", "der", "som", "en", "et", "de", "den", "det", "eller", "samt", "ved", "hvoraf", "heraf"])


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text`` (stripped of surrounding whitespace), in order."""
    cuts = {0, len(text)}
    for m in re.finditer(r"\n[ \t]*\n\s*", text):
        # A paragraph break, unless the text plainly goes on ("24,8 \n\nmio.kr.", "i\n\n2024").
        nxt = text[m.end():m.end() + 1]
        prev = re.search(r"(\S+)\s*$", text[max(0, m.start() - 30):m.start()])
        prev_word = prev.group(1) if prev else ""
        if nxt.islower() or prev_word.endswith(",") or prev_word.lower() in CONTINUING:
            continue
        cuts.add(m.end())
    for m in _BULLET.finditer(text):
        cuts.add(m.start() + 1)
    for m in re.finditer(r"\n", text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line = text[line_start:m.start()].strip()
        nxt = text[m.end():m.end() + 1]
        if line and len(line) < SHORT_LINE and (nxt.isupper() or nxt.isdigit()) and not line.endswith(",") or line.endswith((":", ";")):
            cuts.add(m.end())
    for m in _END.finditer(text):
        after = re.match(r"[\"”’)]?\s+(\S)", text[m.end():m.end() + 20])
        if after is None:
            continue
        first = after.group(1)
        word = re.search(r"(\S+)$", text[max(0, m.start() - 20):m.start()])
        w = word.group(1).lower().lstrip("(\"”") if word else ""
        if m.group(0) == "." and w in ABBREVIATIONS:
            continue
        if m.group(0) == "." and (w in SOFT_ABBREVIATIONS or w.isdigit()) and not first.isupper():
            continue
        if not (first.isupper() or first.isdigit() or first in "\"”•–-"):
            continue
        cuts.add(m.end() + after.start(1))
    ordered = sorted(cuts)
    spans = []
    for a, b in pairwise(ordered):
        seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if b - a - lead - trail > 0:
            spans.append((a + lead, b - trail))
    return spans


@Language.component("da_sentences")
def da_sentences(doc: Doc) -> Doc:
    """Mark sentence starts with :func:`sentence_bounds`."""
    if not len(doc):
        return doc
    starts = {s for s, _ in sentence_bounds(doc.text)}
    # One array write: setting token.is_sent_start one token at a time is quadratic in spaCy.
    values = numpy.array([[1 if i == 0 or t.idx in starts else -1] for i, t in enumerate(doc)], dtype="int64")
    values = values.astype("uint64")
    return doc.from_array([SENT_START], values)


@Language.component("da_quantities")
def da_quantities(doc: Doc) -> Doc:
    """Find money, staff and percentage mentions in prose, and the cells of budget tables."""
    text = doc.text
    table, headers = find_tables(text)
    prose = [q for q in find_mentions(text) if not any(s < q.end and q.start < e for s, e in headers)]
    found = merge(prose, table)
    doc._.quantities = found
    spans = [doc.char_span(q.start, q.end, label=q.measure, alignment_mode="expand") for q in found]
    doc.spans["quantities"] = SpanGroup(doc, name="quantities", spans=[s for s in spans if s is not None])
    return doc


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    if doc.has_annotation("SENT_START"):
        out = []
        for sent in doc.sents:
            seg = sent.text
            lead = len(seg) - len(seg.lstrip())
            end = sent.start_char + len(seg.rstrip())
            if end > sent.start_char + lead:
                out.append((sent.start_char + lead, end))
        return out
    return sentence_bounds(doc.text)


def _by_sentence(doc: Doc) -> list[tuple[tuple[int, int], list[Quantity]]]:
    prose = [q for q in (doc._.quantities or []) if not q.from_table]
    out = []
    i = 0
    for s, e in _sentences(doc):
        group = []
        while i < len(prose) and prose[i].start < e:
            if prose[i].start >= s:
                group.append(prose[i])
            i += 1
        out.append(((s, e), group))
    return out


@Language.component("da_periods")
def da_periods(doc: Doc) -> Doc:
    """Give every prose quantity its period, its sentence span and its quote."""
    text = doc.text  # built anew on every access: read it once
    context = doc._.period_context
    carry, last_end = None, 0
    for (s, e), group in _by_sentence(doc):
        if "\n" in text[last_end:s]:
            carry = None  # a new paragraph, list item or table row
        for q in group:
            q.sentence_start, q.sentence_end = s, max(e, q.end)
            q.quote = squash(text[s:q.sentence_end])
        assign_periods(text, group, s, e, context, carry)
        money = {(q.year, q.year_end, q.open_ended) for q in group if q.measure == "money"}
        if group:  # one year, no range, every amount dated: else nothing is carried
            carry = next(iter(money))[0] if len(money) == 1 and next(iter(money))[1:] == (None, False) else None
        last_end = e
    for q in doc._.quantities or []:
        if q.from_table and q.year is not None and q.year_basis is None:
            q.year_basis = "fromTable"
    return doc


@Language.component("da_amount_kinds")
def da_amount_kinds(doc: Doc) -> Doc:
    """Give every prose quantity its kind; list items use the cues of their lead-in."""
    lead_in: tuple[int, int] | None = None
    in_item = False  # inside a list item (its later sentences included)
    text = doc.text
    last_end = 0
    for (s, e), group in _by_sentence(doc):
        sentence = text[s:e]
        starts_line = "\n" in text[last_end:s] or s == 0
        if LIST_ITEM.match(" " + sentence) is not None:
            in_item = True
        elif starts_line:
            in_item = False
        if group:
            classify(doc, text, group, s, e, lead_in if in_item else None)
        if sentence.endswith(":"):
            lead_in = (s, e)
        elif not in_item:
            lead_in = None
        last_end = e
    for q in doc._.quantities or []:
        if q.sum_of:
            q.kind = "total"  # a written sum ("10 + 2 = 12 mio. kr.") totals its parts
    return doc


PIPELINE = ("lemmatizer", "da_sentences", "da_quantities", "da_periods", "da_amount_kinds")


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """The Danish pipeline (built once per process): tokenizer, lookup lemmatizer, quantities."""
    nlp = spacy.blank("da")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    for name in PIPELINE[1:]:
        nlp.add_pipe(name)
    nlp.initialize()
    nlp.max_length = 5_000_000
    return nlp


def quantities_of(doc: Doc) -> list[Quantity]:
    """The quantities the pipeline found in ``doc``, sorted by position."""
    return list(doc._.quantities or [])


def extract_quantities(text: str, context=None) -> list[Quantity]:
    """Every money amount, staff figure and percentage in ``text`` (prose and budget tables).

    ``context`` is the :class:`ingest.periods.PeriodContext` of the document (its date, its title's
    and headings' periods); without one it is read from ``text`` alone (dates and heading lines).
    """
    from ingest.periods import build_context

    nlp = build_nlp()
    if len(text) >= nlp.max_length:
        nlp.max_length = len(text) + 1
    doc = nlp.make_doc(text)
    doc._.period_context = context if context is not None else build_context(text)
    return quantities_of(nlp(doc))
