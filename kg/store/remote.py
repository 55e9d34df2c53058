"""A graph store in a remote SPARQL 1.1 server (Virtuoso, Jena Fuseki, QLever, …): ``--store sparql+http://…``.

The store is named by a URL::

    sparql+http://[user:password@]host:port/path[?update=/path&gsp=/path&token=…]

* ``path`` is the SPARQL 1.1 query endpoint; updates go to ``update`` (default: the same path);
* ``gsp`` is the server's SPARQL 1.1 Graph Store Protocol endpoint. With it a document's graph is
  written with one ``PUT`` of N-Triples (Virtuoso: ``/sparql-graph-crud``, 30,000 triples in ~1.5 s);
  without it, with ``INSERT DATA`` requests of :data:`INSERT_BATCH` triples (some 20× slower);
* ``user:password`` is sent as HTTP Basic authentication, ``token`` as a Bearer token (QLever's
  access token).

Queries go through rdflib's :class:`~rdflib.plugins.stores.sparqlstore.SPARQLUpdateStore` conventions
(SPARQL 1.1 Protocol, JSON results). The server's default graph must be the union of its named graphs
(Virtuoso and QLever: always; Fuseki: ``tdb2:unionDefaultGraph true``). A query's ``FROM`` /
``FROM NAMED`` go to the server as written and a protocol dataset as ``default-graph-uri`` /
``named-graph-uri``. Servers bend these rules in places (Virtuoso 7.2: with ``FROM`` alone ``GRAPH``
still sees every graph, and ``default-graph-uri`` is merged with a query's ``FROM`` instead of replacing it), so before the
first query with a dataset the store probes what the server honours (:meth:`SparqlStore.dataset_support`)
and then either sends the query so that the server's answer is the SPARQL 1.1 one, or refuses it with
:class:`~kg.errors.QueryRefused` saying why — never answers over a different dataset.

**Atomic replace**: :meth:`SparqlStore.replace` first writes the new triples into a fresh staging graph
(``…/id/staging/<uuid>``), then one update request drops the replaced graphs and ``MOVE``s the staging
graph into place. A failure while staging leaves the live graphs as they were (the staging graph is
dropped). While a document is being staged, union-graph queries can see its triples twice.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import parse_qs, urlsplit, urlunsplit

from rdflib import Dataset, Graph, URIRef
from rdflib.query import Result

from kg.dataset import STRIPPED, QueryDataset, check_iris, has_dataset_clause
from kg.errors import QueryError, QueryRefused, StoreError
from kg.namespace import KG, KGR, sparql_prologue
from kg.store.base import LOADED_REGISTRY, GraphStore, Triple, _bind

SCHEME = "sparql+"
INSERT_BATCH = 1000  # triples per INSERT DATA request (Virtuoso's SPARQL compiler gives up near 5,000)
TIMEOUT = 300.0
OUR_GRAPHS = str(KGR["graph/"])  # every graph this project writes starts so; servers hold system graphs too
STAGING = str(KGR["staging/"])
KG_LOADED = str(KG.LoadedGraph)
NO_GRAPH = str(KGR["probe/no-such-graph"])  # never written: a dataset made of it is empty
ANYTHING = "{ { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
_GRAPH = re.compile(r"(?<![\w:?$\-.])GRAPH(?=\s|<|\?|\$|\{)", re.I)
_FROM_NAMED = re.compile(r"(?<![\w:?$\-.])FROM\s+NAMED(?=\s|<)", re.I)


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str
    gsp: str | None
    auth: tuple[str, str] | None
    token: str | None

    @property
    def label(self) -> str:
        return self.query


def parse_store_url(url: str) -> Endpoints:
    """``sparql+http(s)://…`` → the query, update and graph-store endpoints (see the module docstring)."""
    if not url.startswith(SCHEME + "http://") and not url.startswith(SCHEME + "https://"):
        raise StoreError(f"{url!r}: a remote store is named 'sparql+http://host:port/path' (or sparql+https://…)")
    parts = urlsplit(url[len(SCHEME):])
    if not parts.hostname:
        raise StoreError(f"{url!r}: no host; e.g. sparql+http://127.0.0.1:8890/sparql")
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = set(options) - {"update", "gsp", "token"}
    if unknown:
        raise StoreError(f"{url!r}: unknown option(s) {sorted(unknown)}; known: gsp, token, update")
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    base = (parts.scheme, netloc)

    def at(path: str) -> str:
        return urlunsplit((*base, path or "/", "", ""))

    auth = (parts.username or "", parts.password or "") if parts.username else None
    return Endpoints(at(parts.path), at(options.get("update", parts.path)),
                     at(options["gsp"]) if "gsp" in options else None, auth, options.get("token"))


def _nt_lines(triples: Iterable[Triple]) -> list[str]:
    """N-Triples lines, all made before the server is touched; a term that cannot be written is a StoreError."""
    triples = list(triples)  # a failing producer raises its own error
    try:
        return [f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in triples]
    except Exception as exc:  # rdflib refuses IRIs with spaces, '>' …
        raise StoreError(f"cannot write the graph as N-Triples: {exc}") from exc


class SparqlStore(GraphStore):
    """The graph in a remote SPARQL 1.1 server; nothing is kept locally but the HTTP connection."""

    kind = "sparql"

    def __init__(self, url: str, read_only: bool = False, timeout: float = TIMEOUT) -> None:
        import httpx

        self.url = url
        self.endpoints = parse_store_url(url)
        self.read_only = read_only
        headers = {"Authorization": f"Bearer {self.endpoints.token}"} if self.endpoints.token else {}
        self._http = httpx.Client(timeout=timeout, auth=self.endpoints.auth, headers=headers)
        self._ds: Dataset | None = None
        self._support: dict[str, bool] | None = None
        self.query("ASK { }", prologue=False)  # fail now, with the address, when the server is not there

    # --- HTTP -----------------------------------------------------------------------------------
    def _post(self, url: str, what: str, **kw):
        import httpx

        try:
            response = self._http.request(kw.pop("method", "POST"), url, **kw)
        except httpx.HTTPError as exc:
            raise StoreError(f"SPARQL server at {url} did not answer ({type(exc).__name__}: {exc}); is it running?") from exc
        if response.status_code in (401, 403):
            raise StoreError(f"SPARQL server at {url} refused the {what} ({response.status_code}); "
                             "give user:password@ or ?token= in the store URL, or grant updates to its anonymous user")
        return response

    def update(self, text: str) -> None:
        if self.read_only:
            raise StoreError(f"{self.endpoints.label}: opened read-only")
        r = self._post(self.endpoints.update, "update", content=text.encode("utf-8"),
                       headers={"Content-Type": "application/sparql-update; charset=UTF-8"})
        if r.status_code >= 300:
            raise StoreError(f"SPARQL update on {self.endpoints.update} failed ({r.status_code}): {r.text[:500]}")

    def query(self, sparql: str, prologue: bool = True, dataset: QueryDataset | None = None) -> Result:
        """Run a query on the server; ``dataset`` goes as ``default-graph-uri`` / ``named-graph-uri``."""
        text = (sparql_prologue() + sparql) if prologue else sparql
        check_iris(dataset)
        given = dataset is not None and dataset.given
        if given or has_dataset_clause(sparql):
            dataset = self._plan(sparql, dataset if given else None)
        return self._query(text, dataset)

    def _plan(self, sparql: str, dataset: QueryDataset | None) -> QueryDataset | None:
        """The protocol dataset to send so the server's answer is SPARQL 1.1's; QueryRefused when it cannot be."""
        support = self.dataset_support()
        where = f"the SPARQL server at {self.endpoints.query}"
        bare = STRIPPED.sub(" ", sparql)
        if dataset is None:  # the query's own FROM / FROM NAMED
            if not support["from"]:
                raise QueryRefused(f"{where} ignores FROM / FROM NAMED, so this query would see every graph; "
                                   "run it on the embedded store, or without FROM")
            if not _FROM_NAMED.search(bare) and _GRAPH.search(bare) and not support["from_hides_named"]:
                raise QueryRefused(f"{where} lets GRAPH see every graph when the query has FROM but no FROM NAMED "
                                   "(SPARQL 1.1: none); add FROM NAMED <…> for the graphs GRAPH may visit")
            return None
        if not support["protocol"]:
            raise QueryRefused(f"{where} ignores default-graph-uri / named-graph-uri; use FROM / FROM NAMED instead")
        if has_dataset_clause(sparql) and not support["protocol_overrides"]:
            raise QueryRefused(f"{where} does not let default-graph-uri / named-graph-uri override the query's "
                               "FROM / FROM NAMED; give the dataset one way, not both")
        # an empty side is said with a graph that does not exist: servers read a missing side as "all graphs"
        return QueryDataset(dataset.default_graphs or (NO_GRAPH,), dataset.named_graphs or (NO_GRAPH,))

    def _query(self, text: str, dataset: QueryDataset | None = None) -> Result:
        form = {"query": text}
        if dataset is not None and dataset.given:
            form |= {"default-graph-uri": list(dataset.default_graphs), "named-graph-uri": list(dataset.named_graphs)}
        r = self._post(self.endpoints.query, "query", data=form,
                       headers={"Accept": "application/sparql-results+json, application/n-triples;q=0.9"})
        if r.status_code >= 400:
            raise QueryError(f"SPARQL query failed on {self.endpoints.query} ({r.status_code}): {r.text[:500]}")
        if "x-sparql-maxrows" in r.headers:  # Virtuoso cut the result short and says so only here
            raise StoreError(f"SPARQL server at {self.endpoints.query} returned only its first {r.headers['x-sparql-maxrows']} "
                             "rows; raise its row limit (Virtuoso: [SPARQL] ResultSetMaxRows in virtuoso.ini)")
        media = r.headers.get("content-type", "application/sparql-results+json").split(";")[0].strip()
        if media in ("application/sparql-results+json", "application/json"):
            return Result.parse(BytesIO(r.content), format="json")
        return Result.parse(BytesIO(r.content), content_type=media)

    def dataset_support(self) -> dict[str, bool]:
        """What the server does with datasets, probed with ASK queries (once, when it holds data).

        * ``from``: FROM / FROM NAMED of a graph that does not exist leave nothing to see;
        * ``protocol``: so do default-graph-uri / named-graph-uri;
        * ``from_hides_named``: FROM alone leaves no named graph to GRAPH;
        * ``protocol_overrides``: default-graph-uri replaces the query's FROM (Virtuoso merges the two).

        On a server without any triple every answer is empty whatever the dataset: everything is
        reported as supported, and the probe runs again next time.
        """
        if self._support is not None:
            return self._support
        rows = list(self._query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"))
        if not rows:
            return {"from": True, "protocol": True, "from_hides_named": True, "protocol_overrides": True}
        some = str(rows[0][0])
        none = QueryDataset((NO_GRAPH,), (NO_GRAPH,))
        self._support = {
            "from": not self._query(f"ASK FROM <{NO_GRAPH}> FROM NAMED <{NO_GRAPH}> {ANYTHING}").askAnswer,
            "protocol": not self._query(f"ASK {ANYTHING}", none).askAnswer,
            "from_hides_named": not self._query(f"ASK FROM <{some}> {{ GRAPH ?g {{ ?s ?p ?o }} }}").askAnswer,
            # overriding is neither ignoring the protocol's graphs nor merging the query's with them
            "protocol_overrides": bool(self._query(f"ASK FROM <{NO_GRAPH}> FROM NAMED <{NO_GRAPH}> {{ ?s ?p ?o }}",
                                                   QueryDataset((some,), (NO_GRAPH,))).askAnswer)
            and not self._query(f"ASK FROM <{some}> {ANYTHING}", none).askAnswer,
        }
        return self._support

    # --- the GraphStore contract ------------------------------------------------------------------
    @property
    def dataset(self) -> Dataset:
        """An rdflib Dataset over the same server (rdflib's SPARQLUpdateStore), made on first use."""
        if self._ds is None:
            from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

            e = self.endpoints
            kwargs = {"headers": {"Authorization": f"Bearer {e.token}"}} if e.token else {}
            remote = SPARQLUpdateStore(e.query, e.update, returnFormat="json", method="POST_FORM", auth=e.auth, **kwargs)
            self._ds = _bind(Dataset(store=remote, default_union=True))
        return self._ds

    def replace(self, graph: URIRef, triples: Iterable[Triple], drop: Iterable[URIRef] = ()) -> None:
        lines = _nt_lines(triples)  # everything is built and serialised before the server is touched
        drop = [g for g in {*drop, graph}]
        staging = URIRef(STAGING + uuid.uuid4().hex)
        try:
            self._write(staging, lines)
            drops = "".join(f"DROP SILENT GRAPH {g.n3()} ;\n" for g in drop if g != graph)
            self.update(f"{drops}MOVE SILENT GRAPH {staging.n3()} TO GRAPH {graph.n3()}" if lines
                        else f"{drops}DROP SILENT GRAPH {graph.n3()}")
        except BaseException:
            try:
                self.update(f"DROP SILENT GRAPH {staging.n3()}")
            except StoreError:
                pass
            raise

    def _write(self, graph: URIRef, lines: list[str]) -> None:
        if not lines:
            return
        if self.read_only:
            raise StoreError(f"{self.endpoints.label}: opened read-only")
        if self.endpoints.gsp:
            r = self._post(self.endpoints.gsp, "graph upload", method="PUT", params={"graph": str(graph)},
                           content="".join(lines).encode("utf-8"), headers={"Content-Type": "application/n-triples"})
            if r.status_code >= 300:
                raise StoreError(f"Graph Store upload to {self.endpoints.gsp} failed ({r.status_code}): {r.text[:500]}")
            return
        for i in range(0, len(lines), INSERT_BATCH):
            self.update(f"INSERT DATA {{ GRAPH {graph.n3()} {{\n{''.join(lines[i:i + INSERT_BATCH])}}} }}")

    def drop(self, graphs: Iterable[URIRef]) -> None:
        drops = " ;\n".join(f"DROP SILENT GRAPH {g.n3()}" for g in graphs)
        if drops:
            self.update(drops)

    def graphs(self) -> list[URIRef]:
        """Our graphs (under ``kgr:graph/``) and the graphs ``kg load`` put here; not the server's own."""
        rows = self.query(f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{OUR_GRAPHS}") '
                          f'|| EXISTS {{ GRAPH <{LOADED_REGISTRY}> {{ ?g a <{KG_LOADED}> }} }}) }}', prologue=False)
        return sorted(URIRef(str(r[0])) for r in rows)

    def graph(self, name: URIRef) -> Graph:
        out = Graph(identifier=name)
        if self.endpoints.gsp:  # the whole graph in one response, whatever the server's row limit
            r = self._post(self.endpoints.gsp, "graph download", method="GET", params={"graph": str(name)},
                           headers={"Accept": "application/n-triples"})
            if r.status_code == 404:
                return out
            if r.status_code >= 300:
                raise StoreError(f"Graph Store download from {self.endpoints.gsp} failed ({r.status_code}): {r.text[:500]}")
            out.parse(data=r.text, format="nt")
            count = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {name.n3()} {{ ?s ?p ?o }} }}", prologue=False)
            expected = int(next(iter(count))[0])
            if len(out) < expected:  # Virtuoso's download obeys the row limit without saying so
                raise StoreError(f"Graph Store download from {self.endpoints.gsp} gave {len(out)} of {expected} triples of "
                                 f"{name}; raise the server's row limit (Virtuoso: [SPARQL] ResultSetMaxRows in virtuoso.ini)")
            return out
        for s, p, o in self.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {name.n3()} {{ ?s ?p ?o }} }}", prologue=False):
            out.add((s, p, o))
        return out

    def quads(self) -> Iterator[tuple]:
        for g in self.graphs():
            for s, p, o in self.graph(g):
                yield s, p, o, g

    def __len__(self) -> int:
        rows = self.query(f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{OUR_GRAPHS}") '
                          f'|| EXISTS {{ GRAPH <{LOADED_REGISTRY}> {{ ?g a <{KG_LOADED}> }} }}) }}', prologue=False)
        return int(next(iter(rows))[0])

    def close(self) -> None:
        self._http.close()
        if self._ds is not None:
            self._ds.close()
            self._ds = None
