"""The answer frame in the asker's language (search/frame.py)."""

from __future__ import annotations

import pytest

from search.frame import amount_text, answer_sentence, no_match_sentence, period_text


@pytest.mark.parametrize(("value", "da", "en"), [
    (12_500_000, "12,5 mio. kr.", "DKK 12.5m"), (7_000_000, "7,0 mio. kr.", "DKK 7.0m"),
    (48_750_000, "48,75 mio. kr.", "DKK 48.75m"), (3_165_000_000, "3.165 mio. kr.", "DKK 3,165m"),
    (1_225, "1.225 kr.", "DKK 1,225"), (450_000, "0,45 mio. kr.", "DKK 0.45m"),
])
def test_amounts(value, da, en):
    assert amount_text(value, "da") == da and amount_text(value, "en") == en


def test_staff_and_percent():
    assert amount_text(42.5, "da", "StaffFigure") == "42,5 årsværk" and amount_text(42.5, "en", "StaffFigure") == "42.5 FTE"
    assert amount_text(31.7, "da", "PercentFigure") == "31,7 %"


@pytest.mark.parametrize(("fact", "da", "en"), [
    ({"year": 2025, "per_year": True, "open_ended": True}, "årligt fra 2025 og frem", "per year from 2025 onwards"),
    ({"year": 2025, "open_ended": True}, "fra 2025 og frem", "from 2025 onwards"),
    ({"year": 2024, "year_end": 2026}, "2024-2026", "in 2024-2026"),
    ({"year": 2024, "year_end": 2026, "per_year": True}, "2024-2026 (årligt)", "in 2024-2026 (per year)"),
    ({"year": 2025}, "i 2025", "in 2025"),
    ({"per_year": True}, "årligt", "per year"),
    ({}, "periode ikke angivet", "period not stated"),
])
def test_periods(fact, da, en):
    assert period_text(fact, "da") == da and period_text(fact, "en") == en


def test_the_answer_line_keeps_the_danish_quote_and_lists_sources_and_conflicts():
    top = {"value": 48_750_000, "year": 2024, "initiative_label": "Styrket forebyggelse af selvmord",
           "quote": "Der afsættes 48,75 mio. kr. i 2024.", "document": "Aftalen", "page": 3}
    copy = {"value": 48_750_000, "year": 2024, "document": "Referatet", "page": 9}
    other = {"value": 48_800_000, "year": 2024, "document": "Bilag 1", "page": None}
    assert answer_sentence([top, copy], [other], "en") == (
        "DKK 48.75m in 2024 for Styrket forebyggelse af selvmord — «Der afsættes 48,75 mio. kr. i 2024.» (Aftalen, page 3)"
        "; also stated in Referatet, page 9. The sources differ: DKK 48.75m (Aftalen, page 3) and DKK 48.8m (Bilag 1)")
    assert answer_sentence([top], [], "da") == (
        "48,75 mio. kr. i 2024 til Styrket forebyggelse af selvmord — «Der afsættes 48,75 mio. kr. i 2024.» (Aftalen, side 3)")


def test_no_match():
    assert no_match_sentence("en").startswith("The documents state no amount for what is asked")
    assert no_match_sentence("da").startswith("Dokumenterne angiver intet beløb")
