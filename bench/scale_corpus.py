"""A scale corpus: N× the corpus, made by recombining and perturbing its passages and amounts.

Copy 0 is the corpus itself (same file names, same bytes). Every further copy ``c`` holds one new
variant of each corpus document, built with a random generator seeded by (seed, c, document):

* **recombine**: neighbouring paragraphs (blocks between blank lines, at least ``MIN_UNIQUE_BLOCK``
  characters) change places now and then, and about one in ten is replaced by a paragraph of
  another corpus document;
* **perturb amounts**: every amount ("12,5 mio. kr.", "600 mio. kr.", "25 pct.", "1.200 kr.") and
  every decimal table figure ("3,0  113,3  150,0") is scaled by a random factor in [0.6, 1.6] and
  written back in the Danish form it had (same number of decimals, thousands points), so the
  extractors see new values (whole-number table cells stay as they were);
* **perturb names**: the five regions are permuted per copy ("Region Hovedstaden" becomes
  "Region Syddanmark" …), and the manifest title says which variant it is.

Nothing is a byte-for-byte duplicate: a document whose bytes were seen already is drawn again with
another seed, and long blocks (>= ``MIN_UNIQUE_BLOCK`` characters) that repeat a block seen before
get their sentences rotated (or, with one sentence, two neighbouring words swapped). The output directory gets a ``MANIFEST.tsv`` like the corpus's.

    .venv/bin/python bench/scale_corpus.py --factor 10 --out /tmp/corpus-10x
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIN_UNIQUE_BLOCK = 200
REGIONS = ("Region Hovedstaden", "Region Sjælland", "Region Syddanmark", "Region Midtjylland", "Region Nordjylland")
BLOCK_SPLIT = re.compile(r"(\n[ \t\u00a0]*\n(?:[ \t\u00a0]*\n)*)")
# a Danish number (thousands points, decimal comma) followed by a money / percent unit
AMOUNT = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(\s*)(mio\.\s*kr\.|mia\.\s*kr\.|mio\.|mia\.|kr\.|pct\.|%|procent)"
)
# a table figure: a decimal number standing alone ("3,0  113,3  150,0"), as budget tables print amounts
FIGURE = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+),(\d+)(?![\d,]|\s*(?:mio|mia|kr|pct|%|procent))")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])")


@dataclass
class ScaleStats:
    documents: int = 0
    bytes: int = 0
    amounts_changed: int = 0
    blocks: int = 0
    blocks_replaced: int = 0
    blocks_rotated: int = 0
    long_blocks_repeated: int = 0  # long blocks that stayed equal to one seen before (no sentence to rotate)
    redraws: int = 0
    files: list[str] = field(default_factory=list)


def danish(value: float, decimals: int, thousands: bool) -> str:
    text = f"{value:,.{decimals}f}"  # 1,234.5
    text = text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    return text if thousands else text.replace(".", "")


def perturb_amounts(text: str, rng: random.Random, stats: ScaleStats) -> str:
    def scale(m: re.Match) -> str:
        whole, frac, space, unit = m.group(1), m.group(2), m.group(3), m.group(4)
        value = float(whole.replace(".", "") + ("." + frac if frac else ""))
        if 1990 <= value <= 2040 and not frac:  # a year before "kr." is rare, but leave it alone
            return m.group(0)
        new = value * rng.uniform(0.6, 1.6)
        decimals = len(frac) if frac else 0
        if unit in ("pct.", "%", "procent"):
            new = min(new, 100.0)
        out = danish(new, decimals, "." in whole)
        if out == (whole + ("," + frac if frac else "")):
            out = danish(value + 1, decimals, "." in whole)
        stats.amounts_changed += 1
        return f"{out}{space}{unit}"

    def scale_figure(m: re.Match) -> str:
        whole, frac = m.group(1), m.group(2)
        value = float(whole.replace(".", "") + "." + frac)
        stats.amounts_changed += 1
        out = danish(value * rng.uniform(0.6, 1.6), len(frac), "." in whole)
        return out if out != m.group(0) else danish(value + 1, len(frac), "." in whole)

    return FIGURE.sub(scale_figure, AMOUNT.sub(scale, text))


def swap_regions(text: str, permutation: dict[str, str]) -> str:
    pattern = re.compile("|".join(re.escape(r) for r in REGIONS))
    return pattern.sub(lambda m: permutation[m.group(0)], text)


def rotate_sentences(block: str, rng: random.Random) -> str | None:
    parts = SENTENCE_END.split(block.strip())
    if len(parts) < 2:
        return None
    k = rng.randrange(1, len(parts))
    return " ".join(parts[k:] + parts[:k])


def swap_words(block: str, rng: random.Random) -> str:
    words = block.split(" ")
    if len(words) < 3:
        return block
    i = rng.randrange(len(words) - 1)
    words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def variant(text: str, others: list[list[str]], rng: random.Random, permutation: dict[str, str],
            seen_blocks: set[str], stats: ScaleStats) -> str:
    pieces = BLOCK_SPLIT.split(text)
    blocks, seps = pieces[0::2], pieces[1::2]
    # recombine: shuffle within windows of three, borrow ~10 % of the prose blocks from other documents
    for i in range(len(blocks) - 1):  # swap neighbouring paragraphs (not wrapped lines of one paragraph)
        if len(blocks[i]) >= MIN_UNIQUE_BLOCK and len(blocks[i + 1]) >= MIN_UNIQUE_BLOCK and rng.random() < 0.3:
            blocks[i], blocks[i + 1] = blocks[i + 1], blocks[i]
    for i, block in enumerate(blocks):
        if len(block) >= MIN_UNIQUE_BLOCK and others and rng.random() < 0.1:
            donor = rng.choice(others)
            candidates = [b for b in donor if len(b) >= MIN_UNIQUE_BLOCK]
            if candidates:
                blocks[i] = rng.choice(candidates)
                stats.blocks_replaced += 1
    out_blocks = []
    for block in blocks:
        block = swap_regions(perturb_amounts(block, rng, stats), permutation)
        if len(block) >= MIN_UNIQUE_BLOCK:
            digest = hashlib.sha1(block.encode()).hexdigest()
            if digest in seen_blocks:
                stats.blocks_rotated += 1
                for attempt in range(8):  # rotate once, then swap word pairs until it is new
                    block = (rotate_sentences(block, rng) if attempt == 0 else None) or swap_words(block, rng)
                    digest = hashlib.sha1(block.encode()).hexdigest()
                    if digest not in seen_blocks:
                        break
                if digest in seen_blocks:
                    stats.long_blocks_repeated += 1
            seen_blocks.add(digest)
        out_blocks.append(block)
        stats.blocks += 1
    seps = seps + [""] * (len(out_blocks) - len(seps))
    return "".join(b + s for b, s in zip(out_blocks, seps))


def make_scale_corpus(corpus: Path, factor: int, out: Path, seed: int = 1) -> ScaleStats:
    """Write ``factor`` × the documents of ``corpus`` into ``out`` (with a MANIFEST.tsv); return counts."""
    from ingest.readers import MANIFEST_NAME, read_manifest

    if factor < 1:
        raise ValueError("factor must be at least 1")
    out.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(corpus)
    files = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")
    texts = {p.name: p.read_text(encoding="utf-8") for p in files}
    blocks = {name: BLOCK_SPLIT.split(text)[0::2] for name, text in texts.items()}
    stats = ScaleStats()
    seen_docs: set[str] = set()
    seen_blocks: set[str] = set()
    for text in texts.values():  # copy 0's long blocks count as seen
        seen_blocks.update(hashlib.sha1(b.encode()).hexdigest() for b in BLOCK_SPLIT.split(text)[0::2] if len(b) >= MIN_UNIQUE_BLOCK)
    rows: list[dict[str, str]] = []
    fields = ["file", "title", "publisher", "kind", "date_hint"]
    for copy in range(factor):
        order = list(REGIONS)
        random.Random(f"{seed}-{copy}-regions").shuffle(order)
        permutation = dict(zip(REGIONS, order)) if copy else {r: r for r in REGIONS}
        for path in files:
            name = path.name if copy == 0 else f"{path.stem}_v{copy:03d}.txt"
            meta = dict(manifest.get(path.name, {}))
            if copy == 0:
                text = texts[path.name]
            else:
                others = [b for n, b in blocks.items() if n != path.name]
                for attempt in range(5):
                    rng = random.Random(f"{seed}-{copy}-{path.name}-{attempt}")
                    text = variant(texts[path.name], others, rng, permutation, seen_blocks, stats)
                    if hashlib.sha256(text.encode()).hexdigest() not in seen_docs:
                        break
                    stats.redraws += 1
                meta["title"] = f"{swap_regions(meta.get('title', path.stem), permutation)} (variant {copy})"
                meta["publisher"] = swap_regions(meta.get("publisher", ""), permutation)
            digest = hashlib.sha256(text.encode()).hexdigest()
            if digest in seen_docs:
                raise RuntimeError(f"{name}: could not draw a variant unlike every earlier document")
            seen_docs.add(digest)
            (out / name).write_text(text, encoding="utf-8")
            rows.append({"file": name, **{k: meta.get(k, "") for k in fields[1:]}})
            stats.documents += 1
            stats.bytes += len(text.encode())
            stats.files.append(name)
    with (out / MANIFEST_NAME).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    stats = make_scale_corpus(args.corpus, args.factor, args.out, args.seed)
    print(f"{stats.documents} documents, {stats.bytes / 1e6:.1f} MB, {stats.amounts_changed} amounts changed, "
          f"{stats.blocks_replaced} blocks borrowed, {stats.blocks_rotated} rotated, {stats.long_blocks_repeated} "
          f"long blocks repeated, {stats.redraws} redraws → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
