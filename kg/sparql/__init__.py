"""The SPARQL service behind the API: check a request, run it with a time limit and a row cap, serialise.

No web framework here: ``api/sparql.py`` turns an HTTP request into a :class:`SparqlRequest`, hands
it to a :class:`QueryRunner` and maps :class:`~kg.errors.KgError` to problem responses.

*Time limit.* pyoxigraph cannot cancel a running query, and a thread cannot be killed. So on a
read-only Oxigraph store (the default server) every query runs in a small pool of worker processes,
each with its own read-only handle on the store; a query still running at the limit has its worker
killed and replaced (:class:`ProcessRunner`). When the server may write (an update token is set, or
the memory store) the store cannot be shared with other processes, and queries run in threads
(:class:`ThreadRunner`): results stop streaming at the limit, but a blocking aggregate or sort over
a huge join keeps its thread busy until it ends; the pool is bounded and reports :class:`Busy`.

*Row cap.* Results are cut after ``max_rows`` solutions (triples for CONSTRUCT/DESCRIBE) and
:attr:`SparqlResponse.truncated` says so; evaluation is lazy, so the rest is never computed.

*Safety.* SERVICE (federated calls) and LOAD (fetching a URL) are refused before anything runs:
pyoxigraph and rdflib would otherwise make HTTP requests from the server.

*Dataset.* The default graph is the union of all graphs unless the query's ``FROM`` / ``FROM NAMED``
or the request's ``default-graph-uri`` / ``named-graph-uri`` (which override the query's) name the
graphs, as SPARQL 1.1 says: :mod:`kg.dataset`.

*Formats.* SELECT and ASK: SPARQL JSON, XML, CSV, TSV (and ``csv-excel``: CSV with a UTF-8 byte-order
mark, only when asked for by name); CONSTRUCT and DESCRIBE: Turtle, RDF/XML, N-Triples, JSON-LD —
all written by rdflib's or pyoxigraph's serialisers. A format named in ``format`` / ``output`` /
``results`` (short names or media types, as SPARQLWrapper, Fuseki and Virtuoso clients send them)
wins over ``Accept``; a name nobody knows is ignored, so ``Accept`` decides.
"""

from kg.sparql.evaluate import execute, run_update, timeout_message
from kg.sparql.protocol import (
    BOM,
    FORMAT_NAMES,
    FORMAT_PARAMETERS,
    FORMATS,
    GRAPH,
    MAX_QUERY_BYTES,
    MAX_UPDATE_BYTES,
    Format,
    SparqlRequest,
    SparqlResponse,
    accept_ranges,
    best_match,
    check_text,
    known_format,
    lookup_format,
    negotiate,
)
from kg.sparql.runners import ProcessRunner, QueryRunner, ThreadRunner, close_store
from kg.sparql.services import GraphServices, check_store, open_services

__all__ = ["BOM", "FORMATS", "FORMAT_NAMES", "FORMAT_PARAMETERS", "GRAPH", "MAX_QUERY_BYTES", "MAX_UPDATE_BYTES",
           "Format", "GraphServices", "ProcessRunner", "QueryRunner", "SparqlRequest", "SparqlResponse", "ThreadRunner",
           "accept_ranges", "best_match", "check_store", "check_text", "close_store", "execute", "known_format",
           "lookup_format", "negotiate", "open_services", "run_update", "timeout_message"]
