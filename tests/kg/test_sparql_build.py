"""SPARQL text from Python values: vocabulary terms and string literals, run on the real query engines."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from kg.namespace import KG, VOCAB_IRI
from kg.sparql_build import sparql_literal, term

# the characters that matter to a SPARQL string: quotes, escapes, line ends, what comes after a backslash
TRICKY = st.text(alphabet=st.sampled_from(list("\"'\\\n\r\t\b\f\x00 {}()<>?#;.uU0123456789aAbBcCdDeEfF")), max_size=40)


def oxigraph_value(literal: str) -> str:
    rows = list(ox.Store().query(f"SELECT ({literal} AS ?x) {{}}"))
    assert len(rows) == 1
    return rows[0]["x"].value


def rdflib_value(literal: str) -> str:
    rows = list(Graph().query(f"SELECT ({literal} AS ?x) {{}}"))
    assert len(rows) == 1
    return str(rows[0][0])


def test_term_is_the_curie_of_a_vocabulary_term():
    assert term(KG.MoneyAmount) == "kg:MoneyAmount"
    assert term(KG.forInitiative) == "kg:forInitiative"
    assert term(URIRef(VOCAB_IRI + "PercentFigure")) == "kg:PercentFigure"


def test_a_name_the_vocabulary_lacks_fails_where_the_query_is_built():
    with pytest.raises(AttributeError, match="Percentage"):
        term(KG.Percentage)
    with pytest.raises(ValueError, match="not a term of the vocabulary"):
        term(URIRef(VOCAB_IRI + "Percentage"))  # an IRI in the namespace that vocab.ttl does not declare
    with pytest.raises(ValueError):
        term(RDFS.label)
    with pytest.raises(ValueError):
        term("kg:MoneyAmount")  # a string is not a term


def test_literals_escape_per_the_grammar():
    assert sparql_literal("") == '""'
    assert sparql_literal("Region Sjælland") == '"Region Sjælland"'
    assert sparql_literal('say "hi"') == r'"say \"hi\""'
    assert sparql_literal("it's") == '"it\'s"'  # needs no escape inside "…"
    assert sparql_literal("a\\b\n\r\t\b\f") == r'"a\\b\n\r\t\b\f"'
    assert sparql_literal("\\u0022") == r'"\\\U000000750022"'
    assert sparql_literal("\\\\U") == r'"\\\\\U00000055"'
    with pytest.raises(TypeError):
        sparql_literal(42)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), TRICKY))
@example('") } SELECT ("injected')
@example('" . } DELETE WHERE { ?s ?p ?o } #')
@example("\\u0022) AS ?y) {} #")
@example("\\")
@example("\\U0001F600")
def test_any_text_round_trips_through_oxigraph(text):
    assert oxigraph_value(sparql_literal(text)) == text


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), TRICKY))
@example("\\u0022) AS ?y) {} #")
@example("\\u00750022")
def test_any_text_round_trips_through_rdflib(text):
    """The memory store's engine expands code point escapes before parsing, as SPARQL §19.2 says."""
    assert rdflib_value(sparql_literal(text)) == text


@pytest.mark.parametrize("attack", [
    '") || true || ("',
    '"), ?s ?p ?o ; ("',
    '\\") || true || (\\"',
    '\\u0022) || true || (\\u0022',
    'x" } UNION { ?c ?p ?o } #',
])
def test_injection_stays_inside_the_literal_of_a_filter(attack):
    store = ox.Store()
    store.update('INSERT DATA { <http://x/a> <http://www.w3.org/2000/01/rdf-schema#label> "Region Sjælland" }')
    query = f"""SELECT ?s WHERE {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l .
                FILTER(CONTAINS(LCASE(?l), LCASE({sparql_literal(attack)}))) }}"""
    assert list(store.query(query)) == []  # an escaped attack is a search text that matches nothing
    assert oxigraph_value(sparql_literal(attack)) == attack


def test_v_names_a_term_in_query_text():
    from kg.sparql_build import V

    assert f"?f a {V.MoneyAmount} ; {V.forInitiative} ?i" == "?f a kg:MoneyAmount ; kg:forInitiative ?i"
    assert V.PercentFigure == term(KG.PercentFigure)
    with pytest.raises(AttributeError, match="Percentage"):
        _ = V.Percentage


LABEL = 'Fields "nye" plan \\ del\n2 – æøå'


@pytest.fixture
def tiny_store(tmp_path):
    """An Oxigraph store with one canonical initiative and one passage whose names hold quotes, a backslash and a line break."""
    from rdflib import Literal
    from rdflib.namespace import DCTERMS, RDF

    from kg.namespace import KGR
    from kg.store import open_store

    c, d, p, a = KGR["initiative/x"], KGR["doc/d1"], KGR["doc/d1/passage/1"], KGR["actor/y"]
    with open_store("oxigraph", tmp_path / "data") as store:
        store.replace(KGR["graph/test"], [
            (c, RDF.type, KG.CanonicalInitiative), (c, RDFS.label, Literal(LABEL)), (c, KG.matchKey, Literal(LABEL.lower())),
            (d, RDF.type, KG.Document), (d, KG.sourceKey, Literal("d1.txt")), (d, DCTERMS.title, Literal(LABEL)),
            (p, RDF.type, KG.Passage), (p, KG.inDocument, d), (p, KG.mentions, a), (a, RDFS.label, Literal(LABEL)),
        ])
        yield store


@pytest.mark.parametrize("text", [LABEL, '"nye" plan \\ del\n2', "æøå"])
def test_user_text_with_quotes_backslashes_and_line_breaks_finds_what_it_names(tiny_store, text):
    from kg.money import find_initiatives
    from search.service import SearchFilters, allowed_passages

    assert [m["label"] for m in find_initiatives(tiny_store, text)] == [LABEL]
    passage = {"https://w3id.org/psykiatri-kg/id/doc/d1/passage/1"}
    assert allowed_passages(tiny_store, SearchFilters(doc=text)) == passage
    assert allowed_passages(tiny_store, SearchFilters(actor=text)) == passage


@pytest.mark.parametrize("attack", ['") || true || ("', '\\") || true || (\\"', 'x")) } UNION { ?p ?q ?r } #'])
def test_user_text_cannot_widen_a_filter(tiny_store, attack):
    from kg.money import find_initiatives, flows, reconciliations
    from search.service import SearchFilters, allowed_passages

    assert find_initiatives(tiny_store, attack) == []
    assert allowed_passages(tiny_store, SearchFilters(doc=attack, actor=attack, initiative=attack)) == set()
    assert reconciliations(tiny_store, attack) == [] and flows(tiny_store, payer=attack, recipient=attack) == []
