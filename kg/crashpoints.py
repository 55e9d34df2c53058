"""Test-only hooks: kill or pause a writer at a named point, to test what a crash (or a reader) there meets.

Nothing happens unless the environment asks for it:

* ``KG_TEST_CRASH_AT=<point>``: the process kills itself with SIGKILL when it reaches ``<point>`` (no
  ``finally`` block, no ``atexit`` runs: what a power cut or ``kill -9`` leaves);
* ``KG_TEST_PAUSE_AT=<point>`` with ``KG_TEST_PAUSE_FILE=<path>``: at ``<point>`` the process creates
  ``<path>.reached`` and waits while ``<path>`` exists (a test runs readers meanwhile, then removes it).

The points, in the order a writer passes them (:mod:`kgdatadir.writer`, :mod:`ingest.pipeline`,
:mod:`search.index`): :data:`POINTS`.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

POINTS = (
    "checkpoint",  # the next generation's directory exists, the graph checkpoint and the copies are made
    "document",  # the first changed document is stored in the next generation
    "index",  # the index version is half written (records written, vectors and BM25 not yet)
    "before-publish",  # everything written and fsynced; the CURRENT pointer not yet replaced
    "after-publish",  # the CURRENT pointer replaced and fsynced; old generations not yet removed
)


def crash_point(name: str) -> None:
    """Die (``KG_TEST_CRASH_AT``) or wait (``KG_TEST_PAUSE_AT``) here when a test asked for ``name``."""
    if os.environ.get("KG_TEST_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get("KG_TEST_PAUSE_AT") == name and os.environ.get("KG_TEST_PAUSE_FILE"):
        gate = Path(os.environ["KG_TEST_PAUSE_FILE"])
        Path(f"{gate}.reached").write_text(str(os.getpid()), encoding="utf-8")
        while gate.exists():
            time.sleep(0.05)
