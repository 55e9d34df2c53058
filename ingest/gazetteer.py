"""The gazetteer of Danish actors and places (``kg/data/gazetteer.yaml``), loaded once and compiled.

The YAML file is the data; this module turns it into typed entries and into regular expressions
that find the entries' names in a text:

* names and aliases match with any whitespace between words, with or without spaces around a
  hyphen ("Psykiatri - og Socialudvalget"), with any apostrophe ("Field´s") and with a genitive
  ending ("Region Hovedstadens andel");
* abbreviations match as whole words in capitals, also with a genitive "s" ("DRISPs");
* the longest name wins where names overlap ("Region Hovedstadens Psykiatri" over
  "Region Hovedstaden").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from kg.namespace import slugify

APOSTROPHES = "'´’`"
GENITIVE = rf"(?:s|[{APOSTROPHES}]s?)?"
ACTOR_KEYS = frozenset({"id", "name", "type", "aliases", "abbr", "ambiguous", "context", "ci", "lower", "parent"})


def name_key(name: str) -> str:
    """What two spellings of one name share: case, spaces, hyphens and apostrophe variants ignored."""
    s = re.sub(rf"[{APOSTROPHES}]", "'", name.casefold())
    return re.sub(r"[\s\-–]+", "", s)


def name_regex(name: str) -> str:
    """A regular expression for ``name`` that tolerates line breaks, hyphen spacing and apostrophes."""
    out = []
    for i, ch in enumerate(name):
        if ch == " ":
            if i > 0 and name[i - 1] == "-":
                continue
            out.append(r"\s+")
        elif ch == "-":
            out.append(r"\s?[-–]?\s*")
        elif ch in APOSTROPHES:
            out.append(f"[{APOSTROPHES}]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


@dataclass(frozen=True)
class ActorEntry:
    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    abbr: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    ci: bool = False
    lower: tuple[str, ...] = ()
    parent: str | None = None

    @property
    def all_aliases(self) -> tuple[str, ...]:
        """Every other name of the actor, abbreviations included (its skos:altLabel values)."""
        seen = dict.fromkeys((*self.aliases, *self.abbr, *self.ambiguous))
        seen.pop(self.name, None)
        return tuple(seen)


@dataclass(frozen=True)
class PlaceEntry:
    id: str
    name: str
    kind: str  # municipality | town | area | landmark
    aliases: tuple[str, ...] = ()


@dataclass
class Gazetteer:
    actors: dict[str, ActorEntry]
    actor_types: dict[str, dict[str, str]]
    shapes: dict
    roles: tuple[str, ...]
    places: dict[str, PlaceEntry]
    place_types: dict[str, dict[str, str]]
    ambiguous_places: frozenset[str]
    first_names: frozenset[str]
    _cache: dict = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ compiled patterns
    def actor_name_patterns(self) -> list[tuple[re.Pattern[str], dict[str, str]]]:
        """(pattern, name_key → actor id) pairs: one case-sensitive, one case-insensitive."""
        if "actor_names" not in self._cache:
            cs: dict[str, str] = {}
            ci: dict[str, str] = {}
            for a in self.actors.values():
                for n in (a.name, *a.aliases):
                    if n not in a.ambiguous:  # "DR" alone needs context
                        (ci if a.ci else cs)[n] = a.id
                for n in a.lower:
                    cs[n] = a.id
            self._cache["actor_names"] = [
                (_alternation(list(cs), 0), {name_key(n): i for n, i in cs.items()}),
                (_alternation(list(ci), re.IGNORECASE), {name_key(n): i for n, i in ci.items()}),
            ]
        return self._cache["actor_names"]

    def actor_caps_pattern(self) -> tuple[re.Pattern[str], dict[str, str]]:
        """Names written in capitals ("KRÆFTENS BEKÆMPELSE", "ÆLDRE SAGEN"): every name, any case;
        the caller keeps only matches that are upper case and not an abbreviation of their own."""
        if "actor_caps" not in self._cache:
            names = {n: a.id for a in self.actors.values() for n in (a.name, *a.aliases)
                     if n not in a.ambiguous and not n.isupper() and len(n) >= 4}
            self._cache["actor_caps"] = (_alternation(list(names), re.IGNORECASE), {name_key(n): i for n, i in names.items()})
        return self._cache["actor_caps"]

    def abbreviations(self) -> dict[str, list[str]]:
        """Abbreviation → actor ids; an abbreviation of several actors, or marked ambiguous, needs context."""
        if "abbr" not in self._cache:
            out: dict[str, list[str]] = {}
            for a in self.actors.values():
                for ab in (*a.abbr, *a.ambiguous):
                    out.setdefault(ab, []).append(a.id)
            self._cache["abbr"] = out
        return self._cache["abbr"]

    def place_pattern(self) -> tuple[re.Pattern[str], dict[str, str]]:
        if "places" not in self._cache:
            names = {n: p.id for p in self.places.values() for n in (p.name, *p.aliases)}
            self._cache["places"] = (_alternation(list(names), 0), {name_key(n): i for n, i in names.items()})
        return self._cache["places"]


def _alternation(names: list[str], flags: int) -> re.Pattern[str]:
    names = sorted(set(names), key=lambda n: (-len(n), n))
    body = "|".join(name_regex(n) for n in names) or r"(?!x)x"
    return re.compile(rf"(?<![\w-])(?P<name>{body})(?P<gen>{GENITIVE})(?![\w])", flags)


def _place(spec: str, kind: str) -> PlaceEntry:
    name, _, rest = spec.partition("=")
    aliases = tuple(a.strip() for a in rest.split("|") if a.strip())
    return PlaceEntry(slugify(name.strip()), name.strip(), kind, aliases)


def default_path() -> Path:
    return Path(str(resources.files("kg").joinpath("data/gazetteer.yaml")))


@lru_cache(maxsize=4)
def load_gazetteer(path: str | None = None) -> Gazetteer:
    """Read the gazetteer (the packaged ``kg/data/gazetteer.yaml`` unless ``path`` is given)."""
    data = yaml.safe_load(Path(path or default_path()).read_text(encoding="utf-8"))
    actors = {}
    for raw in data["actors"]:
        unknown = set(raw) - ACTOR_KEYS
        if unknown:
            raise ValueError(f"gazetteer: actor {raw.get('id')!r} has unknown keys {sorted(unknown)}")
        entry = ActorEntry(
            id=raw["id"], name=raw["name"], type=raw["type"],
            aliases=tuple(raw.get("aliases", ())), abbr=tuple(raw.get("abbr", ())),
            ambiguous=tuple(raw.get("ambiguous", ())), context=tuple(raw.get("context", ())),
            ci=bool(raw.get("ci", False)), lower=tuple(raw.get("lower", ())), parent=raw.get("parent"),
        )
        if entry.type not in data["actor_types"]:
            raise ValueError(f"gazetteer: actor {entry.id!r} has unknown type {entry.type!r}")
        actors[entry.id] = entry
    places: dict[str, PlaceEntry] = {}
    for kind, specs in data["places"].items():
        if kind == "ambiguous":
            continue
        for spec in specs:
            p = _place(spec, kind)
            places.setdefault(p.id, p)
    return Gazetteer(
        actors=actors,
        actor_types=data["actor_types"],
        shapes=data["shapes"],
        roles=tuple(data["roles"]),
        places=places,
        place_types=data["place_types"],
        ambiguous_places=frozenset(data["places"].get("ambiguous", ())),
        first_names=frozenset(data["first_names"]),
    )
