"""``kg index``, ``kg search`` and ``kg eval``: thin commands over search.service and the scorers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

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

ModelOpt = Annotated[str | None, typer.Option("--model", help="Sentence-transformers model name or path. [default: the offline multilingual-e5-small]")]
GOLD_DEFAULT = Path("eval/gold")
DEV_DEFAULT = Path("eval/dev")

eval_app = typer.Typer(help="Score extraction and retrieval against gold files; results also go to eval/results/.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


def _progress(quiet: bool, label: str):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=_console(quiet), transient=True, disable=quiet)


def build_search_index(cfg, graph_store, quiet: bool) -> None:
    from search.service import build_index

    with _progress(quiet, "embedding passages") as bar:
        task = bar.add_task("embed", total=None)
        index = build_index(graph_store, cfg, progress=lambda done, total: bar.update(task, completed=done, total=total))
    _console(quiet).print(f"search index: {len(index)} passages, {index.manifest['vector_index']['kind']} vectors, "
                          f"model {index.manifest['encoder']['name']}")


@app.command()
def index(data_dir: DataDir = None, store: StoreOpt = None, config: ConfigOpt = None, model: ModelOpt = None,
          quiet: Quiet = False) -> None:
    """(Re)build the search index from the graph's passages; unchanged passages reuse cached embeddings."""
    from kgdatadir.writer import writer

    with _errors():
        cfg = _config(data_dir, store, config, model=model)
        with writer(cfg, command="kg index", on_wait=lambda m: typer.echo(m, err=True),
                    on_note=lambda m: typer.echo(m, err=True)) as draft:
            build_search_index(draft.config, draft.store, quiet)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="A question or keywords, in Danish or English.")],
    k: Annotated[int, typer.Option("-k", help="Number of passages.")] = 5,
    mode: Annotated[str, typer.Option(help="hybrid | bm25 | dense")] = "hybrid",
    doc: Annotated[str | None, typer.Option(help="Only this document (id, file name or title words).")] = None,
    year: Annotated[int | None, typer.Option(help="Only passages with facts for this year.")] = None,
    actor: Annotated[str | None, typer.Option(help="Only passages mentioning this actor.")] = None,
    initiative: Annotated[str | None, typer.Option(help="Only passages about this initiative.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    group: Annotated[bool, typer.Option(help="Group near-duplicate passages under their original ('also in').")] = True,
    data_dir: DataDir = None, store: StoreOpt = None, config: ConfigOpt = None,
) -> None:
    """Ranked passages with document, page, score and the amount/initiative facts they hold."""
    from dataclasses import asdict

    from kgdatadir.reader import reading
    from search.grouped import grouped_search
    from search.service import SearchFilters
    from search.service import search as plain_search

    run_search = grouped_search if group else plain_search

    with _errors():
        cfg = _config(data_dir, store, config)
        with reading(cfg) as snapshot:
            index = snapshot.index()
            plan = index.plan(query)
            results = run_search(snapshot.store, index, query, k=k, mode=mode,
                                 filters=SearchFilters(doc, year, actor, initiative))
    if as_json:
        typer.echo(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=2))
        return
    console = _console()
    if plan.translation is not None:
        console.print(f"[dim]searched as: {plan.lexical}[/dim]")
    for r in results:
        page = f", side {r.page}" if r.page else ""
        console.print(f"[bold]{r.rank}.[/bold] {r.doc_title} ({r.doc_key}{page}) score {r.score:.4f}")
        console.print("   " + r.text[:400].replace("\n", " ") + ("…" if len(r.text) > 400 else ""))
        for f in r.facts[:5]:
            init = f" → {f['initiative_label']}" if f.get("initiative_label") else ""
            console.print(f"   [green]{f['label']}[/green] {f.get('kind') or ''}{init}")
        if r.also_in:
            console.print("   [dim]also in: " + "; ".join(f"{a['doc_title']}{', side ' + str(a['page']) if a['page'] else ''}" for a in r.also_in) + "[/dim]")


def _results_name(name: str, gold: Path) -> str:
    """'extraction' for the gold folder (eval/gold), 'extraction-dev' for another one such as eval/dev."""
    folder = gold.resolve().name
    return name if folder == GOLD_DEFAULT.name else f"{name}-{folder}"


def _publish(name: str, data: dict, report: str) -> None:
    """Print an evaluation report and keep it (markdown and JSON) in eval/results/."""
    typer.echo(report)
    _console().print(f"written to {_write_results(name, data, report)}")


def _write_results(name: str, data: dict, report: str) -> Path:
    out = Path("eval/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), "utf-8")
    (out / f"{name}.md").write_text(report + "\n", "utf-8")
    return out / f"{name}.md"


@eval_app.command("search")
def eval_search(
    gold: Annotated[Path, typer.Option(help="Folder with questions.jsonl.")] = GOLD_DEFAULT,
    corpus: Annotated[Path, typer.Option(help="Folder with the questions' documents.")] = Path("corpus"),
    k: Annotated[int, typer.Option("-k")] = 5,
    data_dir: DataDir = None, config: ConfigOpt = None,
) -> None:
    """hit@k and MRR for BM25, dense and hybrid search (also with near-duplicates grouped), Danish and English separately."""
    from kgdatadir.reader import reading
    from search.evaluate import evaluate_search, format_report

    with _errors():
        cfg = _config(data_dir, None, config)
        with reading(cfg) as snapshot:
            result = evaluate_search(snapshot.index(), gold / "questions.jsonl", corpus, k=k)
    report = format_report(result)
    # the gold sample goes to search.md; another question set (e.g. eval/dev) to search-<folder>.md
    _publish("search" if gold.resolve() == GOLD_DEFAULT.resolve() else f"search-{gold.resolve().name}", result, report)


@eval_app.command("extraction")
def eval_extraction(
    gold: Annotated[Path, typer.Option(help="Folder with amounts.jsonl.")] = GOLD_DEFAULT,
    data_dir: DataDir = None, store: StoreOpt = None, config: ConfigOpt = None,
) -> None:
    """Money facts in the graph scored against gold: recall, Bilag 1 precision, period/kind agreement, linking."""
    from ingest.eval_amounts import format_report, score_amounts
    from ingest.eval_graph import extracted_amounts
    from ingest.eval_linking import format_linking, score_linking
    from ingest.texts import repaired_texts
    from kgdatadir.reader import reading

    with _errors():
        cfg = _config(data_dir, store, config)
        with reading(cfg) as snapshot:
            facts = extracted_amounts(snapshot.store)
            texts = repaired_texts(snapshot.store, snapshot.config.data_dir)
        metrics = score_amounts(facts, gold / "amounts.jsonl", texts)
        metrics["linking"] = score_linking(facts, gold / "amounts.jsonl")
    report = format_report(metrics) + "\n\n" + format_linking(metrics["linking"])
    _publish(_results_name("extraction", gold), metrics, report)


@eval_app.command("pdfs")
def eval_pdfs(
    gold: Annotated[Path, typer.Option(help="Folder with pdf_facts.jsonl and pdf_sources.json.")] = Path("eval/dev"),
    pdf_dir: Annotated[Path | None, typer.Option(help="Folder with the PDFs. [default: the eval_pdf_dir setting]")] = None,
    config: ConfigOpt = None,
) -> None:
    """Money facts read from real public PDFs (kept out of git) against hand-checked facts; skips when absent."""
    from ingest.eval_pdfs import evaluate_pdf_folder, format_report

    with _errors():
        cfg = _config(None, None, config)
        folder = pdf_dir or cfg.eval_pdf_dir
        metrics, notes = evaluate_pdf_folder(folder, gold, cfg)
    if metrics is None:
        for note in notes:
            typer.echo(note, err=True)
        typer.echo(f"skipped: none of the PDFs of {gold / 'pdf_sources.json'} is in {folder} "
                   "(third-party files are kept out of git; eval/dev/README.md says where to get them)")
        return
    _publish("pdfs", metrics, format_report(metrics, notes))


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question in Danish or English.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    data_dir: DataDir = None, store: StoreOpt = None, config: ConfigOpt = None,
) -> None:
    """Answer a question from the documents: the amount and period first when asked, then cited passages."""
    from dataclasses import asdict

    from kgdatadir.reader import reading
    from search.ask import ask as run_ask

    with _errors():
        cfg = _config(data_dir, store, config)
        with reading(cfg) as snapshot:
            answer = run_ask(snapshot.store, snapshot.index(), question)
    if as_json:
        typer.echo(json.dumps(asdict(answer), ensure_ascii=False, indent=2))
        return
    console = _console()
    console.print(f"[bold]{answer.answer or 'Intet svar fundet / no answer found'}[/bold]")
    for c in (answer.facts[0].get("conflicts") or []) if answer.facts else []:
        console.print(f"  [yellow]≠ {c['amount_text']} {c['period']} ({c['doc_key']})[/yellow]")
    for f in answer.facts[1:4]:
        console.print(f"  [green]{f['label']}[/green] {f['period']} → {f.get('initiative_label') or '?'} ({f['doc_key']})")
    for p in answer.passages[:3]:
        console.print(f"{p.rank}. {p.doc_title} ({p.doc_key}{', side ' + str(p.page) if p.page else ''})")
    if answer.sparql is not None:
        console.print(f"\n[dim]SPARQL ({answer.sparql.description}; run it with `kg query`):[/dim]")
        typer.echo(answer.sparql.sparql)


@eval_app.command("ask")
def eval_ask(
    gold: Annotated[Path, typer.Option(help="Folder with questions.jsonl.")] = GOLD_DEFAULT,
    dev: Annotated[Path | None, typer.Option(help="Second folder of questions (eval/dev when present).")] = DEV_DEFAULT,
    fit: Annotated[bool, typer.Option("--fit", help="First fit the fact ranker's weights on the fit split and save them "
                                      "(search/data/rank_weights.json); held-out questions are never used.")] = False,
    data_dir: DataDir = None, store: StoreOpt = None, config: ConfigOpt = None,
) -> None:
    """Amount questions: is the stated answer right (top-1), is it among the first 3 (top-3)? Per language and split."""
    from kgdatadir.reader import reading
    from search.eval_ask import (
        evaluate_ask,
        fit_scorer,
        format_ask_report,
        load_ask_questions,
    )

    from search.split import FRESH_FILE

    paths = [gold / "questions.jsonl"] + [dev / name for name in ("questions.jsonl", FRESH_FILE)
                                          if dev is not None and (dev / name).exists()]
    with _errors():
        cfg = _config(data_dir, store, config)
        with reading(cfg) as snapshot:
            index = snapshot.index()
            questions = load_ask_questions(paths)
            scorer = None
            if fit:
                scorer = fit_scorer(snapshot.store, index, questions)
                scorer.save(**dict(scorer.meta or {}))
            result = evaluate_ask(snapshot.store, index, questions, scorer=scorer)
    report = format_ask_report(result)
    _publish("ask", result, report)


@eval_app.command("entities")
def eval_entities(
    gold: Annotated[Path, typer.Option(help="Folder with entities.jsonl.")] = GOLD_DEFAULT,
    data_dir: DataDir = None, store: StoreOpt = None, config: ConfigOpt = None,
) -> None:
    """Actors, places and dates in the graph against gold: recall per type, organisation precision, cross-document links."""
    from ingest.eval_entities import format_report, score_entities
    from ingest.eval_graph import graph_entities
    from ingest.texts import repaired_texts
    from kgdatadir.reader import reading

    with _errors():
        cfg = _config(data_dir, store, config)
        with reading(cfg) as snapshot:
            found = graph_entities(snapshot.store)
            texts = repaired_texts(snapshot.store, snapshot.config.data_dir)
        metrics = score_entities(found, gold / "entities.jsonl", texts)
    report = format_report(metrics)
    _publish(_results_name("entities", gold), metrics, report)
