from __future__ import annotations

import pytest

from ingest.repair import repair
from ingest.segment import heading_kind, segment


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("6 (Offentlig) Status på forebyggelse af anvendelsen af tvang i psykiatrien", "agenda-item"),
        ("3 (Fortrolig)", "agenda-item"),
        ("Initiativ 3a. ” Kapacitetsløft og ensretning af de selvmordsforebyggende klinikker” skal", "initiative"),
        ("Anbefaling 2 – Udbygge og styrke den ambulante kapacitet", "initiative"),
        ("Botilbudsteams (DR) De regionale botilbudsteams udbredes mhp. at sikre bedre", "initiative"),
        ("Bilag 1", "appendix"),
        ("1. Indledning", "numbered"),
    ],
)
def test_heading_kinds(line, kind):
    found = heading_kind(line, "En lang brødtekst der følger efter overskriften og fortsætter med mange flere ord her", True)
    assert found is not None and found[0] == kind


@pytest.mark.parametrize(
    "line",
    [
        "2. Styrkelse af Livslinien 7,0 7,0 7,0 7,0 7,0 7,0 7,0",  # a table row
        "Der afsættes 7,0 mio. kr. til initiativet, jf. bilag 1.",  # a sentence
    ],
)
def test_not_headings(line):
    assert heading_kind(line, "Næste linje med en del tekst i og endnu flere ord end tolv stykker her", True) is None


def test_passages_are_exact_spans_inside_their_sections():
    text = repair(("Indledning\n\n" + "Der afsættes midler til psykiatrien. " * 120)).text
    sections = segment(text, 100, 250)
    for sec in sections:
        for p in sec.passages:
            assert text[p.start:p.end] == p.text
            assert sec.start <= p.start < p.end <= sec.end
            assert p.words <= 250
    words = [p.words for s in sections for p in s.passages]
    assert sum(words) == len(text.split())
    assert min(words[:-1]) >= 100


def test_agenda_items_of_the_minutes(corpus_dir):
    text = repair((corpus_dir / "003_2629bb8cda143ecb.txt").read_text("utf-8")).text
    sections = segment(text)
    titles = [s.title for s in sections if s.kind == "agenda-item"]
    assert "6 (Offentlig) Status på forebyggelse af anvendelsen af tvang i psykiatrien annbs@regioner.dk" in titles
    assert sum(t.startswith("3 (Fortrolig)") for t in titles) >= 1
    orders = [p.order for s in sections for p in s.passages]
    assert orders == list(range(len(orders)))


def test_bilag_1_is_its_own_section(corpus_dir):
    text = repair((corpus_dir / "001_08ba568cb88d3b78.txt").read_text("utf-8")).text
    sections = segment(text)
    bilag = [s for s in sections if s.title == "Bilag 1"]
    assert len(bilag) == 1
    assert "2. Styrkelse af Livslinien 7,0 7,0 7,0 7,0 7,0 7,0 7,0" in text[bilag[0].start:bilag[0].end]
