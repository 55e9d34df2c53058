"""Docs are checked against the code, so they cannot rot."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kg.settings import SETTINGS, settings_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_settings_doc_is_generated_from_the_code():
    assert (ROOT / "docs" / "settings.md").read_text("utf-8") == settings_markdown() + "\n"


def test_every_setting_has_help():
    for s in SETTINGS:
        assert len(s.help) > 20, s.name


def test_every_cli_command_is_in_the_readme():
    from kgcli.main import app

    readme = (ROOT / "README.md").read_text("utf-8")
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    for group in app.registered_groups:
        names += [f"{group.name} {c.name or c.callback.__name__}" for c in group.typer_instance.registered_commands]
    for name in names:
        assert f"kg {name}" in readme, f"`kg {name}` is not documented in README.md"


def test_readme_first_screen_has_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text("utf-8").splitlines()[:40]
    blocks = re.findall(r"```(?:sh|bash)?\n(.*?)```", "\n".join(readme), flags=re.S)
    commands = [line for b in blocks for line in b.splitlines() if line.strip() and not line.startswith("#")]
    assert any("kg ingest" in c for c in commands)
    test_cmd = next(c for c in commands if "pytest" in c)
    assert test_cmd.strip() in (ROOT / ".ci" / "run").read_text("utf-8")


def test_vocabulary_terms_have_danish_and_english_labels_and_comments():
    from rdflib import Graph, Literal
    from rdflib.namespace import RDFS

    from kg.namespace import KG, VOCAB_IRI

    g = Graph().parse(ROOT / "kg" / "vocab.ttl")
    terms = {s for s in g.subjects() if str(s).startswith(VOCAB_IRI)}
    assert len(terms) > 40
    for term in terms:
        for prop in (RDFS.label, RDFS.comment):
            langs = {o.language for o in g.objects(term, prop) if isinstance(o, Literal)}
            assert {"da", "en"} <= langs, f"{term} lacks a Danish or English {prop}"
        assert KG[str(term)[len(VOCAB_IRI):]] == term


def test_kg_help_does_not_import_heavy_libraries():
    code = "import sys, kgcli.main; print(sorted(m for m in ('torch', 'sentence_transformers', 'spacy', 'faiss') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_readme_sparql_examples_run_and_answer(corpus_store):
    store, _, _ = corpus_store
    readme = (ROOT / "README.md").read_text("utf-8")
    queries = re.findall(r"```sparql\n(.*?)```", readme, flags=re.S)
    assert len(queries) >= 2
    per_year = list(store.query(queries[0]))
    rows = {(str(r.initiative), int(r.year)): float(r.dkk) for r in per_year}
    assert rows[("Styrkelse af Livslinien", 2025)] == 7_000_000
    conflicts = {(float(r.va), float(r.vb)) for r in store.query(queries[1])}
    assert {48_750_000.0, 48_800_000.0} in [set(c) for c in conflicts]


def test_readme_vocabulary_table_is_generated_from_vocab_ttl():
    from kg.namespace import _declared_terms, vocab_text
    from kg.vocab_doc import readme_section, vocabulary_table

    readme = (ROOT / "README.md").read_text("utf-8")
    table = vocabulary_table()
    assert readme_section(readme) == table, "README vocabulary table is stale: paste the output of `kg vocab`"
    documented = set(re.findall(r"^\| `kg:(\w+)`", table, flags=re.M))
    assert documented == set(_declared_terms(vocab_text()))  # every declared term, nothing else


def test_readme_has_five_worked_queries_and_the_actor_query_answers(corpus_store):
    store, _, _ = corpus_store
    readme = (ROOT / "README.md").read_text("utf-8")
    queries = re.findall(r"```sparql\n(.*?)```", readme, flags=re.S)
    assert len(queries) >= 5
    leads = next(q for q in queries if "kg:responsible" in q)
    rows = {str(r.actor): int(r.initiatives) for r in store.query(leads)}
    assert rows.get("Danske Regioner", 0) >= 5 and rows.get("KL", 0) >= 1
    for query in queries:  # every worked query runs and answers
        assert list(store.query(query)), query[:80]


SOURCE_PACKAGES = ("kg", "ingest", "search", "kgdatadir", "api", "kgcli")


def _kg_terms_written_in(path: Path) -> set[str]:
    # kg:Name as a CURIE: not inside a longer name or an IRI (…psykiatri-kg:…, <kg:…>)
    return set(re.findall(r"(?<![\w:<#-])kg:([A-Za-z][A-Za-z0-9]*)", path.read_text("utf-8")))


@pytest.mark.parametrize("path", sorted(
    [*(ROOT / "api" / "web" / "queries").glob("*.rq"), ROOT / "README.md", *(ROOT / "docs").glob("*.md"),
     *(p for pkg in SOURCE_PACKAGES for p in (ROOT / pkg).rglob("*.py"))]), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_kg_term_written_in_queries_docs_and_code_is_in_the_vocabulary(path):
    """The example queries users copy, the docs and the code's docstrings name only terms vocab.ttl declares."""
    from kg.namespace import _declared_terms, vocab_text

    unknown = _kg_terms_written_in(path) - set(_declared_terms(vocab_text()))
    assert not unknown, f"{path.relative_to(ROOT)} names kg: terms the vocabulary lacks: {sorted(unknown)}"


def test_the_example_queries_use_vocabulary_terms():
    """The check above does see the shipped example queries and their terms."""
    examples = sorted((ROOT / "api" / "web" / "queries").glob("*.rq"))
    assert len(examples) >= 5
    assert {"MoneyAmount", "forInitiative"} <= set().union(*map(_kg_terms_written_in, examples))
