"""``kg remove KEY``: a document's graph, kept text and cross-document links go; the rest stays (real CLI, real store)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kgcli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=600, check=False)


def links_to(store, doc_iri: str) -> int:
    rows = store.query(f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <https://w3id.org/psykiatri-kg/id/graph/links> {{ ?s ?p ?o }}
        FILTER(STRSTARTS(STR(?s), "{doc_iri}/") || STRSTARTS(STR(?o), "{doc_iri}/")) }}""")
    return int(next(iter(rows))[0])


def shared_initiative(store) -> str:
    """The canonical initiative with members in the most documents."""
    rows = store.query("""SELECT ?c (COUNT(DISTINCT ?d) AS ?n) WHERE {
        GRAPH <https://w3id.org/psykiatri-kg/id/graph/links> { ?m owl:sameAs ?c } ?m kg:inDocument ?d }
        GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 1""")
    return str(next(iter(rows))[0])


def members(store, canonical: str) -> dict[str, str]:
    rows = store.query(f"""SELECT ?m ?key WHERE {{ GRAPH <https://w3id.org/psykiatri-kg/id/graph/links> {{
        ?m owl:sameAs <{canonical}> }} ?m kg:inDocument/kg:sourceKey ?key }}""")
    return {str(r.m): str(r.key) for r in rows}


def test_remove_drops_graph_text_and_links(tmp_path):
    from kg.store import open_store

    data = tmp_path / "data"
    done = kg("ingest", str(ROOT / "corpus"), "--data-dir", str(data), "--no-index")
    assert done.returncode == 0, done.stderr
    with open_store("oxigraph", data) as store:
        canonical = shared_initiative(store)
        before = members(store, canonical)
        docs = store.documents()
    assert len(set(before.values())) >= 3, before
    key = min(before.values())
    doc_iri = str(docs[key].iri)
    doc_id = doc_iri.rsplit("/", 1)[-1]
    assert (data / "texts" / f"{doc_id}.json").is_file()
    with open_store("oxigraph", data) as store:
        assert links_to(store, doc_iri) > 0

    done = kg("remove", key, "--data-dir", str(data))
    assert done.returncode == 0, done.stderr
    assert f"removed {key} (id {doc_id})" in done.stderr
    with open_store("oxigraph", data) as store:
        assert key not in store.documents() and len(store.documents()) == len(docs) - 1
        assert not store.query(f"ASK {{ GRAPH ?g {{ <{doc_iri}> ?p ?o }} }}").askAnswer
        assert links_to(store, doc_iri) == 0  # no sameAs, sameMoneyAs or conflict left pointing at it
        after = members(store, canonical)
    assert set(after.values()) == set(before.values()) - {key}  # the other documents keep their links
    assert not (data / "texts" / f"{doc_id}.json").exists()

    again = kg("remove", key, "--data-dir", str(data))
    assert again.returncode == 1 and f"no document with the key {key!r}" in again.stderr
