"""Extractive answers: understand the question, rank the graph's facts, merge their sources, frame it.

For an amount question (:data:`search.question.AMOUNT_CUES`):

1. :func:`search.question.understand` reads what is asked (target actors and words, measure,
   years, document kind, language);
2. candidates are the facts whose own sentence is most similar to the question (fact vectors
   kept with the index, :mod:`search.factindex`: the question is the only text encoded) and the
   facts of the best passages of hybrid search;
3. :mod:`search.rank` scores them with the fitted weights; :mod:`search.factgroups` merges equal
   figures for the same thing into one answer with several citations and shows
   ``kg:conflictsWith`` partners as a conflict;
4. :mod:`search.frame` states the best answer in the asker's language, the quote in Danish.

When no candidate matches what the question is about (:func:`matches_target`), the answer says so
and shows the best passages instead of an unrelated amount. Other questions get the best passage.
Passages are grouped with their near-duplicates (:mod:`search.dedup`).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kg.store import GraphStore
from search.ask_sparql import ShownQuery, question_sparql
from search.dedup import group_hits, passage_groups
from search.factgraph import document_info, fact_details, graph_actors
from search.factgroups import FactAnswer, attach_conflicts, group_facts
from search.factindex import fact_vectors
from search.frame import amount_text, answer_sentence, no_match_sentence, period_text
from search.grouped import DEPTH_FACTOR, results
from search.question import Question, content_stems, stem, understand
from search.rank import FEATURES, Context, Scorer, features
from search.sentences import rerank
from search.service import SearchFilters, SearchResult, allowed_passages

PASSAGE_DEPTH = 20  # passages whose facts are candidates, and whose rank is a signal
BY_SENTENCE = 40  # facts taken by similarity of their own sentence to the question
MAX_FACTS = 10
# A target word is "rare" (specific) when at most this share of the passages contain it (matches_target).
RARE_SHARE = 0.03
SPECIFIC_LENGTH = 9


@dataclass
class Answer:
    question: str
    asks_amount: bool
    answer: str | None
    facts: list[dict[str, Any]] = field(default_factory=list)
    passages: list[SearchResult] = field(default_factory=list)
    sparql: ShownQuery | None = None  # the query behind the facts, for analysts to take further
    lang: str = "da"
    no_match: bool = False  # an amount was asked for, and no fact is about what was asked
    understood: dict[str, Any] = field(default_factory=dict)  # what the question was read as


@dataclass
class Ranked:
    """The scored candidates of one amount question (kept for evaluation and fitting)."""

    question: Question
    facts: list[dict[str, Any]]
    x: np.ndarray
    answers: list[FactAnswer]


def rank_facts(store: GraphStore, index, q: Question, hits: list, allowed: set[str] | None,
               scorer: Scorer | None = None) -> Ranked:
    """Candidates for ``q`` scored and merged into answers, best first (see the module docstring)."""
    scorer = scorer or Scorer.load()
    vectors = fact_vectors(index)
    # the question in its own words: the multilingual encoder matches English to Danish sentences
    # (the glossary translation, which passage search uses, is only an aid)
    sims, label_sims = vectors.similarities(index.query_vector(q.text, translate=False)) if vectors is not None else ({}, {})
    if vectors is not None and q.translated:
        # an English question: its glossary translation (the vector passage search uses) is a second view
        other, other_labels = vectors.similarities(index.query_vector(q.text))
        sims = {iri: (s + other[iri]) / 2 for iri, s in sims.items()}
        label_sims = {iri: (s + other_labels[iri]) / 2 for iri, s in label_sims.items()}
    by_sentence = top_distinct(sims, BY_SENTENCE * 2)
    from search.service import facts_for

    passage_facts = facts_for(store, [h.iri for h in hits[:PASSAGE_DEPTH]])
    iris = list(dict.fromkeys(by_sentence + [f["iri"] for fs in passage_facts.values() for f in fs]))
    details = fact_details(store, iris)
    measure = "StaffFigure" if q.staff else "MoneyAmount"
    cands = [f for f in details.values() if f["measure"] == measure and (allowed is None or f.get("passage") in allowed)]
    # keep the facts of the BY_SENTENCE best sentences plus every fact of a retrieved passage
    retrieved = {f["iri"] for fs in passage_facts.values() for f in fs}
    best = set(top_distinct({f["iri"]: sims.get(f["iri"], -1.0) for f in cands}, BY_SENTENCE))
    cands = [f for f in cands if f["iri"] in best or f["iri"] in retrieved]
    ranks = {h.iri: h.rank for h in hits[:PASSAGE_DEPTH]}
    ctx = Context(sims, index.similarities(q.text), ranks, document_info(store), label_sims, term_weights(q, index))
    x = features(q, cands, ctx)
    scores = scorer.scores(x)
    for f, s, row in zip(cands, scores, x, strict=True):
        f["score"] = float(s)
        f["sentence_similarity"] = round(float(sims[f["iri"]]), 4) if f["iri"] in sims else None
        f["signals"] = {name: round(float(v), 3) for name, v in zip(FEATURES, row, strict=True) if v}
    order_idx = np.argsort(-scores, kind="stable") if len(cands) else np.zeros(0, dtype=int)
    ranked = [cands[i] for i in order_idx]
    x = x[order_idx] if len(cands) else x
    answers = attach_conflicts(group_facts(ranked), lambda missing: fact_details(store, missing))
    return Ranked(q, ranked, x, answers)


def question_hits(index, question: str, allowed: set[str] | None, k: int = 6) -> list:
    """The hybrid hits an answer starts from (first page ordered by best sentence), deep enough for
    :data:`PASSAGE_DEPTH` and for ``k`` groups of near-duplicates; the same list for answering and fitting."""
    return rerank(index, question, index.search(question, k=max(PASSAGE_DEPTH, k * DEPTH_FACTOR), filter=allowed))


def top_distinct(sims: dict[str, float], n: int) -> list[str]:
    """IRIs with one of the ``n`` highest distinct similarities, best first (facts sharing a sentence —
    the cells of one table row — tie and count once)."""
    if not sims:
        return []
    values = sorted(set(sims.values()), reverse=True)
    floor = values[min(n, len(values)) - 1]
    return sorted((i for i, s in sims.items() if s >= floor), key=lambda i: -sims[i])


@dataclass(frozen=True)
class CorpusWords:
    """Word stems of the indexed passages: in how many passages each occurs, and in how many of
    the passages that hold a money amount (or name it in an initiative's label)."""

    passages: int
    df: Counter
    money_df: Counter

    def count(self, term: str, table: Counter) -> int:
        """Passages containing ``term`` or a word it is a prefix of, or a prefix of (≥ 4 letters)."""
        return max((c for s, c in table.items()
                    if s == term or (len(term) >= 4 and len(s) >= 4 and (s.startswith(term) or term.startswith(s)))), default=0)


def corpus_words(index) -> CorpusWords:
    """The :class:`CorpusWords` of the open index (computed once)."""
    def count(_path) -> CorpusWords:
        vectors = fact_vectors(index)
        money = vectors.money_passages() if vectors is not None else frozenset()
        df: Counter = Counter()
        money_df: Counter = Counter()
        for r in index.records:
            stems = content_stems(r.text)
            df.update(stems)
            if r.iri in money:
                money_df.update(stems)
        if vectors is not None:
            money_df.update(s for label in set(vectors.initiative_labels) if label for s in content_stems(label))
        return CorpusWords(len(index.records), df, money_df)

    return index.sidecar("corpus_words", count)


def term_weights(q: Question, index) -> dict[str, float]:
    """Inverse document frequency of each target word of ``q`` over the indexed passages,
    ``log((N + 1) / (df + 1))`` (prefix matches count, as in :meth:`CorpusWords.count`): "psykiatri",
    in most passages, weighs little beside "opfølgning" or "spiseforstyrrelser"."""
    words = corpus_words(index)
    return {t: math.log((words.passages + 1) / (words.count(t, words.df) + 1)) for t in q.terms}


def unsupported_words(q: Question, index) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The question's specific words, and those of them that no money passage contains.

    Specific (:data:`search.question.Question.words`): a name (capitalised: "Grønland") or a long
    word (≥ :data:`SPECIFIC_LENGTH` letters: Danish compounds name things — "tandpleje",
    "musikterapi", "retspsykiatrien") that at most :data:`RARE_SHARE` of the passages contain, or
    none. Short rare words are mostly paraphrase ("tættere", "forhøjet": absent from the corpus, yet
    the question is answered) and say nothing about whether the documents have the thing asked about. An English question's specific words are only
    its untranslated names: its other words went through the glossary, whose Danish synonyms need
    not be the documents' words.
    """
    words = corpus_words(index)
    limit = max(1.0, RARE_SHARE * words.passages)
    specific, unsupported = [], []
    for w in q.words:
        t = stem(w)
        seen = words.count(t, words.df)
        if (w[:1].isupper() or len(w) >= SPECIFIC_LENGTH) and seen <= limit:
            specific.append(w)
            if words.count(t, words.money_df) == 0:
                unsupported.append(w)
    return tuple(specific), tuple(unsupported)


def matches_target(q: Question, index) -> bool:
    """False when every specific word of the question is absent from all passages that hold money
    ("psykiatrien i Grønland": no passage names Grønland; "musikterapi": named once, with no amount):
    the documents have no amount for what is asked, and the answer says so."""
    specific, unsupported = unsupported_words(q, index)
    return not specific or len(unsupported) < len(specific)


def _fact_view(a: FactAnswer, lang: str) -> dict[str, Any]:
    def source(f: dict[str, Any]) -> dict[str, Any]:
        return {k: f.get(k) for k in ("iri", "value", "doc_key", "document", "page", "passage", "quote", "uncertain", "flags")} | {
            "period": period_text(f, lang), "amount_text": amount_text(f["value"], lang, f.get("measure", "MoneyAmount"))}

    lead = dict(a.lead)
    lead["period"] = period_text(lead, lang)
    lead["amount_text"] = amount_text(lead["value"], lang, lead.get("measure", "MoneyAmount"))
    lead["sources"] = [source(f) for f in a.facts]
    lead["conflicts"] = [source(f) for f in a.conflicts]
    return lead


def answer_question(store: GraphStore, index, question: str, k: int = 6, filters: SearchFilters | None = None,
                    scorer: Scorer | None = None) -> Answer:
    """The answer to ``question`` from the graph and the index (see the module docstring)."""
    q = understand(question, graph_actors(store), index.translator)
    allowed = allowed_passages(store, filters or SearchFilters())
    hits = question_hits(index, question, allowed, k)
    passages = results(store, group_hits(hits, passage_groups(index), index.record)[:k])
    understood = {"lang": q.lang, "measure": q.measure, "years": sorted(q.years), "from_year": q.from_year,
                  "doc_years": sorted(q.doc_years), "doc_cues": sorted(q.doc_cues),
                  "actors": [a.label for a in q.actors], "translated": q.translated}
    if not q.asks_amount:
        facts = [dict(f, period=period_text(f, q.lang), passage=p.iri, document=p.doc_title, doc_key=p.doc_key, page=p.page)
                 for p in passages for f in p.facts][:MAX_FACTS]
        return Answer(question, False, passages[0].text[:400] if passages else None, facts, passages,
                      question_sparql(store, question, facts, False), q.lang, False, understood)
    ranked = rank_facts(store, index, q, hits, allowed, scorer)
    facts = [_fact_view(a, q.lang) for a in ranked.answers[:MAX_FACTS]]
    no_match = not ranked.answers or not matches_target(q, index)
    if no_match:
        text = no_match_sentence(q.lang)
        facts = []
    else:
        top = ranked.answers[0]
        text = answer_sentence(top.facts, top.conflicts, q.lang)
    return Answer(question, True, text, facts, passages, question_sparql(store, question, facts, True),
                  q.lang, no_match, understood)
