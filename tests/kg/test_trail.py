"""The README's worked eating-disorder trail and the reconciliation of totals, on the real corpus graph."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_query(word: str) -> str:
    blocks = re.findall(r"```sparql\n(.*?)```", README.read_text("utf-8"), flags=re.S)
    return next(b for b in blocks if word in b)


def test_eating_disorder_trail_runs_from_the_national_allocation_to_the_regions_share_and_staff(corpus_store):
    store, _, _ = corpus_store
    rows = [(str(r.step), str(r.figure), r.year and int(r.year), r.payer and str(r.payer),
             r.recipient and str(r.recipient), str(r.document)) for r in store.query(readme_query("spiseforstyrrelser"))]
    steps = [r[0] for r in rows]
    assert steps == sorted(steps) and {"1 allocation", "2 region's share", "4 staff hired"} <= set(steps)
    national = [r for r in rows if r[0] == "1 allocation" and r[5].startswith("Aftale om en bedre psykiatri")]
    assert {(r[1], r[2], r[3]) for r in national} == {("30,0", 2024, "staten"), ("30,0", 2025, "staten")}
    shares = [r for r in rows if r[0] == "2 region's share"]
    assert [(r[1], r[4]) for r in shares] == [("9,4 mio. kr.", "Region Hovedstaden")]
    staff = sorted(r[1] for r in rows if r[0] == "4 staff hired")
    assert staff == ["3 ÅV", "ca. 4 ÅV"]
    # the committee's table names the same initiative: the regions receive it
    assert any(r[4] == "regionerne" and r[1] == "31,1" for r in rows)


def test_table_totals_are_reconciled_with_their_parts(corpus_store):
    store, _, _ = corpus_store
    rows = {(str(r.total), r.year and int(r.year)): (float(r.stated), float(r.computed), str(r.status))
            for r in store.query(readme_query("kg:Reconciliation"))}
    assert rows[("Udgifter i alt", 2024)] == (400_000_000.0, 400_000_000.0, "balanced")
    assert rows[("Forebyggelse af selvmord", 2024)] == (55_800_000.0, 55_800_000.0, "balanced")
    stated, computed, status = rows[("Total (FL24)", 2024)]
    assert status == "rounding" and abs(stated - computed) <= 500_000
    assert {s for *_, s in rows.values()} <= {"balanced", "rounding", "mismatch"}


def test_total_rows_group_the_initiatives_they_sum(corpus_store):
    store, _, _ = corpus_store
    members = {str(r.label) for r in store.query("""
        SELECT DISTINCT ?label WHERE { ?i kg:partOfInitiative ?g ; rdfs:label ?label .
                                       ?g a kg:InitiativeGroup ; rdfs:label "Udgifter i alt" }""")}
    assert {"Forebyggelse af selvmord", "Mindre tvang i psykiatrien"} <= members
    groups = store.query("ASK { ?g a kg:InitiativeGroup ; owl:sameAs ?c }")
    assert groups.askAnswer is False  # a table's total is never the same thing across documents
