"""The remote SPARQL store against a real Virtuoso (Debian's virtuoso-opensource), started here on loopback.

The server gets a private database and free ports; the store contract of tests/kg/test_store.py runs
on it in both write modes (Graph Store Protocol upload and batched INSERT DATA), and the corpus
ingested through ``kg ingest --store sparql+http://…`` is the same graph as the embedded store's.
Without ``virtuoso-t`` the tests skip (``.ci/run`` installs it); under CI they fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from kg.errors import QueryError, StoreError
from kg.namespace import KG, KGR
from kg.store import open_store
from kg.store.remote import SparqlStore, parse_store_url
from tests.kg.test_store import (  # the same contract as the embedded stores  # noqa: F401
    G1,
    G2,
    doc,
    test_dataset_follows_sparql_1_1,
    test_failed_replace_changes_nothing,
    test_query_has_prefixes_and_union_default_graph,
    test_replace_and_documents,
)

RUN_TIMES = {PROV.startedAtTime, PROV.endedAtTime, PROV.generatedAtTime}
INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO_FILES = {"Database": {"DatabaseFile": "virtuoso.db", "ErrorLogFile": "virtuoso.log", "LockFile": "virtuoso.lck",
                               "TransactionFile": "virtuoso.trx", "xa_persistent_file": "virtuoso.pxa"},
                  "TempDatabase": {"DatabaseFile": "virtuoso-temp.db", "TransactionFile": "virtuoso-temp.trx"}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _private_ini(directory: Path, sql_port: int, http_port: int) -> Path:
    """Debian's virtuoso.ini with every file in ``directory`` and both servers on loopback ports."""
    wanted = {**{("Database", k): str(directory / v) for k, v in VIRTUOSO_FILES["Database"].items()},
              **{("TempDatabase", k): str(directory / v) for k, v in VIRTUOSO_FILES["TempDatabase"].items()},
              ("Parameters", "ServerPort"): f"127.0.0.1:{sql_port}", ("HTTPServer", "ServerPort"): f"127.0.0.1:{http_port}",
              ("SPARQL", "ResultSetMaxRows"): "1000000"}  # Debian's 10,000 cuts the corpus's passage list short
    section, out = None, []
    for line in INI.read_text(encoding="utf-8").splitlines():
        head = re.match(r"\s*\[(\w+)\]", line)
        if head:
            section = head.group(1)
        key = re.match(r"\s*(\w+)\s*=", line)
        if key and (section, key.group(1)) in wanted:
            line = f"{key.group(1)} = {wanted[(section, key.group(1))]}"
        out.append(line)
    path = directory / "virtuoso.ini"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A fresh Virtuoso on loopback; yields its HTTP base URL. SPARQL updates are granted to the endpoint."""
    import httpx

    if not shutil.which("virtuoso-t") or not INI.is_file():
        message = "virtuoso-opensource is not installed (apt-get install virtuoso-opensource; .ci/run does it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    directory = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = _free_port(), _free_port()
    ini = _private_ini(directory, sql_port, http_port)
    log = (directory / "server.out").open("w")
    proc = subprocess.Popen(["virtuoso-t", "-f", "-c", str(ini)], cwd=directory, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"virtuoso-t exited with {proc.returncode}: {(directory / 'server.out').read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("Virtuoso did not come up within 120 s")
            time.sleep(0.5)
        subprocess.run(["isql-vt", str(sql_port), "dba", "dba", "exec=grant SPARQL_UPDATE to \"SPARQL\";"],
                       check=True, capture_output=True, timeout=60)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(params=["gsp", "insert"])
def store(request, virtuoso):
    url = f"sparql+{virtuoso}/sparql" + ("?gsp=/sparql-graph-crud" if request.param == "gsp" else "")
    s = open_store(url, Path("unused"))
    s.drop(s.graphs())
    yield s
    s.drop(s.graphs())
    s.close()


def test_store_url_names_the_endpoints():
    e = parse_store_url("sparql+http://u:p@127.0.0.1:3030/kg/sparql?update=/kg/update&gsp=/kg/data")
    assert (e.query, e.update, e.gsp, e.auth, e.token) == (
        "http://127.0.0.1:3030/kg/sparql", "http://127.0.0.1:3030/kg/update", "http://127.0.0.1:3030/kg/data", ("u", "p"), None)
    q = parse_store_url("sparql+https://qlever.example:7001/?token=s3cret")
    assert (q.query, q.update, q.gsp, q.token) == ("https://qlever.example:7001/", "https://qlever.example:7001/", None, "s3cret")
    with pytest.raises(StoreError, match="unknown option"):
        parse_store_url("sparql+http://h:1/sparql?graph=x")
    with pytest.raises(StoreError, match="sparql\\+http"):
        parse_store_url("http://h:1/sparql")


def test_unreachable_server_is_a_store_error():
    with pytest.raises(StoreError, match="did not answer.*is it running"):
        SparqlStore(f"sparql+http://127.0.0.1:{_free_port()}/sparql", timeout=5)


def test_bad_query_is_a_query_error(store):
    with pytest.raises(QueryError, match="SPARQL query failed"):
        store.query("SELECT ?x WHERE { ?x ")


def test_typed_literals_survive_the_round_trip(store):
    s = KGR["amount/1"]
    triples = [(s, RDF.type, KG.MoneyAmount), (s, KG.value, Literal(Decimal("48.75"), datatype=XSD.decimal)),
               (s, KG.year, Literal(2025)), (s, KG.text, Literal('"citat"\nmed linjeskift og æøå', lang="da"))]
    store.replace(G1, triples)
    back = store.graph(G1)
    assert {(t[0], t[1], t[2].toPython() if isinstance(t[2], Literal) else t[2]) for t in back} == \
           {(t[0], t[1], t[2].toPython() if isinstance(t[2], Literal) else t[2]) for t in triples}
    assert back.value(s, KG.text).language == "da"


def _staged(store) -> int:
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                       f'FILTER(STRSTARTS(STR(?g), "{KGR["staging/"]}")) }}')
    return int(next(iter(rows))[0])


def test_unwritable_triple_is_refused_before_the_server_is_touched(store):
    store.replace(G1, doc(1, "a.txt", "1" * 64))
    bad = doc(2, "b.txt", "2" * 64) + [(URIRef("not an iri>"), RDF.type, KG.Document)]
    with pytest.raises(StoreError, match="N-Triples"):
        store.replace(G2, bad, drop=[G1])
    assert sorted(store.documents()) == ["a.txt"] and len(store) == 4 and _staged(store) == 0


def test_failure_after_staging_keeps_the_old_graph_and_drops_the_staged_one(store, monkeypatch):
    store.replace(G1, doc(1, "a.txt", "1" * 64))
    real_update = store.update
    seen = []

    def failing_move(text: str) -> None:
        seen.append(text)
        if "MOVE" in text:
            raise StoreError("injected: the server went away before the swap")
        real_update(text)

    monkeypatch.setattr(store, "update", failing_move)
    with pytest.raises(StoreError, match="injected"):
        store.replace(G2, doc(2, "b.txt", "2" * 64), drop=[G1])
    assert any("MOVE" in t for t in seen)  # the new triples had been staged on the server
    assert sorted(store.documents()) == ["a.txt"] and len(store) == 4 and _staged(store) == 0


def _canonical(quads) -> set[tuple]:
    """Quads with literals compared by value (Virtuoso gives 3.50 back as 3.5), datatype and language;
    the ingest run's own times (prov:startedAtTime/endedAtTime) are left out: they differ between runs."""
    out = set()
    for s, p, o, g in quads:
        if p in RUN_TIMES:
            continue
        if isinstance(o, Literal):  # RDF 1.1: a plain literal is an xsd:string
            datatype = None if o.datatype in (None, XSD.string) else str(o.datatype)
            o = ("literal", o.toPython() if datatype else str(o), o.language, datatype)
        out.add((s, p, o, g))
    return out


@pytest.mark.slow
def test_kg_ingest_into_virtuoso_makes_the_same_graph_as_oxigraph(virtuoso, corpus_store, tmp_path):
    url = f"sparql+{virtuoso}/sparql?gsp=/sparql-graph-crud"
    with open_store(url, tmp_path) as remote:
        remote.drop(remote.graphs())
    cmd = [str(Path(sys.executable).with_name("kg")), "ingest", str(Path(__file__).resolve().parents[2] / "corpus"),
           "--store", url, "--data-dir", str(tmp_path / "data"), "--no-index", "-q"]
    done = subprocess.run(cmd, check=False, cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    local, _, _ = corpus_store
    with open_store(url, tmp_path) as remote:
        assert remote.graphs() == local.graphs()
        assert _canonical(remote.quads()) == _canonical(local.quads())
        again = subprocess.run(cmd[:-1], check=False, cwd=tmp_path, capture_output=True, text=True, timeout=900)  # not quiet
        assert again.returncode == 0, again.stderr
        assert "5 unchanged" in again.stderr + again.stdout
        rows = remote.query("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a kg:Document }")
        assert int(next(iter(rows))[0]) == 5
