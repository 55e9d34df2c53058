"""Actors: organisations and people named in a text, resolved to one resource each.

:func:`extract_actors` finds, in this order (an earlier find wins where spans overlap):

1. names and aliases from the gazetteer (``kg/data/gazetteer.yaml``), genitives included
   ("Region Hovedstadens andel" → Region Hovedstaden), also written in capitals ("ÆLDRE SAGEN");
2. its abbreviations ("RHP", "SST", "DRISPs"); an ambiguous one ("DR": Danske Regioner or the
   broadcaster) only where the text names the actor in full or matches one of its context
   patterns ("(DR og KL)");
3. the councils and committees every region or municipality has ("regionsrådet", "Byrådet",
   "kommunalbestyrelsen", "Økonomiudvalget", "forretningsudvalget", "Ældrerådet") with their owner:
   named after them ("Ældrerådet i Odense Kommune"), before them ("Vejle Byråd", "Vejle Kommunes
   byråd") or, failing that, the region or municipality the text names most; a regional council
   needs its region, the others are kept as named when definite ("Byrådet", "forretningsudvalget");
4. organisations of open classes from token patterns (:mod:`ingest.orgpatterns`): hospitals named
   head-first ("Sygehus Lillebælt"), care institutions, media cited as sources ("fagbladet
   Folkeskolen"), names in capitals ("OK-FONDEN"), ministries and agencies in lower case;
5. organisations from the shape of their names (:mod:`ingest.orgshapes`): "Center for …",
   "… Fonden", "… Research Group", "Psykiatri- og Socialudvalget", "Aalborg Kommune" …; a committee
   named with its owner in the genitive keeps it ("KL's Sundheds- og Ældreudvalg", part of KL);
6. abbreviations the text defines ("Long Name (LN)") or that open a name ("VIRTU Research
   Group" → "VIRTU", "Virtu"), wherever else they occur;
7. people with their roles (:mod:`ingest.persons`);
8. collective actors: "regionerne", "kommunerne", "staten" (one resource each; they receive and pay).

Every actor has a stable slug: the gazetteer id, or the normalised name of an unknown one, so
the same actor in two documents is one resource, ``actor_iri(slug)``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SKOS

from ingest.gazetteer import ActorEntry, Gazetteer, load_gazetteer, name_key
from ingest.orgpatterns import find_org_patterns
from ingest.orgshapes import ShapeHit, find_shapes
from ingest.persons import find_persons
from kg.namespace import KG, KGR, SCHEMA, slugify

Triple = tuple[URIRef, URIRef, URIRef | Literal]
ACTOR_TYPES = KGR["actor-type"]
SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*)$")
CLOCK = re.compile(r"\.\s?\d")
CAPS_RUN = re.compile(r"(?<![\w-])[A-ZÆØÅ][A-ZÆØÅ&.'’-]+(?:[ \t]+[A-ZÆØÅ][A-ZÆØÅ&.'’-]*)+(?:s|'s|’s)?(?![\w-])")
REGIONAL_COUNCIL = re.compile(r"(?<![\w-])[Rr]egionsråd(?:et|ets)(?![\w])")


def actor_iri(slug: str) -> URIRef:
    return KGR[f"actor/{slug}"]


def actor_type_iri(kind: str) -> URIRef:
    return KGR[f"actor-type/{kind}"]


@dataclass(frozen=True)
class Actor:
    """A resolved actor: the same value wherever and in whichever document it is found."""

    slug: str
    name: str
    type: str  # a key of the gazetteer's actor_types; "person" for people
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    source: str = "gazetteer"  # gazetteer | shape | person | collective

    @property
    def kind(self) -> str:
        return "person" if self.type == "person" else "organisation"

    @property
    def iri(self) -> URIRef:
        return actor_iri(self.slug)

    @classmethod
    def from_entry(cls, e: ActorEntry) -> Actor:
        return cls(e.id, e.name, e.type, e.all_aliases, e.parent)

    def triples(self, gaz: Gazetteer | None = None) -> Iterator[Triple]:
        gaz = gaz or load_gazetteer()
        node = self.iri
        yield node, RDF.type, FOAF.Person if self.kind == "person" else ORG.Organization
        yield node, RDF.type, PROV.Agent
        yield node, RDFS.label, Literal(self.name)
        yield node, DCTERMS.identifier, Literal(self.slug)
        for alias in self.aliases:
            yield node, SKOS.altLabel, Literal(alias)
        if self.parent:
            yield node, ORG.subOrganizationOf, actor_iri(self.parent)
        if self.kind == "organisation":
            concept = actor_type_iri(self.type)
            yield node, ORG.classification, concept
            yield concept, RDF.type, SKOS.Concept
            yield concept, SKOS.inScheme, ACTOR_TYPES
            yield concept, SKOS.notation, Literal(self.type)
            labels = gaz.actor_types.get(self.type, {})
            for lang in ("da", "en"):
                if lang in labels:
                    yield concept, SKOS.prefLabel, Literal(labels[lang], lang=lang)
            yield ACTOR_TYPES, RDF.type, SKOS.ConceptScheme


@dataclass
class ActorMention:
    """One place in a text where an actor is named."""

    start: int
    end: int
    raw: str
    actor: Actor
    role: str | None = None  # for people: "formand for Rådet for Socialt Udsatte"
    affiliation: Actor | None = None  # for people: the organisation named in or above the role
    how: str = "gazetteer"  # gazetteer | abbreviation | context | shape | defined | council | person | collective

    @property
    def kind(self) -> str:
        return self.actor.kind

    @property
    def slug(self) -> str:
        return self.actor.slug

    @property
    def name(self) -> str:
        return self.actor.name

    @property
    def iri(self) -> URIRef:
        return self.actor.iri

    def triples(self, passage: URIRef | None = None) -> Iterator[Triple]:
        """The actor's own triples, the person's role and affiliation, and the passage's mention link."""
        yield from self.actor.triples()
        if self.role:
            yield self.iri, SCHEMA.roleName, Literal(self.role)
        if self.affiliation is not None:
            yield from self.affiliation.triples()
            yield self.iri, ORG.memberOf, self.affiliation.iri
        if passage is not None:
            yield passage, KG.mentions, self.iri


@dataclass
class _Found:
    text: str
    gaz: Gazetteer
    mentions: list[ActorMention] = field(default_factory=list)

    def free(self, start: int, end: int) -> bool:
        return not any(m.start < end and start < m.end for m in self.mentions)

    def add(self, start: int, end: int, actor: Actor, how: str) -> bool:
        if start >= end or not self.free(start, end):
            return False
        self.mentions.append(ActorMention(start, end, self.text[start:end], actor, how=how))
        return True

    def actor(self, entry_id: str) -> Actor:
        return Actor.from_entry(self.gaz.actors[entry_id])


def _gazetteer_names(f: _Found) -> None:
    hits = []
    for pattern, keys in f.gaz.actor_name_patterns():
        for m in pattern.finditer(f.text):
            entry = f.gaz.actors[keys[name_key(m.group("name"))]]
            if entry.id in _NOT_INITIAL and SENTENCE_START.search(f.text[max(0, m.start() - 3):m.start()]):
                continue
            if m.group("name").isupper() and CLOCK.match(f.text, m.end()):
                continue  # "KL. 10.00" is a time of day
            hits.append((m.start(), m.end(), entry.id))
    pattern, keys = f.gaz.actor_caps_pattern()
    for run in CAPS_RUN.finditer(f.text):  # "KRÆFTENS BEKÆMPELSE": only runs of capitals are searched
        for m in pattern.finditer(f.text, run.start(), run.end()):
            if m.group("name").isupper() and " " in m.group("name").strip():
                hits.append((m.start(), m.end(), keys[name_key(m.group("name"))]))
    for start, end, entry_id in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
        f.add(start, end, f.actor(entry_id), "gazetteer")


_NOT_INITIAL = frozenset({"venstre", "alternativet", "det-konservative-folkeparti", "regeringen", "folketinget"})


def _abbreviations(f: _Found, named: set[str]) -> None:
    table = f.gaz.abbreviations()
    if not table:
        return
    body = "|".join(sorted(map(re.escape, table), key=len, reverse=True))
    for m in re.finditer(rf"(?<![\w-])({body})(?:s|[´’']s?)?(?![\w])", f.text):
        if CLOCK.match(f.text, m.end()):
            continue
        ids = table[m.group(1)]
        choice = _resolve_abbreviation(f, m.group(1), ids, named)
        if choice:
            f.add(m.start(), m.end(), f.actor(choice), "abbreviation")


def _resolve_abbreviation(f: _Found, abbr: str, ids: list[str], named: set[str]) -> str | None:
    entries = [f.gaz.actors[i] for i in ids]
    if len(entries) == 1 and abbr in entries[0].abbr:
        return entries[0].id
    scores = {}
    for e in entries:
        score = 2 * (e.id in named) + sum(1 for c in e.context if re.search(c, f.text))
        scores[e.id] = score
    best = max(scores.values(), default=0)
    winners = [i for i, s in scores.items() if s == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


# councils and committees every region or municipality has: stem → (name, type, owner type)
GENERIC_BODIES = {
    "regionsråd": ("Regionsrådet", "council", "region"), "byråd": ("Byrådet", "council", "municipality"),
    "kommunalbestyrelse": ("Kommunalbestyrelsen", "council", "municipality"),
    "økonomiudvalg": ("Økonomiudvalget", "committee", "municipality"),
    "forretningsudvalg": ("Forretningsudvalget", "committee", "region"),
    "ældreråd": ("Ældrerådet", "council", "municipality"), "handicapråd": ("Handicaprådet", "council", "municipality"),
}
GENERIC_BODY = re.compile(
    r"(?<![\w-])(?P<stem>[Rr]egionsråd|[Bb]yråd|[Kk]ommunalbestyrelse|[Øø]konomiudvalg|[Ff]orretningsudvalg|"
    r"[Ææ]ldreråd|[Hh]andicapråd)(?P<definite>et|e?n)?(?:s)?(?![\w-])")
OWNER_AFTER = re.compile(r"\s+i\s+(Region\s+[A-ZÆØÅ]\w+|[A-ZÆØÅ][\w-]+\s+Kommune)(?![\w])")
OWNER_BEFORE = re.compile(r"(Region\s+[A-ZÆØÅ]\w+?|[A-ZÆØÅ][\w-]+\s+Kommune|[A-ZÆØÅ][\w-]+)(?:s|'s|´s|’s)?\s+$")


def _owner_names(f: _Found, kind: str) -> Counter[str]:
    """How often the text names each region (by the gazetteer) or municipality ("X Kommune")."""
    if kind == "region":
        return Counter(f.gaz.actors[m.actor.slug].name for m in f.mentions
                       if m.actor.type == "region" and m.how == "gazetteer" and m.actor.slug in f.gaz.actors)
    return Counter(re.sub(r"\s+", " ", m.group(0)) for m in re.finditer(r"(?<![\w-])[A-ZÆØÅ][\w-]+ Kommune(?![\w])", f.text))


def _owner(f: _Found, m: re.Match[str], kind: str, counts: Counter[str]) -> str | None:
    """The region or municipality a council or committee belongs to, or None."""
    after = OWNER_AFTER.match(f.text, m.end())
    if after and (after.group(1).startswith("Region") == (kind == "region")):
        return re.sub(r"\s+", " ", after.group(1))
    line_start = f.text.rfind("\n", 0, m.start()) + 1
    before = OWNER_BEFORE.search(f.text[max(line_start, m.start() - 40):m.start()])
    if before:
        name = before.group(1)
        if kind == "region" and name.startswith("Region"):
            return name
        if kind == "municipality" and name.endswith("Kommune"):
            return name
        places = f.gaz.place_pattern()[0]
        if kind == "municipality" and not m.group("definite") and places.fullmatch(name):
            return f"{name} Kommune"  # "Vejle Byråd"
    total = sum(counts.values())
    if counts and counts.most_common(1)[0][1] >= 0.6 * total:
        return counts.most_common(1)[0][0]
    return None


def _generic_bodies(f: _Found) -> None:
    """'Byrådet i Vejle Kommune', 'regionsrådet' in a text about Region Sjælland, 'Økonomiudvalget'."""
    counts = {"region": _owner_names(f, "region"), "municipality": _owner_names(f, "municipality")}
    for m in GENERIC_BODY.finditer(f.text):
        name, kind, owner_kind = GENERIC_BODIES[m.group("stem").lower()]
        owner = _owner(f, m, owner_kind, counts[owner_kind])
        if owner is None and (name == "Regionsrådet" or not m.group("definite")):
            continue  # a regional council needs its region; "et ældreråd", "Danske Ældreråd" name no council
        if owner is None:
            actor = Actor(slugify(name), name, kind, tuple(dict.fromkeys((m.group(0), name.lower()))), None, "council")
        else:
            owner_slug = _known_slug(f, owner)
            actor = Actor(f"{slugify(name)}-{owner_slug}", f"{name} ({owner})", kind,
                          tuple(dict.fromkeys((name, name.lower(), m.group(0)))), owner_slug, "council")
        f.add(m.start(), m.end(), actor, "council")


def _patterns(f: _Found) -> None:
    for hit in find_org_patterns(f.text, f.gaz, [(m.start, m.end) for m in f.mentions]):
        f.add(hit.start, hit.end, _shape_actor(f, hit), "shape")


def _known_slug(f: _Found, name: str) -> str:
    """The gazetteer id of ``name``, or the slug an unknown actor of that name gets."""
    for _pattern, keys in f.gaz.actor_name_patterns():
        entry_id = keys.get(name_key(name))
        if entry_id:
            return entry_id
    return slugify(name)


def _shape_actor(f: _Found, hit: ShapeHit) -> Actor:
    slug = _known_slug(f, hit.name)
    if slug in f.gaz.actors:
        return f.actor(slug)
    parent = _known_slug(f, hit.parent_name) if hit.parent_name else None
    if hit.parent_start is not None:
        parent = next((m.actor.slug for m in f.mentions if m.start == hit.parent_start and m.kind == "organisation"), None)
    aliases = tuple(a for a in (hit.acronym, hit.acronym.capitalize() if hit.acronym else None) if a)
    return Actor(slug, hit.name, hit.type, aliases, parent, "shape")


OWNED_TYPES = frozenset({"committee", "council"})
GENITIVE_END = re.compile(r"(?:s|'s|´s|’s)$")


def _with_owner(f: _Found, hit: ShapeHit) -> ShapeHit:
    """'KL's Sundheds- og Ældreudvalg': a committee after its owner's genitive is named with it."""
    if hit.type not in OWNED_TYPES or hit.parent_start is not None:
        return hit
    owner = next((m for m in f.mentions if m.end == hit.start - 1 and m.kind == "organisation"
                  and GENITIVE_END.search(m.raw) and f.text[m.end] == " "), None)
    if owner is None:
        return hit
    return ShapeHit(hit.start, hit.end, f"{owner.raw} {hit.name}", hit.type, hit.acronym, owner.start)


def _shapes(f: _Found) -> None:
    for hit in find_shapes(f.text, f.gaz, [(m.start, m.end) for m in f.mentions]):
        if hit.extends:
            f.mentions = [m for m in f.mentions if not (hit.start <= m.start and m.end <= hit.end)]
        f.add(hit.start, hit.end, _shape_actor(f, _with_owner(f, hit)), "shape")


COLLECTIVES: tuple[tuple[str, str, str], ...] = (
    # (slug, name, type): the regions, the municipalities or the state as one actor ("til regionerne")
    ("regionerne", "regionerne", "region"),
    ("kommunerne", "kommunerne", "municipality"),
    ("staten", "staten", "government"),
)
COLLECTIVE_FORMS = re.compile(
    r"(?<![\w-])(?:(?P<regionerne>[Rr]egionerne|alle regioner|de fem regioner)|"
    r"(?P<kommunerne>[Kk]ommunerne|alle kommuner|de 98 kommuner)|(?P<staten>staten))(?:s)?(?![\w-])")


def _collectives(f: _Found) -> None:
    """The regions, the municipalities and the state named together: actors too (they receive and pay)."""
    actors = {slug: Actor(slug, name, kind, (), None, "collective") for slug, name, kind in COLLECTIVES}
    for m in COLLECTIVE_FORMS.finditer(f.text):
        f.add(m.start(), m.end(), actors[m.lastgroup or ""], "collective")


def _short_forms(f: _Found) -> None:
    """'Psykiatriens Hus' is 'Psykiatriens Hus i Aalborg' in a text that names only that one."""
    long_forms: dict[str, list[Actor]] = {}
    for m in f.mentions:
        if m.how == "shape" and " i " in m.actor.name:
            short = m.actor.name.rsplit(" i ", 1)[0]
            if m.actor not in long_forms.setdefault(short, []):
                long_forms[short].append(m.actor)
    for m in f.mentions:
        target = long_forms.get(m.actor.name)
        if m.how == "shape" and target and len(target) == 1:
            m.actor = target[0]


def _one_spelling(f: _Found) -> None:
    """One actor per slug in a text: spellings ('Task Force for psykiatriområdet', '… Psykiatriområdet')
    share the most capitalised one as label, the others become aliases; a parent found once holds."""
    variants: dict[str, list[Actor]] = {}
    for m in sorted(f.mentions, key=lambda m: m.start):
        if m.how == "shape" and m.actor not in variants.setdefault(m.slug, []):
            variants[m.slug].append(m.actor)
    merged = {}
    for slug, actors in variants.items():
        if len(actors) > 1:
            best = max(actors, key=lambda a: sum(ch.isupper() for ch in a.name))
            aliases = dict.fromkeys(x for a in actors for x in (*a.aliases, a.name) if x != best.name)
            parent = next((a.parent for a in actors if a.parent), None)
            merged[slug] = Actor(slug, best.name, best.type, tuple(aliases), parent, best.source)
    for m in f.mentions:
        if m.how == "shape" and m.slug in merged:
            m.actor = merged[m.slug]


def _defined_abbreviations(f: _Found) -> None:
    """'Long Name (LN)' and 'VIRTU Research Group' define abbreviations used elsewhere in the text."""
    defined: dict[str, Actor] = {}
    for m in list(f.mentions):
        after = re.match(r"\s*\(([A-ZÆØÅ]{2,8})\)", f.text[m.end:m.end + 14])
        if after and m.kind == "organisation":
            defined.setdefault(after.group(1), m.actor)
        for alias in m.actor.aliases if m.how == "shape" else ():
            if alias.isupper():
                defined.setdefault(alias, m.actor)
    for abbr, actor in defined.items():
        forms = [abbr] + ([abbr.capitalize()] if len(abbr) >= 4 else [])
        body = "|".join(map(re.escape, forms))
        for m in re.finditer(rf"(?<![\w-])(?:{body})(?:s|[´’']s?)?(?![\w])", f.text):
            f.add(m.start(), m.end(), actor, "defined")


def _persons(f: _Found) -> None:
    orgs = [m for m in f.mentions if m.kind == "organisation"]
    for hit in find_persons(f.text, f.gaz, [(m.start, m.end) for m in f.mentions]):
        affiliation = None
        if hit.role_start is not None:
            inside = sorted((m for m in orgs if hit.role_start <= m.start and m.end <= hit.role_end), key=lambda m: m.start)
            line = f.text.rfind("\n", 0, hit.role_start) + 1
            prev_end = len(f.text[:line].rstrip())
            prev = f.text[f.text.rfind("\n", 0, prev_end) + 1:prev_end].strip(" ,")
            above = [m for m in orgs if m.end == prev_end and m.raw == prev]  # organisation / role / name
            owner = [m for m in orgs if m.end == hit.role_start - 1 and m.raw.endswith("s")]  # "KL's formand"
            affiliation = (inside or owner or above or [None])[0]
        person = Actor(slugify(hit.name), hit.name, "person", (), None, "person")
        if f.add(hit.start, hit.end, person, "person"):
            f.mentions[-1].role = hit.role
            f.mentions[-1].affiliation = affiliation.actor if affiliation else None


def extract_actors(text: str, gaz: Gazetteer | None = None) -> list[ActorMention]:
    """Organisations and people named in ``text``, each resolved to one actor, in text order."""
    f = _Found(text, gaz or load_gazetteer())
    _gazetteer_names(f)
    named = {m.actor.slug for m in f.mentions}
    _abbreviations(f, named)
    _generic_bodies(f)
    _patterns(f)
    _shapes(f)
    _collectives(f)
    _short_forms(f)
    _one_spelling(f)
    _defined_abbreviations(f)
    _persons(f)
    return sorted(f.mentions, key=lambda m: m.start)
