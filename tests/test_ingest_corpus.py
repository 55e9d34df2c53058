"""The whole corpus through the pipeline into a real Oxigraph store."""

from __future__ import annotations

import re
import shutil

import pytest

from ingest.pipeline import ingest_paths
from ingest.texts import load_text
from ingest.repair import repair
from kg.queries import graph_stats
from kg.store import open_store

PASSAGES = """
SELECT ?p ?key ?text ?start ?end ?rs ?re WHERE {
  ?p a kg:Passage ; kg:text ?text ; kg:charStart ?start ; kg:charEnd ?end ;
     kg:rawStart ?rs ; kg:rawEnd ?re ; kg:inDocument ?d . ?d kg:sourceKey ?key }"""


def test_corpus_has_five_documents_with_sections_and_passages(corpus_store):
    store, _, report = corpus_store
    assert len(report.added) == 5
    stats = graph_stats(store)
    assert stats["totals"]["documents"] == 5
    for doc in stats["documents"]:
        assert doc["sections"] >= 5 and doc["passages"] >= 20, doc


def test_every_passage_is_its_span_of_the_repaired_text_and_maps_back(corpus_store, corpus_dir):
    store, _, _ = corpus_store
    repaired = {}
    n = 0
    for row in store.query(PASSAGES):
        key = str(row.key)
        if key not in repaired:
            repaired[key] = repair((corpus_dir / key).read_text("utf-8"))
        r = repaired[key]
        start, end = int(row.start), int(row.end)
        assert r.text[start:end] == str(row.text)
        rs, re_ = int(row.rs), int(row.re)
        assert (rs, re_) == r.raw_span(start, end)
        # every non-space character came from the same character of the source file
        for i in range(start, end):
            if not r.text[i].isspace():
                assert r.raw[r.offsets[i]] == r.text[i]
        # and the source span, with extraction damage undone, reads as the passage
        source = r.raw[rs:re_]
        for a, b, _why in r.removed:
            if rs <= a and b <= re_:
                source = source.replace(r.raw[a:b], " ", 1)
        squash = lambda s: re.sub(r"[\s\-\u00ad]+", "", s)  # noqa: E731
        assert squash(source) == squash(str(row.text))
        n += 1
    assert n == graph_stats(store)["totals"]["passages"] > 400


def test_reingest_is_idempotent(corpus_copy, config):
    store = open_store(config.store, config.data_dir)
    ingest_paths([corpus_copy], store, config)
    first = len(store)
    report = ingest_paths([corpus_copy], store, config)
    assert len(report.unchanged) == 5 and not report.changed
    assert len(store) == first
    store.close()


def test_changed_document_replaces_only_its_own_graph(corpus_copy, config):
    store = open_store(config.store, config.data_dir)
    ingest_paths([corpus_copy], store, config)
    others = {k: d for k, d in store.documents().items() if k != "002_0b700d7134d33c05.txt"}
    other_quads = sorted(q for q in store.quads() if q[3] in {d.graph for d in others.values()})
    path = corpus_copy / "002_0b700d7134d33c05.txt"
    path.write_text(path.read_text("utf-8") + "\n\nTilføjet afsnit: Der afsættes 1,0 mio. kr. i 2026.\n", "utf-8")
    report = ingest_paths([corpus_copy], store, config)
    assert report.replaced == ["002_0b700d7134d33c05.txt"] and len(report.unchanged) == 4
    docs = store.documents()
    assert len(docs) == 5
    assert sorted(q for q in store.quads() if q[3] in {d.graph for d in others.values()}) == other_quads
    assert len([g for g in store.graphs() if not g.endswith(("graph/vocabulary", "graph/links"))]) == 5
    assert store.query('ASK { ?p kg:text ?t FILTER(CONTAINS(?t, "Tilføjet afsnit")) }').askAnswer is True
    store.close()


def test_failure_mid_ingest_leaves_the_store_exactly_as_it_was(corpus_copy, config, monkeypatch):
    store = open_store(config.store, config.data_dir)
    ingest_paths([corpus_copy], store, config)
    before = sorted(store.quads())
    path = corpus_copy / "001_08ba568cb88d3b78.txt"
    path.write_text(path.read_text("utf-8").replace("Livslinien", "Livslinjen"), "utf-8")

    from ingest import model

    calls = {"n": 0}
    original = model.DocumentGraph._section_triples

    def failing(self, sec):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("injected failure in the middle of building the graph")
        return original(self, sec)

    monkeypatch.setattr(model.DocumentGraph, "_section_triples", failing)
    report = ingest_paths([corpus_copy], store, config)
    assert [p for p, _ in report.failed] == [str(path)]
    assert "injected failure" in report.failed[0][1] and str(path) in report.failed[0][1]
    assert sorted(store.quads()) == before
    monkeypatch.undo()
    report = ingest_paths([corpus_copy], store, config)
    assert report.replaced == ["001_08ba568cb88d3b78.txt"]
    store.close()


def test_shape_violation_fails_the_document_with_a_readable_report(corpus_copy, config):
    from rdflib import Literal

    from kg.namespace import KG

    store = open_store(config.store, config.data_dir)

    def bad_extractor(doc):
        yield doc.iri, KG.pageCount, Literal(0)

    report = ingest_paths([corpus_copy / "002_0b700d7134d33c05.txt"], store, config, extractors=[bad_extractor])
    assert len(report.failed) == 1
    message = report.failed[0][1]
    assert "violates the SHACL shapes" in message and "pageCount" in message
    assert store.documents() == {}
    assert [g for g in store.graphs() if not g.endswith("graph/vocabulary")] == []
    store.close()


def test_mixed_directory_reports_bad_files_and_ingests_the_rest(tmp_path, corpus_dir, config):
    folder = tmp_path / "mixed"
    (folder / "deep" / "deeper").mkdir(parents=True)
    shutil.copy(corpus_dir / "002_0b700d7134d33c05.txt", folder / "deep" / "deeper")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (folder / "latin1.txt").write_bytes("Region Sjælland".encode("latin-1"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "fake.pdf").write_bytes(b"PK\x03\x04")
    (folder / "odd name æ ø #1.txt").write_text("Der afsættes 2 mio. kr. i 2025 til Region Sjælland.", "utf-8")
    store = open_store(config.store, config.data_dir)
    report = ingest_paths([folder], store, config)
    failed = {p.rsplit("/", 1)[-1]: m for p, m in report.failed}
    assert sorted(failed) == ["empty.txt", "fake.pdf", "image.png", "latin1.txt"]
    assert "not UTF-8" in failed["latin1.txt"] and "not a PDF" in failed["fake.pdf"]
    assert sorted(report.added) == ["002_0b700d7134d33c05.txt", "odd name æ ø #1.txt"]
    assert sorted(store.documents()) == sorted(report.added)
    store.close()


def test_pdf_ingests_with_page_numbers(tmp_path, config):
    from tests.ingest.test_readers import make_pdf

    pdf = make_pdf(tmp_path / "plan.pdf", [
        "Psykiatriplan for regionen\nDer afsættes 5 mio. kr. i 2025 til",
        "opfølgning efter udskrivelse.\nRegion Hovedstaden har ansat 4 årsværk.",
        "Bilag 1\nØkonomisk oversigt over initiativer",
    ])
    store = open_store(config.store, config.data_dir)
    report = ingest_paths([pdf], store, config)
    assert report.added == ["plan.pdf"], report.failed
    pages = {str(r.t): int(r.page) for r in store.query("SELECT ?t ?page WHERE { ?s a kg:Section ; dcterms:title ?t ; kg:page ?page }")}
    assert pages["Bilag 1"] == 3
    rows = list(store.query("SELECT ?n WHERE { ?d a kg:Document ; kg:pageCount ?n }"))
    assert int(rows[0][0]) == 3
    text = list(store.query("SELECT ?t WHERE { ?p a kg:Passage ; kg:text ?t ; kg:page 1 ; kg:pageEnd 2 }"))
    assert "til opfølgning efter udskrivelse" in str(text[0][0])
    assert load_text(config.data_dir, store.documents()["plan.pdf"].iri.rsplit("/", 1)[-1])["key"] == "plan.pdf"
    store.close()


@pytest.mark.parametrize("fmt", ["turtle", "nquads", "jsonld"])
def test_export_round_trips(corpus_store, fmt):
    from rdflib import Dataset, Graph
    from rdflib.compare import isomorphic

    from kg.queries import export_graph

    store, _, _ = corpus_store
    data = export_graph(store, fmt)
    merged = Graph()
    for s, p, o, _g in store.quads():
        merged.add((s, p, o))
    if fmt == "turtle":
        parsed = Graph().parse(data=data, format="turtle")
    else:
        ds = Dataset().parse(data=data, format={"nquads": "nquads", "jsonld": "json-ld"}[fmt])
        parsed = Graph()
        for s, p, o, _g in ds.quads():
            parsed.add((s, p, o))
    # Turtle writes xsd:decimal 30000000 as the shorthand 30000000.0: same value, other lexical form
    def canonical(g):
        from rdflib import Graph, Literal
        from rdflib.namespace import XSD

        out = Graph()
        for s, p, o in g:
            if isinstance(o, Literal) and o.datatype == XSD.decimal:
                o = Literal(format(o.toPython().normalize(), "f"), datatype=XSD.decimal)
            out.add((s, p, o))
        return out

    assert isomorphic(canonical(parsed), canonical(merged))


def test_a_new_pipeline_re_extracts_unchanged_files(corpus_copy, config, monkeypatch):
    import ingest.pipeline

    store = open_store(config.store, config.data_dir)
    ingest_paths([corpus_copy], store, config)
    versions = {d.pipeline for d in store.documents().values()}
    assert len(versions) == 1 and versions.pop().endswith(f"-p{config.passage_min_words}-{config.passage_max_words}")
    # the same files after an upgrade of the extraction code: every document is built again
    monkeypatch.setattr(ingest.pipeline, "pipeline_version", lambda lo, hi: f"upgraded-p{lo}-{hi}")
    report = ingest_paths([corpus_copy], store, config)
    assert sorted(report.replaced) == sorted(store.documents()) and not report.unchanged
    assert {d.pipeline for d in store.documents().values()} == {f"upgraded-p{config.passage_min_words}-{config.passage_max_words}"}
    assert not ingest_paths([corpus_copy], store, config).changed  # and then they are unchanged again
    store.close()
