"""``kg load``: RDF files as named graphs beside the extracted graph, written like an ingest and left alone by it."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from kg.load import LoadError, load_file
from kg.namespace import KG, KGR
from kg.store import LOADED_REGISTRY, open_store

ROOT = Path(__file__).resolve().parents[2]
REGIONS = URIRef("https://example.org/graph/regions")
SCHEMA = "https://schema.org/"
# official region codes (Danmarks Adressers Web API); an analyst's reference data
REGION_CODES = {"1081": "Region Nordjylland", "1082": "Region Midtjylland", "1083": "Region Syddanmark",
                "1084": "Region Hovedstaden", "1085": "Region Sjælland"}


def regions() -> Graph:
    g = Graph()
    for code, name in REGION_CODES.items():
        node = URIRef(f"https://api.dataforsyningen.dk/regioner/{code}")
        g.add((node, RDF.type, URIRef(SCHEMA + "AdministrativeArea")))
        g.add((node, RDFS.label, Literal(name)))
        g.add((node, URIRef(SCHEMA + "identifier"), Literal(code)))
    return g


def plain(graph) -> Graph:
    """``graph`` with xsd:string literals written as plain ones (RDF 1.1: the same literal; rdflib tells them apart)."""
    out = Graph()
    for s, p, o in graph:
        out.add((s, p, Literal(str(o)) if isinstance(o, Literal) and o.datatype == XSD.string else o))
    return out


def kg(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kgcli", *args], capture_output=True, text=True, cwd=ROOT, timeout=600,
                          check=False, **kw)


@pytest.fixture
def store(tmp_path):
    s = open_store("oxigraph", tmp_path / "data")
    yield s
    s.close()


@pytest.mark.parametrize("fmt, suffix", [("turtle", ".ttl"), ("nt", ".nt"), ("xml", ".rdf"), ("json-ld", ".jsonld")])
def test_each_triple_format_loads_the_same_graph(store, tmp_path, fmt, suffix):
    source = tmp_path / f"regions{suffix}"
    source.write_text(regions().serialize(format=fmt), encoding="utf-8")
    report = load_file(store, source, str(REGIONS))
    assert report.graphs == {str(REGIONS): 15} and report.replaced == []
    assert isomorphic(plain(store.graph(REGIONS)), regions())
    assert store.loaded_graphs() == [REGIONS]
    entry = store.graph(LOADED_REGISTRY)
    assert set(entry.objects(REGIONS, RDF.type)) == {KG.LoadedGraph}
    assert str(entry.value(REGIONS, DCTERMS.source)) == source.name
    assert str(entry.value(REGIONS, KG.contentHash)) == hashlib.sha256(source.read_bytes()).hexdigest()
    # the ingested side knows nothing of it
    assert store.documents() == {} and store.ingested_dataset() is not None


@pytest.mark.parametrize("fmt, suffix", [("nquads", ".nq"), ("trig", ".trig")])
def test_quad_formats_keep_their_graphs_and_default_triples_need_a_graph(store, tmp_path, fmt, suffix):
    ds = Dataset()
    a, b = URIRef("https://example.org/graph/a"), URIRef("https://example.org/graph/b")
    ds.graph(a).add((URIRef("https://example.org/x"), RDFS.label, Literal("x i a")))
    ds.graph(b).add((URIRef("https://example.org/y"), RDFS.label, Literal("y i b")))
    ds.default_graph.add((URIRef("https://example.org/z"), RDFS.label, Literal("z uden graf")))
    source = tmp_path / f"two{suffix}"
    source.write_text(ds.serialize(format=fmt), encoding="utf-8")
    with pytest.raises(LoadError, match="1 triple in its default graph need a graph"):
        load_file(store, source)
    assert store.graphs() == []  # nothing was written
    report = load_file(store, source, "https://example.org/graph/rest")
    assert report.graphs == {str(a): 1, str(b): 1, "https://example.org/graph/rest": 1}
    assert str(store.graph(a).value(URIRef("https://example.org/x"), RDFS.label)) == "x i a"
    assert sorted(store.loaded_graphs()) == sorted([a, b, URIRef("https://example.org/graph/rest")])


def test_loading_again_replaces_and_bad_requests_store_nothing(store, tmp_path):
    source = tmp_path / "regions.ttl"
    source.write_text(regions().serialize(format="turtle"), encoding="utf-8")
    load_file(store, source, str(REGIONS))
    smaller = Graph()
    smaller.add((URIRef("https://api.dataforsyningen.dk/regioner/1084"), RDFS.label, Literal("Region Hovedstaden")))
    source.write_text(smaller.serialize(format="turtle"), encoding="utf-8")
    report = load_file(store, source, str(REGIONS))
    assert report.replaced == [str(REGIONS)] and len(store.graph(REGIONS)) == 1
    store.replace(URIRef("https://example.org/graph/someone-elses"), list(smaller))
    before = sorted(store.quads())
    with pytest.raises(LoadError, match="kg ingest's"):
        load_file(store, source, str(KGR["graph/mine"]))
    with pytest.raises(LoadError, match="not an absolute IRI"):
        load_file(store, source, "regions")
    (tmp_path / "broken.ttl").write_text("<a> <b> .", encoding="utf-8")
    with pytest.raises(LoadError, match="not valid turtle"):
        load_file(store, tmp_path / "broken.ttl", "https://example.org/graph/broken")
    with pytest.raises(LoadError, match="cannot tell the RDF format"):
        load_file(store, tmp_path / "regions.csv", str(REGIONS))
    with pytest.raises(LoadError, match="did not put there"):
        load_file(store, source, "https://example.org/graph/someone-elses")
    assert sorted(store.quads()) == before  # every refusal came before a write
    assert store.loaded_graphs() == [REGIONS] and len(store.graph(REGIONS)) == 1


def test_a_failure_inside_the_writer_leaves_nothing_loaded(tmp_path, monkeypatch):
    """The journal of ``kg ingest`` rolls a half-done load back: data graph written, registry write fails."""
    from kgdatadir.journal import JournaledStore, writer
    from kg.settings import load_config

    cfg = load_config({"data_dir": tmp_path / "data", "store": "oxigraph"})
    source = tmp_path / "regions.ttl"
    source.write_text(regions().serialize(format="turtle"), encoding="utf-8")
    real = JournaledStore.replace

    def failing(self, graph, triples, drop=()):
        if graph == LOADED_REGISTRY:
            raise OSError("injected: disk full while writing the registry")
        return real(self, graph, triples, drop)

    monkeypatch.setattr(JournaledStore, "replace", failing)
    with pytest.raises(OSError, match="injected"), writer(cfg) as s:
        load_file(s, source, str(REGIONS))
    with open_store("oxigraph", cfg.data_dir) as s:
        assert s.graphs() == [] and s.loaded_graphs() == []


def test_kg_load_waits_for_the_data_directory_lock_like_an_ingest(tmp_path):
    from kgdatadir.lock import DataDirLock

    data = tmp_path / "data"
    source = tmp_path / "regions.ttl"
    source.write_text(regions().serialize(format="turtle"), encoding="utf-8")
    with DataDirLock(data, command="kg ingest"):
        proc = subprocess.Popen([sys.executable, "-m", "kgcli", "load", str(source), "--graph", str(REGIONS),
                                 "--data-dir", str(data)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        waited = proc.stderr.readline()
        assert "waiting for" in waited and "kg ingest" in waited
        time.sleep(0.5)
        assert proc.poll() is None  # still waiting while the lock is held
    assert proc.wait(120) == 0, proc.stderr.read()
    with open_store("oxigraph", data) as s:
        assert isomorphic(plain(s.graph(REGIONS)), regions())


REFERENCE = """
@prefix kg: <https://w3id.org/psykiatri-kg/vocab#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
<https://api.dataforsyningen.dk/regioner/1084> a schema:AdministrativeArea ; rdfs:label "Region Hovedstaden" ;
    schema:identifier "1084" .
# another project's export of a document under a corpus file's name: not a document of this store
<https://example.org/other/doc/1> a kg:Document ; kg:sourceKey "000_94a57a6a30b53576.txt" ;
    kg:contentHash "0000000000000000000000000000000000000000000000000000000000000000" ; dcterms:title "Lånt" .
<https://example.org/other/doc/1/section/0> a kg:Section ; kg:inDocument <https://example.org/other/doc/1> .
<https://example.org/other/doc/1/passage/0> a kg:Passage ; kg:inDocument <https://example.org/other/doc/1> ;
    kg:inSection <https://example.org/other/doc/1/section/0> ; kg:text "Løft på tidligere FL" ;
    kg:contentHash "1111" ; kg:rawStart 0 ; kg:rawEnd 20 .
"""


@pytest.mark.slow
def test_ingest_check_and_the_index_leave_a_loaded_graph_alone(corpus_store, corpus_index, tmp_path):
    """A loaded graph that even looks like a document under a corpus file's name: ``kg check`` stays ok
    (no missing text, the index matches the ingested passages), and a re-ingest that replaces that very
    file keeps the loaded graph, triple for triple."""
    store, cfg, _ = corpus_store
    data = tmp_path / "data"
    data.mkdir()
    store.native.flush()
    store.native.backup(str(data / "graph"))
    for part in ("texts", "index", "cache"):
        shutil.copytree(cfg.data_dir / part, data / part)
    source = tmp_path / "reference.ttl"
    source.write_text(REFERENCE, encoding="utf-8")
    graph = "https://example.org/graph/reference"
    done = kg("load", str(source), "--graph", graph, "--data-dir", str(data))
    assert done.returncode == 0 and "16 triples into" in done.stderr, done.stderr
    check = kg("check", "--json", "--data-dir", str(data))
    report = json.loads(check.stdout)
    assert check.returncode == 0 and report["ok"] and report["findings"] == [], check.stdout
    assert report["documents"] == 5 and report["graph_passages"] == report["index_passages"] == len(corpus_index)
    with open_store("oxigraph", data, read_only=True) as s:
        loaded_before = set(s.graph(URIRef(graph)))
    assert len(loaded_before) == 16
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    changed = corpus / "000_94a57a6a30b53576.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nEt nyt afsnit om tvang.\n", encoding="utf-8")
    done = kg("ingest", str(corpus), "--data-dir", str(data))
    assert done.returncode == 0, done.stderr
    assert "0 added, 1 replaced, 4 unchanged, 0 failed" in done.stderr
    with open_store("oxigraph", data, read_only=True) as s:
        assert set(s.graph(URIRef(graph))) == loaded_before
        assert s.loaded_graphs() == [URIRef(graph)]
        assert sorted(s.documents()) == sorted(p.name for p in (ROOT / "corpus").glob("*.txt"))
    check = kg("check", "--json", "--data-dir", str(data))
    report = json.loads(check.stdout)
    assert check.returncode == 0 and report["ok"] and report["graph_passages"] == report["index_passages"], check.stdout
    # the replaced file's old text is left as a note (as after any re-ingest of a changed file); nothing else
    assert [f["code"] for f in report["findings"]] == ["text-orphan"], check.stdout
