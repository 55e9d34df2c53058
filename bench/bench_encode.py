"""How much does building the search index cost beyond encoding the passages?

One run, on the corpus's own passages (a fresh ``kg ingest --no-index`` into a temporary data
directory, then ``search.service.passage_records``), measures with the default model:

* ``encode``: ``SentenceTransformer.encode`` alone on the indexed texts (batch 8, the "passage: "
  prompt, normalised): the compute floor;
* ``encode_chunked``: the same, in calls of ``search.cache.ENCODE_CHUNK`` texts as the build makes
  them (length-sorting and padding happen per call), to tell chunking apart from the rest;
* ``build_cold``: the whole ``SearchIndex.build`` with the embedding cache off (``use_cache=False``);
* ``build_warm``: ``SearchIndex.build`` with the cache on and nothing changed (every vector cached).

Repeats are interleaved (encode, chunked, build, encode, ...) so that a change in background load
hits every measurement alike. The overhead is build time / encode time - 1 (target: at most 25 %).
Writes ``bench/results/encode.json`` and ``bench/results/encode.md``.

    .venv/bin/python bench/bench_encode.py [--repeats 3] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import LoadSampler, cpu_budget

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BATCH = 8
PROMPT = "passage: "
TARGET_OVERHEAD = 0.25


def summary(seconds: list[float], n: int) -> dict:
    rates = [n / s for s in seconds]
    return {
        "seconds": [round(s, 3) for s in seconds],
        "seconds_min": round(min(seconds), 3),
        "seconds_median": round(statistics.median(seconds), 3),
        "seconds_max": round(max(seconds), 3),
        "passages_per_s_min": round(min(rates), 2),
        "passages_per_s_median": round(statistics.median(rates), 2),
        "passages_per_s_max": round(max(rates), 2),
    }


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def corpus_records(work: Path):
    """The corpus's passages, from a fresh ``kg ingest --no-index`` into ``work``."""
    from kg.settings import load_config
    from kgdatadir.reader import reading
    from search.service import passage_records

    kg = Path(sys.executable).with_name("kg")
    cmd = [str(kg), "ingest", str(ROOT / "corpus"), "--data-dir", str(work), "--store", "oxigraph", "--no-index", "-q"]
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run(cmd, check=True, cwd=work)  # cwd: no stray kg.toml is read
    cfg = load_config({"data_dir": work, "store": "oxigraph"})
    with reading(cfg) as snapshot:  # the committed generation
        return passage_records(snapshot.store)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="only the first N passages (a quick check)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    load_start = os.getloadavg()
    with LoadSampler() as sampler, tempfile.TemporaryDirectory(prefix="bench-encode-") as tmp:
        work = Path(tmp)
        t_ingest, records = timed(lambda: corpus_records(work / "ingest"))
        records = records[: args.limit] if args.limit else records
        texts = [r.indexed_text for r in records]
        n = len(texts)

        import numpy as np
        import torch
        from sentence_transformers import SentenceTransformer

        from search.cache import ENCODE_CHUNK, EmbeddingCache
        from search.e5build import ensure_default_model
        from search.encoder import load_encoder
        from search.index import SearchIndex

        model_dir = ensure_default_model()
        encoder = load_encoder()  # what the build uses; sets torch's thread count for this process
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        model.eval()
        assert encoder.path == model_dir, (encoder.path, model_dir)
        assert encoder.passage_prompt == PROMPT, encoder.passage_prompt

        def encode() -> np.ndarray:
            return model.encode(texts, prompt=PROMPT, batch_size=BATCH, normalize_embeddings=True, convert_to_numpy=True)

        def encode_chunked() -> np.ndarray:
            parts = [
                model.encode(texts[i : i + ENCODE_CHUNK], prompt=PROMPT, batch_size=BATCH, normalize_embeddings=True, convert_to_numpy=True)
                for i in range(0, n, ENCODE_CHUNK)
            ]
            return np.concatenate(parts)

        def build_cold() -> SearchIndex:
            return SearchIndex.build(records, encoder, work / "cold", use_cache=False, batch_size=BATCH)

        # warm-up: first calls pay one-time costs (allocations, kernel selection)
        model.encode(texts[:16], prompt=PROMPT, batch_size=BATCH)
        encoder.encode_passages(texts[:16])

        times: dict[str, list[float]] = {"encode": [], "encode_chunked": [], "build_cold": [], "build_warm": []}
        floor = index = None
        for i in range(args.repeats):
            for name, fn in (("encode", encode), ("encode_chunked", encode_chunked), ("build_cold", build_cold)):
                seconds, out = timed(fn)
                times[name].append(seconds)
                if name == "encode":
                    floor = out
                elif name == "build_cold":
                    index = out
                print(f"repeat {i + 1}/{args.repeats} {name:15s} {seconds:7.2f} s  {n / seconds:6.2f} passages/s  load {os.getloadavg()[0]:.2f}", file=sys.stderr)

        # the same vectors either way (the floor computes what the index holds)
        max_diff = float(np.abs(index.vectors.vectors(np.arange(n)) - floor).max())

        # fill the warm cache with the floor's vectors (identical, checked above) rather than a 4th encode
        with EmbeddingCache(work / "warm" / "cache" / "embeddings.sqlite", encoder.fingerprint, encoder.dim) as cache:
            cache.put_many({r.indexed_hash: v for r, v in zip(records, floor)})
        SearchIndex.build(records, encoder, work / "warm", batch_size=BATCH)  # first warm build: nothing encoded
        for i in range(args.repeats):
            seconds, _ = timed(lambda: SearchIndex.build(records, encoder, work / "warm", batch_size=BATCH))
            times["build_warm"].append(seconds)
            print(f"repeat {i + 1}/{args.repeats} build_warm      {seconds:7.2f} s", file=sys.stderr)
        torch_threads = torch.get_num_threads()
    load_end = os.getloadavg()

    stats = {name: summary(values, n) for name, values in times.items()}
    paired = [b / e - 1 for b, e in zip(times["build_cold"], times["encode"])]
    chunking = [c / e - 1 for c, e in zip(times["encode_chunked"], times["encode"])]
    overhead = {
        "paired_min": round(min(paired), 4),
        "paired_median": round(statistics.median(paired), 4),
        "paired_max": round(max(paired), 4),
        "of_medians": round(stats["build_cold"]["seconds_median"] / stats["encode"]["seconds_median"] - 1, 4),
        "of_minimums": round(stats["build_cold"]["seconds_min"] / stats["encode"]["seconds_min"] - 1, 4),
        "chunking_paired_median": round(statistics.median(chunking), 4),
        "target": TARGET_OVERHEAD,
        # the least disturbed run of each is the best estimate when another job shares the CPU
        "within_target": min(times["build_cold"]) / min(times["encode"]) - 1 <= TARGET_OVERHEAD,
    }
    result = {
        "benchmark": "bench/bench_encode.py",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "passages": n,
        "unique_texts": len(set(texts)),
        "characters_mean": round(sum(map(len, texts)) / n, 1),
        "ingest_seconds": round(t_ingest, 2),
        "model": {"name": encoder.name, "fingerprint": encoder.fingerprint, "path": str(model_dir), "batch_size": BATCH, "prompt": PROMPT},
        "repeats": args.repeats,
        "encode_chunk": ENCODE_CHUNK,
        "max_abs_diff_floor_vs_index": max_diff,
        "results": stats,
        "overhead": overhead,
        "machine": {
            "cpu_count": os.cpu_count(),
            "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
            "cgroup_cpus": cpu_budget(),
            "torch_threads": torch_threads,
            "platform": platform.platform(),
            "python": platform.python_version(),
            "torch": torch.__version__,
            "load_average_start": [round(x, 2) for x in load_start],
            "load_average_end": [round(x, 2) for x in load_end],
            "load_1min_during": sampler.summary(),
        },
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "encode.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (args.out / "encode.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))
    return 0


def markdown(r: dict) -> str:
    m, o, s = r["machine"], r["overhead"], r["results"]
    rows = [
        ("encode", "`SentenceTransformer.encode`, all texts in one call (floor)"),
        ("encode_chunked", f"the same in calls of {r['encode_chunk']} texts, as the build does"),
        ("build_cold", "`SearchIndex.build`, `use_cache=False`"),
        ("build_warm", "`SearchIndex.build`, cache on, nothing changed"),
    ]
    lines = [
        "# Encoding benchmark",
        "",
        f"{r['passages']} corpus passages ({r['unique_texts']} distinct texts, {r['characters_mean']:.0f} characters on average, "
        f"document and section titles included) from `kg ingest --no-index`; default model `{r['model']['fingerprint']}`, "
        f"batch {r['model']['batch_size']}, prompt `{r['model']['prompt']!r}`; {r['repeats']} interleaved repeats; {r['date']}.",
        "",
        "| step | what | seconds min / median / max | passages/s min / median / max |",
        "|---|---|---|---|",
    ]
    for key, what in rows:
        x = s[key]
        lines.append(
            f"| {key} | {what} | {x['seconds_min']:.2f} / {x['seconds_median']:.2f} / {x['seconds_max']:.2f} "
            f"| {x['passages_per_s_min']:.1f} / {x['passages_per_s_median']:.1f} / {x['passages_per_s_max']:.1f} |"
        )
    d = m["load_1min_during"]
    lines += [
        "",
        f"**Pipeline overhead** (build_cold / encode − 1) of the minimums: {o['of_minimums']:.1%} "
        f"(of medians {o['of_medians']:.1%}; per interleaved pair min {o['paired_min']:.1%}, "
        f"median {o['paired_median']:.1%}, max {o['paired_max']:.1%}); target ≤ {o['target']:.0%}: "
        f"{'met' if o['within_target'] else 'NOT met'}. Chunking alone (encode_chunked / encode − 1, median): "
        f"{o['chunking_paired_median']:.1%}. Floor and index vectors differ by at most {r['max_abs_diff_floor_vs_index']:.1e}.",
        "",
        f"**Machine**: {m['cpu_count']} CPUs (affinity {m['affinity']}, cgroup {m['cgroup_cpus'] or 'no quota'}), "
        f"torch {m['torch']} on {m['torch_threads']} threads, Python {m['python']}, {m['platform']}. "
        f"Load average at start {m['load_average_start']}, at end {m['load_average_end']}; "
        f"1-minute load during the run min {d['min']} / median {d['median']} / max {d['max']} ({d['samples']} samples). "
        "When another job shares the CPU, single runs can be several times slower; the minimums are the least disturbed.",
        "",
        "Reproduce: `.venv/bin/python bench/bench_encode.py` (options: `--repeats`, `--limit`).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
