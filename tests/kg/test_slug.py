"""The one slug rule for minted IRIs (kg.namespace.slugify), its call sites, and the IRIs it must keep."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.initiatives import match_key
from kg.namespace import KG, KGR, slugify

SLUG = re.compile(r"(?:[a-z0-9]+(?:-[a-z0-9]+)*)?")
DANISH = "abcdefghijklmnopqrstuvwxyzæøåABCDEFGHIJKLMNOPQRSTUVWXYZÆØÅéèêëüöäáíóúÉÜÖÄ0123456789"
PUNCTUATION = " \t\n-–—.,:;!?()[]/\"'´’`%&+§”“"


def link_slug_before_issue_13(text: str) -> str:
    """ingest/link.slug as it was: the reference the canonical initiatives' IRIs were minted with."""
    ascii_ = unicodedata.normalize("NFKD", text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa"))
    ascii_ = ascii_.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:80] or "initiative"


def link_slug_now(key: str) -> str:
    from ingest.link import SLUG_MAX

    return slugify(key)[:SLUG_MAX] or "initiative"


@pytest.mark.parametrize(("text", "slug"), [
    ("Region Sjælland", "region-sjaelland"),
    ("Københavns Kommune", "koebenhavns-kommune"),
    ("Århus", "aarhus"),
    ("ÆRØ og Ålborg", "aeroe-og-aalborg"),
    ("ÆØÅ æøå", "aeoeaa-aeoeaa"),
    ("Psykiatrisk Center København", "psykiatrisk-center-koebenhavn"),
    ("Field's", "fields"),
    ("Field´s og Field’s", "fields-og-fields"),
    ("Task Force – for psykiatrien (DR/KL)", "task-force-for-psykiatrien-dr-kl"),
    ("  --Hej, verden!!  ", "hej-verden"),
    ("10-årsplan for psykiatrien 2025", "10-aarsplan-for-psykiatrien-2025"),
    ("Fase 2: 2024/25", "fase-2-2024-25"),
    ("Initiativ 3a.", "initiativ-3a"),
    ("Café Zürich", "cafe-zurich"),
    ("Straße", "strasse"),
    ("½ mio.", "1-2-mio"),
    ("", ""),
    ("!!! – ???", ""),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


@settings(max_examples=300)
@given(st.text())
def test_a_slug_is_ascii_words_joined_by_hyphens_and_stable(text):
    s = slugify(text)
    assert SLUG.fullmatch(s), s
    assert slugify(s) == s


@settings(max_examples=500)
@given(st.text(alphabet=DANISH + PUNCTUATION, max_size=120))
def test_initiative_iris_are_unchanged_for_danish_text(text):
    """For a match key made from Danish text (letters, accents, digits, punctuation), the canonical
    initiative's IRI name is what the old rule in ingest/link.py gave: no corpus IRI moves."""
    key = match_key(text)
    assert link_slug_now(key) == link_slug_before_issue_13(key)


def test_the_one_change_letters_with_no_ascii_form():
    """The old initiative rule dropped letters that have no ASCII decomposition; the one rule spells ß as
    ss (as actors and places always did) and treats the others as a word break. No corpus key has one."""
    assert link_slug_before_issue_13("straße plan") == "strae-plan"
    assert link_slug_now("straße plan") == "strasse-plan"
    assert link_slug_before_issue_13("wałęsa plan") == "waesa-plan"
    assert link_slug_now("wałęsa plan") == "wa-esa-plan"
    assert link_slug_now("€ % §") == "initiative"


def test_every_corpus_initiative_key_keeps_its_iri(corpus_store):
    store, _, _ = corpus_store
    keys = {str(r.key) for r in store.query("SELECT DISTINCT ?key WHERE { ?i kg:matchKey ?key }")}
    assert len(keys) > 100
    assert {k: link_slug_now(k) for k in keys} == {k: link_slug_before_issue_13(k) for k in keys}
    minted = {str(r.c) for r in store.query("SELECT ?c WHERE { ?c a kg:CanonicalInitiative }")}
    assert minted and all(re.fullmatch(re.escape(str(KGR)) + r"initiative/[a-z0-9-]{1,80}(?:-\d+)?", c) for c in minted)


def test_link_mints_the_canonical_initiative_iri_with_the_one_rule(tmp_path):
    from rdflib import Literal
    from rdflib.namespace import RDF, RDFS

    from ingest.link import link_triples
    from kg.store import open_store

    triples = []
    for n, (label, doc) in enumerate([("Styrket indsats for Ærø-borgere", "a"), ("Styrket indsats for Ærø borgere", "b")]):
        i = KGR[f"doc/{doc}/initiative/{n}"]
        triples += [(i, RDF.type, KG.Initiative), (i, RDFS.label, Literal(label)), (i, KG.matchKey, Literal(match_key(label))),
                    (i, KG.inDocument, KGR[f"doc/{doc}"])]
    with open_store("oxigraph", tmp_path / "data") as store:
        store.replace(KGR["graph/test"], triples)
        canonical = {str(s) for s, p, o in link_triples(store) if o == KG.CanonicalInitiative}
    assert canonical == {str(KGR["initiative/styrket-indsats-for-aeroe-borgere"])}
