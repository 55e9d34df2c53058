"""``kg ingest|remove|stats|export|query|serve|settings|vocab``: thin commands over the graph and the data directory."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from kgcli.common import (
    ConfigOpt,
    DataDir,
    Quiet,
    StoreOpt,
    _config,
    _console,
    _errors,
    app,
)


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories. [default: corpus/]")] = None,
    data_dir: DataDir = None,
    store: StoreOpt = None,
    config: ConfigOpt = None,
    no_shacl: Annotated[bool, typer.Option("--no-shacl", help="Skip SHACL validation (not recommended).")] = False,
    no_index: Annotated[bool, typer.Option("--no-index", help="Only the graph; do not update the search index.")] = False,
    quiet: Quiet = False,
) -> None:
    """Read, repair, segment and extract documents into the graph, then update the search index.

    Unchanged files are skipped; the index is rebuilt when the graph changed or the index is missing.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from ingest.pipeline import ingest_paths
    from kgdatadir.journal import writer

    with _errors():
        cfg = _config(data_dir, store, config, shacl=False if no_shacl else None)
        console = _console(quiet)
        logging.basicConfig(level=logging.ERROR, format="%(message)s")
        # one writer per data directory; a crash anywhere inside leaves the previous graph and index
        with writer(cfg, on_wait=lambda m: typer.echo(m, err=True),
                     on_recover=lambda r: typer.echo(f"{cfg.data_dir}: {r}", err=True)) as graph_store:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=console, transient=True, disable=quiet) as bar:
                task = bar.add_task("ingesting", total=None)
                report = ingest_paths(
                    paths or [Path("corpus")], graph_store, cfg,
                    files_hint=lambda n: bar.update(task, total=n),
                    on_file=lambda p, status: bar.update(task, advance=1, description=f"{status:9} {p.name}"),
                )
            for path, message in report.failed:
                typer.secho(f"error: {message}", fg="red", err=True)
            console.print(
                f"ingested: {len(report.added)} added, {len(report.replaced)} replaced, "
                f"{len(report.unchanged)} unchanged, {len(report.failed)} failed; "
                f"{len(graph_store)} triples in {cfg.store} store at {cfg.data_dir}"
            )
            for line in _doubt_lines(report):
                console.print(line, markup=False, highlight=False, soft_wrap=True)
            if not no_index and cfg.store != "memory" and _index_needed(cfg, graph_store, report.changed):
                from kgcli.search import build_search_index

                build_search_index(cfg, graph_store, quiet)
    if report.failed and not (report.added or report.replaced or report.unchanged):
        raise typer.Exit(1)


def _doubt_lines(report) -> list[str]:
    """Per document: the text damage repaired, and how many facts are flagged as uncertain and why."""
    lines = [f"{key}: text repaired: {'; '.join(notes)}" for key, notes in report.repairs.items()]
    for key, (n, flags) in report.flagged.items():
        why = ", ".join(f"{flag}: {count}" for flag, count in flags.items())
        lines.append(f"{key}: {n} fact{'s' if n != 1 else ''} flagged as uncertain ({why}); see `kg check`")
    return lines


def _index_needed(cfg, graph_store, changed: bool) -> bool:
    from search.records import SearchIndexError
    from search.service import index_in_step, open_index

    if changed:
        return True
    try:
        return not index_in_step(graph_store, open_index(cfg))
    except SearchIndexError:
        return True


@app.command()
def remove(
    key: Annotated[str, typer.Argument(help="The document's key (its file name, as `kg stats` lists it) or its id.")],
    data_dir: DataDir = None,
    store: StoreOpt = None,
    config: ConfigOpt = None,
    quiet: Quiet = False,
) -> None:
    """Remove a document: its graph, its passages from the search index and its kept text; the links between
    the remaining documents are recomputed. All or nothing, like `kg ingest`."""
    from kgdatadir.documents import remove_document

    with _errors():
        cfg = _config(data_dir, store, config)
        change = remove_document(cfg, key, on_wait=lambda m: typer.echo(m, err=True))
    _console(quiet).print(f"removed {change.key} (id {change.doc_id}); the search index holds {change.passages} passages")


@app.command()
def stats(data_dir: DataDir = None, store: StoreOpt = None, config: ConfigOpt = None,
          as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Counts of documents, sections, passages and facts in the graph."""
    from kg.queries import graph_stats
    from kg.store import open_store

    with _errors():
        cfg = _config(data_dir, store, config)
        with open_store(cfg.store, cfg.data_dir) as graph_store:
            result = graph_stats(graph_store)
    if as_json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table("document", "sections", "passages", "facts", title=f"{result['triples']} triples")
    for doc in result["documents"]:
        table.add_row(doc["key"], str(doc["sections"]), str(doc["passages"]), str(doc["facts"]))
    _console().print(table)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="turtle | nquads | trig | jsonld")] = "nquads",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write. [default: stdout]")] = None,
    data_dir: DataDir = None, store: StoreOpt = None, config: ConfigOpt = None,
) -> None:
    """Export the whole graph (turtle merges the named graphs; nquads, trig and jsonld keep them)."""
    from kg.queries import export_graph
    from kg.store import open_store

    with _errors():
        cfg = _config(data_dir, store, config)
        with open_store(cfg.store, cfg.data_dir) as graph_store:
            data = export_graph(graph_store, fmt)
    if output:
        output.write_text(data, encoding="utf-8")
    else:
        sys.stdout.write(data)


@app.command()
def query(
    sparql: Annotated[str, typer.Argument(help="A SPARQL query; the vocabulary's prefixes are predeclared. '-' reads stdin.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table | csv | tsv | json | xml (CONSTRUCT/DESCRIBE: "
                                     "turtle | ntriples | xml | jsonld)")] = "table",
    data_dir: DataDir = None, store: StoreOpt = None, config: ConfigOpt = None,
    default_graph: Annotated[Optional[list[str]], typer.Option("--default-graph", help="IRI of a graph to use as the "
                             "default graph (repeatable; overrides the query's FROM). [default: the union of all graphs]")] = None,
    named_graph: Annotated[Optional[list[str]], typer.Option("--named-graph", help="IRI of a graph GRAPH may visit "
                           "(repeatable; overrides the query's FROM NAMED).")] = None,
) -> None:
    """Run a SPARQL query against the graph and print the results.

    The default graph is the union of all graphs, unless the query's FROM / FROM NAMED or
    --default-graph / --named-graph (which win, as the SPARQL protocol's parameters do) name graphs.
    """
    from kg.dataset import QueryDataset
    from kg.queries import format_result
    from kg.store import open_store

    text = sys.stdin.read() if sparql == "-" else sparql
    with _errors():
        cfg = _config(data_dir, store, config)
        with open_store(cfg.store, cfg.data_dir) as graph_store:
            result = graph_store.query(text, dataset=QueryDataset(tuple(default_graph or ()), tuple(named_graph or ())))
            if fmt == "table":
                _console().print(format_result(result, "table"))
            else:
                sys.stdout.write(format_result(result, fmt))


@app.command()
def serve(
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on. [default: 127.0.0.1]")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port to listen on. [default: 8000]")] = None,
    data_dir: DataDir = None, store: StoreOpt = None, config: ConfigOpt = None,
) -> None:
    """Serve the HTTP API (SPARQL endpoint, entities, documents; OpenAPI docs at /docs) with uvicorn."""
    import uvicorn

    from api.app import create_app
    from kg.sparql import check_store

    with _errors():
        cfg = _config(data_dir, store, config, host=host, port=port)
        check_store(cfg)
    # A server encodes many short queries at once: one torch thread per query rather than two threads
    # fighting over two cores. Measured /search p95 at 8 clients: 426 → 263 ms while other jobs shared
    # the cores, 273 → 247 ms on a quiet machine (bench/results/suite.md). Set before torch is first
    # imported; an explicit OMP_NUM_THREADS wins.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    uvicorn.run(create_app(cfg), host=cfg.host, port=cfg.port)


@app.command()
def settings() -> None:
    """Print every setting with its environment variable, default and meaning."""
    from kg.settings import settings_markdown

    typer.echo(settings_markdown())


@app.command()
def vocab() -> None:
    """Print the vocabulary (every kg: class, property and concept) as a markdown table."""
    from kg.vocab_doc import vocabulary_table

    typer.echo(vocabulary_table(), nl=False)
