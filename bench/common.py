"""Helpers every benchmark shares: machine facts, min/median/max summaries, percentiles, a served app,
a bounded async HTTP load loop and child processes measured for wall time and peak RSS."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent


def cpu_budget() -> int | None:
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        return None if quota == "max" else max(1, -(-int(quota) // int(period)))
    except (OSError, ValueError):
        return None


def machine() -> dict:
    return {
        "cpu_count": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cgroup_cpus": cpu_budget(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


class LoadSampler:
    """Samples the 1-minute load average while a run is going (other jobs share the 2 cores)."""

    def __init__(self, every: float = 2.0) -> None:
        self.every = every
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(os.getloadavg()[0])
            self._stop.wait(self.every)

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict:
        s = self.samples or [os.getloadavg()[0]]
        return {"min": round(min(s), 2), "median": round(statistics.median(s), 2), "max": round(max(s), 2), "samples": len(s)}


def mmm(values: Sequence[float], digits: int = 3) -> dict:
    """min / median / max of repeated measurements (and the values themselves)."""
    return {"min": round(min(values), digits), "median": round(statistics.median(values), digits),
            "max": round(max(values), digits), "values": [round(v, digits) for v in values]}


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def fmt_mmm(d: dict, scale: float = 1.0, digits: int = 2) -> str:
    return f"{d['min'] * scale:.{digits}f} / {d['median'] * scale:.{digits}f} / {d['max'] * scale:.{digits}f}"


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) if Path(path).exists() else 0


@dataclass
class ChildRun:
    seconds: float
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def _rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (worker pools), from /proc."""
    total = 0.0
    try:
        kids = subprocess.run(["pgrep", "-P", str(pid)], check=False, capture_output=True, text=True).stdout.split()
        for p in [str(pid), *kids]:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return total


def run_measured(cmd: list[str], cwd: Path | None = None, env: dict | None = None, timeout: float | None = None,
                 max_rss_mb: float | None = None) -> ChildRun:
    """Run ``cmd``; wall time and the child's own peak RSS (os.wait4, so other processes do not count).

    With ``max_rss_mb``, the child is killed when it (with its children) holds more memory than that:
    the machine is shared, and a run that outgrows its budget has shown what it had to show."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out_chunks: list[str] = []
    err_chunks: list[str] = []
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
               for s, b in ((proc.stdout, out_chunks), (proc.stderr, err_chunks))]
    for t in readers:
        t.start()
    deadline = None if timeout is None else time.monotonic() + timeout
    last_check, over = 0.0, False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.monotonic() > deadline:
            proc.kill()
        if max_rss_mb is not None and time.monotonic() - last_check > 2:
            last_check = time.monotonic()
            if _rss_mb(proc.pid) > max_rss_mb:
                over = True
                subprocess.run(["pkill", "-KILL", "-P", str(proc.pid)], check=False)  # its workers, by parent pid
                proc.kill()
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    for t in readers:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = "".join(err_chunks) + (f"\nkilled: more than {max_rss_mb:.0f} MB resident" if over else "")
    return ChildRun(seconds, usage.ru_maxrss / 1024, proc.returncode, "".join(out_chunks), stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Server:
    url: str
    pid: int


@contextmanager
def serving(cmd: list[str], port: int, cwd: Path, name: str, timeout: float = 300.0, warm: Sequence[str] = (),
            env: dict | None = None, health: str = "/health"):
    """Run a server command listening on ``port``; yields a :class:`Server` once ``health`` answers 200
    and the ``warm`` paths have been fetched once (model and index loaded before anything is timed)."""
    import httpx

    log = open(cwd / f"{name}-{port}.log", "w")
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}; see {log.name}")
            try:
                if httpx.get(base + health, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer {health} within {timeout} s")
            time.sleep(0.3)
        for path in warm:
            httpx.get(base + path, timeout=timeout)
        yield Server(base, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextmanager
def served(data_dir: Path, cwd: Path, timeout: float = 300.0, warm: Sequence[str] = (), env: dict | None = None):
    """``kg serve`` on a free loopback port over ``data_dir``; yields the base URL once /health answers."""
    with served_kg(data_dir, cwd, timeout, warm, env) as server:
        yield server.url


@contextmanager
def served_kg(data_dir: Path, cwd: Path, timeout: float = 300.0, warm: Sequence[str] = (), env: dict | None = None):
    """``kg serve`` on a free loopback port over ``data_dir``; yields a :class:`Server`."""
    port = free_port()
    cmd = [str(BIN / "kg"), "serve", "--data-dir", str(data_dir), "--port", str(port)]
    with serving(cmd, port, cwd, "serve", timeout, warm, env) as server:
        yield server


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by ``pid`` and its live child processes (the server's query
    workers), from /proc: comparable across loads, unlike wall time on shared cores."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    kids = subprocess.run(["pgrep", "-P", str(pid)], check=False, capture_output=True, text=True).stdout.split()
    for p in [str(pid), *kids]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total


async def _load(base: str, paths: Sequence[str], clients: int, max_requests: int, max_seconds: float) -> dict:
    import httpx

    latencies: list[float] = []
    errors: dict[str, int] = {}
    issued = 0
    stop_at = time.perf_counter() + max_seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def worker(n: int) -> None:
            nonlocal issued
            while issued < max_requests and time.perf_counter() < stop_at:
                path = paths[issued % len(paths)]
                issued += 1
                t0 = time.perf_counter()
                try:
                    r = await client.get(path)
                    ok = r.status_code == 200
                    key = str(r.status_code)
                except httpx.HTTPError as exc:
                    ok, key = False, type(exc).__name__
                if ok:
                    latencies.append(time.perf_counter() - t0)
                else:
                    errors[key] = errors.get(key, 0) + 1

        start = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(clients)))
        wall = time.perf_counter() - start
    return {"latencies": latencies, "errors": errors, "wall": wall}


def http_load(base: str, paths: Sequence[str], clients: int, max_requests: int, max_seconds: float) -> dict:
    """``clients`` concurrent keep-alive clients issue ``paths`` round-robin until ``max_requests`` are sent
    or ``max_seconds`` pass; latency percentiles in milliseconds over the successful requests."""
    raw = asyncio.run(_load(base, paths, clients, max_requests, max_seconds))
    lat = raw["latencies"]
    out = {"clients": clients, "requests": len(lat), "errors": raw["errors"], "wall_s": round(raw["wall"], 2),
           "throughput_rps": round(len(lat) / raw["wall"], 2) if raw["wall"] else None}
    if lat:
        out.update({f"p{q}_ms": round(percentile(lat, q) * 1000, 1) for q in (50, 95, 99)})
        out["max_ms"] = round(max(lat) * 1000, 1)
    return out


def write_results(name: str, result: dict, markdown: str, out: Path = RESULTS) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / f"{name}.md").write_text(markdown, encoding="utf-8")
