"""English → Danish query translation (search/translate.py) on sentences written for these tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.translate import DEFAULT_GLOSSARY, Glossary, load_glossary, normalise


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary()


def test_every_glossary_line_parses_and_has_danish_terms():
    lines = [line for line in DEFAULT_GLOSSARY.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    glossary = Glossary.read(DEFAULT_GLOSSARY)
    assert len(lines) >= 400
    assert all(len(line.split("\t")) == 2 for line in lines)
    assert all(terms for terms in glossary.entries.values())


def test_bad_glossary_line_names_file_and_line(tmp_path):
    path = tmp_path / "g.tsv"
    path.write_text("# comment\nsuicide\tselvmord\nno tab here\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"g.tsv:3: expected"):
        Glossary.read(path)


def test_longest_phrase_wins_and_function_words_drop(glossary):
    t = glossary.translate("How many beds does the child and adolescent psychiatry have?")
    assert [en for en, _ in t.matched] == ["How many", "beds", "child and adolescent psychiatry"]
    assert t.text == "hvor mange antal seng senge sengepladser børne- og ungdomspsykiatri børne- og ungepsykiatrien"
    assert t.kept == () and t.coverage == 1.0


def test_plural_possessive_and_verb_endings(glossary):
    t = glossary.translate("The Capital Region's nurses were trained in suicide prevention")
    assert dict(t.matched) == {
        "Capital Region's": ("Region Hovedstaden",),
        "nurses": ("sygeplejerske", "sygeplejersker"),
        "trained": ("uddanne", "uddannelse", "efteruddannelse"),
        "suicide prevention": ("selvmordsforebyggelse", "selvmordsforebyggende"),
    }


def test_names_numbers_and_unknown_words_pass_through(glossary):
    t = glossary.translate("Did Region Nordjylland’s OPUS teams get DKK 4.5 million in Q2 2026?")
    assert "OPUS" in t.kept and "4.5" in t.kept and "2026" in t.kept
    assert "2 kvartal" in t.text and "Region Nordjylland" in t.text and "mio." in t.text and "teams" in t.text
    assert "Did" not in t.text


def test_hyphenated_compounds_are_split_into_known_words(glossary):
    t = glossary.translate("waiting-time for eating-disorder treatment")
    assert t.text.split()[:2] == ["ventetid", "spiseforstyrrelse"]


@pytest.mark.parametrize(("token", "lemma"), [("policies", "policy"), ("Region's", "region"), ("regions’", "region"),
                                              ("classes", "class"), ("status", "status"), ("crisis", "crisis")])
def test_normalise(token, lemma):
    assert normalise(token) == lemma


@given(st.text(max_size=200))
def test_translate_never_fails(text):
    t = load_glossary().translate(text)
    assert 0.0 <= t.coverage <= 1.0
    assert isinstance(t.text, str)
