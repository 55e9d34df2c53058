"""Fact sentences embedded at index time, so a question is compared with each fact's own sentence.

A passage of 100-250 words holds several amounts; the question "how much does the Capital Region get
each year from 2025 for X" matches one *sentence* of it. At index time every figure of the graph
(``kg:MoneyAmount``, ``kg:StaffFigure``, ``kg:PercentFigure``) is embedded as a passage of the form
``"<initiative label>: <the fact's sentence (kg:text)>"`` (the label is left out when the sentence
already names it). The label stands in for "til initiativet" and similar anaphora; on the fit half
of the questions it raised the gold fact's rank by sentence similarity alone from top-1 0.56/0.31
(da/en) to 0.69/0.50 (see the issue-18 commit notes). Sentences shared by several facts (one table
row, one sentence with several amounts) are embedded once, through the embedding cache.

On disk, in the index version directory (written by :func:`fact_sidecar` before the version goes
live): ``facts.jsonl`` (line i: ``{"iri", "hash", "measure", "passage", "initiative_label",
"label_row"}``) and ``facts.npy`` (row i: the float32, L2-normalised vector of fact i; then one row
per distinct initiative label, which ``label_row`` points to). A request then costs one
matrix-vector product; the question is the only text encoded.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kg.sparql_build import V
from kg.store import GraphStore
from search.cache import EmbeddingCache, embed
from search.records import Encoder, text_hash

FACT_TEXTS_QUERY = f"""
SELECT ?f (SAMPLE(?c) AS ?cls) (SAMPLE(?q) AS ?quote) (MIN(?il) AS ?initLabel) (MIN(STR(?p)) AS ?passage) WHERE {{
  ?f a ?c ; {V.value} ?value .
  FILTER(?c IN ({V.MoneyAmount}, {V.StaffFigure}, {V.PercentFigure}))
  OPTIONAL {{ ?f {V.text} ?q }}
  OPTIONAL {{ ?f {V.forInitiative}/rdfs:label ?il }}
  OPTIONAL {{ ?f prov:wasDerivedFrom ?p . ?p a {V.Passage} }}
}} GROUP BY ?f ORDER BY ?f"""

VECTORS_FILE = "facts.npy"
IDS_FILE = "facts.jsonl"


def fact_text(initiative_label: str | None, quote: str | None) -> str:
    """The text embedded for a fact: ``"<initiative>: <sentence>"``, or the sentence alone.

    >>> fact_text("Styrkelse af Livslinien", "Der afsættes 7,0 mio. kr. årligt fra 2024 og frem til initiativet.")
    'Styrkelse af Livslinien: Der afsættes 7,0 mio. kr. årligt fra 2024 og frem til initiativet.'
    """
    quote = " ".join((quote or "").split())
    label = " ".join((initiative_label or "").split())
    if label and label[:30].lower() not in quote.lower():
        return f"{label}: {quote}" if quote else label
    return quote


@dataclass(frozen=True)
class FactText:
    """One figure as the index keeps it: IRI, class, passage, initiative label and embedded text."""

    iri: str
    measure: str  # MoneyAmount | StaffFigure | PercentFigure
    passage: str | None
    initiative_label: str | None
    text: str


def fact_texts(store: GraphStore) -> list[FactText]:
    """Every ingested figure (graphs put here by ``kg load`` are left out) with the text embedded for it, ordered by IRI."""
    out = []
    for row in store.query(FACT_TEXTS_QUERY, dataset=store.ingested_dataset()):
        label = str(row.initLabel) if row.initLabel is not None else None
        text = fact_text(label, str(row.quote) if row.quote is not None else None)
        if text:
            out.append(FactText(str(row.f), str(row.cls).rsplit("#", 1)[-1], str(row.passage) if row.passage else None, label, text))
    return out


def fact_sidecar(store: GraphStore, encoder: Encoder, data_dir: Path | str, batch_size: int = 16) -> Callable[[Path], None]:
    """Embed every fact's text and every initiative label now (through the embedding cache) and
    return the writer of their files."""
    facts = fact_texts(store)
    labels = sorted({f.initiative_label for f in facts if f.initiative_label})
    texts = [f.text for f in facts] + labels
    hashes = [text_hash(t) for t in texts]
    cache = EmbeddingCache(Path(data_dir) / "cache" / "embeddings.sqlite", encoder.fingerprint, encoder.dim)
    try:
        vectors = embed(texts, hashes, encoder, cache, batch_size)  # identical texts are encoded once
    finally:
        cache.close()
    row_of = {label: len(facts) + i for i, label in enumerate(labels)}

    def write(directory: Path) -> None:
        np.save(directory / VECTORS_FILE, np.asarray(vectors, dtype=np.float32))
        with (directory / IDS_FILE).open("w", encoding="utf-8") as fh:
            for f, h in zip(facts, hashes[: len(facts)], strict=True):
                fh.write(json.dumps({"iri": f.iri, "hash": h, "measure": f.measure, "passage": f.passage,
                                     "initiative_label": f.initiative_label,
                                     "label_row": row_of.get(f.initiative_label or "", -1)}, ensure_ascii=False) + "\n")

    return write


@dataclass(frozen=True)
class FactVectors:
    """The fact vectors of one index version: ``iris[i]`` has row ``i`` of ``matrix``; rows after the
    facts are the initiative labels, ``label_rows[i]`` the row of fact i's label (-1: none)."""

    iris: tuple[str, ...]
    matrix: np.ndarray  # (n facts + n labels, dim) float32, rows L2-normalised
    measures: tuple[str, ...] = ()
    passages: tuple[str | None, ...] = ()
    initiative_labels: tuple[str | None, ...] = ()
    label_rows: tuple[int, ...] = ()

    def money_passages(self) -> frozenset[str]:
        """Passages that hold at least one money amount."""
        return frozenset(p for p, m in zip(self.passages, self.measures) if p and m == "MoneyAmount")

    def similarities(self, query_vector: np.ndarray) -> tuple[dict[str, float], dict[str, float]]:
        """Cosine similarity of the (normalised) question vector to every fact's text, and to the
        label of every fact's initiative (facts without an initiative are absent from the second)."""
        if not self.iris:
            return {}, {}
        sims = self.matrix @ query_vector
        text = dict(zip(self.iris, sims[: len(self.iris)].tolist(), strict=True))
        label = {iri: float(sims[r]) for iri, r in zip(self.iris, self.label_rows) if r >= 0}
        return text, label


def load_fact_vectors(directory: Path) -> FactVectors | None:
    """The fact vectors stored in an index version directory; None for an index built without them."""
    try:
        matrix = np.load(directory / VECTORS_FILE)
        with (directory / IDS_FILE).open(encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh]
    except FileNotFoundError:
        return None
    if len(rows) > len(matrix):
        return None
    return FactVectors(tuple(r["iri"] for r in rows), matrix.astype(np.float32, copy=False),
                       tuple(r.get("measure", "MoneyAmount") for r in rows), tuple(r.get("passage") for r in rows),
                       tuple(r.get("initiative_label") for r in rows), tuple(int(r.get("label_row", -1)) for r in rows))


def fact_vectors(index) -> FactVectors | None:
    """The open index's fact vectors (loaded once); None when the index has none (e.g. test indexes)."""
    if not hasattr(index, "sidecar"):
        return None
    return index.sidecar("facts", load_fact_vectors)
