"""One scorer for candidate facts: a linear model over named signals, weights fitted on a split.

For a :class:`search.question.Question` and its candidate facts, :func:`features` gives each fact
a vector of the signals in :data:`FEATURES` (encoder similarity of the question to the fact's own
sentence and to its passage, the passage's search rank, word overlap with the initiative and the
sentence, year/period/kind agreement with what is asked, the named recipient, the document kind);
:class:`Scorer` adds them up with weights. The weights are fitted by :func:`fit` — a conditional
logit (softmax over each question's candidates, maximising the probability of the facts carrying
the gold amount; McFadden 1974) with an L2 penalty — on the *fit* half of the amount questions
(:mod:`search.split`) and stored in ``search/data/rank_weights.json`` with the fit's figures.
:data:`PRIOR_WEIGHTS` (hand-set signs and sizes) are used when no fitted file exists and are the
penalty's centre, so a signal the fit questions say little about keeps a sensible weight.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from search.question import DOC_CUES, Question, content_stems, weighted_overlap

WEIGHTS_FILE = Path(__file__).with_name("data") / "rank_weights.json"
SIM_UNIT = 0.05  # e5 cosines crowd into 0.7-0.9: a gap of 0.05 is one unit

FEATURES: tuple[str, ...] = (
    "sent_gap",         # (cos(question, fact text) - best among candidates) / SIM_UNIT, ≤ 0
    "label_gap",        # (cos(question, the fact's initiative label) - best among candidates) / SIM_UNIT
    "passage_gap",      # (cos(question, fact's passage) - best among candidates) / SIM_UNIT, ≤ 0
    "retrieved",        # 1 / rank of the fact's passage in the hybrid search (0 beyond the depth)
    "lex_initiative",   # share of the question's target words found in the initiative's label (idf-weighted)
    "lex_sentence",     # share found in the fact's sentence (idf-weighted)
    "year_exact",       # the question names the fact's (first) year
    "year_covered",     # a named year lies inside the fact's period without being its first year
    "year_other",       # the question names years, the fact's period holds none of them
    "year_missing",     # the question names years, the fact has no year
    "from_year",        # "fra/from Y": the fact starts in Y and runs on (per year or open-ended)
    "per_year",         # asked per year and the fact is per year
    "per_year_not",     # asked per year and the fact is not
    "kind_share",       # asked for a share/part and the fact is kind share
    "kind_total",       # asked for a total and the fact is kind total
    "kind_used",        # asked what was used/spent and the fact is kind used
    "total_unasked",    # the fact is a total the question does not ask for
    "share_unasked",    # the fact is one recipient's share, the question asks for no share
    "other_kind",       # the fact is of kind other (earlier grants, estimates mentioned in passing)
    "recipient",        # the question names the fact's recipient
    "recipient_other",  # the question names an actor and the fact's recipient is another one
    "recipient_unasked",  # the fact is for a named recipient, the question names no actor
    "actor_in_text",    # a named actor appears in the fact's sentence (when not its recipient)
    "doc_cue",          # the question names the kind of document the fact is from
    "doc_year",         # the question dates a document ("aftalen fra 2023") and it is the fact's
    "table_unasked",    # a table cell while the question names no table/annex/overview
    "stated",           # the fact's value is an amount the question itself states ("of the 175 million")
    "agreement",        # the fact is from a political agreement (the primary source others restate)
    "publisher",        # the question names the actor that published the fact's document
)

PRIOR_WEIGHTS: dict[str, float] = {
    "sent_gap": 1.0, "label_gap": 0.3, "passage_gap": 0.3, "retrieved": 1.0, "lex_initiative": 1.0,
    "lex_sentence": 0.5, "year_exact": 1.0, "year_covered": 0.5, "year_other": -1.0, "year_missing": -0.5,
    "from_year": 0.5, "per_year": 0.5, "per_year_not": -0.3, "kind_share": 0.5, "kind_total": 0.5,
    "kind_used": 0.5, "total_unasked": -0.5, "share_unasked": -0.3, "recipient_unasked": -0.3, "other_kind": -0.3, "recipient": 1.0, "recipient_other": -1.0,
    "actor_in_text": 0.3, "doc_cue": 0.3, "doc_year": 0.5, "table_unasked": -0.3, "stated": -2.0,
    "agreement": 0.2, "publisher": 0.3,
}


@dataclass(frozen=True)
class Context:
    """What the features need besides the question and the facts (all per request, nothing encoded)."""

    sentence_sims: Mapping[str, float]  # fact IRI → cos(question, fact text)
    passage_sims: Mapping[str, float]  # passage IRI → cos(question, passage)
    passage_ranks: Mapping[str, int]  # passage IRI → 1-based hybrid rank
    documents: Mapping[str, Any]  # source key → search.factgraph.DocumentInfo
    label_sims: Mapping[str, float] = field(default_factory=dict)  # fact IRI → cos(question, its initiative label)
    term_weights: Mapping[str, float] | None = None  # question term → weight (idf over the passages); None: all 1


def _doc_cues(doc: Any) -> frozenset[str]:
    """Kinds of document ``doc`` is, by the same cue words as questions, read from its kind."""
    if doc is None:
        return frozenset()
    return frozenset(k for k, rx in DOC_CUES.items() if rx.search(doc.kind))


def _years(f: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """First and last year of the fact's period (last None when open-ended, equal when one year)."""
    year = f.get("year")
    if year is None:
        return None, None
    if f.get("year_end"):
        return year, f["year_end"]
    if f.get("open_ended"):
        return year, None
    return year, year


def _names(name: str, text: str) -> bool:
    """Whether lower-cased ``text`` names ``name`` as whole words ("rn" is not in "regeringen")."""
    return bool(name) and re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text) is not None


def features(q: Question, facts: Sequence[Mapping[str, Any]], ctx: Context) -> np.ndarray:
    """Matrix (len(facts), len(FEATURES)) of the signals for each candidate fact."""
    x = np.zeros((len(facts), len(FEATURES)), dtype=np.float64)
    if not facts:
        return x
    col = {name: i for i, name in enumerate(FEATURES)}
    sent = np.array([ctx.sentence_sims.get(f["iri"], np.nan) for f in facts])
    sent = np.where(np.isnan(sent), np.nanmin(sent) if not np.all(np.isnan(sent)) else 0.0, sent)
    psg = np.array([ctx.passage_sims.get(f.get("passage") or "", np.nan) for f in facts])
    psg = np.where(np.isnan(psg), np.nanmin(psg) if not np.all(np.isnan(psg)) else 0.0, psg)
    x[:, col["sent_gap"]] = (sent - sent.max()) / SIM_UNIT
    x[:, col["passage_gap"]] = (psg - psg.max()) / SIM_UNIT
    lab = np.array([ctx.label_sims.get(f["iri"], np.nan) for f in facts])
    if not np.all(np.isnan(lab)):
        x[:, col["label_gap"]] = (np.where(np.isnan(lab), np.nanmin(lab), lab) - np.nanmax(lab)) / SIM_UNIT
    actor_iris = {a.iri for a in q.actors}
    actor_names = {a.iri: [n.lower() for n in a.names] for a in q.actors}
    terms = q.terms
    for i, f in enumerate(facts):
        row = x[i]
        rank = ctx.passage_ranks.get(f.get("passage") or "")
        row[col["retrieved"]] = 1.0 / rank if rank else 0.0
        if terms:
            init = content_stems(" ".join(filter(None, [f.get("initiative_label"), f.get("parent_label")])))
            row[col["lex_initiative"]] = weighted_overlap(terms, init, ctx.term_weights)
            row[col["lex_sentence"]] = weighted_overlap(terms, content_stems(f.get("quote") or ""), ctx.term_weights)
        first, last = _years(f)
        if q.years:
            if first is None:
                row[col["year_missing"]] = 1
            elif first in q.years:
                row[col["year_exact"]] = 1
            elif any(y >= first and (last is None or y <= last) for y in q.years) or (
                    f.get("per_year") and last is None and any(y >= first for y in q.years)):
                row[col["year_covered"]] = 1
            else:
                row[col["year_other"]] = 1
        if q.from_year is not None and first == q.from_year and (f.get("per_year") or f.get("open_ended")):
            row[col["from_year"]] = 1
        if q.per_year:
            row[col["per_year" if f.get("per_year") else "per_year_not"]] = 1
        kind = f.get("kind")
        row[col["kind_share"]] = q.share and kind == "share"
        row[col["kind_total"]] = q.total and kind == "total"
        row[col["kind_used"]] = q.used and kind == "used"
        row[col["total_unasked"]] = kind == "total" and not q.total
        row[col["share_unasked"]] = kind == "share" and not q.share and not q.actors  # a named actor's money is a share
        row[col["other_kind"]] = kind == "other"
        doc = ctx.documents.get(f.get("doc_key") or "")
        publisher = (doc.publisher.lower() if doc is not None else "")
        # a named actor that published the fact's document ("according to Danske Regioner's table")
        # points at the document; any other named actor is who the money is asked for
        publishers = {a for a in actor_iris if any(_names(n, publisher) for n in actor_names[a])}
        rec = f.get("recipient")
        if rec and rec in actor_iris:
            row[col["recipient"]] = 1
        elif rec and actor_iris - publishers:
            row[col["recipient_other"]] = 1
        targets = actor_iris - publishers
        row[col["recipient_unasked"]] = bool(rec) and not actor_iris
        if targets and rec not in actor_iris:
            quote = (f.get("quote") or "").lower()
            row[col["actor_in_text"]] = any(_names(n, quote) for a in targets for n in actor_names[a] if len(n) > 3)
        row[col["doc_cue"]] = bool(q.doc_cues & _doc_cues(doc))
        row[col["publisher"]] = bool(publishers)
        row[col["doc_year"]] = bool(q.doc_years) and doc is not None and doc.year in q.doc_years
        row[col["table_unasked"]] = bool(f.get("from_table")) and "table" not in q.doc_cues
        row[col["stated"]] = round(f["value"]) in q.stated_amounts
        row[col["agreement"]] = doc is not None and doc.is_agreement
    # facts of one sentence share its purpose: "67 mio. kr. i 2024 og 165 mio. kr. i 2025 … til et samlet
    # dobbeltdiagnosetilbud" is about the same initiative for both amounts, whichever the graph linked
    by_sentence: dict[str, list[int]] = {}
    for i, f in enumerate(facts):
        if f.get("quote"):
            by_sentence.setdefault(" ".join(f["quote"].split()), []).append(i)
    for rows in by_sentence.values():
        if len(rows) > 1:
            for name in ("lex_initiative", "label_gap"):
                x[rows, col[name]] = x[rows, col[name]].max()
    return x


@dataclass(frozen=True)
class Scorer:
    """A weight per feature name; ``score`` is the dot product."""

    weights: Mapping[str, float]
    meta: Mapping[str, Any] | None = None

    @property
    def vector(self) -> np.ndarray:
        return np.array([self.weights.get(name, 0.0) for name in FEATURES])

    def scores(self, x: np.ndarray) -> np.ndarray:
        return x @ self.vector if len(x) else np.zeros(0)

    def save(self, path: Path | str = WEIGHTS_FILE, **meta: Any) -> None:
        data = {"features": list(FEATURES), "weights": {k: round(float(self.weights.get(k, 0.0)), 4) for k in FEATURES},
                **({"meta": meta} if meta else {})}
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")

    @classmethod
    def load(cls, path: Path | str = WEIGHTS_FILE) -> Scorer:
        """The fitted weights in ``path``; the priors when the file does not exist."""
        try:
            data = json.loads(Path(path).read_text("utf-8"))
        except FileNotFoundError:
            return cls(dict(PRIOR_WEIGHTS))
        return cls({k: float(v) for k, v in data["weights"].items()}, data.get("meta"))


def fit(examples: Sequence[tuple[np.ndarray, np.ndarray]], l2: float = 1.0,
        prior: Mapping[str, float] = PRIOR_WEIGHTS) -> Scorer:
    """Weights maximising Σ log P(gold | question) − l2·|w − prior|², P a softmax over the candidates.

    ``examples``: per question, the feature matrix of its candidates and a boolean vector marking
    the candidates whose amount is the gold one (questions without a gold candidate are skipped).
    """
    from scipy.optimize import minimize

    usable = [(x, y.astype(bool)) for x, y in examples if len(x) and y.any()]
    w0 = np.array([prior.get(name, 0.0) for name in FEATURES])

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros_like(w)
        for x, y in usable:
            s = x @ w
            m = s.max()
            p = np.exp(s - m)
            z = p.sum()
            pg = p[y].sum()
            total -= math.log(pg / z)
            grad -= (p[y] @ x[y]) / pg - (p @ x) / z
        d = w - w0
        return total + l2 * float(d @ d), grad + 2 * l2 * d

    res = minimize(loss, w0, jac=True, method="L-BFGS-B")
    return Scorer(dict(zip(FEATURES, (float(v) for v in res.x), strict=True)))


def leave_one_out(examples: Sequence[tuple[np.ndarray, np.ndarray]], l2: float) -> float:
    """Share of questions whose best-scored candidate carries the gold amount, each scored by
    weights fitted on the other questions (leave-one-out; used to choose ``l2`` on the fit split)."""
    usable = [(x, y) for x, y in examples if len(x) and y.any()]
    hits = 0
    for i, (x, y) in enumerate(usable):
        scorer = fit(usable[:i] + usable[i + 1:], l2=l2)
        hits += bool(y[int(np.argmax(scorer.scores(x)))])
    return hits / len(usable) if usable else 0.0
