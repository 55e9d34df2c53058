"""What a question asks for, read before any fact is ranked (issue 18).

:func:`understand` turns a Danish or English question into a :class:`Question`:

* ``lang`` — ``"da"`` or ``"en"`` (:func:`search.fusion.looks_english`);
* ``years`` — the years the amount is asked for; ``from_year`` when the question says "fra/from/since
  2025"; ``doc_years`` — years that date a document rather than the money ("aftalen fra 2023",
  "the 2023 agreement", "budget 2021");
* the **measure**: ``per_year`` ("om året", "årligt", "each year", "annual"), ``total`` ("i alt",
  "samlet", "total"), ``share`` ("andel", "hvor stor en del", "of the 51,6 mio.", "share", "how much
  of"), ``used`` ("brugt", "anvendt", "spent"), ``staff`` ("årsværk", "staff") and ``change``
  ("stigning", "increase");
* ``doc_cues`` — the kind of document named: agreement, budget, table/annex, minutes, status, plan;
* ``stated_amounts`` — amounts the question itself states (in kroner): "Of the 175 million …" asks
  for a part, never for the 175 million;
* the **target**: ``actors`` — IRIs of the graph's actors (``rdfs:label``/``skos:altLabel``) named in
  the question or in its glossary translation, and ``terms`` — the remaining content words as
  Danish stems (the glossary translates English words where it can; the encoder does the rest),
  without words that name the document rather than the money's purpose (:data:`NOT_TARGET`:
  "aftalen", "bilag", "budget", "Danske Regioners oversigt", month names). A year after a month
  ("January 2025") dates a meeting or a document and is a ``doc_years`` year.

Cue words are data-like constants below, each list in both languages; they name measures and
document kinds, never particular initiatives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from search.fusion import looks_english
from search.translate import Glossary

AMOUNT_CUES = re.compile(
    r"\b(?:hvor (?:meget|mange penge|stor\w*)|beløb\w*|bidrag\w*|contribut\w*|koste\w*|budget\w*|afsat|afsættes|bevilg\w*|"
    r"mio|millioner|kroner|kr\b|andel\w*|tilskud|penge|midler|how much|how many|funding|funds?|fund(?:ed|ing)|"
    r"budgeted|cost|costs|allocat\w*|money|share|earmark\w*|receive\w*|get|gets|får|fik|modtager|modtog|"
    r"set aside|spend\w*|spent|grant\w*|dkk|million|udgift\w*|i alt|expenditure\w*|expense\w*|total\w*)\b", re.IGNORECASE)
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
FROM_YEAR = re.compile(r"\b(?:fra|from|since|starting|efter|after|fra og med|og frem fra)\s+((?:19|20)\d\d)\b", re.IGNORECASE)
DOC_YEAR = re.compile(
    r"\b(?:aftale\w*|agreement|budget\w*|finanslov\w*|økonomiaftale\w*|finance act|finance bill|plan\w*)\s+"
    r"(?:fra |for |of |from |i )?((?:19|20)\d\d)\b|\b((?:19|20)\d\d)(?:'s|’s)?\s+(?:agreement|budget|finance act|plan)\b",
    re.IGNORECASE)

PER_YEAR = re.compile(r"\b(?:om året|årlig\w*|hvert år|pr\.? år|per år|each year|every year|a year|per year|"
                      r"annual\w*|yearly|per annum)\b", re.IGNORECASE)
TOTAL = re.compile(r"\b(?:i alt|samlet|samlede|total\w*|sum|altogether|in all|overall|all in all)\b", re.IGNORECASE)
SHARE = re.compile(r"\b(?:andel\w*|hvor stor en (?:del|bid)|del af|af de(?:n)? afsatte|af pengene|af midlerne|"
                   r"share|part of|how much of|portion|of the [\d.,]+\s*(?:million|m|mio)|of which|heraf|hvoraf)\b"
                   r"|^\W*(?:of the|of this|af de|af det|af den)\b", re.IGNORECASE)
USED = re.compile(r"\b(?:brugt|bruges|brugte|anvendt\w*|disponeret|spent|used|committed|udmøntet)\b", re.IGNORECASE)
# staff is asked for by counting people, not by naming them ("tryghedspakken til de ansatte" asks for money)
STAFF = re.compile(r"\b(?:årsværk\w*|fte|full-time equivalents?|(?:hvor mange|how many)\s+(?:\w+\s+)?"
                   r"(?:ansatte|stillinger|medarbejdere|staff|employees|posts|people|personer))\b", re.IGNORECASE)
CHANGE = re.compile(r"\b(?:stigning\w*|stiger|ændring\w*|forskel\w*|increase\w*|rise|rising|change\w*|difference)\b", re.IGNORECASE)

DOC_CUES: dict[str, re.Pattern[str]] = {
    "agreement": re.compile(r"\b(?:aftale\w*|agreement\w*|aftalepartier\w*)\b", re.IGNORECASE),
    "budget": re.compile(r"\b(?:budget\w*|finanslov\w*|finance (?:act|bill))\b", re.IGNORECASE),
    "table": re.compile(r"\b(?:bilag\w*|annex\w*|appendix|tabel\w*|table\w*|oversigt\w*|overview\w*)\b", re.IGNORECASE),
    "minutes": re.compile(r"\b(?:referat\w*|dagsorden\w*|udvalg\w*|sag(?:en)?|committee\w*|minutes|case)\b", re.IGNORECASE),
    "status": re.compile(r"\b(?:status\w*|opfølgning\w*|follow-up report|status report)\b", re.IGNORECASE),
    "plan": re.compile(r"\b(?:\w*plan(?:en)?|strategy)\b", re.IGNORECASE),
}

# Words that name the document or its kind, not what the money is for ("the agreement's budget annex",
# "Danske Regioners oversigt", "udvalgets sag"), and month names (a date of a meeting or an agreement):
# left out of the target words, so they do not pull towards whichever figure sits in such a document.
# "plan" is not among them: plans are also what money is for ("Handlingsplan for …").
MONTH_NAMES = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
               "november", "december", "january", "february", "march", "may", "june", "july", "october")
NOT_TARGET = re.compile(
    "|".join(DOC_CUES[k].pattern for k in ("agreement", "budget", "table", "minutes", "status"))
    + r"|\b(?:økonomi\w*|" + "|".join(MONTH_NAMES) + r")\b", re.IGNORECASE)
# "januar 2025", "January 2025", "1. februar 2024": a year after a month dates an event or a document
MONTH_YEAR = re.compile(r"\b(?:" + "|".join(MONTH_NAMES) + r")\s+((?:19|20)\d\d)\b", re.IGNORECASE)

_NUMBER = re.compile(r"(\d{1,3}(?:[.,]\d{3})*(?:[.,]\d+)?)\s*(mia\.?|mia|milliard\w*|billion|bn|mio\.?|millioner|million|m)\b", re.IGNORECASE)

# Words that say an amount is asked for, or how; not what it is for. Danish and English.
STOP = frozenset(["hvad", "hvor", "meget", "mange", "hvilke", "hvilken", "hvilket", "hvem", "der", "er", "og", "i", "af", "til", "for", "den", "det", "de", "en", "et", "med", "på", "som", "om", "fra", "blev", "bliver", "var", "har", "have", "skal", "kan", "vil", "sig", "sin", "sine", "ifølge", "efter", "frem", "samt", "eller", "men", "når", "mellem", "hvordan", "hvorfor", "nogle", "alle", "andre", "anden", "andet", "også", "kun", "ikke", "ved", "under", "over", "mod", "hos", "what", "how", "much", "many", "does", "did", "do", "the", "of", "to", "for", "in", "and", "is", "are", "was", "were", "a", "an", "which", "who", "whom", "whose", "with", "from", "by", "on", "at", "as", "per", "each", "every", "that", "this", "these", "those", "be", "been", "being", "it", "its", "their", "there", "they", "according", "into", "than", "afsættes", "afsat", "afsætte", "afsatte", "mio", "kr", "kroner", "millioner", "million", "beløb", "beløbet", "penge", "pengene", "midler", "midlerne", "året", "år", "årligt", "årlige", "årlig", "om", "fik", "får", "modtage", "modtager", "modtages", "modtog", "tildelt", "tildeles", "gik", "går", "givet", "gives", "sat", "stor", "store", "del", "bid", "andel", "andelen", "samlet", "samlede", "alt", "i_alt", "total", "koster", "kostede", "koste", "budget", "budgettet", "money", "funding", "funds", "fund", "year", "years", "annual", "yearly", "much", "receive", "receives", "received", "get", "gets", "got", "set", "aside", "stort", "større", "største", "giver", "gav", "give", "gives", "given", "meant", "mean", "more", "most", "mere", "mest", "bruges", "brugt", "brug", "spent", "used", "ifølge", "according", "new", "ny", "nye", "dets", "dens", "deres", "hans", "hendes", "allocated", "allocate", "allocation", "budgeted", "cost", "costs", "dkk", "share", "part", "total", "amount", "amounts", "spent", "spend", "used"])

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
MONTHS = frozenset(["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"])


@dataclass(frozen=True)
class Actor:
    """An actor of the graph with every name it goes by (label first)."""

    iri: str
    label: str
    names: tuple[str, ...]


@dataclass
class Question:
    """What one question asks for. See the module docstring for each field."""

    text: str
    lang: str
    asks_amount: bool
    years: frozenset[int] = frozenset()
    from_year: int | None = None
    doc_years: frozenset[int] = frozenset()
    per_year: bool = False
    total: bool = False
    share: bool = False
    used: bool = False
    staff: bool = False
    change: bool = False
    doc_cues: frozenset[str] = frozenset()
    stated_amounts: frozenset[int] = frozenset()
    actors: tuple[Actor, ...] = ()
    terms: frozenset[str] = field(default_factory=frozenset)
    translated: str | None = None  # the glossary's Danish rendering of an English question
    unknown: frozenset[str] = frozenset()  # English words the glossary could not translate (not in terms)
    words: tuple[str, ...] = ()  # content words as written (Danish), or an English question's untranslated names

    @property
    def measure(self) -> str:
        """One name for the measure asked for (the flags above may combine)."""
        for name in ("staff", "share", "used", "total", "change", "per_year"):
            if getattr(self, name):
                return name
        return "amount"


def stem(word: str) -> str:
    """A crude Danish stem: lower case, hyphens dropped, cut to 6 letters ("kriseplaner" → "krisep").

    Prefix matching handles Danish inflection and most compounds' first part well enough for
    word overlap; it is one signal among several in :mod:`search.rank`.
    """
    w = word.lower().replace("-", "")
    return w[:6]


def content_stems(text: str, extra_stop: Iterable[str] = ()) -> frozenset[str]:
    """Stems of the content words of ``text`` (no stop words, no words under 3 letters)."""
    stop = STOP | {w.lower() for w in extra_stop}
    return frozenset(stem(w) for w in _WORD.findall(text) if len(w) >= 3 and w.lower() not in stop)


def overlap(terms: Iterable[str], stems: Iterable[str]) -> int:
    """How many ``terms`` match one of ``stems``: equal, or one a prefix of the other (both ≥ 4 letters),
    so "børn" matches "børne" and "tabel" matches "tabell" ("tabellen")."""
    stems = set(stems)
    n = 0
    for t in terms:
        if t in stems or (len(t) >= 4 and any(len(c) >= 4 and (c.startswith(t) or t.startswith(c)) for c in stems)):
            n += 1
    return n


def weighted_overlap(terms: Iterable[str], stems: Iterable[str], weights: dict[str, float] | None = None) -> float:
    """The share of ``terms`` that match ``stems`` (as in :func:`overlap`), each term counted with its
    weight (e.g. its inverse document frequency: a word every passage has says little about which
    figure is meant). Without weights every term counts 1; 0.0 when the terms weigh nothing."""
    terms = list(terms)
    stems = set(stems)
    weight = (lambda t: weights.get(t, 1.0)) if weights is not None else (lambda t: 1.0)
    total = sum(weight(t) for t in terms)
    if total <= 0:
        return 0.0
    return sum(weight(t) for t in terms if overlap([t], stems)) / total


def stated_amounts(text: str) -> frozenset[int]:
    """Amounts written in the question, in whole kroner ("51,6 mio." → 51600000, "175 million" → 175000000)."""
    out = set()
    for number, unit in _NUMBER.findall(text):
        n = number
        if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", n):  # thousands separators
            value = float(re.sub(r"[.,]", "", n))
        else:
            value = float(n.replace(",", "."))
        scale = 1e9 if unit.lower().startswith(("mia", "milliard", "billion", "bn")) else 1e6
        out.add(round(value * scale))
    return frozenset(out)


def actors_named(text: str, actors: Iterable[Actor]) -> tuple[Actor, ...]:
    """Actors whose label or alias occurs in ``text`` as whole words; the longest name wins overlaps.

    Short all-capital aliases ("RH", "BUC") must match case; other names match case-insensitively.
    """
    found: list[tuple[int, int, Actor]] = []
    for actor in actors:
        for name in actor.names:
            if len(name) < 2:
                continue
            flags = 0 if (name.isupper() and len(name) <= 5) else re.IGNORECASE
            m = re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text, flags)
            if m:
                found.append((m.start(), m.end(), actor))
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken: list[tuple[int, int]] = []
    out: list[Actor] = []
    for start, end, actor in found:
        if any(start < e and s < end for s, e in taken) or actor in out:
            continue
        taken.append((start, end))
        out.append(actor)
    return tuple(out)


def understand(text: str, actors: Iterable[Actor] = (), glossary: Glossary | None = None) -> Question:
    """Read ``text`` into a :class:`Question`; ``actors`` come from the graph, ``glossary`` translates English."""
    english = looks_english(text)
    translated = None
    unknown: set[str] = set()
    names_kept: list[str] = []
    if english and glossary is not None:
        t = glossary.translate(text)
        translated = t.text if t.matched else None
        # English words the glossary does not know stay English: no Danish text contains them, so they
        # are left out of the target words (names and numbers, written with capitals or digits, stay)
        unknown = {w for w in t.kept if w[:1].islower()}
        names_kept = english_names(text, t)
    # a year that dates a document or a meeting is no money year, unless it is also written elsewhere
    # ("the January 2025 agreement …, how much in 2025": 2025 is both)
    dating = [(m.start(g), m.end(g)) for rx in (DOC_YEAR, MONTH_YEAR) for m in rx.finditer(text)
              for g in range(1, (rx.groups or 0) + 1) if m.group(g)]
    doc_years = {int(text[a:b]) for a, b in dating}
    money_years = {int(m.group(0)) for m in YEAR.finditer(text) if (m.start(), m.end()) not in dating}
    from_years = [int(y) for y in FROM_YEAR.findall(text)]
    actor_list = list(actors)
    named = actors_named(text, actor_list)
    if translated:
        named = tuple(dict.fromkeys(named + actors_named(translated, actor_list)))
    names = [n for a in named for n in a.names]
    if english:  # the target words of an English question are its translation's Danish words and its names
        source = " ".join([translated or "", *names_kept])
        source = " ".join(w for w in source.split() if w not in unknown)
    else:
        source = text
    # the words that make the question specific, as written: Danish content words, or an English
    # question's names (proper nouns the glossary did not translate into other words)
    stripped = _strip_names(text, names)
    specific = names_kept if english else [w for w in _WORD.findall(stripped) if len(w) >= 4 and w.lower() not in STOP]
    return Question(
        text=text,
        lang="en" if english else "da",
        asks_amount=bool(AMOUNT_CUES.search(text) or STAFF.search(text)),
        years=frozenset(money_years),
        from_year=from_years[0] if from_years else None,
        doc_years=frozenset(doc_years),
        per_year=bool(PER_YEAR.search(text)),
        total=bool(TOTAL.search(text)),
        share=bool(SHARE.search(text)),
        used=bool(USED.search(text)),
        staff=bool(STAFF.search(text)),
        change=bool(CHANGE.search(text)),
        doc_cues=frozenset(k for k, rx in DOC_CUES.items() if rx.search(text)),
        stated_amounts=stated_amounts(text),
        actors=named,
        terms=content_stems(NOT_TARGET.sub(" ", _strip_names(source, names))) - content_stems(" ".join(names)),
        translated=translated,
        unknown=frozenset(unknown),
        words=tuple(dict.fromkeys(w for w in specific if w.lower() not in {n.lower() for n in names})),
    )


def english_names(text: str, translation) -> list[str]:
    """Capitalised words of an English question that are names, not English words: not the first
    word, not a month, and not part of a glossary phrase of several words or one translated into
    another word ("Capital Region" → "Region Hovedstaden" is dropped; "Aalborg" → "Aalborg" stays)."""
    translated = {w.lower() for en, da in translation.matched for w in en.split()
                  if len(en.split()) > 1 or w.lower() not in {d.lower() for term in da for d in term.split()}}
    out = []
    for m in re.finditer(r"(?<![.?!]\s)(?<!^)\b[A-ZÆØÅ][\wæøåÆØÅ-]+", text.strip()):
        w = m.group(0)
        if w.lower() not in MONTHS and w.lower() not in translated and w.lower() not in STOP:
            out.append(w)
    return list(dict.fromkeys(out))


def _strip_names(text: str, names: Iterable[str]) -> str:
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(r"(?<!\w)" + re.escape(name) + r"(?!\w)", " ", text, flags=re.IGNORECASE)
    return text
