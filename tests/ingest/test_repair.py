"""Repair of extraction damage, on real cases from the corpus and counter-examples."""

from __future__ import annotations

import pytest

from ingest.repair import repair


def fixed(raw: str) -> str:
    return repair(raw).text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Det giver anbefa-\nlinger til regionen.", "Det giver anbefalinger til regionen."),
        # 002: a blank line between the halves
        ("som sætter mere fo-\n\nkus på patientens egne mål", "som sætter mere fokus på patientens egne mål"),
        ("til Kompetencecenter for Reco-\n\nvery (bl.a. mhp.", "til Kompetencecenter for Recovery (bl.a. mhp."),
        ("recovery-mentorer på alle sengeaf-\n\nsnit, 0,9 mio. kr.", "recovery-mentorer på alle sengeafsnit, 0,9 mio. kr."),
    ],
)
def test_dehyphenates_words_broken_across_lines(raw, expected):
    assert fixed(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # real hyphens: suspended compounds stay
        ("Der er også sikret et team i OPUS Young, Børne- \nog Ungdomspsykiatrien.",
         "Der er også sikret et team i OPUS Young, Børne- og Ungdomspsykiatrien."),
        ("en lille del af midlerne til kompetenceopbygning og -\n\nvedligeholdelse. Opnormeringen",
         "en lille del af midlerne til kompetenceopbygning og -vedligeholdelse. Opnormeringen"),
        # an upper-case continuation keeps its hyphen: an abbreviation compound
        ("kapacitetsudvidelser i F-\nACT og OPUS.", "kapacitetsudvidelser i F-ACT og OPUS."),
        # the document writes the compound with a hyphen elsewhere, so the line-end hyphen is real
        ("ansættelse af recovery-mentorer i botilbudsteams, og flere recovery-\n\nmentorer på sengeafsnit.",
         "ansættelse af recovery-mentorer i botilbudsteams, og flere recovery-mentorer på sengeafsnit."),
    ],
)
def test_keeps_real_hyphens(raw, expected):
    assert fixed(raw) == expected


def test_joins_sentences_broken_over_lines_and_keeps_paragraphs():
    raw = (
        "Lettilgængeligt behandlingstilbud til børn og unge i kommunerne (KL) I Region Hovedstaden er der gennem flere år blevet arbejdet \n\n"
        "med STIME, og indsatserne er løbende udvidet til flere \n\n"
        "kommuner.  \n\n \n\n"
        "Implementeringen kræver administrativ understøttelse. \n"
    )
    assert fixed(raw) == (
        "Lettilgængeligt behandlingstilbud til børn og unge i kommunerne (KL) I Region Hovedstaden er der gennem "
        "flere år blevet arbejdet med STIME, og indsatserne er løbende udvidet til flere kommuner.\n\n"
        "Implementeringen kræver administrativ understøttelse."
    )


def test_table_rows_stay_on_their_own_lines():
    raw = (
        "Mio. kr., 2024-pl 2024 2025 2026 2027 2028 2029 2030 \n\n"
        "Forebyggelse af selvmord 55,8 72,0 72,0 72,0 72,0 72,0 72,0 \n\n"
        "1. Styrket forebyggelse af selvmord og \nselvmordsforsøg \n\n48,8 65,0 65,0 65,0 65,0 65,0 65,0 \n\n"
        "2. Styrkelse af Livslinien 7,0 7,0 7,0 7,0 7,0 7,0 7,0 \n"
    )
    assert fixed(raw).split("\n") == [
        "Mio. kr., 2024-pl 2024 2025 2026 2027 2028 2029 2030",
        "Forebyggelse af selvmord 55,8 72,0 72,0 72,0 72,0 72,0 72,0",
        "1. Styrket forebyggelse af selvmord og selvmordsforsøg",
        "48,8 65,0 65,0 65,0 65,0 65,0 65,0",
        "2. Styrkelse af Livslinien 7,0 7,0 7,0 7,0 7,0 7,0 7,0",
    ]


def test_page_markers_become_page_numbers():
    raw = "Første side slutter her.\n\n Side 2  \n\nAnden side begynder.\n\nSide 3\nTredje side."
    r = repair(raw)
    assert "Side" not in r.text
    assert r.page_at(r.text.index("Første")) == 1
    assert r.page_at(r.text.index("Anden")) == 2
    assert r.page_at(r.text.index("Tredje")) == 3
    assert [why for *_, why in r.removed] == ["page marker", "page marker"]


def test_form_feeds_are_pages_and_running_headers_go():
    header = "Region Hovedstaden · Psykiatriplan 2024"
    pages = [f"{header}\nTekst på side {n}. Den fortsætter her.\n{n}" for n in range(1, 6)]
    r = repair("\f".join(pages))
    assert header not in r.text
    assert r.page_at(r.text.index("side 4")) == 4
    assert r.page_count == 5


def test_repeated_table_headers_removed_without_page_breaks():
    head = "Tema/anbefalinger i Treårsplan 2020-2022 Anbefalinger som er igangsat"
    raw = "\n\n".join(f"Nr.\n\n{head}\n\n{n}. At der sker noget nyt i år {n}." for n in range(1, 5))
    assert head not in fixed(raw)


def test_offsets_map_every_character_back_to_the_source():
    raw = "En  anbefa-\nling  om  F-\nACT\f Side 3 \nog   mere tekst her.  \n\n \n\nNyt afsnit."
    r = repair(raw)
    assert len(r.offsets) == len(r.text) + 1
    for i, ch in enumerate(r.text):
        if not ch.isspace():
            assert raw[r.offsets[i]] == ch
    assert list(r.offsets) == sorted(r.offsets)
    start = r.text.index("anbefaling")
    a, b = r.raw_span(start, start + len("anbefaling"))
    assert raw[a:b] == "anbefa-\nling"


def test_unicode_decomposed_letters_are_composed():
    raw = "Børne- og ungdomspsykiatri i Region Hovedstaden, a\u030arligt"  # å as a + combining ring
    r = repair(raw)
    assert r.text.endswith("årligt")
    assert raw[r.offsets[r.text.index("årligt")]] == "a"


def _mojibake(text: str) -> str:
    """``text`` as it looks after UTF-8 was read as Windows-1252 and saved again."""
    return text.encode("utf-8").decode("cp1252")


def test_mojibake_is_fixed_with_ftfy_and_spans_map_back_to_the_damaged_source():
    clean = "Økonomiudvalget giver 3½ mio. kr. til børne- og ungdomspsykiatrien i 2026 – og 2\u00a0500\u00a0000 kr. i 2027."
    raw = "Indledning\n\n" + _mojibake(clean) + "\n"
    r = repair(raw)
    assert r.text.startswith("Indledning") and r.text.endswith("\n" + clean)
    assert len(r.offsets) == len(r.text) + 1
    assert list(r.offsets) == sorted(r.offsets)
    start = r.text.index("3½ mio. kr.")
    a, b = r.raw_span(start, start + len("3½ mio. kr."))
    assert raw[a:b] == "3Â½ mio. kr."
    start = r.text.index("børne")
    a, b = r.raw_span(start, start + len("børne"))
    assert raw[a:b] == "bÃ¸rne"
    assert r.fixes == ["mojibake fixed with ftfy on 1 line (UTF-8 that had been read as sloppy-windows-1252)"]
    assert fixed(clean) == clean and repair(clean).fixes == []  # clean text is left alone


def test_ligatures_and_soft_hyphens_at_line_ends():
    r = repair("Med ﬁnansloven for 2026 gives midler til efter\u00ad\nuddannelse og ﬂere psykologer.")
    assert r.text == "Med finansloven for 2026 gives midler til efteruddannelse og flere psykologer."
    assert r.fixes == ["2 ligatures expanded with ftfy (fix_latin_ligatures)",
                       "1 soft hyphen (U+00AD) at line ends removed and the split words rejoined"]


def test_digit_groups_keep_their_no_break_spaces_and_two_column_rows_stay_apart():
    r = repair("Mio. kr. 2025 2026\nDrift 1\u00a0250 1\u00a0300\nHusleje ÷0,5 ÷0,5\nI alt 1\u00a0249,5 1\u00a0299,5")
    assert r.text.splitlines() == ["Mio. kr. 2025 2026", "Drift 1\u00a0250 1\u00a0300", "Husleje ÷0,5 ÷0,5",
                                   "I alt 1\u00a0249,5 1\u00a0299,5"]
