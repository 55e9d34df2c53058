"""A real ``kg serve`` over a copy of the ingested corpus, for the HTTP tests of this folder."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.reliability.helpers import ROOT, corpus_names, corpus_subset, kg, kg_command

SPARQL_TIMEOUT = 2.0


@pytest.fixture(scope="session")
def served_data(corpus_checkpoint) -> Path:
    """The ingested corpus in a data directory of its own, for the served app."""
    return corpus_checkpoint("served")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, **env: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(kg_command("serve", "--data-dir", str(data), "--port", str(port)), cwd=ROOT,
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(base + "/health", timeout=5).status_code == 200:
                return proc, base
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"kg serve did not start: {proc.stderr.read()}")
        time.sleep(0.2)


@contextmanager
def serving(data: Path, **env: str) -> Iterator[str]:
    """A real ``kg serve`` over ``data`` for the block: its base URL; stopped (killed after 30 s) at the end."""
    proc, base = start_server(data, **env)
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def server(served_data):
    """Base URL of a real ``kg serve`` (read-only, 2 s query limit, 100-row cap); its stderr is kept."""
    with serving(served_data, KG_SPARQL_TIMEOUT=str(SPARQL_TIMEOUT), KG_SPARQL_MAX_ROWS="100") as base:
        yield base


@pytest.fixture(scope="session")
def indexed_pair(tmp_path_factory) -> Path:
    """Documents 0 and 2 ingested by the real ``kg ingest`` with their search index (generation 1; copy before use)."""
    root = tmp_path_factory.mktemp("pair")
    names = corpus_names()
    data = root / "data"
    done = kg("ingest", str(corpus_subset(root / "corpus", [names[0], names[2]])), "--data-dir", str(data), "-q")
    assert done.returncode == 0, done.stderr
    return data


def wait_for(path: Path, proc: subprocess.Popen, timeout: float = 600) -> None:
    """Wait until ``path`` exists (a paused writer's signal), failing if ``proc`` ends first."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the process ended ({proc.returncode}) before reaching the pause: "
                                 f"{proc.stderr.read() if proc.stderr else ''}")
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)
