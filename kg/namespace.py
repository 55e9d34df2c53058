"""Namespaces of the project: the vocabulary (closed, built from ``vocab.ttl``) and resource IRIs.

Code refers to class and property names only through :data:`KG`; a name missing from
``vocab.ttl`` raises ``AttributeError`` instead of minting an undocumented IRI.
"""

from __future__ import annotations

import re
import unicodedata
from importlib import resources

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD, ClosedNamespace

VOCAB_IRI = "https://w3id.org/psykiatri-kg/vocab#"
ID_IRI = "https://w3id.org/psykiatri-kg/id/"
FN_IRI = "https://w3id.org/psykiatri-kg/fn#"

SCHEMA = Namespace("https://schema.org/")
KGR = Namespace(ID_IRI)
KGF = Namespace(FN_IRI)


def vocab_text() -> str:
    return resources.files("kg").joinpath("vocab.ttl").read_text(encoding="utf-8")


def _declared_terms(text: str) -> list[str]:
    # Every term is declared at the start of a line as "kg:<Name> a ..." in vocab.ttl.
    return sorted(set(re.findall(r"^kg:([A-Za-z][A-Za-z0-9]*)\s+a\s", text, flags=re.M)))


KG = ClosedNamespace(VOCAB_IRI, _declared_terms(vocab_text()))

PREFIXES: dict[str, str] = {
    "kg": VOCAB_IRI,
    "kgr": ID_IRI,
    "kgf": FN_IRI,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "skos": str(SKOS),
    "time": str(TIME),
    "foaf": str(FOAF),
}


def sparql_prologue() -> str:
    """PREFIX lines for every namespace above, to prepend to user queries."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


SLUG_APOSTROPHES = "'´’`"
_SPELT_OUT = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss"})


def slugify(text: str) -> str:
    """The one rule for the name part of a minted resource IRI (``kgr:actor/<slug>``, ``kgr:place/<slug>``,
    ``kgr:initiative/<slug>``): lower-case ASCII letters and digits in words joined by ``-``.

    In order: case folded (``str.casefold``: Æ → æ, ß → ss); apostrophes (:data:`SLUG_APOSTROPHES`) dropped, so
    "Field's" → "fields"; æ ø å spelt ``ae oe aa``; accents dropped (NFKD, combining marks removed:
    "é" → "e", "ü" → "u"); every run of other characters (spaces, punctuation, letters with no ASCII
    form such as "ł") becomes one ``-``; no ``-`` at either end. "Region Sjælland" → "region-sjaelland",
    "ÅRHUS Kommune" → "aarhus-kommune", "Fase 2: 2024/25" → "fase-2-2024-25". A text with nothing
    to spell gives "". IRIs are part of the data: changing this rule renames resources.
    """
    s = re.sub(f"[{SLUG_APOSTROPHES}]", "", text.casefold()).translate(_SPELT_OUT)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")
