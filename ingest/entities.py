"""Actors, places and dates in the spaCy pipeline, and the triples of a document's mentions.

Components (each ``Doc → Doc``, registered with spaCy; the extraction itself is plain Python in
:mod:`ingest.actors`, :mod:`ingest.places` and :mod:`ingest.dates`, so it also runs without spaCy):

* ``kg_actors`` (factory, ``gazetteer`` = a path or None) — ``doc._.actors`` and
  ``doc.spans["actors"]`` (label ORGANISATION or PERSON, ``kb_id`` the actor's slug);
* ``kg_places`` (factory) — ``doc._.places`` and ``doc.spans["places"]``, outside ``doc._.actors``;
* ``kg_dates`` — ``doc._.dates`` and ``doc.spans["dates"]`` (``kb_id`` the date's id).

:func:`add_entity_components` adds the three; :func:`extract_entities` runs them on a text;
:func:`entity_triples` yields each entity's triples once (the same in every document, so resources
merge across documents) and ``(passage, kg:mentions, entity)`` for every mention.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

from rdflib import URIRef
from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from ingest.actors import ActorMention, Triple, extract_actors
from ingest.dates import DateMention, extract_dates
from ingest.gazetteer import load_gazetteer
from ingest.places import PlaceMention, extract_places

if TYPE_CHECKING:
    from ingest.model import DocumentGraph

COMPONENTS = ("kg_actors", "kg_places", "kg_dates")
for _name in ("actors", "places", "dates"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class Mention(Protocol):
    start: int
    end: int

    @property
    def slug(self) -> str: ...

    def triples(self, passage: URIRef | None = None) -> Iterator[Triple]: ...


def _spans(doc: Doc, key: str, found: list, label: Callable[[Mention], str]) -> None:
    spans: list[Span | None] = [
        doc.char_span(m.start, m.end, label=label(m), kb_id=m.slug, alignment_mode="expand") for m in found
    ]
    doc.spans[key] = SpanGroup(doc, name=key, spans=[s for s in spans if s is not None])


class ActorComponent:
    def __init__(self, gazetteer: str | None = None) -> None:
        self.gazetteer = gazetteer

    def __call__(self, doc: Doc) -> Doc:
        doc._.actors = extract_actors(doc.text, load_gazetteer(self.gazetteer))
        _spans(doc, "actors", doc._.actors, lambda m: m.kind.upper())
        return doc


class PlaceComponent:
    def __init__(self, gazetteer: str | None = None) -> None:
        self.gazetteer = gazetteer

    def __call__(self, doc: Doc) -> Doc:
        doc._.places = extract_places(doc.text, doc._.actors, load_gazetteer(self.gazetteer))
        _spans(doc, "places", doc._.places, lambda _: "PLACE")
        return doc


@Language.factory("kg_actors", default_config={"gazetteer": None})
def make_actors(nlp: Language, name: str, gazetteer: str | None) -> ActorComponent:
    return ActorComponent(gazetteer)


@Language.factory("kg_places", default_config={"gazetteer": None})
def make_places(nlp: Language, name: str, gazetteer: str | None) -> PlaceComponent:
    return PlaceComponent(gazetteer)


@Language.component("kg_dates")
def kg_dates(doc: Doc) -> Doc:
    doc._.dates = extract_dates(doc.text)
    _spans(doc, "dates", doc._.dates, lambda _: "DATE")
    return doc


def add_entity_components(nlp: Language, gazetteer: str | None = None) -> Language:
    """Add ``kg_actors``, ``kg_places`` and ``kg_dates`` (in that order) to ``nlp``; idempotent."""
    for name in COMPONENTS:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name, config={} if name == "kg_dates" else {"gazetteer": gazetteer})
    return nlp


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


def document_entity_triples(doc: DocumentGraph) -> Iterator[Triple]:
    """The entity triples of one ingested document (an extractor for ``ingest.pipeline``)."""
    actors, places, dates = extract_entities(doc.repaired.text)
    yield from entity_triples([*actors, *places, *dates], doc.passage_for)
