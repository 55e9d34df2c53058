"""``kg check``: a thin command over :func:`kgdatadir.check.run_check`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from kgcli.common import ConfigOpt, DataDir, StoreOpt, _config, _errors, app


@app.command()
def check(
    data_dir: DataDir = None, store: StoreOpt = None, config: ConfigOpt = None,
    repair: Annotated[bool, typer.Option("--repair", help="Fix what can be fixed: roll back an interrupted "
                                         "ingest, rebuild the index from the graph, remove debris.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Check that the graph, the search index and the kept texts agree (every indexed passage in the graph and back).

    Exits 1 when a problem is left; --repair fixes what it can first.

    Facts the parser flagged as uncertain (kg:parseFlag) are listed as notes, one per fact; notes do not change the exit code.
    """
    from kgdatadir.check import run_check

    with _errors():
        cfg = _config(data_dir, store, config)
        report = run_check(cfg, repair=repair, on_wait=lambda m: typer.echo(m, err=True))
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        indexed = "no index" if report.index_passages is None else f"{report.index_passages} indexed passages"
        typer.echo(f"{cfg.data_dir}: {report.documents} documents, {report.graph_passages} passages in the graph, {indexed}")
        for f in report.findings:
            state = "repaired" if f.repaired else ("note" if f.severity == "note" else
                                                    "repairable with --repair" if f.repairable else "not repairable")
            typer.echo(f"{f.code}: {f.message} [{state}]")
        typer.echo("ok" if report.ok else "problems found")
    if not report.ok:
        raise typer.Exit(1)
