"""What every ``kg`` command shares: the typer app, the common options, config loading and error mapping.

Commands live in :mod:`kgcli.graph`, :mod:`kgcli.search` and :mod:`kgcli.check`; :mod:`kgcli.main`
imports them so that they register on :data:`app`. A :class:`kg.errors.KgError` becomes its exit code
and a one-line message on stderr.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from kg.errors import KgError

app = typer.Typer(
    help="Danish psychiatry policy documents as a knowledge graph and a semantic search engine.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Data directory (graph, index, texts). [default: ./data]")]
StoreOpt = Annotated[str | None, typer.Option("--store", help="Graph store: oxigraph (default), memory, or a SPARQL server as sparql+http://host:port/path.")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="TOML config file (default: ./kg.toml if present).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars or chatter; errors only.")]


def _config(data_dir=None, store=None, config=None, **more):
    from kg.settings import load_config

    return load_config({"data_dir": data_dir, "store": store, **more}, config)


@contextmanager
def _errors():
    try:
        yield
    except KgError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(exc.exit_code) from None


def _console(quiet: bool = False):
    from rich.console import Console

    return Console(stderr=True, quiet=quiet)


