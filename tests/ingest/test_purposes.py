"""Purpose phrases: what an amount in running text pays for (sentences written for the tests)."""

from __future__ import annotations

import re

import pytest

from ingest.purposes import purpose_of


def purposes(sentence: str, actors: tuple[str, ...] = ()) -> dict[str, str | None]:
    spans = [(sentence.index(a), sentence.index(a) + len(a)) for a in actors]
    out = {}
    for m in re.finditer(r"(?:Knap |ca\. )?\d+(?:,\d+)? mio\. ?kr\.", sentence):
        p = purpose_of(sentence, m.start(), m.end(), 0, len(sentence), spans)
        out[m.group(0)] = p.label if p else None
    return out


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Der er i Budget 2026 afsat 3,4 mio. kr. til vandrehjem for unge med angst, så de kan komme ud.",
     {"3,4 mio. kr.": "Vandrehjem for unge med angst"}),
    ("Knap 1,5 mio. kr. er årligt disponeret til husleje og drift af nye lokaler i Ribe.",
     {"Knap 1,5 mio. kr.": "Husleje og drift af nye lokaler i Ribe"}),
    ("- 1,1 mio. kr. afsættes til at uddanne flere pedeller i konfliktløsning.",
     {"1,1 mio. kr.": "Uddanne flere pedeller i konfliktløsning"}),
    ("Der er afsat 6 mio. kr. til et samlet tilbud om lektiehjælp mhp. at løfte de svageste.",
     {"6 mio. kr.": "Samlet tilbud om lektiehjælp"}),
])
def test_purpose_after_the_amount(sentence, expected):
    assert purposes(sentence) == expected


def test_enumeration_items_without_their_own_til():
    sentence = ("Der er bevilget 2 mio. kr. årligt til ansættelse af naboskabsmentorer i Thy, "
                "5 mio. kr. naboskabsmentorer på alle skoler, 0,7 mio. kr. årligt til unge mentorer.")
    assert purposes(sentence) == {"2 mio. kr.": "Ansættelse af naboskabsmentorer i Thy",
                                  "5 mio. kr.": "Naboskabsmentorer på alle skoler",
                                  "0,7 mio. kr.": "Unge mentorer"}


def test_purpose_before_a_parenthesised_amount_and_in_a_bullet():
    assert purposes("Der er desuden afsat midler til behandling af kronisk søvnløshed (2,1 mio.kr.).") == \
        {"2,1 mio.kr.": "Behandling af kronisk søvnløshed"}
    assert purposes("• Styrket indsats ved skovbrande fra 2026 og frem (12 mio. kr. årligt)") == \
        {"12 mio. kr.": "Styrket indsats ved skovbrande"}


def test_anaphora_actors_and_further_amounts_are_not_purposes():
    assert purposes("Der afsættes 4,0 mio. kr. årligt fra 2026 og frem til initiativet, jf. bilag 2.") == \
        {"4,0 mio. kr.": None}
    assert purposes("Der afsættes 9,0 mio. kr. årligt til regionerne fra 2026.", ("regionerne",)) == \
        {"9,0 mio. kr.": None}
    assert purposes("Der udmøntes 2,7 mio. kr. i 2026 stigende til 4 mio. kr. årligt i 2027 og frem.") == \
        {"2,7 mio. kr.": None, "4 mio. kr.": None}
    # an unknown organisation named in the parenthesis is the recipient, not the purpose
    assert purposes("Der er givet et løft til klinikken på Center for Søvnmedicin Vest (2,0 mio.kr.).",
                    ("Center for Søvnmedicin Vest",)) == {"2,0 mio.kr.": None}
