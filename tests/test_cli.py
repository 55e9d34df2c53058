"""The kg command line, run as users run it (a real subprocess on a real store)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest


def kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kgcli", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("cli") / "data"
    root = Path(__file__).resolve().parent.parent
    done = kg("ingest", str(root / "corpus"), "--data-dir", str(data), "--quiet", "--no-index", cwd=root)
    assert done.returncode == 0, done.stderr
    return data


def test_help_is_instant_and_lists_commands():
    done = kg("--help")
    assert done.returncode == 0
    for command in ("ingest", "stats", "export", "query"):
        assert command in done.stdout


def test_ingest_reports_counts_and_is_idempotent(data_dir):
    root = Path(__file__).resolve().parent.parent
    done = kg("ingest", str(root / "corpus"), "--data-dir", str(data_dir), "--no-index", cwd=root)
    assert done.returncode == 0
    assert "0 added, 0 replaced, 5 unchanged, 0 failed" in done.stderr


def test_stats_json(data_dir):
    done = kg("stats", "--json", "--data-dir", str(data_dir))
    stats = json.loads(done.stdout)
    assert stats["totals"]["documents"] == 5
    assert stats["totals"]["passages"] > 400


def test_query_csv_and_json(data_dir):
    q = "SELECT ?key WHERE { ?d a kg:Document ; kg:sourceKey ?key } ORDER BY ?key"
    done = kg("query", q, "--format", "csv", "--data-dir", str(data_dir))
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["key"] for r in rows][:2] == ["000_94a57a6a30b53576.txt", "001_08ba568cb88d3b78.txt"]
    done = kg("query", q, "--format", "json", "--data-dir", str(data_dir))
    assert len(json.loads(done.stdout)["results"]["bindings"]) == 5
    done = kg("query", q, "--format", "tsv", "--data-dir", str(data_dir))
    assert done.stdout.splitlines()[:2] == ["?key", '"000_94a57a6a30b53576.txt"']


def test_bad_query_is_a_clear_error(data_dir):
    done = kg("query", "SELEKT nothing", "--data-dir", str(data_dir))
    assert done.returncode == 1
    assert done.stderr.startswith("error: SPARQL query failed")
    assert "Traceback" not in done.stderr


def test_export_turtle_parses(data_dir, tmp_path):
    from rdflib import Graph

    out = tmp_path / "graph.ttl"
    done = kg("export", "--format", "turtle", "--output", str(out), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert len(Graph().parse(out, format="turtle")) > 5000


def test_ingest_of_only_bad_files_exits_nonzero(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00\x00")
    done = kg("ingest", str(bad), "--data-dir", str(tmp_path / "d"), "--no-index")
    assert done.returncode == 1
    assert f"error: {bad}: " in done.stderr


def test_eval_extraction_and_entities_write_results(data_dir, tmp_path):
    gold = Path(__file__).resolve().parent.parent / "eval" / "gold"
    done = kg("eval", "extraction", "--gold", str(gold), "--data-dir", str(data_dir), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "| **all** | 274 |" in done.stdout
    report = (tmp_path / "eval" / "results" / "extraction.md").read_text("utf-8")
    assert "Bilag 1 precision" in report and "initiative link" in report
    metrics = json.loads((tmp_path / "eval" / "results" / "extraction.json").read_text("utf-8"))
    assert metrics["linking"]["with_gold_initiative"] > 200
    done = kg("eval", "entities", "--gold", str(gold), "--data-dir", str(data_dir), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Cross-document links" in done.stdout


def test_query_honours_from_and_the_dataset_options(data_dir):
    """FROM scopes `kg query` to one document's graph (it used to count all five); --default-graph wins over FROM."""
    graphs = kg("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d a kg:Document } } ORDER BY ?g", "--format", "csv",
                "--data-dir", str(data_dir))
    first, last = [r["g"] for r in csv.DictReader(io.StringIO(graphs.stdout))][::4]
    count = "SELECT (COUNT(DISTINCT ?d) AS ?n) {} WHERE {{ ?d a kg:Document }}"

    def n(query: str, *options: str) -> str:
        done = kg("query", query, "--format", "csv", "--data-dir", str(data_dir), *options)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()[1]

    assert n(count.format("")) == "5"
    assert n(count.format(f"FROM <{first}>")) == "1"
    assert n(count.format(f"FROM NAMED <{first}>")) == "0"
    which = f"SELECT ?d FROM <{first}> WHERE {{ ?d a kg:Document }}"
    assert n(which, "--default-graph", last).endswith(last.rsplit("/", 1)[-1])
    assert n(count.format(""), "--named-graph", first) == "0"
