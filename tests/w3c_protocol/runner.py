"""Run the W3C SPARQL 1.1 Protocol tests (``manifest.ttl`` beside this file) against a live endpoint.

Everything a test does and expects is read from the manifest: its graphs (``ut:graphData``: a file
and the graph IRI to load it under), its HTTP requests (method, path, headers, body and the body's
character encoding) and, per response, the expected status classes (``mf:expectedStatus``), result
format (``mf:expectedFormat``: "boolean", "tabular" or "RDF") and ASK answer (``mf:expectedBoolean``).
The one adaptation is the one the manifest asks for: request paths start with ``/sparql/``, which is
replaced by the endpoint's path.

Outcomes, by one rule for every test:

* **passed** — every response met every expectation; responses with status 4xx/5xx must also be
  ``application/problem+json`` (this project's promise for every error);
* **read-only** — an update test (its IRI names an update, the suite's own convention) whose update
  the server refused as read-only (403 problem+json of type ``…/update-forbidden``); the test's
  later requests, which depend on the update, are not sent;
* **failed** — anything else, with the reason.
"""

from __future__ import annotations

import http.client
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from rdflib.query import Result

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
MANIFEST_PATH = "/sparql/"  # every ht:absolutePath starts so (the manifest's comment)
READ_ONLY_PROBLEM = "/update-forbidden"

# what each mf:expectedFormat admits (media type → how rdflib parses it); the manifest's names say
RESULT_PARSERS = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml",
                  "text/csv": "csv", "text/tab-separated-values": "tsv"}
BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")  # "expect one of: XML, JSON"
RDF_PARSERS = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt"}


@dataclass(frozen=True)
class Expected:
    statuses: tuple[int, ...]  # status classes: 2 for 2xx …
    format: str | None
    boolean: bool | None

    def __str__(self) -> str:
        text = "/".join(f"{c}xx" for c in self.statuses)
        if self.format:
            text += f" {self.format}"
        if self.boolean is not None:
            text += f" {str(self.boolean).lower()}"
        return text


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected: Expected


@dataclass
class ProtocolTest:
    iri: str
    name: str
    graphs: list[tuple[Path, str]]  # (data file, graph IRI)
    requests: list[Request]

    @property
    def id(self) -> str:
        return self.iri.rsplit("#", 1)[-1]

    @property
    def kind(self) -> str:
        return "update" if "update" in self.id else "query"


@dataclass
class Outcome:
    test: ProtocolTest
    result: str  # passed, read-only or failed
    got: list[str] = field(default_factory=list)  # per response: status and content type
    reason: str = ""


def read_manifest(path: Path = MANIFEST) -> list[ProtocolTest]:
    """Every test of the manifest, in the manifest's order (``mf:entries``)."""
    g = Graph().parse(path, format="turtle")
    manifest = g.value(predicate=RDF.type, object=MF.Manifest)
    tests = []
    for entry in Collection(g, g.value(manifest, MF.entries)):
        graphs = [(Path(str(g.value(data, UT.graph)).removeprefix("file://")), str(g.value(data, RDFS.label)))
                  for data in g.objects(entry, UT.graphData)]
        action = g.value(entry, MF.action)
        requests = [_request(g, node) for node in Collection(g, g.value(action, HT.requests))]
        tests.append(ProtocolTest(str(entry), str(g.value(entry, MF.name)), sorted(graphs), requests))
    return tests


def _request(g: Graph, node) -> Request:
    headers = []
    if g.value(node, HT.headers) is not None:
        for h in Collection(g, g.value(node, HT.headers)):
            headers.append((str(g.value(h, HT.fieldName)), str(g.value(h, HT.fieldValue))))
    body = g.value(node, HT.body)
    data = None
    if body is not None:
        encoding = str(g.value(body, CNT.characterEncoding) or "UTF-8")
        data = str(g.value(body, CNT.chars)).encode(encoding.lower())
    resp = g.value(node, HT.resp)
    statuses = sorted(int(str(s).rsplit("StatusCode", 1)[-1][0]) for s in g.objects(resp, MF.expectedStatus))
    fmt = g.value(resp, MF.expectedFormat)
    boolean = g.value(resp, MF.expectedBoolean)
    expected = Expected(tuple(statuses), str(fmt) if fmt is not None else None,
                        bool(boolean.toPython()) if boolean is not None else None)
    return Request(str(g.value(node, HT.methodName)), str(g.value(node, HT.absolutePath)), tuple(headers), data,
                   expected)


def all_graphs(tests: list[ProtocolTest]) -> dict[str, Path]:
    """Graph IRI → data file over all tests (one store holds them all); an IRI with two files is an error."""
    out: dict[str, Path] = {}
    for test in tests:
        for file, iri in test.graphs:
            if out.setdefault(iri, file) != file:
                raise ValueError(f"{iri} is loaded from both {out[iri]} and {file}")
    return out


def _send(base: str, endpoint_path: str, req: Request) -> tuple[int, str, bytes]:
    parts = urlsplit(base)
    path = endpoint_path + req.path[len(MANIFEST_PATH):] if req.path.startswith(MANIFEST_PATH) else req.path
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.putrequest(req.method, path, skip_accept_encoding=True)
        for name, value in req.headers:
            conn.putheader(name, value)
        if req.body is not None:
            conn.putheader("Content-Length", str(len(req.body)))
        conn.endheaders(req.body)
        response = conn.getresponse()
        return response.status, response.getheader("content-type", ""), response.read()
    finally:
        conn.close()


def _check(expected: Expected, status: int, media: str, body: bytes) -> str:
    """Why the response misses ``expected`` ("" when it meets it)."""
    if status // 100 not in expected.statuses:
        return f"status {status}, expected {expected}"
    if status >= 400 and media != "application/problem+json":
        return f"error {status} as {media or 'no content type'}, not application/problem+json"
    if expected.format == "boolean" or expected.boolean is not None:
        if media not in BOOLEAN_TYPES:
            return f"a boolean as {media}"
        try:
            result = Result.parse(io.BytesIO(body), format=RESULT_PARSERS[media])
        except Exception as exc:  # noqa: BLE001
            return f"unparsable {media}: {exc}"
        if result.type != "ASK":
            return f"a {result.type} result, expected a boolean"
        if expected.boolean is not None and bool(result.askAnswer) != expected.boolean:
            return f"answered {result.askAnswer}, expected {expected.boolean}"
    elif expected.format == "tabular":
        if media not in RESULT_PARSERS:
            return f"tabular results as {media}"
        try:
            result = Result.parse(io.BytesIO(body), format=RESULT_PARSERS[media])
        except Exception as exc:  # noqa: BLE001
            return f"unparsable {media}: {exc}"
        if result.type != "SELECT":
            return f"a {result.type} result, expected tabular results"
    elif expected.format == "RDF":
        if media not in RDF_PARSERS:
            return f"RDF as {media}"
        try:
            Graph().parse(data=body, format=RDF_PARSERS[media])
        except Exception as exc:  # noqa: BLE001
            return f"unparsable {media}: {exc}"
    elif expected.format is not None:
        return f"unknown expected format {expected.format!r} in the manifest"
    return ""


def run_test(test: ProtocolTest, base: str, endpoint_path: str = "/sparql") -> Outcome:
    """Replay ``test``'s requests in order against ``base`` and judge each response (module docstring)."""
    outcome = Outcome(test, "passed")
    for req in test.requests:
        status, content_type, body = _send(base, endpoint_path, req)
        media = content_type.split(";")[0].strip().lower()
        problem_type = ""
        if media == "application/problem+json":
            problem_type = json.loads(body).get("type", "")
            outcome.got.append(f"{status} problem+json ({problem_type.rsplit('/', 1)[-1]})")
        else:
            outcome.got.append(f"{status} {media or '-'}")
        if test.kind == "update" and status == 403 and problem_type.endswith(READ_ONLY_PROBLEM):
            outcome.result, outcome.reason = "read-only", "the update was refused: the endpoint is read-only"
            return outcome
        reason = _check(req.expected, status, media, body)
        if reason:
            outcome.result, outcome.reason = "failed", reason
            return outcome
    return outcome


def table(outcomes: list[Outcome]) -> str:
    """The outcomes as a markdown table (what RESULTS.md records)."""
    lines = ["| # | test | kind | expected | got | outcome |", "|---|---|---|---|---|---|"]
    for n, o in enumerate(outcomes, 1):
        expected = " → ".join(str(r.expected) for r in o.test.requests)
        result = o.result if not o.reason or o.result == "read-only" else f"{o.result}: {o.reason}"
        lines.append(f"| {n} | `{o.test.id}` | {o.test.kind} | {expected} | {' → '.join(o.got)} | {result} |")
    counts = {r: sum(o.result == r for o in outcomes) for r in ("passed", "read-only", "failed")}
    lines.append("")
    lines.append(f"{len(outcomes)} tests: {counts['passed']} passed, {counts['read-only']} read-only refusals, "
                 f"{counts['failed']} failed.")
    return "\n".join(lines) + "\n"
