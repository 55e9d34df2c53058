"""The corpus at 1×, 10× and 100×: ingest time (stage by stage), peak RSS, index and graph size, /search p95.

For each factor, :mod:`bench.scale_corpus` writes the scale corpus, :mod:`bench.ingest_run` ingests
it cold (graph and search index) in its own process, and ``kg serve`` over the result answers
/search at 8 concurrent clients over loopback HTTP. Every factor's result is written as soon as it
is known (``bench/results/scale-<N>x.json``), so a long 100× run can go in the background; the
summary table (``scale.md`` / ``scale.json``) is rebuilt from whatever factors have results.

    .venv/bin/python bench/bench_scale.py --factors 1 10 [--work /tmp/kg-scale]
    .venv/bin/python bench/bench_scale.py --factors 100 --work /tmp/kg-scale &   # ~1-2 h on 2 cores
    .venv/bin/python bench/bench_scale.py --summary                              # table only
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    BIN,
    RESULTS,
    ROOT,
    LoadSampler,
    dir_bytes,
    http_load,
    machine,
    run_measured,
    served,
    write_results,
)
from scale_corpus import make_scale_corpus

SEARCH_TARGET_MS_100X = 100.0
RSS_TARGET_MB = 4096
GROWTH_TARGET = 1.2  # time(N×) <= 1.2 × N × time(1×)


def questions() -> list[str]:
    lines = (ROOT / "eval" / "gold" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def search_paths(k: int = 10) -> list[str]:
    """Questions the server has not seen (see bench_suite.distinct_queries): no answer from the query cache."""
    from urllib.parse import quote

    from bench_suite import distinct_queries

    return [f"/search?q={quote(q)}&k={k}" for q in distinct_queries()]


def run_factor(factor: int, work: Path, workers: int | None, requests: int, seconds: float, keep: bool,
               max_rss_mb: float | None = None, stand_in: int | None = None) -> dict:
    base = work / f"{factor}x"
    if base.exists():
        shutil.rmtree(base)
    corpus, data = base / "corpus", base / "data"
    t0 = time.perf_counter()
    stats = make_scale_corpus(ROOT / "corpus", factor, corpus)
    generate = time.perf_counter() - t0
    cmd = [str(BIN / "python"), str(ROOT / "bench" / "ingest_run.py"), str(corpus), str(data)]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    if stand_in:
        cmd += ["--stand-in-vectors", str(stand_in)]
    print(f"[{factor}x] {stats.documents} documents ({stats.bytes / 1e6:.1f} MB); ingesting…", file=sys.stderr, flush=True)
    with LoadSampler(every=10) as load:
        child = run_measured(cmd, cwd=base, max_rss_mb=max_rss_mb)
    if child.returncode != 0:
        failure = {"factor": factor, "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "failed": child.stderr[-3000:],
                   "wall_s": round(child.seconds, 1), "peak_rss_mb": round(child.max_rss_mb, 1),
                   "progress": (base / "progress.log").read_text("utf-8")[-3000:] if (base / "progress.log").is_file() else ""}
        (RESULTS / f"scale-{factor}x-failed.json").write_text(json.dumps(failure, indent=2) + "\n", "utf-8")
        raise RuntimeError(f"ingest of {factor}x failed ({child.returncode}): {child.stderr[-2000:]}")
    ingest = json.loads(child.stdout.strip().splitlines()[-1])
    live = data / (data / "CURRENT").read_text("utf-8").strip()  # the committed generation's directory
    result = {
        "benchmark": "bench/bench_scale.py",
        "factor": factor,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "corpus": {"documents": stats.documents, "bytes": stats.bytes, "amounts_changed": stats.amounts_changed,
                   "blocks_borrowed": stats.blocks_replaced, "blocks_reworded": stats.blocks_rotated,
                   "long_blocks_repeated": stats.long_blocks_repeated, "generate_s": round(generate, 2)},
        "ingest": {"wall_s": round(child.seconds, 2), "peak_rss_mb": round(child.max_rss_mb, 1), **ingest},
        "sizes_mb": {"index": round(dir_bytes(live / "index") / 1e6, 1), "graph": round(dir_bytes(live / "graph") / 1e6, 1),
                     "embedding_cache": round(dir_bytes(live / "cache") / 1e6, 1),
                     "texts": round(dir_bytes(live / "texts") / 1e6, 1)},
        "load_during_ingest": load.summary(),
        "machine": machine(),
    }
    _save(result)  # the expensive part is kept even if serving fails
    print(f"[{factor}x] ingested in {child.seconds:.0f} s; serving…", file=sys.stderr, flush=True)
    result["search"] = measure_search(data, base, requests, seconds)
    result["machine"] = machine()
    _save(result)
    if not keep:
        shutil.rmtree(base)
    return result


def measure_search(data: Path, cwd: Path, requests: int, seconds: float, threads: str | None = None) -> dict:
    import os

    paths = search_paths()
    env = {**os.environ, "OMP_NUM_THREADS": threads} if threads else None
    with served(data, cwd, warm=paths[-3:], env=env) as url:
        return {str(c): http_load(url, paths[c * requests:(c + 1) * requests], c, requests, seconds) for c in (1, 8)}


def _save(result: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"scale-{result['factor']}x.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")


def summary() -> dict:
    runs = {}
    for path in sorted(RESULTS.glob("scale-*x.json")):
        r = json.loads(path.read_text("utf-8"))
        runs[r["factor"]] = r
    return {"benchmark": "bench/bench_scale.py", "factors": sorted(runs), "runs": {str(f): runs[f] for f in sorted(runs)}}


def total_s(r: dict) -> float:
    """Ingest wall time; with stand-in vectors, the real model's extrapolated embedding time is added."""
    ing = r["ingest"]
    extra = ing["stand_in_vectors"]["embed_s_extrapolated"] if "stand_in_vectors" in ing else 0.0
    return ing["wall_s"] + extra


def markdown(s: dict) -> str:
    runs = {int(k): v for k, v in s["runs"].items()}
    one = runs.get(1)
    lines = [
        "# Scale benchmark: the corpus at N×",
        "",
        "Scale corpora from `bench/scale_corpus.py` (copy 0 = the corpus; each further copy recombines and perturbs "
        "paragraphs, amounts and region names; no byte-for-byte duplicate documents). Cold ingest with "
        "`bench/ingest_run.py` (what `kg ingest` does: graph, then the search index with the default model), "
        "then `kg serve` answering /search (k=10, questions it has not seen before) over loopback HTTP. "
        "One run per factor (100× takes over an hour on 2 cores).",
        "",
        "| factor | docs | passages | triples | ingest s | graph s | embed s | s / 1× | peak RSS MB | index MB | graph MB "
        "| /search p95 ms (1 / 8 clients) | load (median) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for f, r in sorted(runs.items()):
        ing = r["ingest"]
        st = dict(ing.get("stages", {}))
        wall = total_s(r)
        ratio = f"{wall / total_s(one):.1f}" if one else "–"
        if "stand_in_vectors" in ing:
            st["embed"] = ing["stand_in_vectors"]["embed_s_extrapolated"]
        srch = r.get("search", {})
        p95 = " / ".join(f"{srch[c]['p95_ms']:.0f}" if c in srch and "p95_ms" in srch[c] else "–" for c in ("1", "8"))
        one_thread = r.get("search_threads_1", {})
        if one_thread:
            p95 += " (1 torch thread: " + " / ".join(f"{one_thread[c]['p95_ms']:.0f}" for c in ("1", "8") if c in one_thread) + ")"
        rss = max(ing["peak_rss_mb"], ing.get("children_peak_rss_mb", 0))
        lines.append(
            f"| {f}× | {r['corpus']['documents']} | {ing.get('passages', '–')} | {ing.get('triples', '–')} | {wall:.0f}{'*' if 'stand_in_vectors' in ing else ''} "
            f"| {st.get('graph_total', 0):.0f} | {st.get('embed', 0):.0f} | {ratio} | {rss:.0f} "
            f"| {r['sizes_mb']['index']:.1f} | {r['sizes_mb']['graph']:.1f} | {p95} | {r['load_during_ingest']['median']} |"
        )
    if any("stand_in_vectors" in r["ingest"] for r in runs.values()):
        lines += ["", "\* with stand-in vectors: the real model embedded a sample of the passages and its rate × all "
                  "passages is the embedding time added to the wall time; the index was built with random unit vectors "
                  "so that it could be served (per query the same work: the real model encodes the question, HNSW/flat "
                  "search, BM25, graph facts), and /search rankings are meaningless there."]
    if one:
        lines += ["", "Targets: time(N×) ≤ 1.2 · N · time(1×); at 100× peak RSS ≤ 4 GB and /search p95 ≤ 100 ms at 8 clients."]
        for f, r in sorted(runs.items()):
            if f == 1:
                continue
            growth = total_s(r) / (f * total_s(one))
            lines.append(f"- {f}×: time / ({f} · time(1×)) = {growth:.2f} ({'met' if growth <= GROWTH_TARGET else 'NOT met'})")
    m = next(iter(runs.values()))["machine"] if runs else {}
    lines += ["", f"Machine: {m.get('cpu_count')} CPUs (affinity {m.get('affinity')}), {m.get('platform')}; "
              "other jobs shared the cores (load column).", "",
              "Reproduce: `.venv/bin/python bench/bench_scale.py --factors 1 10 100`.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factors", type=int, nargs="*", default=[1, 10])
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-scale"))
    parser.add_argument("--workers", type=int, default=None, help="ingest workers (default: the setting)")
    parser.add_argument("--requests", type=int, default=400, help="most /search requests per client count")
    parser.add_argument("--seconds", type=float, default=60, help="most seconds per client count")
    parser.add_argument("--keep", action="store_true", help="keep the data directories")
    parser.add_argument("--max-rss-mb", type=float, default=6000, help="kill an ingest that holds more memory than this")
    parser.add_argument("--stand-in-vectors", type=int, default=256, metavar="SAMPLE",
                        help="from --stand-in-from up: embed SAMPLE passages for real (rate → embedding time) and index "
                             "random unit vectors, so the index can be built and served (latency is the same per query)")
    parser.add_argument("--stand-in-from", type=int, default=100, metavar="FACTOR")
    parser.add_argument("--threads", default=None, help="with --search-only: OMP_NUM_THREADS for the server")
    parser.add_argument("--summary", action="store_true", help="only rebuild scale.md / scale.json")
    parser.add_argument("--search-only", type=int, default=None, metavar="FACTOR",
                        help="re-measure /search on a kept data directory of FACTOR")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.search_only:
        path = RESULTS / f"scale-{args.search_only}x.json"
        result = json.loads(path.read_text("utf-8"))
        base = args.work / f"{args.search_only}x"
        key = f"search_threads_{args.threads}" if args.threads else "search"
        result[key] = measure_search(base / "data", base, args.requests, args.seconds, args.threads)
        _save(result)
    else:
        for factor in args.factors:
            run_factor(factor, args.work, args.workers, args.requests, args.seconds, args.keep, args.max_rss_mb,
                       args.stand_in_vectors if factor >= args.stand_in_from else None)
    s = summary()
    write_results("scale", s, markdown(s))
    print(markdown(s))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
