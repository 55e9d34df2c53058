"""Money on text nobody here wrote: every fault kind of issue 14, read back from a real graph.

All texts in ``tests/ingest/cases/`` are ingested together, once, by the real command line
(``python -m kgcli ingest --no-index``) into a real Oxigraph store; the facts are then read back from
the store with SPARQL and compared with the exact facts each text states: the value in whole DKK
with its sign, the year, the unit and price level of table cells, and the uncertainty flags
(``kg:parseFlag``, whose ``skos:notation`` is e.g. ``unit-far-away``). Every money fact of a case
document must be expected: a fact the text does not state (a 0 kr. from a cut group, a header read
as 1 000 kr., a sum counted beside its parts) fails the test as much as a missing one.

The texts are short Danish texts written for these tests, with other words and numbers than the
issue's examples. ``damage_3.txt`` and ``damage_4.txt`` were written in Danish and then damaged the
way a file is damaged when UTF-8 is read as Windows-1252 and saved again
(``text.encode("utf-8").decode("cp1252")``); ``damage_1.txt`` has soft hyphens (U+00AD) at line
ends and ``damage_2.txt`` Latin ligatures (U+FB00–FB04).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "cases"
M = 1_000_000


@dataclass(frozen=True)
class F:
    """One expected money fact: whole DKK with sign, year, and (for table cells) unit and price level."""

    value: int
    year: int | None
    flags: frozenset[str] = frozenset()
    unit: str | None = None  # compared (case-insensitively) when given
    price_level: str | None = None  # always compared: None means the fact has no price level


def cells(rows: list[list[float]], years: list[int], factor: int, unit: str, price_level: str | None = None,
          flags: frozenset[str] = frozenset()) -> list[F]:
    """The facts of a table: one per cell, ``factor`` DKK per printed unit."""
    return [F(round(v * factor), y, flags, unit, price_level) for row in rows for v, y in zip(row, years)]


GUESSED = frozenset({"unit-from-header-guessed"})
FAR = frozenset({"unit-far-away"})
SIGN = frozenset({"sign-unplaced"})
CUT = frozenset({"cut-group"})

# kind → case files; every kind of issue 14 has at least three texts
KINDS: dict[str, list[str]] = {
    "1 negative amounts": ["negative_1.txt", "negative_2.txt", "negative_3.txt", "negative_4.txt", "negative_5.txt"],
    "2 thousands grouped by spaces": ["spaces_1.txt", "spaces_2.txt", "spaces_3.txt"],
    "3 fractions and ',-'": ["fractions_1.txt", "fractions_2.txt", "fractions_3.txt", "fractions_4.txt"],
    "4 currency spellings": ["currency_1.txt", "currency_2.txt", "currency_3.txt", "currency_4.txt"],
    "5 sums written with '+'": ["plus_1.txt", "plus_2.txt", "plus_3.txt", "plus_4.txt"],
    "6 numbers in words": ["words_1.txt", "words_2.txt", "words_3.txt", "words_4.txt"],
    "7 units in table headers": ["headers_1.txt", "headers_2.txt", "headers_3.txt", "headers_4.txt", "headers_5.txt",
                                 "headers_6.txt"],
    "8 text damage": ["damage_1.txt", "damage_2.txt", "damage_3.txt", "damage_4.txt"],
    "uncertainty flags": ["flags_1.txt", "flags_2.txt", "flags_3.txt", "flags_4.txt", "flags_5.txt"],
}

EXPECTED: dict[str, list[F]] = {
    # 1. negative amounts: "-", "−" (U+2212), "÷" attached or spaced, "minus"; negative table cells
    "negative_1.txt": [F(-3_800_000, 2027), F(1_200_000, 2027), F(-450_000, 2028)],
    "negative_2.txt": [F(-700_000, 2024), F(2_300_000, 2024), F(-1_150_000, 2025)],
    "negative_3.txt": cells([[4.0, 4.0, 4.0], [-1.5, -2.0, -2.5], [-0.5, -0.5, -0.5], [2.0, 1.5, 1.0]],
                            [2025, 2026, 2027], M, "mio. kr.", "2025-pl"),
    "negative_4.txt": [F(-2_600_000, 2024)] + cells(
        [[900, 950], [-250, -260], [-1100, -1140], [-450, -450]], [2024, 2025], 1000, "1.000 kr."),
    "negative_5.txt": [F(-2_700_000, 2027), F(-350_000, 2025), F(-120_000, 2026)],
    # 2. thousands grouped by U+00A0, U+202F, U+2009, U+2007, U+2008, U+200A and the plain space
    "spaces_1.txt": [F(1_750_000, 2026), F(240_000, 2027)],
    "spaces_2.txt": [F(312_500, 2025), F(87_250, 2026), F(1_045_000, 2027)],
    "spaces_3.txt": [F(4_125_000, 2025), F(0, 2025), F(2_600_000, 2026), F(980_000, 2027)],
    # 3. fractions and the whole-kroner mark ",-" / ",–" before or after the unit
    "fractions_1.txt": [F(2_500_000, 2025), F(1_250_000, 2026), F(4_750_000, 2027)],
    "fractions_2.txt": [F(750_000, 2025), F(820_000, 2026)],
    "fractions_3.txt": [F(500_000_000, 2024), F(425_000, 2025), F(95_000, 2026), F(60_000, 2027)],
    "fractions_4.txt": [F(45_000, 2025), F(47_500, 2026)],  # ",-" alone says whole kroner
    # 4. currency spellings before and after the number
    "currency_1.txt": [F(6_400_000, 2025), F(1_900_000, 2026), F(75_000, 2025)],
    "currency_2.txt": [F(3_250_000, 2025), F(2_750_000, 2026), F(640_000, 2027), F(410_000, 2028)],
    "currency_3.txt": [F(35_000, 2025), F(120_000, 2026), F(2_000_000, 2025), F(4_200_000, 2026),
                       F(1_100_000_000, 2027), F(3_000_000_000, 2028), F(8_000_000, 2029)],
    "currency_4.txt": [F(18_500, 2025), F(1_300_000, 2026), F(900_000_000, 2027)],
    # 5. sums written with "+": the parts are the facts (and no unmarked sum beside them)
    "plus_1.txt": [F(12_000_000, 2026), F(4_000_000, 2026)],
    "plus_2.txt": [F(2_500_000, 2025), F(1_500_000, 2025)],
    "plus_3.txt": [F(300_000, 2027), F(150_000, 2027), F(7_000_000, 2028), F(3_000_000, 2028), F(2_000_000, 2028)],
    # "10 + 2 = 12 mio. kr.": the 12 is stored too, as a total of the parts (see SUMS)
    "plus_4.txt": [F(10_000_000, 2025), F(2_000_000, 2025), F(12_000_000, 2025), F(6_000_000, 2026), F(1_000_000, 2026)],
    # 6. numbers in words, inflected and compound
    "words_1.txt": [F(4_000_000, 2025), F(250_000_000, 2026), F(1_500_000, 2027)],
    "words_2.txt": [F(3_500_000, 2025), F(2_800_000, 2026), F(11_000_000, 2027)],
    "words_3.txt": [F(25_000, 2025), F(200_000, 2026), F(650_000_000, 2027)],
    "words_4.txt": [F(1_000_000_000, 2025), F(12_500_000, 2026), F(750_000, 2027), F(2_500_000, 2028)],
    # 7. units and price levels in table headers
    "headers_1.txt": cells([[450, 475, 500], [120, 120, 120], [570, 595, 620]], [2025, 2026, 2027], 1000, "1.000 kr."),
    "headers_2.txt": cells([[1.8, 1.9, 2.0], [6.2, 6.4, 6.6], [8.0, 8.3, 8.6]], [2024, 2025, 2026], M,
                           "mio. kr.", "løbende priser"),
    "headers_3.txt": cells([[3.0, 3.0, 3.0], [2.5, 2.5, 2.5], [5.5, 5.5, 5.5]], [2025, 2026, 2027], M,
                           "mio. kr.", "2024-pl"),
    "headers_4.txt": cells([[2400, 2450], [5100, 5200], [7500, 7650]], [2026, 2027], 1000, "1000 kr.", "2026-pl"),
    # "Beløb i kr." (whole kroner); a years line under a title "(mio. kr., 2026-pl)": a guess, flagged
    "headers_5.txt": cells([[18_000, 18_500], [6_500, 6_000], [24_500, 24_500]], [2025, 2026], 1, "kr.")
    + cells([[0.9, 1.0]], [2026, 2027], M, "mio. kr.", "2026-pl", GUESSED),
    # "(1.000 kr.)" on a line of its own over the years; "2025 2026 (mio. kr., 25-pl)": no guesses
    "headers_6.txt": cells([[640, 660], [360, 340], [1000, 1000]], [2025, 2026], 1000, "1.000 kr.")
    + cells([[0.6, 0.6]], [2025, 2026], M, "mio. kr.", "2025-pl"),
    # 8. text damage: soft hyphens, ligatures, mojibake
    "damage_1.txt": [F(1_600_000, 2025)],
    "damage_2.txt": [F(9_500_000, 2026), F(400_000, 2027)],
    "damage_3.txt": [F(2_200_000, 2026), F(3_500_000, 2027), F(2_500_000, 2028)],
    "damage_4.txt": [F(1_750_000, 2025), F(600_000, 2026)],
    # no silent wrong numbers: what the parser is unsure of is flagged
    "flags_1.txt": [F(3_500_000, 2025, FAR), F(4_000_000, 2026, FAR)],
    "flags_2.txt": [F(-1_100_000, 2024, SIGN), F(-400_000, 2025, SIGN)],
    "flags_3.txt": [F(1_250_000, 2025, CUT), F(75_000, 2026, CUT)],
    "flags_4.txt": cells([[1.2, 1.4, 1.6], [0.8, 0.8, 0.8], [2.0, 2.2, 2.4]], [2025, 2026, 2027], M,
                         "mio. kr.", None, GUESSED),
    "flags_5.txt": [F(-300_000, 2025, SIGN), F(32_500, 2026, CUT)],
}

# tables whose parts (negative rows included) add up to their stated total: years reconciled
BALANCED_TABLES = {"negative_3.txt": 3, "negative_4.txt": 2, "headers_1.txt": 3, "headers_2.txt": 3,
                   "headers_3.txt": 3, "headers_4.txt": 2, "headers_5.txt": 2, "headers_6.txt": 2, "flags_4.txt": 3,
                   "plus_4.txt": 1}  # a written sum is reconciled with its parts too

# repaired words that search must find, and the damaged forms that must be gone
REPAIRED_WORDS = {
    "damage_1.txt": (["efteruddannelsen", "kompetenceudvikling"], ["efter uddannelsen", "\u00ad"]),
    "damage_2.txt": (["finansloven", "flere psykologer", "Effekten"], ["ﬁ", "ﬂ", "ﬀ"]),
    "damage_3.txt": (["Økonomiudvalget", "børne- og ungdomspsykiatrien", "Århus-projektet", "3½ mio. kr."],
                     ["Ã", "Â", "â€"]),
    "damage_4.txt": (["»Plan for en bedre psykiatri«", "ældre borgere", "pårørende"], ["Ã", "Â"]),
}
REPAIR_WORDS = {"damage_1.txt": "soft hyphen", "damage_2.txt": "ligature", "damage_3.txt": "mojibake",
                "damage_4.txt": "mojibake"}


@dataclass
class Ingested:
    data_dir: Path
    stdout: str
    stderr: str
    facts: dict[str, list[dict]] = field(default_factory=dict)


def kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kgcli", *args], capture_output=True, text=True, cwd=ROOT, timeout=600,
                          check=False)


def sparql(data_dir: Path, query: str) -> list[dict]:
    """Rows of a SELECT over the union of the store's graphs, read-only, as {variable: python value}."""
    import pyoxigraph as ox

    from kg.namespace import sparql_prologue

    store = ox.Store.read_only(str(data_dir / "graph"))
    try:
        result = store.query(sparql_prologue() + query, use_default_graph_as_union=True)
        names = [v.value for v in result.variables]
        return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]
    finally:
        del store


FACTS = """
SELECT ?key ?f ?value ?year ?unit ?pl ?raw ?uncertain (GROUP_CONCAT(?flag; separator=" ") AS ?flags) WHERE {
  ?f a kg:MoneyAmount ; kg:value ?value ; kg:rawText ?raw ; kg:inDocument/kg:sourceKey ?key .
  OPTIONAL { ?f kg:year ?year } OPTIONAL { ?f kg:unitText ?unit } OPTIONAL { ?f kg:priceLevel ?pl }
  OPTIONAL { ?f kg:uncertain ?uncertain }
  OPTIONAL { ?f kg:parseFlag/skos:notation ?flag }
} GROUP BY ?key ?f ?value ?year ?unit ?pl ?raw ?uncertain"""


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> Ingested:
    """All case texts in one real ingest; the money facts read back per document."""
    data = tmp_path_factory.mktemp("cases") / "data"
    done = kg("ingest", "--no-index", "--data-dir", str(data), str(CASES))
    assert done.returncode == 0, done.stderr
    out = Ingested(data, done.stdout, done.stderr)
    for row in sparql(data, FACTS):
        out.facts.setdefault(row["key"], []).append(row)
    return out


def _missing_and_extra(expected: list[F], actual: list[dict]) -> tuple[list[F], list[dict]]:
    left = list(actual)
    missing = []
    for e in expected:
        match = next((a for a in left if _same(e, a)), None)
        if match is None:
            missing.append(e)
        else:
            left.remove(match)
    return missing, left


def _same(e: F, a: dict) -> bool:
    flags = frozenset((a["flags"] or "").split())
    year = int(a["year"]) if a["year"] is not None else None
    unit_ok = e.unit is None or (a["unit"] or "").lower() == e.unit.lower()
    return (int(float(a["value"])) == e.value and year == e.year and flags == e.flags and unit_ok
            and a["pl"] == e.price_level)


def _show(a: dict) -> str:
    return f"{a['raw']!r}={a['value']} year={a['year']} unit={a['unit']!r} pl={a['pl']!r} flags={a['flags']!r}"


def test_every_kind_has_three_texts():
    on_disk = sorted(p.name for p in CASES.glob("*.txt"))
    assert on_disk == sorted(EXPECTED)
    assert sorted(n for names in KINDS.values() for n in names) == on_disk
    assert all(len(names) >= 3 for names in KINDS.values())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exact_money_facts(ingested, name):
    """The document's money facts are exactly the expected ones: value with sign, year, unit, price level, flags."""
    actual = ingested.facts.get(name, [])
    missing, extra = _missing_and_extra(EXPECTED[name], actual)
    assert not missing and not extra, (
        f"{name}: missing {missing}; not expected {[_show(a) for a in extra]}; "
        f"all found {[_show(a) for a in actual]}")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_uncertain_iff_flagged(ingested, name):
    """``kg:uncertain`` is on every money fact: true exactly when the fact has a parse flag."""
    for a in ingested.facts.get(name, []):
        assert a["uncertain"] in ("true", "false"), _show(a)
        assert (a["uncertain"] == "true") == bool((a["flags"] or "").strip()), _show(a)


def test_no_zero_unless_the_text_says_zero(ingested):
    zeros = [(k, a) for k, facts in ingested.facts.items() for a in facts if float(a["value"]) == 0]
    assert [k for k, _ in zeros] == ["spaces_3.txt"]  # "egenbetalingen er 0 kr."
    for _, a in zeros:
        assert re.match(r"0(?:,0+)?(?![\d\s.,]*\d)", a["raw"]), _show(a)


@pytest.mark.parametrize("name", sorted(BALANCED_TABLES))
def test_tables_that_add_up_reconcile_as_balanced(ingested, name):
    rows = sparql(ingested.data_dir, f"""
        SELECT ?r ?year ?status ?stated ?computed WHERE {{
          ?r a kg:Reconciliation ; kg:inDocument/kg:sourceKey "{name}" ;
             kg:reconciliationStatus/skos:notation ?status ; kg:statedTotal ?stated ; kg:computedTotal ?computed .
          OPTIONAL {{ ?r kg:year ?year }}
        }} ORDER BY ?year""")
    assert len(rows) == BALANCED_TABLES[name], rows
    assert {r["status"] for r in rows} == {"balanced"}, rows
    assert all(r["stated"] == r["computed"] for r in rows), rows


def test_a_written_sum_is_a_total_of_its_parts_and_no_sum_counts_it_twice(ingested):
    rows = sparql(ingested.data_dir, """
        SELECT ?total ?kind (GROUP_CONCAT(STR(?part); separator=" ") AS ?parts) WHERE {
          ?r kg:reconciles ?t ; kg:summand ?p ; kg:inDocument/kg:sourceKey "plus_4.txt" .
          ?t kg:value ?total ; kg:amountKind/skos:notation ?kind . ?p kg:value ?part .
        } GROUP BY ?total ?kind""")
    assert [(float(r["total"]), r["kind"], sorted(float(v) for v in r["parts"].split())) for r in rows] == [
        (12_000_000.0, "total", [2_000_000.0, 10_000_000.0])]
    # the sum of allocations (what a SUM over the money views counts) is that of the parts only
    allocated = sparql(ingested.data_dir, """
        SELECT (SUM(?v) AS ?sum) WHERE { ?f a kg:MoneyAmount ; kg:value ?v ; kg:year 2025 ;
          kg:amountKind kg:Allocated ; kg:inDocument/kg:sourceKey "plus_4.txt" }""")
    assert float(allocated[0]["sum"]) == 12_000_000.0


@pytest.mark.parametrize("name", sorted(REPAIRED_WORDS))
def test_damaged_text_is_repaired_in_the_passages(ingested, name):
    rows = sparql(ingested.data_dir, f"""
        SELECT ?text WHERE {{ ?p a kg:Passage ; kg:text ?text ; kg:inDocument/kg:sourceKey "{name}" }}""")
    text = " ".join(r["text"] for r in rows)
    present, absent = REPAIRED_WORDS[name]
    for word in present:
        assert word in text, (word, text)
    for damage in absent:
        assert damage not in text, (damage, text)


def test_the_amounts_sentence_is_not_cut_by_mojibake(ingested):
    quotes = sparql(ingested.data_dir, """
        SELECT ?quote WHERE { ?f a kg:MoneyAmount ; kg:value ?v ; kg:text ?quote ;
                              kg:inDocument/kg:sourceKey "damage_3.txt" . FILTER(?v = 2200000) }""")
    assert [q["quote"] for q in quotes] == [
        "Økonomiudvalget besluttede at give 2,2 mio. kr. til børne- og ungdomspsykiatrien i 2026."]


def test_ingest_reports_which_files_were_repaired_and_how(ingested):
    lines = (ingested.stdout + ingested.stderr).splitlines()
    for name, how in REPAIR_WORDS.items():
        said = [ln for ln in lines if name in ln and "repaired" in ln]
        assert said and how in said[0].lower(), (name, lines)
    for name in ("damage_3.txt", "damage_4.txt"):
        assert "ftfy" in next(ln for ln in lines if name in ln and "repaired" in ln)
    undamaged = [n for n in EXPECTED if n not in REPAIR_WORDS]
    assert not [ln for ln in lines if "repaired" in ln and any(n in ln for n in undamaged)]
    # the graph keeps it too, on the document's ingest run
    rows = sparql(ingested.data_dir, """
        SELECT ?key ?how WHERE { ?d kg:sourceKey ?key ; prov:wasGeneratedBy ?run . ?run kg:textRepair ?how }""")
    repaired = {r["key"] for r in rows}
    assert repaired == set(REPAIR_WORDS)


def test_ingest_prints_flagged_facts_per_document(ingested):
    lines = (ingested.stdout + ingested.stderr).splitlines()
    for name, facts in EXPECTED.items():
        flagged = Counter(flag for f in facts for flag in f.flags)
        said = [ln for ln in lines if name in ln and "flagged" in ln]
        if not flagged:
            assert not said, (name, said)
            continue
        assert len(said) == 1, (name, lines)
        assert f"{sum(flagged.values())} facts flagged" in said[0], said
        for flag, n in flagged.items():
            assert f"{flag}: {n}" in said[0], said


def test_kg_check_lists_flagged_facts_as_notes(ingested):
    done = kg("check", "--data-dir", str(ingested.data_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    flagged_lines = [ln for ln in done.stdout.splitlines() if ln.startswith("flagged")]
    expected = sum(len(f.flags) > 0 for facts in EXPECTED.values() for f in facts)
    assert len(flagged_lines) == expected, done.stdout
    for name, facts in EXPECTED.items():
        for flag in {fl for f in facts for fl in f.flags}:
            assert any(name in ln and flag in ln and "[note]" in ln for ln in flagged_lines), (name, flag, done.stdout)
