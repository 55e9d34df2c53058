"""The fact scorer (search/rank.py): features read from question and fact, weights fitted by conditional logit."""

from __future__ import annotations

import numpy as np

from search.factgraph import DocumentInfo
from search.question import Actor, understand
from search.rank import FEATURES, PRIOR_WEIGHTS, Context, Scorer, features, fit, leave_one_out
from search.split import FIT, HELDOUT, split_of

RH = Actor("urn:rh", "Region Hovedstaden", ("Region Hovedstaden",))
DOCS = {"a": DocumentInfo("a", "Aftale", "political agreement", "2023", "Regeringen"),
        "s": DocumentInfo("s", "Status", "status report (tables)", "2025", "Region Hovedstaden")}


def col(name: str) -> int:
    return FEATURES.index(name)


def test_features_read_year_measure_recipient_and_stated_amounts():
    q = understand("Af de afsatte 51,6 mio. kr. i 2024, hvor meget får Region Hovedstaden fra 2025 årligt til opstart?", [RH])
    national = {"iri": "f1", "value": 51.6e6, "year": 2024, "kind": "allocated", "doc_key": "a", "passage": "p1",
                "initiative_label": "Hurtig opstart", "quote": "Der afsættes 51,6 mio. kr. i 2024"}
    share = {"iri": "f2", "value": 18.7e6, "year": 2025, "per_year": True, "open_ended": True, "kind": "share",
             "recipient": "urn:rh", "doc_key": "s", "passage": "p2", "initiative_label": "Hurtig opstart af behandling",
             "quote": "Region Hovedstadens andel er 18,7 mio. kr. i 2025 og frem"}
    ctx = Context({"f1": 0.85, "f2": 0.90}, {"p1": 0.80, "p2": 0.82}, {"p2": 1, "p1": 4}, DOCS, {"f1": 0.8, "f2": 0.8})
    x = features(q, [national, share], ctx)
    assert x[0, col("stated")] == 1 and x[1, col("stated")] == 0
    assert x[1, col("recipient")] == 1 and x[1, col("from_year")] == 1 and x[1, col("per_year")] == 1
    assert x[1, col("kind_share")] == 1 and x[1, col("publisher")] == 1  # Region Hovedstaden also published s
    assert x[0, col("year_exact")] == 1 and x[0, col("per_year_not")] == 1 and x[0, col("agreement")] == 1
    assert x[1, col("sent_gap")] == 0 and round(x[0, col("sent_gap")], 6) == -1.0  # 0.05 below the best
    assert x[1, col("retrieved")] == 1 and x[0, col("retrieved")] == 0.25
    assert Scorer(PRIOR_WEIGHTS).scores(x).argmax() == 1


def test_fit_recovers_which_signal_marks_the_gold_candidate():
    rng = np.random.default_rng(0)
    examples = []
    for _ in range(30):
        x = rng.normal(size=(8, len(FEATURES)))
        y = np.zeros(8, dtype=bool)
        y[int(np.argmax(x[:, col("lex_initiative")]))] = True  # the gold is the one with most target words
        examples.append((x, y))
    prior = {name: 0.0 for name in FEATURES}
    scorer = fit(examples, l2=0.01, prior=prior)
    weights = scorer.vector
    assert weights.argmax() == col("lex_initiative") and weights[col("lex_initiative")] > 3 * np.abs(np.delete(weights, col("lex_initiative"))).max()
    assert leave_one_out(examples[:10], l2=1.0) > 0.5


def test_weights_round_trip(tmp_path):
    s = Scorer({name: 0.5 for name in FEATURES})
    s.save(tmp_path / "w.json", fitted_on="test")
    back = Scorer.load(tmp_path / "w.json")
    assert dict(back.weights) == {name: 0.5 for name in FEATURES} and back.meta == {"fitted_on": "test"}
    assert dict(Scorer.load(tmp_path / "missing.json").weights) == PRIOR_WEIGHTS


def test_the_split_is_a_fixed_function_of_the_id():
    assert [split_of(i) for i in ("Q002", "D101", "D102")] == [HELDOUT, HELDOUT, FIT]
