"""The benchmarks side by side, on the corpus, in one run: ``bench/results/suite.json`` + ``suite.md``.

* **ingest**: cold ``kg ingest`` (graph and search index, fresh data directory and embedding cache),
  split into read / repair / segment / extract / validate / store / link / model / records / embed /
  index (:mod:`bench.ingest_run`), for each ``--workers`` value;
* **encode**: ``SentenceTransformer.encode`` alone on the same passages vs the index build
  (``bench/bench_encode.py``, run here; its own ``encode.json`` is written too) and the whole cold
  ingest over the encode floor;
* **reingest**: ``kg ingest`` again on the unchanged corpus (the command as a user runs it);
* **floor**: CPU time to encode one question and one typical passage on one thread, per encoder
  backend (``bench/floor_run.py``);
* **latency**: ``kg serve`` beside the naive peer (``bench/naive_peer.py``) on loopback; /search, /ask
  and SPARQL aggregates at 1, 8 and 32 concurrent clients (an async httpx loop, bounded in requests and
  seconds), p50 / p95 / p99, requests/s and server CPU per request (``bench/bench_serve.py``);
* **stores**: the same analyst queries on rdflib's memory store and on Oxigraph;
* **vectors**: faiss (flat, HNSW) vs numpy brute force, at the corpus's size and at 100× of it.

Every figure is min / median / max over ``--repeats``; cores and load average are recorded. Timing
is not a test: nothing here asserts a speed. The encoder copies the run needs (the configured backend's,
and the torch model for the floor and the peer) are built before anything is timed. ``suite.md`` puts
the figures beside an earlier run's (``--before``, default ``bench/results/suite-2026-11-24.json``).

    .venv/bin/python bench/bench_suite.py [--repeats 3] [--only ingest latency …]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_serve
from common import (
    BIN,
    RESULTS,
    ROOT,
    LoadSampler,
    machine,
    mmm,
    run_measured,
)

SECTIONS = ("ingest", "encode", "reingest", "floor", "latency", "stores", "vectors")
BEFORE = RESULTS / "suite-2026-11-24.json"  # the figures before issue 19 (the suite as it was then)
TARGETS = {"cold_ingest_s": 60, "overhead": 0.25, "reingest_s": 5, "search_p95_ms": 50, "ask_p95_ms": 150, "sparql_p95_ms": 20}

# analyst queries: the README's aggregates and two more that touch every document
ANALYST_QUERIES = {
    "passages_per_document": "SELECT ?key (COUNT(?p) AS ?n) WHERE { ?p a kg:Passage ; kg:inDocument ?d . ?d kg:sourceKey ?key } GROUP BY ?key",
    "money_per_initiative_year": """SELECT ?initiative ?year (SUM(?value) AS ?dkk) (COUNT(?fact) AS ?facts) WHERE {
  ?fact a kg:MoneyAmount ; kg:amountKind kg:Allocated ; kg:fromTable true ;
        kg:value ?value ; kg:year ?year ; kg:forInitiative/owl:sameAs ?canonical .
  ?canonical rdfs:label ?initiative .
} GROUP BY ?initiative ?year ORDER BY ?initiative ?year""",
    "initiatives_per_actor": """SELECT ?actor (COUNT(DISTINCT ?initiative) AS ?initiatives) (SAMPLE(?label) AS ?example) WHERE {
  ?initiative kg:responsible/rdfs:label ?actor ; rdfs:label ?label .
} GROUP BY ?actor ORDER BY DESC(?initiatives)""",
    "money_per_year_and_kind": """SELECT ?year ?kind (SUM(?value) AS ?dkk) (COUNT(?f) AS ?n) WHERE {
  ?f a kg:MoneyAmount ; kg:value ?value ; kg:year ?year ; kg:amountKind/skos:notation ?kind .
} GROUP BY ?year ?kind ORDER BY ?year ?kind""",
    "facts_per_document_and_class": """SELECT ?doc ?cls (COUNT(?f) AS ?n) WHERE {
  ?f prov:wasDerivedFrom ?p ; a ?cls . ?p kg:inDocument ?doc .
} GROUP BY ?doc ?cls""",
}


def questions() -> list[str]:
    lines = (ROOT / "eval" / "gold" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


# --- ingest ---------------------------------------------------------------------------------------
def bench_ingest(work: Path, repeats: int, workers: list[int]) -> dict:
    out: dict = {}
    for w in workers:
        runs = []
        for i in range(repeats):
            base = work / f"ingest-w{w}-{i}"
            shutil.rmtree(base, ignore_errors=True)
            base.mkdir(parents=True)
            cmd = [str(BIN / "python"), str(ROOT / "bench" / "ingest_run.py"), str(ROOT / "corpus"), str(base / "data"),
                   "--workers", str(w)]
            child = run_measured(cmd, cwd=base)
            if child.returncode:
                raise RuntimeError(f"ingest failed: {child.stderr[-2000:]}")
            r = json.loads(child.stdout.strip().splitlines()[-1])
            r["wall_s"], r["peak_rss_mb"] = child.seconds, child.max_rss_mb
            runs.append(r)
            log(f"ingest workers={w} repeat {i + 1}: {child.seconds:.1f} s (embed {r['stages'].get('embed', 0):.1f} s)")
            if i < repeats - 1:
                shutil.rmtree(base)
        stages = sorted({k for r in runs for k in r["stages"]})
        out[str(w)] = {
            "wall_s": mmm([r["wall_s"] for r in runs]),
            "graph_s": mmm([r["stages"]["graph_total"] for r in runs]),
            "stages_s": {k: mmm([r["stages"].get(k, 0.0) for r in runs]) for k in stages},
            "peak_rss_mb": mmm([max(r["peak_rss_mb"], r.get("children_peak_rss_mb", 0)) for r in runs], 1),
            "passages": runs[0].get("passages"), "triples": runs[0].get("triples"),
        }
    return out


def prepare_models() -> None:
    """Build, untimed, the encoder copies the run loads: the configured backend's (an ONNX copy is built once
    per machine, like the model itself) and the torch model (the floor and the naive peer)."""
    code = ("from kg.settings import load_config; from search.encoder import load_encoder; "
            "load_encoder(backend=load_config().encoder_backend); load_encoder(backend='torch')")
    child = run_measured([str(BIN / "python"), "-c", code], cwd=ROOT)
    if child.returncode:
        raise RuntimeError(f"the encoder could not be built: {child.stderr[-2000:]}")
    log(f"encoders ready ({child.seconds:.1f} s)")


def kept_data_dir(work: Path) -> Path:
    """The data directory of the last cold ingest (kept for the re-ingest and the server)."""
    kept = sorted(work.glob("ingest-w*-*/data"))
    if not kept:
        raise RuntimeError("run the ingest section first (or give --work with a kept ingest)")
    return kept[-1]


# --- encode floor --------------------------------------------------------------------------------
def bench_encode(repeats: int) -> dict:
    import bench_encode

    bench_encode.main(["--repeats", str(repeats)])
    return json.loads((RESULTS / "encode.json").read_text("utf-8"))


# --- unchanged re-ingest --------------------------------------------------------------------------
def bench_reingest(data: Path, repeats: int) -> dict:
    # one untimed run first: it brings the data directory in step with the code as it is now
    # (the checkout is shared; a vocabulary changed since the cold ingest is stored again once)
    first = run_measured([str(BIN / "kg"), "ingest", str(ROOT / "corpus"), "--data-dir", str(data)], cwd=data.parent)
    seconds = []
    for i in range(repeats):
        child = run_measured([str(BIN / "kg"), "ingest", str(ROOT / "corpus"), "--data-dir", str(data)], cwd=data.parent)
        if child.returncode or "5 unchanged" not in child.stderr + child.stdout:
            raise RuntimeError(f"re-ingest did not find 5 unchanged documents: {child.stderr[-1500:]}")
        seconds.append(child.seconds)
        log(f"re-ingest repeat {i + 1}: {child.seconds:.2f} s")
    return {"wall_s": mmm(seconds), "note": "`kg ingest` as a user runs it, process start and imports included",
            "first_run": {"seconds": round(first.seconds, 2), "output": first.stderr.strip()[-400:]}}


# --- latency over HTTP ----------------------------------------------------------------------------
YEARS = [f" i {y}" for y in range(2015, 2035)]
PHRASES = ["", " samlet", " i alt", " ifølge aftalen", " for regionerne", " for kommunerne", " årligt", " varigt",
           " i regionen", " på landsplan", " til psykiatrien", " kort fortalt", " præcist", " i millioner",
           " med kilde", " og hvorfor", " for børn og unge", " for voksne", " i planen", " i referatet"]


def distinct_queries() -> list[str]:
    """The gold questions, each with a few dozen wordings: every request asks something the server has not
    seen yet (the index caches the last 256 query vectors, which would otherwise answer from memory)."""
    qs = questions()
    return [q.rstrip("?") + extra + "?" for extra in [*PHRASES, *YEARS] for q in qs]


# --- memory store vs Oxigraph ---------------------------------------------------------------------
def bench_stores(data: Path, repeats: int) -> dict:
    from kg.namespace import PREFIXES
    from kg.store import MemoryStore, open_store

    ox = open_store("oxigraph", data, read_only=True)
    mem = MemoryStore()
    t0 = time.perf_counter()
    for g in ox.graphs():
        mem.replace(g, list(ox.graph(g)))
    load_s = time.perf_counter() - t0
    out: dict = {"memory_load_s": round(load_s, 2), "triples": len(ox), "queries": {}}
    try:
        for name, query in ANALYST_QUERIES.items():
            times: dict[str, list[float]] = {"memory": [], "oxigraph": [], "native": []}
            rows = {}
            for _ in range(repeats):
                for kind, store in (("memory", mem), ("oxigraph", ox)):
                    t = time.perf_counter()
                    rows[kind] = len(list(store.query(query)))
                    times[kind].append(time.perf_counter() - t)
                t = time.perf_counter()  # pyoxigraph itself, as the API's query workers run it
                rows["native"] = sum(1 for _ in ox.native.query(query, prefixes=PREFIXES, use_default_graph_as_union=True))
                times["native"].append(time.perf_counter() - t)
            if not rows["memory"] == rows["oxigraph"] == rows["native"]:
                raise RuntimeError(f"{name}: memory store gave {rows['memory']} rows, Oxigraph {rows['oxigraph']}")
            out["queries"][name] = {"rows": rows["oxigraph"], "memory_ms": mmm([t * 1000 for t in times["memory"]], 1),
                                    "oxigraph_ms": mmm([t * 1000 for t in times["oxigraph"]], 1),
                                    "native_ms": mmm([t * 1000 for t in times["native"]], 1)}
            log(f"stores {name}: memory {statistics.median(times['memory']) * 1000:.0f} ms, "
                f"oxigraph {statistics.median(times['oxigraph']) * 1000:.1f} ms ({rows['oxigraph']} rows)")
    finally:
        ox.close()
    return out


# --- faiss vs numpy ---------------------------------------------------------------------------------
def bench_vectors(data: Path, repeats: int, queries: int = 200, k: int = 10) -> dict:
    import numpy as np

    from search.index import SearchIndex
    from search.vector import FaissFlatIndex, FaissHNSWIndex, NumpyIndex

    index = SearchIndex.open(data)
    base = index.vectors.vectors(np.arange(len(index)))
    rng = np.random.default_rng(7)
    out: dict = {}
    for label, n in (("1x", len(base)), ("100x", len(base) * 100)):
        if n == len(base):
            matrix = base
        else:  # 100× the corpus's vectors: each a corpus vector plus noise, normalised
            matrix = base[rng.integers(0, len(base), n)] + rng.normal(0, 0.02, (n, base.shape[1])).astype(np.float32)
            matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        qv = matrix[rng.integers(0, n, queries)] + rng.normal(0, 0.05, (queries, base.shape[1])).astype(np.float32)
        qv /= np.linalg.norm(qv, axis=1, keepdims=True)
        result: dict = {"vectors": int(n), "queries": queries, "k": k}
        truth = None
        for kind, cls in (("numpy", NumpyIndex), ("faiss_flat", FaissFlatIndex), ("faiss_hnsw", FaissHNSWIndex)):
            t = time.perf_counter()
            idx = cls(base.shape[1])
            idx.add(matrix)
            build = time.perf_counter() - t
            per_query = []
            for _ in range(repeats):
                t = time.perf_counter()
                for q in qv:
                    _, ids = idx.search(q[None, :], k)
                per_query.append((time.perf_counter() - t) / queries * 1000)
            _, ids = idx.search(qv, k)
            if truth is None:
                truth = ids
            recall = float(np.mean([len(set(a) & set(b)) / k for a, b in zip(ids, truth)]))
            result[kind] = {"build_s": round(build, 3), "ms_per_query": mmm(per_query, 3), "recall_at_k_vs_numpy": round(recall, 4)}
            log(f"vectors {label} {kind}: {statistics.median(per_query):.3f} ms/query, recall {recall:.3f}, build {build:.2f} s")
        out[label] = result
    return out


# --- report -----------------------------------------------------------------------------------------
def verdict(value: float | None, target: float) -> str:
    if value is None:
        return "not measured"
    return "met" if value <= target else "NOT met"


def markdown(r: dict) -> str:
    m = r["machine"]
    lines = ["# Benchmarks side by side", "",
             f"{r['date']}; {m['cpu_count']} CPUs (affinity {m['affinity']}, cgroup {m['cgroup_cpus'] or 'no quota'}), "
             f"Python {m['python']}, {m['platform']}. {r['repeats']} repeats; every figure is min / median / max. "
             f"1-minute load average during the run: {r['load']['min']} / {r['load']['median']} / {r['load']['max']} "
             "(other jobs shared the 2 cores: medians and maxima carry their noise; minimums are the least disturbed).", ""]
    s = r["sections"]
    rows = []
    if "ingest" in s:
        lines += ["## Cold ingest of the corpus (graph + search index)", "",
                  "| workers | wall s | graph s | " + " | ".join(STAGE_ORDER) + " | peak RSS MB |",
                  "|---|---|---|" + "---|" * len(STAGE_ORDER) + "---|"]
        for w, x in s["ingest"].items():
            st = x["stages_s"]
            lines.append(f"| {w} | {fmt(x['wall_s'])} | {fmt(x['graph_s'])} | "
                         + " | ".join(fmt(st[k]) if k in st else "–" for k in STAGE_ORDER) + f" | {fmt(x['peak_rss_mb'], 0)} |")
        best = min(x["wall_s"]["min"] for x in s["ingest"].values())
        med = min(x["wall_s"]["median"] for x in s["ingest"].values())
        rows.append(("cold ingest with embeddings", f"{best:.1f} s (median {med:.1f} s)", "≤ 60 s", verdict(best, 60)))
        lines += ["", f"{s['ingest'][next(iter(s['ingest']))]['passages']} passages, "
                  f"{s['ingest'][next(iter(s['ingest']))]['triples']} triples. Stage times are summed over documents; "
                  "with workers > 1 read…validate run in parallel, so they add up to more than the wall time.", ""]
    if "encode" in s:
        e = s["encode"]
        enc, build = e["results"]["encode"], e["results"]["build_cold"]
        o = e["overhead"]
        lines += ["## Encode floor vs the pipeline", "",
                  "| what | seconds min / median / max | passages/s (median) |", "|---|---|---|",
                  f"| `SentenceTransformer.encode` alone ({e['passages']} passages, batch 8) | {enc['seconds_min']:.2f} / {enc['seconds_median']:.2f} / {enc['seconds_max']:.2f} | {enc['passages_per_s_median']:.1f} |",
                  f"| `SearchIndex.build`, cache off | {build['seconds_min']:.2f} / {build['seconds_median']:.2f} / {build['seconds_max']:.2f} | {build['passages_per_s_median']:.1f} |",
                  "", f"Index-build overhead over encode: {o['of_minimums']:.1%} of the minimums (median of interleaved pairs "
                  f"{o['paired_median']:.1%}). Details: `encode.md`.", ""]
        rows.append(("index build over encode alone", f"{o['of_minimums']:.1%} (paired median {o['paired_median']:.1%})", "≤ 25 %",
                     verdict(o["of_minimums"], 0.25)))
        if "ingest" in s:
            best = min(x["wall_s"]["min"] for x in s["ingest"].values())
            whole = best / enc["seconds_min"] - 1
            r["whole_ingest_over_encode"] = round(whole, 4)
            lines += [f"Whole cold ingest (best {best:.1f} s) over the encode floor ({enc['seconds_min']:.1f} s): {whole:.0%}; "
                      "the difference is the graph (extraction, SHACL, store), loading the model and process start. "
                      "Only comparable when both sections ran in the same run under the same load.", ""]
    if "reingest" in s:
        x = s["reingest"]["wall_s"]
        lines += ["## Unchanged re-ingest", "", f"`kg ingest` on the unchanged corpus: {fmt(x)} s ({s['reingest']['note']}).", ""]
        rows.append(("unchanged re-ingest", f"{x['min']:.2f} s (median {x['median']:.2f} s)", "≤ 5 s", verdict(x["median"], 5)))
    if "floor" in s:
        lines += bench_serve.floor_markdown(s["floor"], s.get("latency"))
    if "latency" in s:
        if "ours" in s["latency"]:
            lines += bench_serve.latency_markdown(s["latency"], r["latency_bounds"])
        else:
            lines += ["## Latency", "", "(an earlier run's format: see its suite.md)", ""]
    if "stores" in s:
        st = s["stores"]
        lines += ["## Analyst queries: rdflib memory store vs Oxigraph", "",
                  f"{st['triples']} triples (loading them into the memory store took {st['memory_load_s']} s).", "",
                  "| query | rows | memory ms | Oxigraph (rdflib) ms | pyoxigraph ms | speed-up memory → Oxigraph |", "|---|---|---|---|---|---|"]
        for name, x in st["queries"].items():
            lines.append(f"| {name} | {x['rows']} | {fmt(x['memory_ms'], 1)} | {fmt(x['oxigraph_ms'], 1)} | {fmt(x['native_ms'], 1)} "
                         f"| {x['memory_ms']['median'] / max(x['oxigraph_ms']['median'], 1e-3):.0f}× |")
        worst = max(x["native_ms"]["median"] for x in st["queries"].values())
        rows.append(("SPARQL aggregate on pyoxigraph, in process (slowest median)", f"{worst:.1f} ms", "(≤ 20 ms over HTTP)", verdict(worst, 20)))
        lines.append("")
    if "vectors" in s:
        lines += ["## Vector search: faiss vs numpy brute force", "",
                  "| size | vectors | backend | build s | ms / query | recall@10 vs numpy |", "|---|---|---|---|---|---|"]
        for label, x in s["vectors"].items():
            for kind in ("numpy", "faiss_flat", "faiss_hnsw"):
                y = x[kind]
                lines.append(f"| {label} | {x['vectors']} | {kind} | {y['build_s']} | {fmt(y['ms_per_query'], 3)} | {y['recall_at_k_vs_numpy']} |")
        lines += ["", "100×: the corpus's vectors repeated with noise (normalised), queries near stored vectors; one query per call.", ""]
    rows += bench_serve.goal_rows(s)
    head = ["## Targets", "", "| figure | measured | target | verdict |", "|---|---|---|---|"]
    head += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    lines[4:4] = head + [""]
    if r.get("before"):
        lines += bench_serve.before_after_markdown(r, r["before"], r["before_name"])
    lines += ["Reproduce: `.venv/bin/python bench/bench_suite.py` (sections: `--only " + " ".join(SECTIONS) + "`); "
              "scale: `bench/bench_scale.py` (`scale.md`).", ""]
    return "\n".join(lines)


STAGE_ORDER = ["read", "repair", "segment", "extract", "validate", "store", "link", "model", "records", "embed", "index"]


def fmt(d: dict | None, digits: int = 2) -> str:
    if not d:
        return "–"
    return f"{d['min']:.{digits}f} / {d['median']:.{digits}f} / {d['max']:.{digits}f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--ingest-repeats", type=int, default=None, help="cold ingests per workers value (default: --repeats)")
    parser.add_argument("--only", nargs="*", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2], help="ingest workers to compare")
    parser.add_argument("--requests", type=int, default=300, help="most requests per latency run")
    parser.add_argument("--seconds", type=float, default=45, help="most seconds per latency run")
    parser.add_argument("--clients", type=int, nargs="*", default=[1, 8, 32], help="concurrent clients of the latency runs")
    parser.add_argument("--before", type=Path, default=BEFORE, help="an earlier suite.json to show beside this run")
    parser.add_argument("--work", type=Path, default=None, help="keep data here (default: a temporary directory)")
    parser.add_argument("--merge", action="store_true", help="keep sections of an earlier suite.json not run now")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    previous = json.loads((RESULTS / "suite.json").read_text("utf-8")) if args.merge and (RESULTS / "suite.json").is_file() else {}
    sections: dict = dict(previous.get("sections", {}))
    if args.merge and "encode" not in sections and (RESULTS / "encode.json").is_file():
        sections["encode"] = json.loads((RESULTS / "encode.json").read_text("utf-8"))

    def save(load: LoadSampler) -> str:  # after every section: a late failure keeps what was measured
        result = {"benchmark": "bench/bench_suite.py", "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "repeats": args.repeats,
                  "machine": machine(), "load": load.summary(),
                  "latency_bounds": {"requests": args.requests, "seconds": args.seconds},
                  "targets": TARGETS, "goals": bench_serve.GOALS, "ratios": bench_serve.ratios(sections),
                  "sections": sections}
        md = markdown({**result, "before": before, "before_name": args.before.name if args.before else None})
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "suite.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (RESULTS / "suite.md").write_text(md, encoding="utf-8")
        return md

    before = json.loads(args.before.read_text("utf-8")) if args.before and args.before.is_file() else None
    prepare_models()
    with LoadSampler(every=5) as load:
        if "ingest" in args.only:
            sections["ingest"] = bench_ingest(work, args.ingest_repeats or args.repeats, args.workers)
            save(load)
        if "encode" in args.only:
            sections["encode"] = bench_encode(args.repeats)
            save(load)
        needs_data = {"reingest", "floor", "latency", "stores", "vectors"} & set(args.only)
        data = kept_data_dir(work) if needs_data else None
        sparql = [f"/sparql?query={quote(q)}" for q in ANALYST_QUERIES.values()]
        steps = {"reingest": lambda: bench_reingest(data, args.repeats),
                 "floor": lambda: bench_serve.bench_floor(data),
                 "latency": lambda: bench_serve.bench_latency(data, work, args.repeats, args.requests, args.seconds,
                                                              args.clients, distinct_queries(), sparql),
                 "stores": lambda: bench_stores(data, args.repeats),
                 "vectors": lambda: bench_vectors(data, args.repeats)}
        for name, step in steps.items():
            if name in args.only:
                sections[name] = step()
                save(load)
        md = save(load)
    print(md)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
