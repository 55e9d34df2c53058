"""Reconciliation of budget-table totals, on tables written for the tests."""

from __future__ import annotations

from decimal import Decimal

from ingest.nlp import extract_quantities
from ingest.reconcile import reconcile

TABLE = """Tabel 7: Midler til skolernes trivsel
Mio. kr. 2026 2027
Trivsel i indskolingen 3,0 3,5
1. Frugtordning 2,0 2,0
2. Legepatruljer 1,0 1,5
Trivsel i udskolingen 4,1 4,0
3. Trivselsmålinger 1,7 1,7
4. Gratis frugt 2,3 2,3
Udgifter i alt 7,1 7,9
"""


def results(text: str) -> list[tuple[str, int | None, Decimal, Decimal, str, int]]:
    qs = extract_quantities(text)
    return [(r.label, r.year, r.stated / 1_000_000, r.computed / 1_000_000, r.status, len(r.parts)) for r in reconcile(qs)]


def test_group_rows_and_the_closing_total_are_checked_per_year():
    assert results(TABLE) == [
        ("Trivsel i indskolingen", 2026, Decimal("3.0"), Decimal("3.0"), "balanced", 2),
        ("Trivsel i indskolingen", 2027, Decimal("3.5"), Decimal("3.5"), "balanced", 2),
        ("Trivsel i udskolingen", 2026, Decimal("4.1"), Decimal("4.0"), "rounding", 2),
        ("Trivsel i udskolingen", 2027, Decimal("4.0"), Decimal("4.0"), "balanced", 2),
        # the total sums the groups, not their members again
        ("Udgifter i alt", 2026, Decimal("7.1"), Decimal("7.1"), "balanced", 2),
        ("Udgifter i alt", 2027, Decimal("7.9"), Decimal("7.5"), "mismatch", 2),
    ]


def test_a_grand_total_over_sub_tables_and_a_subtotal_of_the_first_rows():
    text = """Mio. kr. 2026 2027
Busruter 10,0 10,0
Cykelstier 2,0 3,0
Tidligere total 10,0 10,0
Færger 5,0 5,0
Total (plan A) 17,0 18,0
Mio. kr. 2026 2027
Havne 1,0 2,0
Total (plan B) 1,0 2,0
I alt for begge planer 18,0 20,0
"""
    got = {(label, year): (status, parts) for label, year, _, _, status, parts in results(text)}
    assert got[("Tidligere total", 2026)] == ("balanced", 1)  # the first row only
    assert got[("Total (plan A)", 2027)] == ("balanced", 3)  # not counting the subtotal again
    assert got[("Total (plan B)", 2026)] == ("balanced", 1)
    assert got[("I alt for begge planer", 2027)] == ("balanced", 4)


def test_no_totals_no_results():
    assert results("Mio. kr. 2026 2027\nBusruter 10,0 10,0\nCykelstier 2,0 3,0\n") == []
