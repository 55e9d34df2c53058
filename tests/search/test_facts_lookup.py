"""Fact lookups for a result list: one query per request, native on pyoxigraph, the same facts as the rdflib path."""

from __future__ import annotations

from typing import Any

import pytest

from search.service import facts_for, search

from .conftest import gold_questions

pytestmark = pytest.mark.slow


class RdflibOnly:
    """The corpus store seen as a store without a native handle: the generic path (remote SPARQL, memory)."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def query(self, sparql: str, prologue: bool = True) -> Any:
        return self._store.query(sparql, prologue)


class Counting:
    """The corpus store with its queries counted: rdflib-level ones and pyoxigraph ones."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.rdflib = 0
        self.native_queries = 0
        outer = self

        class Native:
            def query(self, *args: Any, **kwargs: Any) -> Any:
                outer.native_queries += 1
                return store.native.query(*args, **kwargs)

        self.native = Native()

    def query(self, sparql: str, prologue: bool = True) -> Any:
        self.rdflib += 1
        return self._store.query(sparql, prologue)


def test_native_fact_lookups_equal_the_rdflib_ones_on_the_gold_questions(corpus_store, corpus_index) -> None:
    store, _, _ = corpus_store
    generic = RdflibOnly(store)
    compared = {"lists": 0, "facts": 0, "with_year": 0, "with_initiative": 0, "per_year": 0, "with_kind": 0}
    for question in gold_questions():
        iris = [h.iri for h in corpus_index.search(question, k=10)]
        native, old = facts_for(store, iris), facts_for(generic, iris)
        assert native == old, question
        assert list(native) == list(old)  # the same passage order too
        facts = [f for fs in native.values() for f in fs]
        compared["lists"] += 1
        compared["facts"] += len(facts)
        compared["with_year"] += sum(f["year"] is not None for f in facts)
        compared["with_initiative"] += sum(f["initiative"] is not None for f in facts)
        compared["per_year"] += sum(f["per_year"] for f in facts)
        compared["with_kind"] += sum(f["kind"] is not None for f in facts)
    print(f"\ncompared: {compared}")
    assert compared["lists"] == 40
    # every kind of value the conversion handles was met, so the equality above says something
    assert all(compared[k] > 0 for k in ("facts", "with_year", "with_initiative", "per_year", "with_kind"))


def test_a_search_request_makes_at_most_one_store_query(corpus_store, corpus_index) -> None:
    """One query for a result list's facts, none for passages whose facts the open index already holds,
    and the document titles once per open index."""
    from search.index import SearchIndex

    store, cfg, _ = corpus_store
    index = SearchIndex.open(cfg.data_dir, corpus_index.encoder)  # a fresh one: nothing remembered yet
    counting = Counting(store)
    first = search(counting, index, "Styrkelse af Livslinien", k=10)
    assert (counting.native_queries, counting.rdflib) == (1, 1)  # the facts; the titles
    again = search(counting, index, "Styrkelse af Livslinien", k=10)
    assert (counting.native_queries, counting.rdflib) == (1, 1) and again == first
    expected = facts_for(store, [r.iri for r in first])
    assert {r.iri: r.facts for r in first if r.facts} == expected and expected
    for question in gold_questions()[:5]:
        before = counting.native_queries
        results = search(counting, index, question, k=10)
        assert counting.native_queries - before <= 1
        assert {r.iri: r.facts for r in results if r.facts} == facts_for(store, [r.iri for r in results])
        assert len(results) == 10 and all(r.doc_title != r.doc_key for r in results)
    assert counting.rdflib == 1


def test_facts_of_nothing_need_no_query(corpus_store) -> None:
    store, _, _ = corpus_store
    counting = Counting(store)
    assert facts_for(counting, []) == {}
    assert (counting.native_queries, counting.rdflib) == (0, 0)
