"""Near-duplicate passages (search/dedup.py): which merge, which lead, how results are grouped."""

from __future__ import annotations

from dataclasses import dataclass

from search.dedup import PassageGroups, build_groups, group_hits, near_duplicate_pairs
from search.factgraph import DocumentInfo
from search.records import PassageRecord, text_hash

AGREEMENT = ("Ventetiden på en sengeplads i ungdomspsykiatrien er i dag alt for lang for mange unge og deres familier. "
             "Der afsættes 40,0 mio. kr. i 2025 til flere sengepladser i ungdomspsykiatrien. "
             "Af de afsatte 40,0 mio. kr. skal 8,0 mio. kr. benyttes til uddannelse af personale.")
MINUTES = ("Udvalget drøftede aftalen. Ventetiden på en sengeplads i ungdomspsykiatrien er i dag alt for lang for "
           "mange unge og deres familier. Der afsættes 40,0 mio. kr. i 2025 til flere sengepladser i ungdomspsykiatrien.")
OTHER = "Region Nordjyllands andel er 2,1 mio. kr. årligt fra 2025 og frem til to nye rådgivere i den anonyme rådgivning."
TEMPLATE = "Anbefaling {n}: Styrke den ambulante kapacitet, så flere unge kan få hjælp hurtigt og tæt på hjemmet i 2025."
DOCS = {"a": DocumentInfo("a", "Aftale om unge", "political agreement", "2024", ""),
        "m": DocumentInfo("m", "Referat", "committee minutes", "2025", ""),
        "s": DocumentInfo("s", "Status", "status report", "2023", "")}


def rec(iri: str, doc: str, text: str, start: int = 0) -> PassageRecord:
    return PassageRecord(iri, doc, doc, text, text_hash(text), None, start, start + len(text))


def test_a_restatement_in_another_document_merges_and_the_agreement_leads():
    records = [rec("m1", "m", MINUTES), rec("s1", "s", OTHER), rec("a1", "a", AGREEMENT)]
    assert near_duplicate_pairs(records) == {(0, 2)}
    groups = build_groups(records, DOCS)
    assert groups.groups == (("a1", "m1"),)  # the agreement is the original though the minutes came first


def test_the_same_passage_twice_merges_but_other_numbers_keep_it_apart():
    records = [rec("p1", "s", TEMPLATE.format(n=1)), rec("p2", "s", TEMPLATE.format(n=1), 500),
               rec("p3", "s", TEMPLATE.format(n=2), 900)]
    assert near_duplicate_pairs(records) == {(0, 1)}


@dataclass
class Hit:
    record: PassageRecord
    rank: int
    score: float = 0.0


def test_grouped_results_rank_a_group_once_with_its_original_first():
    records = {r.iri: r for r in [rec("a1", "a", AGREEMENT), rec("m1", "m", MINUTES), rec("s1", "s", OTHER)]}
    groups = PassageGroups.of([("a1", "m1")])
    hits = [Hit(records["m1"], 1), Hit(records["s1"], 2), Hit(records["a1"], 3)]
    grouped = group_hits(hits, groups, records.get)
    assert [(g.rank, g.lead.iri, [r.iri for r in g.also_in]) for g in grouped] == [(1, "a1", ["m1"]), (2, "s1", [])]
    only_copy = group_hits(hits[:2], groups, records.get)  # the original was not retrieved: it still leads
    assert only_copy[0].lead.iri == "a1" and [r.iri for r in only_copy[0].records] == ["a1", "m1"]
