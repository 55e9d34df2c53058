"""Dictionary-based query translation, English → Danish, for cross-lingual search.

The corpus is Danish; BM25 cannot match an English question at all, and the small multilingual
encoder aligns the two languages only roughly. Classic dictionary-based cross-language retrieval
(Ballesteros & Croft 1997) closes much of that gap: each English phrase found in a domain glossary
is replaced by its Danish terms (all of them, as a structured query would), names and numbers pass
through, and English function words are dropped.

The glossary is data (``search/data/glossary_en_da.tsv``), one ``english<TAB>danish; danish`` line
per term; the longest English phrase wins. Matching is on lower-cased tokens with English plural and
possessive endings removed, so "regions'" and "Capital Region's" find their entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_GLOSSARY = Path(__file__).with_name("data") / "glossary_en_da.tsv"

_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)*%?|[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)  # hyphens split words
_QUARTER = re.compile(r"\bQ([1-4])\b")

# Function words: dropped when they are not part of a glossary phrase.
STOPWORDS = frozenset(
    ["a", "about", "above", "according", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "either", "else", "ever", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "however", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "like", "many", "me", "might", "more", "most", "much", "must", "my", "no", "nor", "not", "of", "off", "on", "once", "only", "or", "other", "our", "out", "over", "own", "per", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "up", "upon", "us", "very", "was", "we", "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why", "will", "with", "within", "would", "you", "your", "yours", "may", "get", "got", "give", "given", "go", "goes", "going", "make", "made", "say", "says", "said", "tell", "told", "compare", "compared", "way", "ways", "thing", "things", "there's", "it's", "what's", "does"]
)


@dataclass(frozen=True)
class Translation:
    """An English query in Danish terms: ``text`` is what the index is searched with."""

    query: str
    text: str
    matched: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())  # (english phrase, danish terms)
    kept: tuple[str, ...] = field(default=())  # tokens passed through untranslated (names, numbers, unknown words)

    @property
    def coverage(self) -> float:
        """Share of the query's content tokens the glossary translated."""
        translated = sum(len(en.split()) for en, _ in self.matched)
        total = translated + len(self.kept)
        return translated / total if total else 0.0


class Glossary:
    """English phrases (as normalised token tuples) → Danish terms."""

    def __init__(self, entries: dict[tuple[str, ...], tuple[str, ...]]) -> None:
        self.entries = entries
        self.max_len = max((len(k) for k in entries), default=0)
        self.vocabulary = frozenset(t for key in entries for t in key)

    @classmethod
    def read(cls, path: Path | str = DEFAULT_GLOSSARY) -> Glossary:
        entries: dict[tuple[str, ...], tuple[str, ...]] = {}
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            english, sep, danish = line.partition("\t")
            terms = tuple(t.strip() for t in danish.split(";") if t.strip())
            key = tuple(normalise(t) for t in _TOKEN.findall(english))
            if not sep or not terms or not key:
                raise ValueError(f"{path}:{number}: expected 'english<TAB>danish; danish', got {line!r}")
            entries[key] = tuple(dict.fromkeys(entries.get(key, ()) + terms))
        return cls(entries)

    def lemma(self, token: str) -> str:
        """The glossary's form of an English token: plural, possessive, -ed and -ing endings tried."""
        base = normalise(token)
        if base in self.vocabulary:
            return base
        for cut, add in (("ed", ""), ("d", ""), ("ing", ""), ("ing", "e"), ("ed", "e")):
            if base.endswith(cut) and len(base) - len(cut) >= 3:
                candidate = base[: -len(cut)] + add
                if candidate in self.vocabulary:
                    return candidate
        return base

    def translate(self, query: str) -> Translation:
        tokens = _TOKEN.findall(_QUARTER.sub(r"\1. kvartal", query))
        lemmas = [self.lemma(t) for t in tokens]
        out: list[str] = []
        matched: list[tuple[str, tuple[str, ...]]] = []
        kept: list[str] = []
        i = 0
        while i < len(tokens):
            for n in range(min(self.max_len, len(tokens) - i), 0, -1):
                terms = self.entries.get(tuple(lemmas[i : i + n]))
                if terms is not None and not (n == 1 and tokens[i].lower() in STOPWORDS):
                    matched.append((" ".join(tokens[i : i + n]), terms))
                    out.extend(terms)
                    i += n
                    break
            else:
                if tokens[i].lower() not in STOPWORDS and lemmas[i] not in STOPWORDS:
                    word = re.sub(r"['’]s?$", "", tokens[i])  # "Regioner’s" → "Regioner"
                    kept.append(word)
                    out.append(word)
                i += 1
        return Translation(query, " ".join(out), tuple(matched), tuple(kept))


def normalise(token: str) -> str:
    """Lower case, possessive and plural endings removed: "Region's" → "region", "policies" → "policy"."""
    t = token.lower().replace("’", "'")
    t = t.removesuffix("'s")
    t = t.rstrip("'")
    if len(t) > 4 and t.endswith("ies"):
        return t[:-3] + "y"
    if len(t) > 4 and t.endswith(("ches", "shes", "sses", "xes")):
        return t[:-2]
    if len(t) > 3 and t.endswith("s") and not t.endswith(("ss", "us", "is", "ics")):
        return t[:-1]
    return t


@lru_cache(maxsize=4)
def load_glossary(path: str | None = None) -> Glossary:
    return Glossary.read(path or DEFAULT_GLOSSARY)
