"""One fact, many sources; conflicting figures as a conflict (search/factgroups.py)."""

from __future__ import annotations

from search.factgroups import attach_conflicts, group_facts, same_figure


def fact(iri, value, year=2025, **more):
    return {"iri": iri, "value": value, "year": year, "measure": "MoneyAmount", **more}


def test_same_money_links_merge_across_documents():
    a = fact("a", 40e6, same_money=["b"])
    b = fact("b", 40e6)
    assert same_figure(a, b)
    assert [[f["iri"] for f in x.facts] for x in group_facts([a, b])] == [["a", "b"]]


def test_equal_figure_for_another_thing_stays_apart():
    a = fact("a", 4.4e6, initiative="i1", quote="Der er afsat 4,4 mio. kr. til medicinnedtrapning")
    b = fact("b", 4.4e6, initiative="i2", quote="Der er afsat 4,4 mio. kr. til at udvide antal botilbudsteams")
    assert not same_figure(a, b)
    assert len(group_facts([a, b])) == 2


def test_a_table_row_repeating_a_figure_is_one_answer_and_a_yearly_amount_covers_its_years():
    row = "6. Øget tryghed 30,0 30,0 30,0"
    cells = [fact(f"c{y}", 30e6, y, quote=row, initiative="i") for y in (2025, 2026, 2027)]
    yearly = fact("y", 30e6, 2024, per_year=True, open_ended=True, initiative="i", quote="30 mio. kr. årligt fra 2024")
    answers = group_facts([yearly, *cells])
    assert len(answers) == 1 and answers[0].lead["iri"] == "y" and len(answers[0].facts) == 4


def test_other_years_and_other_values_are_other_answers():
    assert not same_figure(fact("a", 3e6, 2024, initiative="i"), fact("b", 3e6, 2025, initiative="i"))
    assert not same_figure(fact("a", 3e6, initiative="i"), fact("b", 3.1e6, initiative="i"))


def test_a_conflicting_figure_is_shown_with_the_answer_never_as_an_answer():
    a = fact("a", 48.75e6, conflicts=["b"])
    b = fact("b", 48.8e6, conflicts=["a"])
    c = fact("c", 65e6)
    answers = attach_conflicts(group_facts([a, c, b]), lambda iris: {})
    assert [x.lead["iri"] for x in answers] == ["a", "c"]
    assert [f["iri"] for f in answers[0].conflicts] == ["b"]


def test_a_conflicting_fact_outside_the_candidates_is_looked_up():
    a = fact("a", 48.75e6, conflicts=["z"])
    z = fact("z", 48.8e6, document="Bilag 1")
    answers = attach_conflicts(group_facts([a]), lambda iris: {i: z for i in iris})
    assert answers[0].conflicts == [z]


def test_of_two_conflicting_figures_the_one_more_sources_state_leads():
    memo = fact("memo", 40.5e6, conflicts=["agreement", "minutes"], initiative="i:beds")
    agreement = fact("agreement", 40e6, conflicts=["memo"], initiative="i:beds")
    minutes = fact("minutes", 40e6, conflicts=["memo"], initiative="i:beds")
    answers = attach_conflicts(group_facts([memo, agreement, minutes]), lambda iris: {})
    assert len(answers) == 1
    assert [f["iri"] for f in answers[0].facts] == ["agreement", "minutes"]
    assert [f["iri"] for f in answers[0].conflicts] == ["memo"]
