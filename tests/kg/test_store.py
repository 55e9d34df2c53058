"""The same contract for every store backend."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.namespace import KG, KGR
from kg.store import open_store

G1, G2 = KGR["graph/one"], KGR["graph/two"]


def doc(n: int, key: str, sha: str):
    d = KGR[f"doc/{n}"]
    return [(d, RDF.type, KG.Document), (d, KG.sourceKey, Literal(key)), (d, KG.contentHash, Literal(sha)),
            (d, RDFS.label, Literal(f"dokument {n} – æøå"))]


@pytest.fixture(params=["memory", "oxigraph"])
def store(request, tmp_path):
    s = open_store(request.param, tmp_path)
    yield s
    s.close()


def test_replace_and_documents(store):
    store.replace(G1, doc(1, "a.txt", "1" * 64))
    store.replace(G2, doc(2, "b.txt", "2" * 64))
    assert len(store) == 8
    docs = store.documents()
    assert sorted(docs) == ["a.txt", "b.txt"]
    assert docs["a.txt"].graph == G1 and docs["a.txt"].sha256 == "1" * 64
    store.replace(KGR["graph/three"], doc(3, "a.txt", "3" * 64), drop=[G1])
    assert len(store) == 8
    assert store.documents()["a.txt"].iri == KGR["doc/3"]
    assert G1 not in store.graphs()


def test_query_has_prefixes_and_union_default_graph(store):
    store.replace(G1, doc(1, "a.txt", "1" * 64))
    store.replace(G2, doc(2, "b.txt", "2" * 64))
    rows = list(store.query("SELECT (COUNT(?d) AS ?n) WHERE { ?d a kg:Document }"))
    assert int(rows[0][0]) == 2


def test_failed_replace_changes_nothing(store):
    store.replace(G1, doc(1, "a.txt", "1" * 64))
    before = sorted(store.quads())

    def broken():
        yield from doc(2, "b.txt", "2" * 64)
        raise RuntimeError("injected failure while building triples")

    with pytest.raises(RuntimeError):
        store.replace(G2, broken(), drop=[G1])
    assert sorted(store.quads()) == before


def test_oxigraph_rejects_a_bad_update_atomically(tmp_path):
    s = open_store("oxigraph", tmp_path)
    s.replace(G1, doc(1, "a.txt", "1" * 64))
    bad = doc(2, "b.txt", "2" * 64) + [(URIRef("not an iri>"), RDF.type, KG.Document)]
    with pytest.raises(Exception):
        s.replace(G2, bad, drop=[G1])
    assert sorted(s.documents()) == ["a.txt"] and len(s) == 4
    s.close()


def test_oxigraph_persists_across_reopen(tmp_path):
    s = open_store("oxigraph", tmp_path)
    s.replace(G1, doc(1, "a.txt", "1" * 64))
    s.close()
    again = open_store("oxigraph", tmp_path)
    assert sorted(again.documents()) == ["a.txt"]
    again.close()
