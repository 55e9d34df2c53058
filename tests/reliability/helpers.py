"""Shared helpers for the reliability tests: run the real CLI, read a store's state, build corpora."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
TIMESTAMP = re.compile(r'"\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d)?"\^\^<http://www.w3.org/2001/XMLSchema#dateTime>')


def kg_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "kgcli", *args]


def kg(*args: str, timeout: float = 600, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(kg_command(*args), capture_output=True, text=True, cwd=ROOT, timeout=timeout,
                          check=False, env=env)


def live_dir(data_dir: Path) -> Path:
    """The committed generation's directory (``CURRENT``), or ``data_dir`` itself in the layout before generations."""
    pointer = data_dir / "CURRENT"
    return data_dir / pointer.read_text(encoding="utf-8").strip() if pointer.is_file() else data_dir


def graph_state(data_dir: Path) -> frozenset[str]:
    """Every quad of the committed store as N-Quads text; run timestamps (prov:*AtTime) blanked, as they differ per run."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(live_dir(data_dir) / "graph"))
    try:
        return frozenset(TIMESTAMP.sub('"T"', str(q)) for q in store)
    finally:
        del store


def nquads_state(text: str) -> frozenset[str]:
    """``kg export --format nquads`` output as a set of lines, run timestamps blanked (as :func:`graph_state`)."""
    return frozenset(TIMESTAMP.sub('"T"', line.strip()) for line in text.splitlines() if line.strip())


def corpus_subset(target: Path, names: list[str], changed: dict[str, str] | None = None) -> Path:
    """A corpus folder with the given files of the real corpus (and MANIFEST.tsv); ``changed`` appends text."""
    target.mkdir(parents=True)
    for name in names:
        shutil.copy(CORPUS / name, target / name)
    shutil.copy(CORPUS / "MANIFEST.tsv", target / "MANIFEST.tsv")
    for name, extra in (changed or {}).items():
        with (target / name).open("a", encoding="utf-8") as fh:
            fh.write(extra)
    return target


def corpus_names() -> list[str]:
    return sorted(p.name for p in CORPUS.glob("*.txt"))


AMENDMENT = (
    "\n\nTillæg\n\nDer afsættes yderligere 12,5 mio. kr. årligt fra 2026 til opfølgning på aftalen om en "
    "bedre psykiatri i Region Syddanmark. Midlerne udmøntes af Sundhedsstyrelsen.\n"
)
