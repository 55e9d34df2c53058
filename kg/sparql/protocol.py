"""The SPARQL 1.1 Protocol side of the service: limits, result formats, content negotiation, request and
response values, and the checks a request passes before anything runs (SERVICE and LOAD refused)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from kg.dataset import STRIPPED, QueryDataset
from kg.errors import NotAcceptable, QueryError, QueryRefused, QueryTooLarge


log = logging.getLogger(__name__)

MAX_QUERY_BYTES = 100_000
MAX_UPDATE_BYTES = 1_000_000
WORKER_WAIT_SECONDS = 10.0  # longest wait for a free worker before answering Busy
GRACE_SECONDS = 0.25  # a worker stops a streaming query itself at the limit; it is killed only after this
RESULTS, GRAPH = "results", "graph"


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    rdflib: str
    kind: str  # RESULTS (SELECT/ASK) or GRAPH (CONSTRUCT/DESCRIBE)
    spellings: tuple[str, ...] = ()  # other names and media types clients use for it (for this kind of result)
    bom: bool = False  # starts with a UTF-8 byte-order mark (for Excel); never chosen through Accept alone


FORMATS: tuple[Format, ...] = (  # in order of preference when the client accepts anything
    Format("json", "application/sparql-results+json", "json", RESULTS, ("srj", "sparql-results+json", "application/json")),
    Format("xml", "application/sparql-results+xml", "xml", RESULTS,
           ("srx", "sparql-results+xml", "application/xml", "text/xml")),
    Format("csv", "text/csv", "csv", RESULTS),
    Format("tsv", "text/tab-separated-values", "tsv", RESULTS, ("tab-separated-values",)),  # written by pyoxigraph
    Format("turtle", "text/turtle", "turtle", GRAPH, ("ttl", "application/turtle", "application/x-turtle")),
    Format("rdfxml", "application/rdf+xml", "xml", GRAPH,
           ("rdf+xml", "rdf/xml", "rdf", "xml", "application/xml", "text/xml")),
    Format("ntriples", "application/n-triples", "nt", GRAPH, ("nt", "n-triples")),
    Format("jsonld", "application/ld+json", "json-ld", GRAPH, ("json-ld", "json", "application/json")),
    Format("csv-excel", "text/csv", "csv", RESULTS, ("excel",), bom=True),
)
FORMAT_NAMES = sorted({n for f in FORMATS for n in (f.name, *f.spellings) if "/" not in n})
FORMAT_PARAMETERS = ("format", "output", "results")  # Virtuoso/SPARQLWrapper, Fuseki/sparqler, others
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class SparqlRequest:
    query: str
    accept: str = "*/*"  # every Accept header line, joined with ", "
    format: str | None = None  # a format name or media type (from FORMAT_NAMES or any spelling); overrides ``accept``
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    # kgf:similarity scores computed by the caller before the query runs: text → passage IRI → cosine
    # (kg/sparql_functions.py); the query workers have no encoder
    similarity: dict[str, dict[str, float]] | None = None
    formats: tuple[str, ...] = ()  # every format/output/results value, in order; the first one known wins
    base_iri: str | None = None  # resolves relative IRIs in the query (the protocol: it MAY be the endpoint's URL)

    @property
    def wanted(self) -> tuple[str, ...]:
        return (*self.formats, *([self.format] if self.format else []))

    @property
    def dataset(self) -> QueryDataset:
        return QueryDataset(self.default_graphs, self.named_graphs)


@dataclass(frozen=True)
class SparqlResponse:
    body: bytes
    media_type: str
    result_type: str  # SELECT, ASK or CONSTRUCT (also for DESCRIBE)
    rows: int  # solutions or triples in the body
    truncated: bool  # the result was cut at the row cap


# --- checks before anything runs -------------------------------------------------------------

_FORBIDDEN = re.compile(r"(?<![\w:?$\-.])(SERVICE|LOAD)(?=\s|<|\?|\$|$)", re.I)


def check_text(text: str, *, update: bool = False) -> None:
    """Refuse over-long text and federated SERVICE / LOAD before the store sees the request."""
    limit = MAX_UPDATE_BYTES if update else MAX_QUERY_BYTES
    size = len(text.encode("utf-8"))
    if size > limit:
        raise QueryTooLarge(f"the {'update' if update else 'query'} is {size:,} bytes; the limit is {limit:,}")
    if not text.strip():
        raise QueryError("empty query: pass the SPARQL text as 'query' (or 'update')")
    bare = STRIPPED.sub(" ", text)  # strings, IRIs and comments cannot hold keywords
    found = _FORBIDDEN.search(bare)
    if found:
        word = found.group(1).upper()
        why = "federated queries to other endpoints" if word == "SERVICE" else "loading data from URLs"
        raise QueryRefused(f"{word} is not allowed: this endpoint does not make {why}")


def lookup_format(value: str, kind: str) -> Format | None:
    """The format of ``kind`` (RESULTS or GRAPH) that ``value`` names (a name, spelling or media type), or None."""
    key = value.split(";")[0].strip().lower()
    return next((f for f in FORMATS if f.kind == kind and key in (f.name, f.media_type, *f.spellings)), None)


def known_format(value: str) -> bool:
    """Whether ``value`` names a format of either kind; unknown names are ignored (``Accept`` decides)."""
    return lookup_format(value, RESULTS) is not None or lookup_format(value, GRAPH) is not None


def accept_ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept value (several header lines joined with ", ") with their q-values, in order."""
    out = []
    for part in (accept or "*/*").split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.lower().startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if media:
            out.append((media.lower(), q))
    return out or [("*/*", 1.0)]


def best_match(accept: str, offered: list[tuple[Any, tuple[str, ...]]]) -> Any | None:
    """The offer the Accept value likes best; ``offered`` is (offer, its media types) in order of preference.

    An offer takes the q of the most specific range that matches it (exact type over ``type/*`` over
    ``*/*``, RFC 9110 §12.5.1), so ``text/csv;q=0, */*`` rules CSV out. Highest q wins; then the more
    specific match; then the range written first; then our order. None when nothing is acceptable.
    """
    best, best_key = None, None
    ranges = accept_ranges(accept)
    for pref, (offer, medias) in enumerate(offered):
        matches = []
        for order, (media, q) in enumerate(ranges):
            if media in medias:
                spec = 2
            elif any(media == m.split("/")[0] + "/*" for m in medias):
                spec = 1
            elif media == "*/*":
                spec = 0
            else:
                continue
            matches.append((spec, -order, q))
        if not matches:
            continue
        spec, neg_order, q = max(matches)
        key = (q, spec, neg_order, -pref)
        if q > 0 and (best_key is None or key > best_key):
            best, best_key = offer, key
    return best


def negotiate(accept: str, override: str | tuple[str, ...] | None, result_type: str) -> Format:
    """The format for a result: the first known name in ``override`` (format/output/results) that fits
    ``result_type``, else the best match for Accept. A name known only for the other kind of result
    (``turtle`` for a SELECT) is :class:`NotAcceptable`; unknown names are ignored."""
    kind = GRAPH if result_type == "CONSTRUCT" else RESULTS
    candidates = [f for f in FORMATS if f.kind == kind]
    allowed = ", ".join(f.media_type for f in candidates if not f.bom)
    wanted = [v for v in ((override,) if isinstance(override, str) else (override or ())) if v and known_format(v)]
    for value in wanted:
        fmt = lookup_format(value, kind)
        if fmt is not None:
            return fmt
    if wanted:
        raise NotAcceptable(f"a {result_type} result cannot be {wanted[0]}; it can be {allowed}")
    offered = [(f, (f.media_type, *[m for m in f.spellings if "/" in m])) for f in candidates if not f.bom]
    best = best_match(accept, offered)
    if best is None:
        raise NotAcceptable(f"none of the accepted types ({accept}) fits a {result_type} result; it can be {allowed}")
    return best


def _negotiable(accept: str) -> bool:
    """Whether Accept admits any format of either kind (checked before a query runs)."""
    medias = {m for f in FORMATS for m in (f.media_type, *f.spellings) if "/" in m}
    return any(m == "*/*" or m.endswith("/*") or m in medias for m, q in accept_ranges(accept) if q > 0)
