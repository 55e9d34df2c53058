"""Cross-document identity and restated money, on the real corpus graph."""

from __future__ import annotations


def test_same_initiative_in_three_documents_is_one_canonical_resource(corpus_store):
    store, _, _ = corpus_store
    rows = list(store.query("""
        SELECT ?c (COUNT(DISTINCT ?d) AS ?docs) WHERE {
          ?i owl:sameAs ?c ; kg:inDocument ?d . ?c a kg:CanonicalInitiative ; kg:matchKey ?k
          FILTER(CONTAINS(?k, "tryghedspakke"))
        } GROUP BY ?c"""))
    assert len(rows) == 1 and int(rows[0].docs) == 3


def test_conflicting_statements_of_one_allocation_both_stay_and_are_queryable(corpus_store):
    store, _, _ = corpus_store
    rows = {(float(r.va), float(r.vb)) for r in store.query("""
        SELECT ?va ?vb WHERE { ?a kg:conflictsWith ?b ; kg:value ?va ; kg:year 2024 . ?b kg:value ?vb ;
                               kg:inDocument ?d ; prov:wasDerivedFrom ?p }""")}
    assert (48_750_000.0, 48_800_000.0) in rows and (48_800_000.0, 48_750_000.0) in rows


def test_restated_money_is_marked_to_count_once(corpus_store):
    store, _, _ = corpus_store
    n = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a kg:sameMoneyAs ?b }")
    assert int(next(iter(n))[0]) > 0
    asym = store.query("ASK { ?a kg:sameMoneyAs ?b FILTER NOT EXISTS { ?b kg:sameMoneyAs ?a } }")
    assert asym.askAnswer is False
