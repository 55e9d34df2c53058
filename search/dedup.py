"""Near-duplicate passages: the same text on another page, or restated in another document.

Minutes restate an agreement, status reports copy its initiative texts, one committee document
repeats last meeting's status. In search results such copies push other sources down and say
nothing new, so they are grouped into one result, ranked once, with "also in …" sources.

Two passages are near-duplicates when (checked exactly, after MinHash LSH proposes candidates —
``datasketch``, Broder 1997; Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets* ch. 3):

1. **the same passage**: the Jaccard similarity of their word 5-shingles is at least
   :data:`PASSAGE_JACCARD`, and every number of the shorter one occurs in the longer one (so
   "Anbefaling 1" and "Anbefaling 2", or two meetings' dates, never merge); or
2. **restated in another document**: they come from different documents and share at least
   :data:`MIN_SHARED_SENTENCES` sentences of at least :data:`MIN_SENTENCE_WORDS` words whose
   word 3-shingles have Jaccard ≥ :data:`SENTENCE_JACCARD` and whose numbers are equal.
   A sentence with near-copies in :data:`BOILERPLATE_PASSAGES` or more other passages is
   boilerplate ("Økonomi: Ingen bemærkninger") and does not count.

Groups are the connected components of that relation. The **original leads**: members are kept
in the order primary agreement first, then earliest document date, then document, then position;
at query time the group is shown by its best-ranked passage of the leading document.

Words are compared lower-cased, with line-break hyphens joined ("socialsy- geplejesker"). The
thresholds were set by reading the pairs they merge on the corpus (no evaluation score was used).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from search.records import PassageRecord

PASSAGE_JACCARD = 0.4
SENTENCE_JACCARD = 0.5
MIN_SENTENCE_WORDS = 8
MIN_SHARED_SENTENCES = 2
BOILERPLATE_PASSAGES = 3
NUM_PERM = 128
GROUPS_FILE = "groups.json"

_SENTENCE = re.compile(r"(?<=[.!?:])\s+(?=[A-ZÆØÅ0-9•\-–])|\s*•\s*|\n{2,}")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def words(text: str) -> list[str]:
    """Lower-cased word tokens with line-break hyphens joined ("socialsy- geplejesker" → one word)."""
    return re.findall(r"\w+", re.sub(r"(\w)- (\w)", r"\1\2", text.lower()))


def numbers(text: str) -> frozenset[str]:
    return frozenset(_NUMBER.findall(re.sub(r"(\w)- (\w)", r"\1\2", text)))


def shingles(tokens: Sequence[str], n: int) -> frozenset[str]:
    """Word n-grams; a text shorter than ``n`` words is one shingle."""
    if len(tokens) <= n:
        return frozenset([" ".join(tokens)]) if tokens else frozenset()
    return frozenset(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _similar_pairs(sets: Sequence[frozenset[str]], threshold: float) -> set[tuple[int, int]]:
    """Index pairs whose exact Jaccard is ≥ threshold, among the candidates MinHash LSH proposes."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    hashes = []
    for i, s in enumerate(sets):
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch([x.encode("utf-8") for x in s])
        hashes.append(m)
        lsh.insert(i, m)
    pairs = set()
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j > i and jaccard(sets[i], sets[j]) >= threshold:
                pairs.add((i, j))
    return pairs


def near_duplicate_pairs(records: Sequence[PassageRecord]) -> set[tuple[int, int]]:
    """Index pairs (i < j) of near-duplicate passages by the two rules of the module docstring."""
    tokens = [words(r.text) for r in records]
    nums = [numbers(r.text) for r in records]
    out = set()
    for i, j in _similar_pairs([shingles(t, 5) for t in tokens], PASSAGE_JACCARD):
        small, large = (i, j) if len(tokens[i]) <= len(tokens[j]) else (j, i)
        if nums[small] <= nums[large]:
            out.add((i, j))
    sentences: list[tuple[int, frozenset[str], frozenset[str]]] = []  # (passage, 3-shingles, numbers)
    for p, r in enumerate(records):
        for s in _SENTENCE.split(r.text):
            w = words(s)
            if len(w) >= MIN_SENTENCE_WORDS:
                sentences.append((p, shingles(w, 3), numbers(s)))
    copies: dict[int, set[int]] = defaultdict(set)
    matched = []
    for a, b in _similar_pairs([s for _, s, _ in sentences], SENTENCE_JACCARD):
        (pa, _, na), (pb, _, nb) = sentences[a], sentences[b]
        if pa != pb and na == nb:
            copies[a].add(pb)
            copies[b].add(pa)
            matched.append((a, b))
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for a, b in matched:
        if len(copies[a]) >= BOILERPLATE_PASSAGES or len(copies[b]) >= BOILERPLATE_PASSAGES:
            continue
        pa, pb = sentences[a][0], sentences[b][0]
        if records[pa].doc_key != records[pb].doc_key:
            shared[(min(pa, pb), max(pa, pb))] += 1
    out |= {pair for pair, n in shared.items() if n >= MIN_SHARED_SENTENCES}
    return out


def original_order(documents: Mapping[str, Any]) -> Callable[[PassageRecord], tuple]:
    """Sort key putting the original first: primary agreement, earliest date, document key, position.

    ``documents`` maps source key → an object with ``is_agreement`` and ``year``
    (:class:`search.factgraph.DocumentInfo`); unknown documents sort after known ones.
    """
    def key(r: PassageRecord) -> tuple:
        d = documents.get(r.doc_key)
        return (0 if d is not None and d.is_agreement else 1, d.year if d is not None else 9999, r.doc_key, r.raw_start)

    return key


@dataclass(frozen=True)
class PassageGroups:
    """Near-duplicate groups of one index version: each a tuple of passage IRIs, original first."""

    groups: tuple[tuple[str, ...], ...] = ()
    group_of: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, groups: Iterable[Sequence[str]]) -> PassageGroups:
        gs = tuple(tuple(g) for g in groups if len(g) > 1)
        return cls(gs, {iri: n for n, g in enumerate(gs) for iri in g})

    def members(self, iri: str) -> tuple[str, ...]:
        """The passage's group, original first (just the passage itself when it has no copies)."""
        n = self.group_of.get(iri)
        return self.groups[n] if n is not None else (iri,)


def build_groups(records: Sequence[PassageRecord], documents: Mapping[str, Any]) -> PassageGroups:
    """Connected components of the near-duplicate relation, each ordered original first."""
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in near_duplicate_pairs(records):
        parent[find(i)] = find(j)
    components: dict[int, list[PassageRecord]] = defaultdict(list)
    for i, r in enumerate(records):
        components[find(i)].append(r)
    order = original_order(documents)
    return PassageGroups.of([r.iri for r in sorted(c, key=order)] for c in components.values() if len(c) > 1)


def groups_sidecar(records: Sequence[PassageRecord], documents: Mapping[str, Any]) -> Callable[[Path], None]:
    """Compute the groups now; return the writer of ``groups.json`` for the index version directory."""
    groups = build_groups(records, documents)

    def write(directory: Path) -> None:
        (directory / GROUPS_FILE).write_text(json.dumps({"groups": [list(g) for g in groups.groups]}, ensure_ascii=False), "utf-8")

    return write


def load_groups(directory: Path) -> PassageGroups:
    try:
        data = json.loads((directory / GROUPS_FILE).read_text("utf-8"))
    except FileNotFoundError:
        return PassageGroups()
    return PassageGroups.of(data["groups"])


def passage_groups(index) -> PassageGroups:
    """The open index's groups (loaded once); empty for an index built without them."""
    if not hasattr(index, "sidecar"):
        return PassageGroups()
    return index.sidecar("groups", load_groups)


@dataclass
class GroupedHit:
    """One result of grouped search: the leading passage, its rank, and the group's other passages."""

    rank: int
    lead: PassageRecord
    hits: list[Any]  # the retrieved members (search.index.Hit), best first
    also_in: list[PassageRecord]  # every other member of the group, original first

    @property
    def records(self) -> list[PassageRecord]:
        """The group's own passages: the lead, then those listed under "also in"."""
        return [self.lead, *self.also_in]


def group_hits(hits: Sequence[Any], groups: PassageGroups, record_of: Callable[[str], PassageRecord | None]) -> list[GroupedHit]:
    """Collapse ranked ``hits`` (best first, each with ``.record``) into groups, ranked by their best member.

    The lead is the best-ranked retrieved member from the group's leading (original) document, or
    the original passage itself when no passage of that document was retrieved.
    """
    out: list[GroupedHit] = []
    seen: dict[int, GroupedHit] = {}
    for hit in hits:
        n = groups.group_of.get(hit.record.iri)
        if n is not None and n in seen:
            seen[n].hits.append(hit)
            continue
        members = groups.members(hit.record.iri)
        out.append(GroupedHit(len(out) + 1, hit.record, [hit], []))
        if n is not None:
            seen[n] = out[-1]
    for g in out:
        members = groups.members(g.lead.iri)
        if len(members) == 1:
            continue
        first = record_of(members[0])
        lead_doc = first.doc_key if first is not None else g.lead.doc_key
        retrieved = [h.record for h in g.hits if h.record.doc_key == lead_doc]
        g.lead = retrieved[0] if retrieved else (first or g.lead)
        g.also_in = [r for r in (record_of(m) for m in members) if r is not None and r.iri != g.lead.iri]
    return out
