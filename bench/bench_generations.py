"""What publishing a generation costs: seconds and extra disk, on the corpus at 1× and 10×.

For each factor, :mod:`bench.scale_corpus` writes the scale corpus and :mod:`bench.ingest_run` ingests it
(graph and search index; the index with stand-in vectors, whose size is the real one's) into a data
directory: generation 1. Then, in this process, through the real writer (:func:`kgdatadir.writer.writer`):

* **no change**: a generation started and published with nothing written — the fixed cost every writer
  pays (graph checkpoint, hard links, cache copy, fsync, pointer);
* **one changed document**: one document of the corpus amended and ingested (graph and index; the
  changed passages encoded by the real model) — the same fixed cost plus what the change rewrote.

Phases, in seconds: ``start`` (lock, tidy, checkpoint of the graph, hard links of index and texts,
copy of the embedding cache), ``work`` (the caller's writes), ``publish`` (closing the store, fsync of
the generation, the pointer's rename and fsync), ``collect`` (removing the old generation). Disk:
the new generation's apparent size, and its *extra* bytes — allocated blocks of files that share no
inode with the previous generation — measured while a reader still holds the previous one.

    .venv/bin/python bench/bench_generations.py --factors 1 10 [--work /tmp/kg-generations] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BIN, ROOT, LoadSampler, machine, run_measured, write_results
from scale_corpus import make_scale_corpus

AMENDMENT = ("\n\nTillæg\n\nDer afsættes yderligere 12,5 mio. kr. årligt fra 2026 til opfølgning på aftalen om en "
             "bedre psykiatri. Midlerne udmøntes af Sundhedsstyrelsen.\n")


def files(root: Path) -> dict[int, os.stat_result]:
    """Inode → stat of every regular file below ``root``."""
    out = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            st = os.stat(os.path.join(dirpath, name))
            out[st.st_ino] = st
    return out


def disk(new: Path, old: Path) -> dict:
    """Apparent size of ``new`` and the blocks it does not share with ``old`` (MB)."""
    mine, theirs = files(new), files(old)
    apparent = sum(st.st_size for st in mine.values())
    extra = sum(st.st_blocks * 512 for ino, st in mine.items() if ino not in theirs)
    return {"generation_mb": round(apparent / 1e6, 2), "extra_mb": round(extra / 1e6, 2),
            "extra_share": round(extra / apparent, 4) if apparent else None}


def one_generation(data: Path, work=None) -> dict:
    """Publish one generation through the real writer, ``work(draft)`` inside; phases and disk."""
    from kg.settings import load_config
    from kgdatadir.generations import acquire, collect, gen_path
    from kgdatadir.writer import writer

    cfg = load_config({"data_dir": data, "store": "oxigraph"})
    holder = acquire(data)  # a reader holds the previous generation, so it stays to be compared
    marks = {"t0": time.perf_counter()}
    try:
        with writer(cfg, command="bench_generations") as draft:
            marks["started"] = time.perf_counter()
            if work is not None:
                work(draft)
            marks["worked"] = time.perf_counter()
        marks["published"] = time.perf_counter()
        sizes = disk(gen_path(data, draft.number), gen_path(data, draft.base))
    finally:
        holder.release()
    t = time.perf_counter()
    removed = collect(data)
    marks["collected"] = time.perf_counter()
    assert removed == [gen_path(data, draft.base).name], removed
    return {"generation": draft.number,
            "seconds": {"start": round(marks["started"] - marks["t0"], 3),
                        "work": round(marks["worked"] - marks["started"], 3),
                        "publish": round(marks["published"] - marks["worked"], 3),
                        "collect": round(marks["collected"] - t, 3)},
            "disk": sizes}


def change_one(corpus: Path, encoder):
    """A ``work`` that amends one corpus document and ingests the folder (graph, then the index)."""
    from ingest.pipeline import ingest_paths
    from search.index import SearchIndex
    from search.service import passage_records

    victim = sorted(corpus.glob("*.txt"))[1]
    with victim.open("a", encoding="utf-8") as fh:
        fh.write(AMENDMENT)

    def work(draft) -> None:
        report = ingest_paths([corpus], draft.store, draft.config)
        assert len(report.replaced) == 1 and not report.failed, report
        SearchIndex.build(passage_records(draft.store), encoder, draft.config.data_dir)

    return work


def run_factor(factor: int, work: Path, repeats: int) -> dict:
    from search.encoder import load_encoder

    base = work / f"{factor}x"
    if base.exists():
        shutil.rmtree(base)
    corpus, data = base / "corpus", base / "data"
    stats = make_scale_corpus(ROOT / "corpus", factor, corpus)
    print(f"[{factor}x] {stats.documents} documents; ingesting…", file=sys.stderr, flush=True)
    child = run_measured([str(BIN / "python"), str(ROOT / "bench" / "ingest_run.py"), str(corpus), str(data),
                          "--stand-in-vectors", "16"], cwd=base)
    if child.returncode != 0:
        raise RuntimeError(child.stderr[-2000:])
    ingest = json.loads(child.stdout.strip().splitlines()[-1])
    unchanged = [one_generation(data) for _ in range(repeats)]
    encoder = load_encoder(None)
    with LoadSampler(every=5) as load:
        changed = one_generation(data, change_one(corpus, encoder))
    phases = ("start", "work", "publish", "collect")
    return {"factor": factor, "documents": stats.documents, "triples": ingest["triples"],
            "passages": ingest["passages"],
            "no_change": {"runs": unchanged,
                          "median_s": {p: statistics.median(r["seconds"][p] for r in unchanged) for p in phases},
                          "disk": unchanged[-1]["disk"]},
            "one_changed_document": changed, "load_during_change": load.summary()}


def markdown(result: dict) -> str:
    lines = ["# Publishing a generation: seconds and extra disk", "",
             ("`bench/bench_generations.py` — the real writer (`kgdatadir/writer.py`) on the corpus at 1× and 10× "
             "(index with stand-in vectors of the real size). *start*: lock, checkpoint of the graph "
             "(`pyoxigraph.Store.backup`, hard links), hard links of index and texts, copy of the embedding cache; "
             "*publish*: store closed, generation fsynced, CURRENT renamed and fsynced; *collect*: the old "
             "generation removed. *extra*: blocks of the new generation that share no inode with the previous one."),
             "", f"Machine: {result['machine']}", "",
             "| corpus | documents | triples | case | start s | work s | publish s | collect s | generation MB | extra MB (share) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in result["factors"]:
        nc = r["no_change"]
        lines.append(f"| {r['factor']}× | {r['documents']} | {r['triples']} | no change (median of "
                     f"{len(nc['runs'])}) | {nc['median_s']['start']} | {nc['median_s']['work']} | "
                     f"{nc['median_s']['publish']} | {nc['median_s']['collect']} | {nc['disk']['generation_mb']} | "
                     f"{nc['disk']['extra_mb']} ({nc['disk']['extra_share']:.1%}) |")
        ch = r["one_changed_document"]
        lines.append(f"| {r['factor']}× | {r['documents']} | {r['triples']} | one changed document | "
                     f"{ch['seconds']['start']} | {ch['seconds']['work']} | {ch['seconds']['publish']} | "
                     f"{ch['seconds']['collect']} | {ch['disk']['generation_mb']} | {ch['disk']['extra_mb']} "
                     f"({ch['disk']['extra_share']:.1%}) |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-generations"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    result = {"benchmark": "bench/bench_generations.py", "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "factors": [run_factor(f, args.work, args.repeats) for f in args.factors], "machine": machine()}
    write_results("generations", result, markdown(result))
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
