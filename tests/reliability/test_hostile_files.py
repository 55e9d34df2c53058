"""A folder of hostile files through the real ``kg ingest``: each bad one named with its reason, the rest ingests,
memory stays bounded (peak RSS measured against an ingest of the good files alone)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.readers import MAX_DEPTH, MAX_LINE_CHARS
from tests.reliability.helpers import CORPUS, ROOT, corpus_names, kg_command, live_dir

MEASURE = "import resource, subprocess, sys; subprocess.run(sys.argv[1:]); " \
          "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"


def ingest_measured(corpus: Path, data: Path) -> tuple[subprocess.CompletedProcess, int]:
    """Run ``kg ingest`` in a wrapper that prints the peak RSS (kB) of the ingest process."""
    done = subprocess.run([sys.executable, "-c", MEASURE, *kg_command("ingest", str(corpus), "--data-dir", str(data),
                          "--no-index", "--quiet")], capture_output=True, cwd=ROOT, timeout=600, check=False)
    return done, int(done.stdout.decode().strip().splitlines()[-1])


def small_text(n: int) -> str:
    return (f"Notat {n}\n\nDer afsættes {n + 1},5 mio. kr. årligt fra 2025 til psykiatrien i Region Hovedstaden. "
            f"Midlerne går til {n + 2} nye sengepladser og flere medarbejdere.\n")


# name → (bytes, expected words in the error), built in hostile_corpus
ODD_GOOD_NAMES = ["med mellemrum.txt", "æøå ÆØÅ.txt", "citat'\"tegn.txt", "-leading-dash.txt", "emoji 🧠.txt",
                  "linje\nskift.txt", "percent%20and;semicolon.txt", "x" * 200 + ".txt", "$(echo pwned).txt"]


def hostile_corpus(root: Path) -> tuple[Path, dict[str, str], list[str]]:
    """The folder, the bad files' names with a word their error must contain, and the good files' names."""
    corpus = root / "hostile"
    corpus.mkdir()
    bad: dict[str, str] = {}
    good = corpus_names()[:2]
    shutil.copy(CORPUS / good[0], corpus / good[0])
    nested = corpus / "a" / "b" / "c"
    nested.mkdir(parents=True)
    shutil.copy(CORPUS / good[1], nested / good[1])
    shutil.copy(CORPUS / "MANIFEST.tsv", corpus / "MANIFEST.tsv")
    for i, name in enumerate(ODD_GOOD_NAMES):
        (corpus / name).write_text(small_text(i), encoding="utf-8")
        good.append(name)

    def put(name: str, data: bytes, word: str) -> None:
        (corpus / name).write_bytes(data)
        bad[name] = word

    put("binary.txt", bytes(range(256)) * 64, "binary")
    put("random.bin", os.urandom(4096), "unsupported file type")
    put("zero.txt", b"", "empty")
    put("latin1.txt", "Børne- og ungdomspsykiatri i Region Sjælland".encode("latin-1"), "not UTF-8")
    put("broken-utf8.txt", b"Der afs\xc3\x86\xe6ttes \xff\xfe 5 mio. kr.", "not UTF-8")
    put("fake.pdf", b"PK\x03\x04" + os.urandom(2000), "not a PDF")
    put("truncated.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" + os.urandom(500), "PDF")
    put("one-line.txt", b"psykiatri " * (MAX_LINE_CHARS // 10 + 1000), "single line")
    with (corpus / "fifty-mb-one-line.txt").open("wb") as fh:  # 50 MB without a newline
        chunk = b"a" * (1024 * 1024)
        for _ in range(50):
            fh.write(chunk)
    bad["fifty-mb-one-line.txt"] = "MB limit"
    os.mkfifo(corpus / "pipe.txt")
    bad["pipe.txt"] = "not a regular file"
    os.symlink("/dev/zero", corpus / "zeros.txt")
    bad["zeros.txt"] = "not a regular file"
    os.symlink("self-loop.txt", corpus / "self-loop.txt")
    bad["self-loop.txt"] = "cannot read"
    os.symlink("..", corpus / "a" / "up")  # a directory loop: walked once, not forever
    deep = corpus
    for _ in range(MAX_DEPTH + 5):
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "deep.txt").write_text(small_text(99), encoding="utf-8")
    bad["d"] = "nested more than"
    bad_name = os.fsdecode(b"latin1-\xe6\xf8\xe5.txt")
    (corpus / bad_name).write_text(small_text(50), encoding="utf-8")
    bad[bad_name] = "file name is not valid UTF-8"
    return corpus, bad, good


@pytest.mark.slow
def test_hostile_files_are_named_and_the_rest_ingests(tmp_path):
    corpus, bad, good = hostile_corpus(tmp_path)
    done, peak_kb = ingest_measured(corpus, tmp_path / "data")
    err = done.stderr.decode("utf-8", "backslashreplace")
    assert done.returncode == 0, err
    error_lines = [line for line in err.split("error: ")[1:]]
    for name, word in bad.items():
        shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        hits = [e for e in error_lines if shown in e or (name == "d" and "/d/d/d" in e)]
        assert hits, f"no error names {shown!r}:\n{err}"
        assert any(word in e for e in hits), f"{shown}: expected {word!r} in {hits}"
    assert len(error_lines) == len(bad), err  # nothing else failed (the loop did not read a file twice)

    from kg.store import open_store

    with open_store("oxigraph", live_dir(tmp_path / "data"), read_only=True) as store:  # the committed generation
        keys = set(store.documents())
    assert keys == set(good)

    # bounded memory: the hostile folder costs little more than its good files alone
    only_good = tmp_path / "good"
    only_good.mkdir()
    for path in corpus.rglob("*"):
        if path.name in good and path.is_file() and not path.is_symlink():
            shutil.copy(path, only_good / path.name)
    shutil.copy(CORPUS / "MANIFEST.tsv", only_good)
    base, base_kb = ingest_measured(only_good, tmp_path / "data-good")
    assert base.returncode == 0
    print(json.dumps({"hostile_peak_mb": peak_kb // 1024, "good_only_peak_mb": base_kb // 1024,
                      "bad_files": len(bad), "good_files": len(good)}))
    assert peak_kb < base_kb + 150 * 1024, (peak_kb, base_kb)
