"""The encode floor, run as its own process by the benchmarks: CPU time to encode one question and one passage.

For each encoder backend, on one thread (``OMP_NUM_THREADS=1``, ``threads=1``): the process CPU time of
encoding each gold question once (40 distinct questions; the encoder itself caches nothing) and of
encoding one typical corpus passage (the median token count of the index's passages) ten times. CPU time,
not wall time, so that other jobs on shared cores disturb it less. Prints one JSON object.

    .venv/bin/python bench/floor_run.py DATA_DIR [--backends onnx-int8 onnx torch]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--backends", nargs="*", default=["onnx-int8", "onnx", "torch"])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args(argv)
    os.environ["OMP_NUM_THREADS"] = "1"

    from search.encoder import load_encoder
    from search.records import PassageRecord

    index = args.data_dir / "index"
    version = (index / "CURRENT").read_text(encoding="utf-8").strip()
    with (index / version / "records.jsonl").open(encoding="utf-8") as fh:
        texts = [PassageRecord.from_json(json.loads(line)).indexed_text for line in fh]
    lines = (ROOT / "eval" / "gold" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    out: dict = {"questions": len(questions), "repeats": args.repeats, "backends": {}}
    for backend in args.backends:
        encoder = load_encoder(backend=backend, threads=1)
        if "passage" not in out:
            by_tokens = sorted(texts, key=encoder.count_tokens)
            typical = by_tokens[len(by_tokens) // 2]
            out["passage"] = {"tokens": encoder.count_tokens(typical), "characters": len(typical)}
            out["question_tokens_median"] = statistics.median(encoder.count_tokens(q, query=True) for q in questions)
        encoder.encode_queries(["opvarmning"])
        encoder.encode_passages([typical])
        per_question = []
        for q in questions:
            t = time.process_time()
            encoder.encode_queries([q])
            per_question.append((time.process_time() - t) * 1000)
        per_passage = []
        for _ in range(args.repeats):
            t = time.process_time()
            encoder.encode_passages([typical])
            per_passage.append((time.process_time() - t) * 1000)
        out["backends"][backend] = {
            "question_cpu_ms": round(statistics.median(per_question), 2),
            "question_cpu_ms_mean": round(statistics.mean(per_question), 2),
            "passage_cpu_ms": round(statistics.median(per_passage), 1),
        }
        print(f"floor {backend}: {out['backends'][backend]}", file=sys.stderr, flush=True)
        del encoder
    out["load_1min"] = round(os.getloadavg()[0], 2)
    json.dump(out, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
