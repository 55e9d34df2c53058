"""Serving benchmarks for ``bench_suite.py``: ``kg serve`` beside the naive peer, the encode floor, before/after.

* :func:`bench_latency`: ``kg serve`` and the naive peer (``bench/naive_peer.py``: sentence-transformers
  torch fp32 + faiss flat + FastAPI, on the same index's passages) run side by side; for /search (both),
  /ask and the /sparql analyst aggregates (ours), at each number of concurrent clients: p50 / p95 / p99,
  requests/s, the server's CPU milliseconds per request (its process and its query workers, from /proc:
  the figure least disturbed by other jobs on shared cores) and the 1-minute load average. Repeats and
  the two servers are interleaved, so a change in background load hits both alike. Both servers ask the
  same questions, none asked before (no cache helps).
* :func:`bench_floor`: CPU time to encode one question and one typical passage on one thread, per
  encoder backend (``bench/floor_run.py``).
* :func:`before_after_markdown`: this run beside an earlier ``suite.json`` (the figures before issue 19).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from common import BIN, ROOT, cpu_seconds, free_port, http_load, mmm, served_kg, serving

ENDPOINTS = ("search", "ask", "sparql")
GOALS = {"search_p95_vs_peer": 0.5, "search_rps_vs_peer": 2.0, "ask_over_search_p95": 1.2, "sparql_p95_1_client_ms": 20,
         "ingest_over_encode_floor": 1.0}


def _log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def _peer(data: Path, work: Path):
    """The naive peer over the passages of ``data``'s live index (vectors encoded once per bench run)."""
    from search.e5build import ensure_default_model

    index = data / "index"
    records = index / (index / "CURRENT").read_text(encoding="utf-8").strip() / "records.jsonl"
    port = free_port()
    env = {**os.environ, "KG_PEER_RECORDS": str(records), "KG_PEER_MODEL": str(ensure_default_model()),
           "KG_PEER_VECTORS": str(work / "peer-vectors.npy")}
    env.pop("OMP_NUM_THREADS", None)  # the peer runs as a user would start it: torch's default threads
    cmd = [str(BIN / "python"), "-m", "uvicorn", "naive_peer:app", "--app-dir", str(ROOT / "bench"),
           "--port", str(port), "--log-level", "warning"]
    return serving(cmd, port, work, "peer", timeout=900, warm=[f"/search?q={quote('varmt vand')}"], env=env)


def bench_latency(data: Path, work: Path, repeats: int, requests: int, seconds: float, clients: list[int],
                  pool: list[str], sparql: list[str]) -> dict:
    """``kg serve`` and the naive peer, interleaved; see the module docstring."""
    raw: dict = {who: {name: {str(c): [] for c in clients} for name in ENDPOINTS} for who in ("ours", "peer")}
    cursor = 0
    warm = [f"/search?q={quote('varmt vand')}", f"/ask?q={quote('hvad koster det')}", sparql[0]]
    with served_kg(data, data.parent, warm=warm) as ours, _peer(data, work) as peer:
        for i in range(repeats):
            for name in ENDPOINTS:
                for c in clients:
                    if name == "sparql":
                        questions: list[str] = []
                    else:
                        questions = pool[cursor:cursor + requests]
                        cursor += requests
                        if cursor + requests > len(pool):
                            cursor = 0  # wraps only after far more questions than the 256 cached vectors
                    servers = [("ours", ours), ("peer", peer)] if name == "search" else [("ours", ours)]
                    for who, server in servers:
                        if name == "sparql":
                            paths = sparql
                        else:
                            prefix = "/search?k=10&q=" if name == "search" else "/ask?q="
                            paths = [prefix + quote(q) for q in questions]
                        before = cpu_seconds(server.pid)
                        r = http_load(server.url, paths, c, requests, seconds)
                        used = cpu_seconds(server.pid) - before
                        r["server_cpu_ms"] = round(used * 1000 / max(1, r["requests"]), 1)
                        r["load_1min"] = round(os.getloadavg()[0], 2)
                        raw[who][name][str(c)].append(r)
                        _log(f"latency {who} /{name} x{c} repeat {i + 1}: p50 {r.get('p50_ms')} p95 {r.get('p95_ms')} "
                             f"p99 {r.get('p99_ms')} ms, {r['throughput_rps']} req/s, server CPU {r['server_cpu_ms']} ms/req, "
                             f"load {r['load_1min']} ({r['requests']} requests, errors {r['errors']})")
    out: dict = {"clients": clients}
    for who, by_name in raw.items():
        out[who] = {}
        for name, by_clients in by_name.items():
            if not any(by_clients.values()):
                continue
            out[who][name] = {}
            for c, runs in by_clients.items():
                ok = [r for r in runs if "p95_ms" in r]
                out[who][name][c] = {
                    **({f"p{q}_ms": mmm([r[f"p{q}_ms"] for r in ok], 1) for q in (50, 95, 99)} if ok else {}),
                    "throughput_rps": mmm([r["throughput_rps"] for r in ok], 1) if ok else None,
                    "server_cpu_ms": mmm([r["server_cpu_ms"] for r in ok], 1) if ok else None,
                    "load_1min": mmm([r["load_1min"] for r in runs], 2),
                    "requests": [r["requests"] for r in runs], "errors": [r["errors"] for r in runs],
                }
    return out


def bench_floor(data: Path) -> dict:
    """CPU ms to encode one question and one typical passage on one thread, per backend (a child process)."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    run = subprocess.run([str(BIN / "python"), str(ROOT / "bench" / "floor_run.py"), str(data)], capture_output=True,
                         text=True, env=env, cwd=data.parent, check=False)
    if run.returncode:
        raise RuntimeError(f"floor_run failed: {run.stderr[-2000:]}")
    result = json.loads(run.stdout.strip().splitlines()[-1])
    _log(f"floor: {result['backends']}")
    return result


def _fmt(d: dict | None, digits: int = 1) -> str:
    if not d:
        return "–"
    return f"{d['min']:.{digits}f} / {d['median']:.{digits}f} / {d['max']:.{digits}f}"


def latency_markdown(lat: dict, bounds: dict) -> list[str]:
    lines = ["## Latency over loopback HTTP: `kg serve` beside the naive peer", "",
             "| server | endpoint | clients | p50 ms | p95 ms | p99 ms | requests/s | server CPU ms / request | load (1 min) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for who in ("ours", "peer"):
        for name, by in lat.get(who, {}).items():
            for c, x in by.items():
                label = "kg serve" if who == "ours" else "naive peer"
                lines.append(f"| {label} | /{name} | {c} | {_fmt(x.get('p50_ms'))} | {_fmt(x.get('p95_ms'))} | "
                             f"{_fmt(x.get('p99_ms'))} | {_fmt(x.get('throughput_rps'))} | {_fmt(x.get('server_cpu_ms'))} | "
                             f"{_fmt(x.get('load_1min'), 2)} |")
    lines += ["", "kg serve: hybrid BM25 + dense search, English questions translated, facts from the graph for every "
              "result (/search k=10, /ask k=6 with the answer and its SPARQL); the naive peer: torch fp32 encoding, faiss "
              "flat top 10, nothing else. Every /search and /ask request asks a question neither server has seen (the "
              "gold questions in many wordings), the same questions to both; /sparql: the five analyst aggregates "
              f"below, round-robin. At most {bounds['requests']} requests or {bounds['seconds']} s per run; the load "
              "generator (async httpx) shares the cores. Server CPU counts the server process and its SPARQL workers.", ""]
    return lines


def ratios(s: dict) -> dict:
    """The issue-19 goals as ratios of this run (medians over repeats), where measured."""
    out: dict = {}
    lat = s.get("latency", {})
    ours, peer = lat.get("ours", {}), lat.get("peer", {})
    if ours.get("search", {}).get("8") and peer.get("search", {}).get("8"):
        o, p = ours["search"]["8"], peer["search"]["8"]
        out["search_p95_vs_peer"] = round(o["p95_ms"]["median"] / p["p95_ms"]["median"], 3)
        out["search_rps_vs_peer"] = round(o["throughput_rps"]["median"] / p["throughput_rps"]["median"], 3)
        out["search_cpu_vs_peer"] = round(o["server_cpu_ms"]["median"] / p["server_cpu_ms"]["median"], 3)
    if ours.get("ask", {}).get("8") and ours.get("search", {}).get("8"):
        out["ask_over_search_p95"] = round(ours["ask"]["8"]["p95_ms"]["median"] / ours["search"]["8"]["p95_ms"]["median"], 3)
    if ours.get("sparql", {}).get("1"):
        out["sparql_p95_1_client_ms"] = ours["sparql"]["1"]["p95_ms"]["median"]
    if "ingest" in s and "encode" in s:
        best = min(x["wall_s"]["min"] for x in s["ingest"].values())
        out["ingest_over_encode_floor"] = round(best / s["encode"]["results"]["encode"]["seconds_min"], 3)
    return out


def goal_rows(s: dict) -> list[tuple[str, str, str, str]]:
    r = ratios(s)
    rows = []
    names = {"search_p95_vs_peer": ("/search p95 at 8 clients over the naive peer's", "≤"),
             "search_rps_vs_peer": ("/search requests/s at 8 clients over the naive peer's", "≥"),
             "ask_over_search_p95": ("/ask p95 over /search p95, 8 clients", "≤"),
             "sparql_p95_1_client_ms": ("/sparql aggregates p95 at 1 client (ms)", "≤"),
             "ingest_over_encode_floor": ("cold ingest over the naive encode floor (torch fp32 encode)", "≤")}
    for key, (label, op) in names.items():
        if key in r:
            goal = GOALS[key]
            met = r[key] <= goal if op == "≤" else r[key] >= goal
            rows.append((label, f"{r[key]:g}", f"{op} {goal:g}", "met" if met else "NOT met"))
    return rows


def floor_markdown(f: dict, lat: dict | None) -> list[str]:
    lines = ["## The floor: encoding one question and one passage", "",
             f"Process CPU time on one thread: each of the {f['questions']} gold questions once (median; "
             f"{f['question_tokens_median']:g} tokens with the prompt), and one typical passage ({f['passage']['tokens']} "
             f"tokens, the median of the index) {f['repeats']} times (median). Load average {f['load_1min']}.", "",
             "| encoder backend | question CPU ms | passage CPU ms |", "|---|---|---|"]
    for backend, x in f["backends"].items():
        lines.append(f"| {backend} | {x['question_cpu_ms']:.1f} | {x['passage_cpu_ms']:.1f} |")
    if lat and f["backends"]:
        fastest = min(x["question_cpu_ms"] for x in f["backends"].values())
        parts = []
        for name, by in lat.get("ours", {}).items():
            x = by.get("1", {}).get("server_cpu_ms")
            if x:
                parts.append(f"/{name} {x['median']:.1f} ms")
        lines += ["", f"Server CPU per request at 1 client beside it: {', '.join(parts)}; the fastest question encode is "
                  f"{fastest:.1f} ms of that for /search and /ask (/sparql encodes nothing)."]
    return lines + [""]


def before_after_markdown(now: dict, before: dict, before_name: str) -> list[str]:
    """Per endpoint and per stage of cold ingest: an earlier run's figures beside this run's."""
    b, s = before.get("sections", {}), now["sections"]
    lines = ["## Before and after issue 19", "",
             f"Before: `{before_name}` ({before.get('date', '?')}, 1-minute load {before.get('load', {}).get('min', '?')}–"
             f"{before.get('load', {}).get('max', '?')}); now: this run (load {now['load']['min']}–{now['load']['max']}). "
             "Medians over repeats; different days and loads, so the ratios inside one run (above) are the fair comparison.", ""]
    blat = b.get("latency", {}).get("default") or next(iter(b.get("latency", {}).values()), {})
    nlat = s.get("latency", {}).get("ours", {})
    if blat and nlat:
        lines += ["| endpoint | clients | p95 ms before | p95 ms now | requests/s before | requests/s now |", "|---|---|---|---|---|---|"]
        for name in ENDPOINTS:
            for c in ("1", "8"):
                x, y = blat.get(name, {}).get(c, {}), nlat.get(name, {}).get(c, {})
                if x.get("p95_ms") and y.get("p95_ms"):
                    lines.append(f"| /{name} | {c} | {x['p95_ms']['median']:.1f} | {y['p95_ms']['median']:.1f} | "
                                 f"{x['throughput_rps']['median']:.1f} | {y['throughput_rps']['median']:.1f} |")
        lines.append("")
    bi, ni = b.get("ingest", {}).get("1"), s.get("ingest", {}).get("1")
    if bi and ni:
        stages = ["wall", "graph", *[k for k in ("read", "repair", "segment", "extract", "validate", "store", "link", "model",
                                                 "records", "embed", "index") if k in bi["stages_s"] or k in ni["stages_s"]]]
        lines += ["| cold ingest, 1 worker (s) | before | now |", "|---|---|---|"]
        for k in stages:
            x = bi["wall_s"] if k == "wall" else bi["graph_s"] if k == "graph" else bi["stages_s"].get(k)
            y = ni["wall_s"] if k == "wall" else ni["graph_s"] if k == "graph" else ni["stages_s"].get(k)
            lines.append(f"| {k} | {x['median']:.2f} | {y['median']:.2f} |" if x and y else f"| {k} | – | – |")
        be, ne = b.get("encode", {}).get("results", {}).get("encode"), s.get("encode", {}).get("results", {}).get("encode")
        if be and ne:
            lines.append(f"| naive encode floor (torch fp32) | {be['seconds_median']:.2f} | {ne['seconds_median']:.2f} |")
        lines.append("")
    return lines

