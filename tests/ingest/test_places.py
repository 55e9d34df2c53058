from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ingest.actors import extract_actors
from ingest.places import extract_places, place_iri
from kg.namespace import KG, SCHEMA


def found(text: str) -> list[tuple[str, str, str]]:
    return [(m.raw, m.slug, m.kind) for m in extract_places(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ansættelse af speciallæge i psykiatri på Bornholm i to år", [("Bornholm", "bornholm", "municipality")]),
        ("nye ambulatorier på Sydvestvej i Glostrup.", [("Glostrup", "glostrup", "municipality")]),
        ("opfølgende indsatser efter hændelsen i Field´s", [("Field´s", "fields", "landmark")]),
        ("senest hændelsen i Field’s i juli 2022 samt ulykken i Tivoli Friheden",
         [("Field’s", "fields", "landmark"), ("Tivoli Friheden", "tivoli-friheden", "landmark")]),
        ("2 sygeplejersker til OPUS i Nordsjælland", [("Nordsjælland", "nordsjaelland", "area")]),
        ("Københavns borgere og Århus", [("Københavns", "koebenhavn", "municipality"),
                                         ("Århus", "aarhus", "municipality")]),
        ("bor i Vejen", [("Vejen", "vejen", "municipality")]),
        ("Vejen frem er lang.", []),  # a common word at the start of a sentence
        # region names and other actors' names are not places
        ("Region Nordjylland og Aalborg Kommune samarbejder i Nordjylland",
         [("Nordjylland", "nordjylland", "area")]),
        ("Psykiatrisk Center Glostrup og Region Hovedstaden", []),
    ],
)
def test_finds_places(text, expected):
    assert found(text) == expected


def test_actors_can_be_given():
    text = "Psykiatriens Hus i Aalborg ligger i Aalborg."
    actors = extract_actors(text)
    assert [a.raw for a in actors] == ["Psykiatriens Hus i Aalborg"]
    assert [(p.start, p.raw) for p in extract_places(text, actors)] == [(36, "Aalborg")]
    assert [(p.start, p.raw) for p in extract_places(text, [])] == [(19, "Aalborg"), (36, "Aalborg")]


def test_place_triples():
    (m,) = extract_places("på Bornholm")
    node = URIRef("https://w3id.org/psykiatri-kg/id/place/bornholm")
    assert m.iri == node == place_iri("bornholm")
    passage = URIRef("https://w3id.org/psykiatri-kg/id/doc/x/passage/3")
    assert set(m.triples(passage)) == {
        (node, RDF.type, SCHEMA.Place),
        (node, RDF.type, SCHEMA.AdministrativeArea),
        (node, RDFS.label, Literal("Bornholm")),
        (node, URIRef("http://purl.org/dc/terms/identifier"), Literal("bornholm")),
        (node, SCHEMA.additionalType, Literal("municipality")),
        (passage, KG.mentions, node),
    }
    (fields,) = extract_places("i Fields")
    assert (fields.iri, SKOS.altLabel, Literal("Field´s")) in set(fields.triples())
