"""One writer per data directory: an advisory lock file, ``<data_dir>/ingest.lock``.

``kg ingest`` (and ``kg check --repair``) hold it from before the store is opened until the index is
written, so two writers are serialised: the second one says whom it is waiting for and waits (up to
``wait`` seconds), then goes on, instead of failing inside the store or interleaving index builds.
The lock is ``flock(2)``: the kernel releases it when the holder dies, even by SIGKILL, so a crash
never leaves a stale lock. The file's content (pid, command, start time) is only for the message.
"""

from __future__ import annotations

import errno
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Self

from kg.errors import StoreLocked

LOCK_NAME = "ingest.lock"
DEFAULT_WAIT_SECONDS = 600.0
POLL_SECONDS = 0.2


def holder(data_dir: Path | str) -> dict | None:
    """What the lock file says about its holder (pid, command, since), or None."""
    try:
        return json.loads((Path(data_dir) / LOCK_NAME).read_text(encoding="utf-8") or "null")
    except (OSError, ValueError):
        return None


def describe(info: dict | None) -> str:
    if not info:
        return "another kg process"
    since = time.strftime("%H:%M:%S", time.localtime(info.get("since", 0)))
    return f"{info.get('command', 'kg')} (pid {info.get('pid', '?')}, since {since})"


class DataDirLock:
    """Context manager: hold the data directory's writer lock.

    ``on_wait(message)`` is called once when another process holds it; ``wait`` is the longest wait
    in seconds (0: fail at once) before :class:`~kg.errors.StoreLocked` is raised.
    """

    def __init__(self, data_dir: Path | str, *, wait: float = DEFAULT_WAIT_SECONDS,
                 on_wait: Callable[[str], None] | None = None, command: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / LOCK_NAME
        self.wait = wait
        self.on_wait = on_wait
        self.command = command or "kg"
        self._fd: int | None = None

    def acquire(self) -> None:
        import fcntl

        self.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    os.close(fd)
                    raise
            who = describe(holder(self.data_dir))
            if time.monotonic() >= deadline:
                os.close(fd)
                raise StoreLocked(f"{self.data_dir} (held by {who})")
            if not told and self.on_wait is not None:
                self.on_wait(f"{self.data_dir}: waiting for {who} to finish")
                told = True
            time.sleep(POLL_SECONDS)
        info = {"pid": os.getpid(), "command": self.command, "since": time.time()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        import fcntl

        try:
            os.ftruncate(self._fd, 0)  # the file stays: removing it would race with a waiting process
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
