"""Actors, places and dates of a text, and the triples of a document's mentions.

The extraction itself is plain Python in :mod:`ingest.actors`, :mod:`ingest.places` and
:mod:`ingest.dates`: :func:`extract_entities` runs the three on a text (places outside actors);
:func:`entity_triples` yields each entity's triples once (the same in every document, so resources
merge across documents) and ``(passage, kg:mentions, entity)`` for every mention.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

from rdflib import URIRef

from ingest.actors import ActorMention, Triple, extract_actors
from ingest.dates import DateMention, extract_dates
from ingest.gazetteer import load_gazetteer
from ingest.places import PlaceMention, extract_places

class Mention(Protocol):
    start: int
    end: int

    @property
    def slug(self) -> str: ...

    def triples(self, passage: URIRef | None = None) -> Iterator[Triple]: ...


def extract_entities(
    text: str, gazetteer: str | None = None
) -> tuple[list[ActorMention], list[PlaceMention], list[DateMention]]:
    """Actors, places and dates in ``text``, without spaCy."""
    gaz = load_gazetteer(gazetteer)
    actors = extract_actors(text, gaz)
    return actors, extract_places(text, actors, gaz), extract_dates(text)


def entity_triples(mentions: Iterable[Mention], passage_for: Callable[[int], URIRef | None]) -> Iterator[Triple]:
    """Each entity's triples once, and a ``kg:mentions`` link from the passage of every mention."""
    seen: set[Triple] = set()
    for m in mentions:
        for t in m.triples(passage_for(m.start)):
            if t not in seen:
                seen.add(t)
                yield t
