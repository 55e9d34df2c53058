"""The data directory as a sequence of committed generations (the way Lucene's commit points work).

On disk::

    <data_dir>/
        CURRENT          the committed generation's directory name ("gen-000007"), replaced atomically
        ingest.lock      the writer lock (:mod:`kgdatadir.lock`)
        gen-000007/      one complete generation: everything a reader needs, agreeing with itself
            LEASE        readers hold a shared flock(2) on it while they use this generation
            graph/       the Oxigraph (RocksDB) store
            index/       the search index (its own CURRENT → version directory, :mod:`search.index`)
            texts/       the kept texts (:mod:`ingest.texts`)
            cache/       the embedding cache (:mod:`search.cache`)
        gen-000008/      a generation being built: its number is above CURRENT's, so no reader opens it
        .trash-…         a generation being removed

*Readers* (:func:`acquire`) read ``CURRENT``, take a shared lock on that generation's ``LEASE`` and
keep it while they work; they take no writer lock, so readers never wait for each other or for a
writer. *A writer* (:mod:`kgdatadir.writer`) builds the next generation beside the current one and
publishes it with one atomic step, :func:`write_pointer` (a fsynced temporary file renamed over
``CURRENT``, then the directory fsynced). Until that rename every reader, old or new, sees the previous
generation whole; after it, every new reader sees the new one whole. A crash before it leaves the
previous generation untouched; what the crashed writer built is debris that the next writer removes.

*Old generations* are removed by :func:`collect` once no reader holds them (an exclusive, non-blocking
flock on their ``LEASE`` succeeds), keeping the newest ``keep`` besides the current one. A removal first
renames the directory to ``.trash-…`` while holding that exclusive lock, so a reader that read an old
``CURRENT`` and then locks the lease sees the directory gone and starts again.

A data directory written before generations existed (``graph/``, ``index/``, ``texts/``, ``cache/`` at
the top, no ``CURRENT``) is read in place as *generation 0*; the next writer migrates it
(:mod:`kgdatadir.legacy`).
"""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from kg.errors import StoreError

POINTER = "CURRENT"
LEASE = "LEASE"
PREFIX = "gen-"
TRASH = ".trash-"
LEGACY_PARTS = ("graph", "index", "texts", "cache")
ATTEMPTS = 100  # a reader retries this often when generations are published and removed under it


def gen_name(number: int) -> str:
    return f"{PREFIX}{number:06d}"


def gen_path(data_dir: Path | str, number: int) -> Path:
    return Path(data_dir) / gen_name(number)


def gen_number(name: str) -> int | None:
    """``"gen-000007"`` → 7; anything else → None."""
    if not name.startswith(PREFIX) or not name[len(PREFIX):].isdigit():
        return None
    return int(name[len(PREFIX):])


def current(data_dir: Path | str) -> int | None:
    """The committed generation's number, or None when no generation was ever published."""
    try:
        text = (Path(data_dir) / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    number = gen_number(text)
    if number is None:
        raise StoreError(f"{Path(data_dir) / POINTER}: says {text!r}, not a generation such as {gen_name(1)!r}")
    return number


def generations(data_dir: Path | str) -> list[int]:
    """Numbers of every generation directory present, committed or not, in order."""
    root = Path(data_dir)
    if not root.is_dir():
        return []
    return sorted(n for p in root.iterdir() if (n := gen_number(p.name)) is not None and p.is_dir())


def legacy_parts(data_dir: Path | str) -> list[Path]:
    """The parts of the layout before generations found at the top of ``data_dir``."""
    return [Path(data_dir) / name for name in LEGACY_PARTS if (Path(data_dir) / name).exists()]


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(directory: Path) -> None:
    """fsync every file and directory below ``directory`` (hard-linked files cost next to nothing)."""
    for dirpath, _, filenames in os.walk(directory):
        for name in filenames:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(dirpath))


def write_pointer(data_dir: Path | str, number: int) -> None:
    """Publish generation ``number``: the one atomic step (fsynced temporary file renamed over CURRENT)."""
    root = Path(data_dir)
    tmp = root / f".{POINTER}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, (gen_name(number) + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, root / POINTER)
    fsync_dir(root)


# --- leases ----------------------------------------------------------------------------------

@dataclass
class Lease:
    """A reader's hold on one committed generation (a shared flock on its LEASE file).

    ``number`` is 0 for a data directory in the layout before generations; ``path`` is the directory
    holding ``graph/``, ``index/``, ``texts/`` and ``cache/``.
    """

    data_dir: Path
    number: int
    path: Path
    _fd: int | None = field(default=None, repr=False)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _lock(path: Path, exclusive: bool, create: bool = False) -> int | None:
    """An fd holding a flock on ``path``; None when the file is gone (or, exclusive, when it is held)."""
    import fcntl

    try:
        fd = os.open(path, (os.O_RDWR | os.O_CREAT) if create else os.O_RDONLY, 0o644)
    except FileNotFoundError:
        return None
    except PermissionError:
        if not create:
            raise
        fd = os.open(path, os.O_RDONLY)
    try:
        if exclusive:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while a collector renames the directory away
    except OSError as exc:
        os.close(fd)
        if exclusive and exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return None
        raise
    return fd


def acquire(data_dir: Path | str) -> Lease:
    """Lease the committed generation (generation 0: a data directory in the layout before generations).

    Raises :class:`~kg.errors.StoreError` when the directory holds neither.
    """
    root = Path(data_dir)
    for _ in range(ATTEMPTS):
        number = current(root)
        if number is None:
            if not legacy_parts(root):
                raise StoreError(f"{root}: no committed data here; run `kg ingest --data-dir {root}` first")
            try:
                fd = _lock(root / LEASE, exclusive=False, create=True)
            except OSError:  # a read-only directory of the old layout: no writer can migrate it either
                return Lease(root, 0, root)
            if fd is not None and current(root) is None and legacy_parts(root):
                return Lease(root, 0, root, fd)
        else:
            path = gen_path(root, number)
            fd = _lock(path / LEASE, exclusive=False)
            if fd is not None and path.is_dir():
                return Lease(root, number, path, fd)
        if fd is not None:
            os.close(fd)
    raise StoreError(f"{root}: generations changed {ATTEMPTS} times while opening one; try again")


def held(path: Path) -> bool:
    """Whether a reader holds the generation whose LEASE file is ``path`` (a non-blocking exclusive try)."""
    fd = _lock(path, exclusive=True)
    if fd is None:
        return path.exists()
    os.close(fd)
    return False


# --- removing old generations ------------------------------------------------------------------

def _trash(data_dir: Path, victim: Path) -> Path:
    target = data_dir / f"{TRASH}{victim.name}-{uuid.uuid4().hex[:8]}"
    os.rename(victim, target)
    return target


def _remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def collect(data_dir: Path | str, keep: int = 0) -> list[str]:
    """Remove committed generations older than the newest ``keep + 1`` that no reader holds.

    Also removes the parts of the layout before generations once a generation is committed and no
    reader holds them, and what earlier removals left in ``.trash-…``. Never touches the current
    generation or one being built. Safe to run from any process, at any time, without the writer lock.
    Returns the names removed.
    """
    root = Path(data_dir)
    try:
        cur = current(root)
    except StoreError:
        return []
    if cur is None:
        return []
    removed: list[str] = []
    committed = [n for n in generations(root) if n <= cur]
    protected = set(committed[-(max(keep, 0) + 1):])
    for number in committed:
        if number in protected:
            continue
        path = gen_path(root, number)
        fd = _lock(path / LEASE, exclusive=True)
        if fd is None:
            continue
        try:
            trash = _trash(root, path)
        except OSError:
            os.close(fd)
            continue
        os.close(fd)
        _remove(trash)
        removed.append(path.name)
    removed += _collect_legacy(root)
    for trash in root.glob(TRASH + "*"):
        _remove(trash)
    return removed


def _collect_legacy(root: Path) -> list[str]:
    parts = legacy_parts(root)
    journal = root / "ingest.journal"
    if not parts and not journal.exists():
        return []
    fd = _lock(root / LEASE, exclusive=True, create=True)
    if fd is None:
        return []
    try:
        moved = [(p.name, _trash(root, p)) for p in parts]
        journal.unlink(missing_ok=True)
        (root / LEASE).unlink(missing_ok=True)
    finally:
        os.close(fd)
    for _, trash in moved:
        _remove(trash)
    return [name for name, _ in moved]
