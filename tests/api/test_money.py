"""Money trails and flows through the real app over the corpus graph."""

from __future__ import annotations

import csv
import io


def test_trail_runs_across_documents_with_quotes(client):
    r = client.get("/money/trail", params={"initiative": "tryghedspakke"})
    assert r.status_code == 200
    body = r.json()
    assert len(body["documents"]) == 3
    allocated = body["steps"]["allocated"]
    assert any(f["value"] == 100_000_000 and f["year"] == 2024 and f["quote"] for f in allocated)
    shares = body["steps"]["share"]
    assert any(f["recipient_label"] == "Region Hovedstaden" and f["value"] == 15_600_000 for f in shares)


def test_trail_flags_conflicting_restatements(client):
    body = client.get("/money/trail", params={"initiative": "Styrket forebyggelse af selvmord og selvmordsforsøg"}).json()
    flagged = [f for f in body["steps"]["allocated"] if f["conflicts_with"]]
    assert {f["value"] for f in flagged} >= {48_750_000, 48_800_000}
    assert body["conflicts"] >= 2


def test_unknown_initiative_is_a_404_problem(client):
    r = client.get("/money/trail", params={"initiative": "ingen sådan ting"})
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"


def test_flows_per_year_with_csv(client):
    body = client.get("/money/flows", params={"year": 2024, "recipient": "Hovedstaden"}).json()
    rows = {(f["initiative_label"], f["kind"]): f["dkk"] for f in body["flows"]}
    assert rows[("Tryghedspakke for medarbejdere", "share")] == 15_600_000
    r = client.get("/money/flows", params={"year": 2025, "format": "csv"})
    assert r.content.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte-order mark Excel needs for æ, ø, å
    table = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert r.headers["content-type"].startswith("text/csv") and table
    assert all(row["year"] == "2025" for row in table)
    lift = [row for row in table if row["initiative_label"] == "Løft på tidligere FL"]
    assert [row["dkk"] for row in lift] == ["1147000000"]  # whole kroner, not "1147000000.0"


def test_trail_carries_reconciliation_flags_and_payers(client):
    body = client.get("/money/trail", params={"initiative": "Styrkelse af Livslinien"}).json()
    cells = [f for f in body["steps"]["allocated"] if f["year"] == 2024 and f["value"] == 7_000_000]
    checks = [c for f in cells for c in f["reconciliation"]]
    assert any(c["role"] == "part" and c["status"] == "balanced" and c["stated"] == 55_800_000 for c in checks)
    assert any(f["payer_label"] == "staten" for f in cells)
    assert body["mismatches"] >= 0


def test_flows_flag_reconciled_figures(client):
    rows = client.get("/money/flows", params={"year": 2024, "payer": "staten"}).json()["flows"]
    assert rows and all(r["payer"] == "staten" for r in rows)
    assert any(r["reconciliation"] and "balanced" in r["reconciliation"] and not r["mismatch"] for r in rows)


def test_reconciliations_endpoint_lists_mismatches_with_csv(client):
    body = client.get("/money/reconciliations", params={"status": "mismatch"}).json()
    assert body["reconciliations"] and all(r["status"] == "mismatch" for r in body["reconciliations"])
    assert all(r["stated"] - r["computed"] == r["difference"] for r in body["reconciliations"])
    r = client.get("/money/reconciliations", params={"format": "csv"})
    table = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert all(row[k].lstrip("-").isdigit() for row in table for k in ("stated", "computed", "difference"))
    assert {"balanced", "rounding", "mismatch"} <= {row["status"] for row in table}
