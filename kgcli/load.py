"""``kg load``: a thin command over :func:`kg.load.load_file`, written through the ingest writer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from kgcli.common import ConfigOpt, DataDir, Quiet, StoreOpt, _config, _errors, app


@app.command()
def load(
    file: Annotated[Path, typer.Argument(help="An RDF file: .ttl, .nt, .rdf/.owl, .jsonld, .nq or .trig.")],
    graph: Annotated[Optional[str], typer.Option("--graph", help="IRI of the named graph the file's triples go "
                                                 "into (required but for N-Quads/TriG that name their graphs).")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="turtle | ntriples | rdfxml | jsonld | nquads "
                                               "| trig (default: from the file's suffix).")] = None,
    data_dir: DataDir = None, store: StoreOpt = None, config: ConfigOpt = None, quiet: Quiet = False,
) -> None:
    """Load an RDF file as named graph(s) beside the extracted graph, e.g. official region codes to join in SPARQL.

    Loading the same graph again replaces it. Loaded graphs are marked kg:LoadedGraph: kg ingest never
    drops them, kg check and the search index leave them alone.
    """
    from kgdatadir.journal import writer
    from kg.load import load_file

    with _errors():
        cfg = _config(data_dir, store, config)
        with writer(cfg, command="kg load", on_wait=lambda m: typer.echo(m, err=True),
                    on_recover=lambda r: typer.echo(f"{cfg.data_dir}: {r}", err=True)) as graph_store:
            report = load_file(graph_store, file, graph, fmt)
    if not quiet:
        typer.echo(str(report), err=True)
