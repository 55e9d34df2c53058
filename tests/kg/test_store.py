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


def _expect(store, query: str, expected, dataset=None) -> None:
    """The query's answer (a count, or the first column's values) is ``expected``. Only a remote server may
    instead refuse a dataset it cannot honour, saying why; a different answer is never accepted."""
    from kg.errors import QueryRefused

    try:
        rows = list(store.query(query, dataset=dataset))
    except QueryRefused as exc:
        assert store.kind == "sparql", exc
        assert "cannot" in str(exc) or "does not" in str(exc) or "ignores" in str(exc) or "lets GRAPH" in str(exc)
        return
    got = int(rows[0][0]) if isinstance(expected, int) else sorted(str(r[0]) for r in rows)
    assert got == expected, query


def test_dataset_follows_sparql_1_1(store):
    """Union by default; FROM / FROM NAMED define the dataset; a protocol dataset overrides them."""
    from kg.dataset import QueryDataset

    store.replace(G1, doc(1, "a.txt", "1" * 64))
    store.replace(G2, doc(2, "b.txt", "2" * 64))
    docs = "SELECT (COUNT(DISTINCT ?d) AS ?n) {} WHERE {{ ?d a kg:Document }}"
    named = "SELECT (COUNT(DISTINCT ?g) AS ?n) {} WHERE {{ GRAPH ?g {{ ?d a kg:Document }} }}"
    assert int(next(iter(store.query(docs.format(""))))[0]) == 2  # the union of all graphs, never refused
    assert int(next(iter(store.query(named.format(""))))[0]) == 2
    _expect(store, docs.format(f"FROM <{G1}>"), 1)
    _expect(store, docs.format(f"FROM <{G1}> FROM <{G2}>"), 2)
    _expect(store, named.format(f"FROM <{G1}>"), 0)  # FROM alone: no named graphs
    _expect(store, docs.format(f"FROM NAMED <{G1}>"), 0)  # FROM NAMED alone: an empty default graph
    _expect(store, named.format(f"FROM NAMED <{G2}>"), 1)
    which = f"SELECT ?d FROM <{G1}> WHERE {{ ?d a kg:Document }}"
    _expect(store, which, [str(KGR["doc/1"])])
    # the protocol dataset overrides the query's: G2 instead of G1, and no named graph at all
    _expect(store, which, [str(KGR["doc/2"])], QueryDataset((str(G2),)))
    _expect(store, named.format(f"FROM NAMED <{G2}>"), 0, QueryDataset((str(G1),)))
    _expect(store, named.format(""), 0, QueryDataset((str(G1),)))
    _expect(store, named.format(""), 1, QueryDataset((), (str(G1),)))
    _expect(store, docs.format(""), 0, QueryDataset((), (str(G1),)))
    _expect(store, docs.format(""), 2, QueryDataset((str(G1), str(G2))))
    # a graph nobody holds is empty: never fetched from the web, never the union
    _expect(store, docs.format("FROM <http://example.org/not-here>"), 0)
    # the word in a string, an IRI or a comment is not a dataset clause
    assert int(next(iter(store.query('SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a kg:Document '
                                     'FILTER(?d != <x:FROM>) BIND("FROM <y>" AS ?s) } # FROM <z>')))[0]) == 2
