"""Clients nobody here wrote, against one real ``kg serve`` over the corpus and a loaded reference graph.

SPARQLWrapper with its defaults and every return format, raw ``http.client`` for an Accept header
on several lines, the format/output/results spellings of other tools, the SPARQL 1.1 dataset
(FROM, FROM NAMED, default-graph-uri, named-graph-uri), the Graph Store Protocol read side, and the
money CSV as Excel (or any BOM-honouring reader) opens it.
"""

from __future__ import annotations

import csv
import http.client
import io
import re
import shutil
from decimal import Decimal
from urllib.parse import urlencode, urlsplit
from xml.dom.minidom import Document as XmlDocument

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD
from rdflib.query import Result

from kg.namespace import KG
from tests.kg.test_load import REGION_CODES, plain, regions
from tests.reliability.conftest import serving
from tests.reliability.helpers import kg

REGIONS = "https://example.org/graph/regions"
KEYS = """PREFIX kg: <https://w3id.org/psykiatri-kg/vocab#>
SELECT ?key WHERE { ?d a kg:Document ; kg:sourceKey ?key } ORDER BY ?key"""
DOCS = """PREFIX kg: <https://w3id.org/psykiatri-kg/vocab#>
CONSTRUCT { ?d a kg:Document ; kg:sourceKey ?key } WHERE { ?d a kg:Document ; kg:sourceKey ?key }"""
ASK = "PREFIX kg: <https://w3id.org/psykiatri-kg/vocab#> ASK { ?d a kg:Document }"


@pytest.fixture(scope="module")
def live(api_data, tmp_path_factory):
    """Base URL of ``kg serve`` over a copy of the corpus with official region codes loaded beside it."""
    data = tmp_path_factory.mktemp("live") / "data"
    shutil.copytree(api_data, data)
    reference = data.parent / "regions.ttl"
    reference.write_text(regions().serialize(format="turtle"), encoding="utf-8")
    done = kg("load", str(reference), "--graph", REGIONS, "--data-dir", str(data))
    assert done.returncode == 0, done.stderr
    with serving(data) as base:
        yield base


@pytest.fixture(scope="module")
def docs(live) -> list[dict]:
    """The corpus documents (key, iri, id), in key order, and each one's graph IRI."""
    items = httpx.get(live + "/documents", timeout=30).json()["items"]
    assert len(items) == 5
    return [d | {"graph": f"https://w3id.org/psykiatri-kg/id/graph/{d['id']}"} for d in items]


def wrapper(live: str, query: str, fmt: str | None = None):
    from SPARQLWrapper import SPARQLWrapper

    sparql = SPARQLWrapper(live + "/sparql")
    sparql.setQuery(query)
    if fmt is not None:
        sparql.setReturnFormat(fmt)
    return sparql


def rows_of(body: bytes, media: str) -> list[str]:
    """The first column of a SELECT result in any of the four result formats, parsed by rdflib."""
    parser = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml",
              "text/csv": "csv", "text/tab-separated-values": "tsv"}[media]
    return [str(row[0]) for row in Result.parse(io.BytesIO(body), format=parser)]


def by_value(graph: Graph) -> Graph:
    """``graph`` with decimals in one lexical form: Turtle writes xsd:decimal 2900000 as ``2900000.0``, the same
    number (rdflib compares literals by their text)."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.decimal:
            o = Literal(format(Decimal(str(o)).normalize(), "f"), datatype=XSD.decimal)
        out.add((s, p, o))
    return out


def media_of(result) -> str:
    return result.info()["content-type"].split(";")[0]


# --- SPARQLWrapper ----------------------------------------------------------------------------

def test_sparqlwrapper_defaults_for_select_ask_construct_and_describe(live, docs):
    """No setReturnFormat: SPARQLWrapper asks for XML (RDF/XML for graphs) and sends format=xml&output=xml&results=xml."""
    keys = [d["key"] for d in docs]
    result = wrapper(live, KEYS).query()
    assert media_of(result) == "application/sparql-results+xml"
    dom = result.convert()
    assert isinstance(dom, XmlDocument)
    assert [n.firstChild.data for n in dom.getElementsByTagName("literal")] == keys
    ask = wrapper(live, ASK).query()
    assert media_of(ask) == "application/sparql-results+xml"
    assert ask.convert().getElementsByTagName("boolean")[0].firstChild.data == "true"
    construct = wrapper(live, DOCS).query()
    assert media_of(construct) == "application/rdf+xml"
    graph = construct.convert()
    assert isinstance(graph, Graph) and len(graph) == 10
    assert sorted(str(k) for k in graph.objects(None, KG.sourceKey)) == keys
    describe = wrapper(live, f"DESCRIBE <{docs[0]['iri']}>").query()
    assert media_of(describe) == "application/rdf+xml"
    described = describe.convert()
    assert str(described.value(URIRef(docs[0]["iri"]), KG.sourceKey)) == docs[0]["key"]
    assert (URIRef(docs[0]["iri"]), RDF.type, KG.Document) in described


@pytest.mark.parametrize("fmt, media", [("json", "application/sparql-results+json"),
                                        ("xml", "application/sparql-results+xml"), ("csv", "text/csv"),
                                        ("tsv", "text/tab-separated-values")])
def test_sparqlwrapper_select_and_ask_in_every_results_format(live, docs, fmt, media):
    result = wrapper(live, KEYS, fmt).query()
    assert media_of(result) == media
    assert rows_of(result.response.read(), media) == [d["key"] for d in docs]
    ask = wrapper(live, ASK, fmt).query()
    assert media_of(ask) == media
    body = ask.response.read()
    if fmt in ("json", "xml"):
        assert Result.parse(io.BytesIO(body), format=fmt).askAnswer is True
    else:
        assert body == b"true"  # pyoxigraph's CSV/TSV boolean


@pytest.mark.parametrize("fmt, media, parse_as", [
    ("turtle", "text/turtle", "turtle"), ("n3", "text/turtle", "turtle"),  # n3 is nobody's name here: Accept decides
    ("rdf+xml", "application/rdf+xml", "xml"), ("xml", "application/rdf+xml", "xml"),
    ("json-ld", "application/ld+json", "json-ld"), (None, "application/n-triples", "nt")])
def test_sparqlwrapper_construct_and_describe_in_every_rdf_format(live, docs, fmt, media, parse_as):
    for query in (DOCS, f"DESCRIBE <{docs[0]['iri']}>"):
        sparql = wrapper(live, query, fmt)
        if fmt is None:  # SPARQLWrapper has no N-Triples setting; conneg alone, as its docs say
            sparql.setOnlyConneg(True)
            sparql.addCustomHttpHeader("Accept", "application/n-triples")
        result = sparql.query()
        assert media_of(result) == media
        got = Graph().parse(data=result.response.read(), format=parse_as)
        reference = Graph().parse(data=httpx.get(live + "/sparql", params={"query": query, "format": "ttl"},
                                                 timeout=30).text, format="turtle")
        assert isomorphic(by_value(got), by_value(reference)) and len(got) >= (10 if query == DOCS else 5)


# --- Accept on several lines, and the format parameter's spellings ------------------------------

def raw_get(live: str, path: str, accept_lines: list[str]) -> tuple[int, str, bytes]:
    parts = urlsplit(live)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.putrequest("GET", path)
        for line in accept_lines:
            conn.putheader("Accept", line)  # one header field, several lines: RDF4J and Sesame send it so
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.getheader("content-type", ""), response.read()
    finally:
        conn.close()


def test_accept_on_several_header_lines_is_one_list(live, docs):
    path = "/sparql?" + urlencode({"query": KEYS})
    first_only = raw_get(live, path, ["application/sparql-results+xml;q=0.5"])
    assert first_only[1] == "application/sparql-results+xml"
    status, media, body = raw_get(live, path, ["application/sparql-results+xml;q=0.5", "text/csv"])
    assert status == 200 and media.startswith("text/csv")
    assert rows_of(body, "text/csv") == [d["key"] for d in docs]
    status, media, body = raw_get(live, "/sparql?" + urlencode({"query": DOCS}), ["text/html", "application/rdf+xml"])
    assert status == 200 and media == "application/rdf+xml" and len(Graph().parse(data=body, format="xml")) == 10
    # the JSON/CSV choice of the listing endpoints reads every line too
    status, media, body = raw_get(live, "/documents", ["application/json;q=0.2", "text/csv"])
    assert media.startswith("text/csv") and body.decode("utf-8-sig").startswith("id,key,title")
    # and so does the graph store
    status, media, body = raw_get(live, "/rdf-graph-store?" + urlencode({"graph": docs[0]["graph"]}),
                                  ["text/plain;q=0.1", "application/n-triples"])
    assert status == 200 and media == "application/n-triples"


@pytest.mark.parametrize("params, accept, query, media", [
    ({"format": "json"}, None, KEYS, "application/sparql-results+json"),
    ({"output": "csv"}, None, KEYS, "text/csv"),  # Fuseki's name, once ignored
    ({"results": "tsv"}, None, KEYS, "text/tab-separated-values"),
    ({"format": "application/sparql-results+xml"}, None, KEYS, "application/sparql-results+xml"),
    ({"format": "text/csv"}, "application/sparql-results+json", KEYS, "text/csv"),
    ({"format": "srj"}, "text/csv", KEYS, "application/sparql-results+json"),
    ({"format": "yaml"}, "text/tab-separated-values", KEYS, "text/tab-separated-values"),  # unknown: Accept decides
    ({"output": "xml"}, None, DOCS, "application/rdf+xml"),
    ({"format": "application/rdf+xml"}, None, DOCS, "application/rdf+xml"),  # once a 400
    ({"format": "ttl"}, None, DOCS, "text/turtle"),
    ({"format": "nt"}, None, DOCS, "application/n-triples"),
    ({"output": "json"}, None, DOCS, "application/ld+json"),
    ({"format": "n3"}, "application/n-triples", DOCS, "application/n-triples"),  # once a 400
    ({"format": "text/html"}, "application/ld+json", DOCS, "application/ld+json"),
])
def test_format_output_and_results_spellings(live, params, accept, query, media):
    headers = {"Accept": accept} if accept else {}
    r = httpx.get(live + "/sparql", params={"query": query, **params}, headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    if query == KEYS:
        assert len(rows_of(r.content, media)) == 5
    else:
        parse_as = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt",
                    "application/ld+json": "json-ld"}[media]
        assert len(Graph().parse(data=r.content, format=parse_as)) == 10


def test_csv_excel_adds_the_byte_order_mark_that_plain_sparql_csv_leaves_out(live, docs):
    plain_csv = httpx.get(live + "/sparql", params={"query": KEYS, "format": "csv"}, timeout=30).content
    excel = httpx.get(live + "/sparql", params={"query": KEYS, "format": "csv-excel"}, timeout=30).content
    assert not plain_csv.startswith(b"\xef\xbb\xbf") and excel == b"\xef\xbb\xbf" + plain_csv
    # why /sparql keeps its CSV without the mark: a SPARQL client (rdflib) would read it into the variable's name
    assert [str(v) for v in Result.parse(io.BytesIO(excel), format="csv").vars] == ["\ufeffkey"]
    assert [str(v) for v in Result.parse(io.BytesIO(plain_csv), format="csv").vars] == ["key"]


# --- the SPARQL 1.1 dataset over HTTP ---------------------------------------------------------

def select_one(live: str, query: str, default=(), named=()) -> list[str]:
    """First column of a SELECT through SPARQLWrapper (addDefaultGraph/addNamedGraph send the protocol's parameters)."""
    from SPARQLWrapper import JSON

    sparql = wrapper(live, query, JSON)
    for g in default:
        sparql.addDefaultGraph(g)
    for g in named:
        sparql.addNamedGraph(g)
    result = sparql.queryAndConvert()
    var = result["head"]["vars"][0]
    return sorted(b[var]["value"] for b in result["results"]["bindings"] if var in b)


DOC_IRIS = "PREFIX kg: <https://w3id.org/psykiatri-kg/vocab#> SELECT DISTINCT ?d {} WHERE {{ ?d a kg:Document }}"
GRAPHS = "PREFIX kg: <https://w3id.org/psykiatri-kg/vocab#> SELECT DISTINCT ?g {} WHERE {{ GRAPH ?g {{ ?d a kg:Document }} }}"


def test_from_scopes_a_query_to_one_document(live, docs):
    assert select_one(live, DOC_IRIS.format("")) == sorted(d["iri"] for d in docs)  # the union
    assert select_one(live, DOC_IRIS.format(f"FROM <{docs[0]['graph']}>")) == [docs[0]["iri"]]
    both = f"FROM <{docs[0]['graph']}> FROM <{docs[3]['graph']}>"
    assert select_one(live, DOC_IRIS.format(both)) == sorted([docs[0]["iri"], docs[3]["iri"]])
    # FROM alone leaves GRAPH nothing to visit
    assert select_one(live, GRAPHS.format(f"FROM <{docs[0]['graph']}>")) == []


def test_from_named_lists_the_graphs_graph_may_visit(live, docs):
    assert select_one(live, GRAPHS.format("")) == sorted(d["graph"] for d in docs)
    two = f"FROM NAMED <{docs[1]['graph']}> FROM NAMED <{docs[2]['graph']}>"
    assert select_one(live, GRAPHS.format(two)) == sorted([docs[1]["graph"], docs[2]["graph"]])
    assert select_one(live, DOC_IRIS.format(two)) == []  # and the default graph is empty


def test_default_graph_uri_overrides_the_querys_from(live, docs):
    query = DOC_IRIS.format(f"FROM <{docs[0]['graph']}>")
    assert select_one(live, query, default=[docs[4]["graph"]]) == [docs[4]["iri"]]
    assert select_one(live, DOC_IRIS.format(""), default=[docs[2]["graph"]]) == [docs[2]["iri"]]


def test_named_graph_uri_overrides_the_querys_from_named(live, docs):
    query = GRAPHS.format(f"FROM NAMED <{docs[0]['graph']}>")
    assert select_one(live, query, named=[docs[3]["graph"]]) == [docs[3]["graph"]]
    assert select_one(live, DOC_IRIS.format(""), named=[docs[3]["graph"]]) == []  # no default graph given: empty


def test_a_loaded_reference_graph_joins_the_extracted_graph(live):
    join = """PREFIX kg: <https://w3id.org/psykiatri-kg/vocab#> PREFIX schema: <https://schema.org/>
    SELECT DISTINCT ?code WHERE {
      ?fact kg:recipient ?region . ?region rdfs:label ?name .
      GRAPH <%s> { ?area rdfs:label ?name ; schema:identifier ?code } }""" % REGIONS
    assert "1084" in select_one(live, join)  # Region Hovedstaden receives shares in the corpus
    areas = "PREFIX schema: <https://schema.org/> SELECT ?code {} WHERE {{ ?a schema:identifier ?code }}"
    assert select_one(live, areas.format(f"FROM <{REGIONS}>")) == sorted(REGION_CODES)


# --- the Graph Store Protocol, read side ------------------------------------------------------

def test_graph_store_serves_a_documents_graph_whole_in_four_formats(live, docs):
    sizes = {d["graph"]: int(select_one(live, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{d['graph']}> {{ ?s ?p ?o }} }}")[0])
             for d in docs}
    graph = min(sizes, key=sizes.get)  # the smallest document: rdflib parses and compares it four times
    count = [sizes[graph]]
    graphs = []
    for accept, parse_as in (("text/turtle", "turtle"), ("application/rdf+xml", "xml"),
                             ("application/n-triples", "nt"), ("application/ld+json", "json-ld")):
        r = httpx.get(live + "/rdf-graph-store", params={"graph": graph}, headers={"Accept": accept}, timeout=60)
        assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == accept
        graphs.append(Graph().parse(data=r.content, format=parse_as))
    assert len(graphs[0]) == int(count[0]) > 1000
    assert all(isomorphic(by_value(graphs[0]), by_value(g)) for g in graphs[1:])
    head = httpx.head(live + "/rdf-graph-store", params={"graph": graph, "format": "nt"}, timeout=60)
    assert head.status_code == 200 and head.content == b""


def test_graph_store_default_is_the_union_and_loaded_graphs_come_back_as_loaded(live):
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    r = httpx.get(live + "/rdf-graph-store?default&format=nt", timeout=120)  # the bare ?default of the protocol
    assert r.status_code == 200
    triples = list(ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES))  # another parser than the server's writer
    assert len(triples) == len(set(triples)) == int(select_one(live, distinct)[0]) > 20_000
    loaded = httpx.get(live + "/rdf-graph-store", params={"graph": REGIONS}, headers={"Accept": "text/turtle"})
    assert isomorphic(plain(Graph().parse(data=loaded.content, format="turtle")), regions())


def test_graph_store_refuses_writes_and_names_what_is_missing(live, docs):
    for method in ("PUT", "POST", "DELETE"):
        r = httpx.request(method, live + "/rdf-graph-store", params={"graph": docs[0]["graph"]},
                          content=b"<a:b> <a:c> <a:d> .", headers={"Content-Type": "application/n-triples"})
        assert r.status_code == 405 and r.headers["content-type"] == "application/problem+json"
        assert r.headers["allow"] == "GET, HEAD" and "read-only" in r.json()["detail"]
    missing = httpx.get(live + "/rdf-graph-store", params={"graph": "https://example.org/graph/none"})
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    bare = httpx.get(live + "/rdf-graph-store")
    assert bare.status_code == 400 and "?default" in bare.json()["detail"]
    after = httpx.get(live + "/rdf-graph-store", params={"graph": docs[0]["graph"], "format": "nt"}, timeout=60)
    assert "<a:b>" not in after.text


# --- the money CSV as a journalist opens it ---------------------------------------------------

def test_money_flows_csv_opens_with_danish_letters_and_whole_kroner(live):
    r = httpx.get(live + "/money/flows", params={"format": "csv"}, timeout=60)
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.content.decode("utf-8").startswith("\ufeffyear,")  # the byte-order mark Excel looks for
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    lift = {(row["year"], row["initiative_label"]): row["dkk"] for row in rows if row["initiative_label"].startswith("Løft")}
    assert lift[("2024", "Løft på tidligere FL")] == "1147000000"
    assert lift[("2024", "Løft på FFL24")] == "400000000"
    assert all(row["dkk"].isdigit() for row in rows)  # whole kroner: no "1147000000.0"
    flows = httpx.get(live + "/money/flows", params={"year": 2024}, timeout=60).json()["flows"]
    amount = next(f["dkk"] for f in flows if f["initiative_label"] == "Løft på tidligere FL")
    assert amount == 1147000000 and isinstance(amount, int)
    raw = httpx.get(live + "/money/flows", params={"year": 2024}, timeout=60).text
    assert re.search(r'"dkk":\s*1147000000[,}]', raw) and "1147000000.0" not in raw
