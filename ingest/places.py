"""Places: Danish municipalities, towns, areas and well-known venues named in a text.

Names come from the gazetteer (``places`` in ``kg/data/gazetteer.yaml``) and match with their
genitive ("Københavns", "Danmarks"). A place inside an actor's name is not a place mention:
"Region Nordjylland", "Aalborg Kommune" and "Psykiatrisk Center Glostrup" are actors, while
"i Nordjylland", "på Bornholm" and "matriklen i Glostrup" are places. Names that are also common
words ("Vejen", "Odder", "Skive") count only after a preposition ("i Vejen").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from ingest.actors import ActorMention, Triple, extract_actors
from ingest.gazetteer import Gazetteer, PlaceEntry, load_gazetteer, name_key
from kg.namespace import KG, KGR, SCHEMA

PREPOSITION = re.compile(r"(?:^|\s)(?:i|på|fra|til|ved|omkring|nær|mod|om|syd for|nord for|øst for|vest for)\s+$", re.I)


def place_iri(slug: str) -> URIRef:
    return KGR[f"place/{slug}"]


@dataclass(frozen=True)
class Place:
    """A resolved place: the same value in every document."""

    slug: str
    name: str
    kind: str  # municipality | town | area | landmark
    aliases: tuple[str, ...] = ()

    @property
    def iri(self) -> URIRef:
        return place_iri(self.slug)

    @classmethod
    def from_entry(cls, e: PlaceEntry) -> Place:
        return cls(e.id, e.name, e.kind, e.aliases)

    def triples(self, gaz: Gazetteer | None = None) -> Iterator[Triple]:
        gaz = gaz or load_gazetteer()
        node = self.iri
        yield node, RDF.type, SCHEMA.Place
        subtype = gaz.place_types.get(self.kind, {}).get("schema")
        if subtype and subtype != "Place":
            yield node, RDF.type, SCHEMA[subtype]
        yield node, RDFS.label, Literal(self.name)
        yield node, DCTERMS.identifier, Literal(self.slug)
        yield node, SCHEMA.additionalType, Literal(self.kind)
        for alias in self.aliases:
            yield node, SKOS.altLabel, Literal(alias)


@dataclass
class PlaceMention:
    """One place in a text where a place is named."""

    start: int
    end: int
    raw: str
    place: Place

    @property
    def kind(self) -> str:
        return self.place.kind

    @property
    def slug(self) -> str:
        return self.place.slug

    @property
    def name(self) -> str:
        return self.place.name

    @property
    def iri(self) -> URIRef:
        return self.place.iri

    def triples(self, passage: URIRef | None = None) -> Iterator[Triple]:
        yield from self.place.triples()
        if passage is not None:
            yield passage, KG.mentions, self.iri


def extract_places(
    text: str, actors: list[ActorMention] | None = None, gaz: Gazetteer | None = None
) -> list[PlaceMention]:
    """Places named in ``text`` outside the actors' names (found here unless ``actors`` is given)."""
    gaz = gaz or load_gazetteer()
    if actors is None:
        actors = extract_actors(text, gaz)
    taken = [(a.start, a.end) for a in actors]
    pattern, keys = gaz.place_pattern()
    out = []
    for m in pattern.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        place = gaz.places[keys[name_key(m.group("name"))]]
        if place.name in gaz.ambiguous_places and not PREPOSITION.search(text[max(0, m.start() - 12):m.start()]):
            continue
        out.append(PlaceMention(m.start(), m.end(), m.group(0), Place.from_entry(place)))
    return out
