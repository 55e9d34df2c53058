"""Figures the parser is unsure of are shown as uncertain in /ask, the money trail and the flows CSV.

A short Danish text of our own is ingested with the real command line (graph and the real search
index); its first figures have their unit stated apart ("afsættes (mio. kr.) 3,5 i 2025"), so they
are flagged ``unit-far-away``; the last one is plain. The app is the real one over that data.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEXT = """Aftale om styrket pårørendestøtte

Initiativ 1. Pårørendevejledning i kommunerne

Til pårørendevejledningen afsættes (mio. kr.) 3,5 i 2025 og 4,0 i 2026. Vejledningen gives af Pårørendecentret i Vejle.

Initiativ 2. Netværksgrupper for unge pårørende

Til netværksgrupperne afsættes 1,2 mio. kr. i 2025.
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from kg.settings import load_config

    root = tmp_path_factory.mktemp("uncertain")
    (root / "docs").mkdir()
    (root / "docs" / "paaroerende.txt").write_text(TEXT, "utf-8")
    done = subprocess.run([sys.executable, "-m", "kgcli", "ingest", "--data-dir", str(root / "data"), str(root / "docs")],
                          capture_output=True, text=True, cwd=ROOT, timeout=900, check=False)
    assert done.returncode == 0, done.stderr
    assert "paaroerende.txt: 2 facts flagged as uncertain (unit-far-away: 2)" in done.stderr
    with TestClient(create_app(load_config({"data_dir": root / "data", "store": "oxigraph"}))) as client:
        yield client


def test_ask_says_the_amount_is_uncertain(app):
    body = app.get("/ask", params={"q": "Hvor meget afsættes til pårørendevejledning i 2025?"}).json()
    top = body["facts"][0]
    assert (round(top["value"]), top["year"], top["uncertain"], top["flags"]) == (3_500_000, 2025, True, ["unit-far-away"])
    assert body["answer"].startswith("3,5 mio. kr. i 2025")
    assert "[usikker aflæsning: unit-far-away]" in body["answer"]
    plain = next(f for f in body["facts"] if round(f["value"]) == 1_200_000)
    assert (plain["uncertain"], plain["flags"]) == (False, [])


def test_trail_marks_uncertain_facts(app):
    trail = app.get("/money/trail", params={"initiative": "pårørendevejledning"}).json()
    facts = sorted((round(f["value"]), f["year"], f["uncertain"], tuple(f["flags"]))
                   for step in trail["steps"].values() for f in step)
    assert facts == [(3_500_000, 2025, True, ("unit-far-away",)), (4_000_000, 2026, True, ("unit-far-away",))]


def test_flows_csv_counts_uncertain_facts(app):
    rows = list(csv.DictReader(io.StringIO(app.get("/money/flows", params={"format": "csv"}).content.decode("utf-8-sig"))))
    got = sorted((r["year"], float(r["dkk"]), r["uncertain"]) for r in rows)
    assert got == [("2025", 1_200_000.0, "0"), ("2025", 3_500_000.0, "1"), ("2026", 4_000_000.0, "1")]
