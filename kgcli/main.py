"""The ``kg`` command line (entry point ``kgcli.main:app``): every command registered on one typer app.

Thin by design: each command parses its input, calls an importable core function and maps errors to
exit codes. Nothing heavy is imported here, so ``kg --help`` is instant.
"""

from __future__ import annotations

# each module registers its commands on ``app``; this order is the order of ``kg --help``
# isort: off
from kgcli import graph  # noqa: F401
from kgcli import search  # noqa: F401
from kgcli import check  # noqa: F401
from kgcli import load  # noqa: F401
# isort: on
from kgcli.common import app

__all__ = ["app", "main"]


def main() -> None:  # pragma: no cover
    app()
