"""One measured ingest, run as its own process by the benchmarks: what ``kg ingest`` does, stage by stage.

The same steps as ``kg ingest`` (data-directory lock and journal through :func:`kgdatadir.journal.writer`,
:func:`ingest.pipeline.ingest_paths`, then the search index from the graph's passages), with the
time of every stage: read, repair, segment, extract, validate, store, link (from the pipeline's
report), then records (passages read back from the graph), embed (the encoder's calls), index (the
rest of the index build: vector and BM25 indexes, writing them) and model (loading the encoder).
Prints one JSON object on stdout; ``peak_rss_mb`` is this process's peak resident set.

    .venv/bin/python bench/ingest_run.py CORPUS DATA_DIR [--workers N] [--no-index] [--stand-in-vectors SAMPLE]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path


def _note(data_dir: Path, path: Path, status: str, t0: float) -> None:
    with (data_dir.parent / "progress.log").open("a", encoding="utf-8") as fh:
        fh.write(f"{time.strftime('%H:%M:%S')} {status} {path.name} at {time.perf_counter() - t0:.0f} s\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--store", default="oxigraph")
    parser.add_argument("--no-index", action="store_true")
    parser.add_argument("--stand-in-vectors", type=int, default=None, metavar="SAMPLE",
                        help="encode only SAMPLE passages for real (their rate gives the embedding time); the index "
                             "gets random unit vectors instead, so a large corpus can be indexed and served in minutes")
    args = parser.parse_args(argv)
    t_start = time.perf_counter()

    from ingest.pipeline import ingest_paths
    from kgdatadir.journal import writer
    from kg.settings import load_config

    overrides = {"data_dir": args.data_dir, "store": args.store}
    if args.workers is not None:
        overrides["ingest_workers"] = args.workers
    cfg = load_config(overrides)
    stages: dict[str, float] = {}
    out: dict = {"store": cfg.store, "workers": getattr(cfg, "ingest_workers", 1)}
    with writer(cfg) as store:
        t0 = time.perf_counter()
        report = ingest_paths([args.corpus], store, cfg, on_file=lambda p, status: _note(args.data_dir, p, status, t0))
        stages["graph_total"] = time.perf_counter() - t0
        stages.update(report.timings)
        out.update(added=len(report.added), replaced=len(report.replaced), unchanged=len(report.unchanged),
                   failed=report.failed, triples=len(store))
        if not args.no_index and cfg.store != "memory":
            from search.encoder import load_encoder
            from search.index import SearchIndex
            from search.service import passage_records

            t1 = time.perf_counter()
            encoder = load_encoder(None if cfg.model == "default" else cfg.model, cache_dir=cfg.model_cache,
                                   backend=cfg.encoder_backend)
            out["encoder_backend"] = encoder.backend
            stages["model"] = time.perf_counter() - t1
            embed_seconds = 0.0
            embedded = 0
            inner = encoder.encode_passages

            def timed_encode(texts, *a, **kw):
                nonlocal embed_seconds, embedded
                t = time.perf_counter()
                try:
                    return inner(texts, *a, **kw)
                finally:
                    embed_seconds += time.perf_counter() - t
                    embedded += len(texts)

            encoder.encode_passages = timed_encode  # type: ignore[method-assign]
            if args.stand_in_vectors:
                import numpy as np

                def stand_in(texts, *a, **kw):  # same shape, dtype and norm as the model's vectors
                    rng = np.random.default_rng(len(texts))
                    v = rng.normal(size=(len(texts), encoder.dim)).astype(np.float32)
                    return v / np.linalg.norm(v, axis=1, keepdims=True)

                encoder.encode_passages = stand_in  # type: ignore[method-assign]
            t2 = time.perf_counter()
            records = passage_records(store)
            stages["records"] = time.perf_counter() - t2
            t3 = time.perf_counter()
            log = (args.data_dir.parent / "progress.log").open("a", encoding="utf-8")
            last = [0.0]

            def progress(done: int, total: int) -> None:  # a long run shows its rate as it goes
                now = time.perf_counter()
                if now - last[0] >= 30 or done == total:
                    last[0] = now
                    log.write(f"{time.strftime('%H:%M:%S')} embedded {done}/{total} in {now - t3:.0f} s\n")
                    log.flush()

            index = SearchIndex.build(records, encoder, cfg.data_dir, progress)
            log.close()
            build = time.perf_counter() - t3
            if args.stand_in_vectors:  # the real model on a sample of the same passages: its rate × all passages
                sample = [r.indexed_text for r in records[:: max(1, len(records) // args.stand_in_vectors)]][: args.stand_in_vectors]
                inner(sample[:8])  # warm-up
                t4 = time.perf_counter()
                inner(sample)
                rate = len(sample) / (time.perf_counter() - t4)
                out["stand_in_vectors"] = {"sample": len(sample), "passages_per_s": round(rate, 2),
                                           "embed_s_extrapolated": round(len(records) / rate, 1)}
                stages["index"] = build
            else:
                stages["embed"] = embed_seconds
                stages["index"] = build - embed_seconds
            out.update(passages=len(index), embedded=embedded, vector_kind=index.manifest["vector_index"]["kind"])
    out["seconds"] = time.perf_counter() - t_start
    out["stages"] = {k: round(v, 3) for k, v in stages.items()}
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["children_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    json.dump(out, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
