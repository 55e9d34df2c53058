"""When and who, from context (issue 15): short Danish texts of each kind, ingested together for real.

The texts are in ``tests/ingest/cases/periods_actors/`` (our own wording, one or two kinds each;
``MANIFEST.tsv`` gives one of them a title). One module-scoped fixture runs the real CLI,
``python -m kgcli ingest --no-index --data-dir <tmp> <dir>``, and every test reads the graph back.

Kinds of period (at least three texts each):

* compact ranges and school years: t01 t02 t03 ("2024-27", "skoleåret 2024/25", "2027-30");
* month-part words and budget codes with the document kind: t04 t05 t06 ("primo 2025", "FL24",
  "FFL25", "R-2023", "B2024", "BF-2027");
* ranges and markers that carry the amount: t07 t08 t09 ("i de efterfølgende år frem til 2026",
  "hvert år", "om året", "løbende", "varigt"; "i løbende priser" is not "løbende");
* years relative to the document's date: t10 (dateline) t11 ("Dato:") t12 (meeting date)
  t13 (publication date) -- "næste år", "i år", "sidste år", "fra næste år"; "end sidste år"
  compares and dates nothing;
* periods from a title or heading: t14 (first line) t15 (two "Budget" headings) t16 (the title
  in MANIFEST.tsv) -- "i perioden" and amounts without a year;
* moves between years: t17 ("udskyde … fra 2025 til 2026") t18 ("fremrykkes") t19 ("overføres");
* leading year cells of a table flattened to text: t20 t21 ("2022: …") t22 (tab-separated).

Kinds of organisation (at least three texts each): committees and councils (t01 t02 t03 t05 t06
t08 t11 t12 t15 t17 t19), hospitals named head-first or town-first (t07 t17 t22), research and
knowledge centres (t04 t08 t14 t21), foundations and associations in capitals (t03 t14 t20), news
media as sources (t10 t13 t18), task forces and working groups (t02 t05 t11 t16), ministries and
agencies in lower case or by a short name (t06 t12 t13 t16).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CASES = Path(__file__).resolve().parent / "cases" / "periods_actors"
ROOT = Path(__file__).resolve().parents[2]

S, REL, HEAD, TAB = "stated", "relativeToDocumentDate", "fromHeading", "fromTable"

# raw text → (year, year_end, per_year, open_ended, year basis); every money amount of every text
AMOUNTS: dict[str, dict[str, tuple]] = {
    "t01_kompakt_interval.txt": {"20 mio. kr.": (2024, 2027, True, False, S), "4,5 mio. kr.": (2025, 2026, False, False, S)},
    "t02_skoleaar.txt": {"12,4 mio. kr.": (2024, 2025, False, False, S), "13 mio. kr.": (2025, 2026, False, False, S)},
    "t03_kompakt_interval_aeldre.txt": {"1,2 mia. kr.": (2023, 2026, False, False, S),
                                        "150 mio. kr.": (2027, 2030, True, False, S)},
    "t04_primo_ultimo.txt": {"35 mio. kr.": (2025, None, False, False, S), "10 mio. kr.": (2026, None, False, False, S)},
    "t05_finanslovskoder.txt": {"75 mio. kr.": (2024, None, False, False, S), "80 mio. kr.": (2025, None, False, False, S),
                                "61,3 mio. kr.": (2023, None, False, False, S)},
    "t06_budgetkoder_kommune.txt": {"3,4 mio. kr.": (2024, None, False, False, S),
                                    "1,1 mio. kr.": (2027, None, True, False, S)},
    "t07_efterfoelgende_aar.txt": {"300 mio. kr.": (2023, None, False, False, S), "350 mio. kr.": (2024, 2026, True, False, S)},
    "t08_hvert_aar_om_aaret.txt": {"2,5 mio. kr.": (None, None, True, False, None),
                                   "800.000 kr.": (None, None, True, False, None)},
    "t09_loebende_varigt.txt": {"4 mio. kr.": (None, None, True, True, None), "6,5 mio. kr.": (2025, None, True, True, S),
                                "12 mio. kr.": (2025, None, False, False, S)},
    "t10_dateline.txt": {"30 mio. kr.": (2021, None, False, False, REL), "12 mio. kr.": (2020, None, False, False, REL)},
    "t11_dato_felt.txt": {"250.000 kr.": (2022, None, False, False, REL), "400.000 kr.": (2024, None, True, True, REL)},
    "t12_moededato.txt": {"1,8 mio. kr.": (2024, None, False, False, REL), "2 mio. kr.": (2025, None, False, False, REL)},
    "t13_publiceret.txt": {"45 mio. kr.": (2022, None, False, False, REL)},
    "t14_handleplan.txt": {"14 mio. kr.": (2019, 2022, False, False, HEAD), "2 mio. kr.": (2019, 2022, False, False, HEAD)},
    "t15_budget_afsnit.txt": {"5 mio. kr.": (2026, None, False, False, HEAD), "0,8 mio. kr.": (2026, None, False, False, HEAD),
                              "6 mio. kr.": (2027, None, False, False, HEAD)},
    "t16_titel_manifest.txt": {"40 mio. kr.": (2025, 2030, False, False, HEAD)},
    "t17_udskydelse.txt": {"40 mio. kr.": (2026, None, False, False, S)},
    "t18_fremrykning.txt": {"120 mio. kr.": (2026, None, False, False, S)},
    "t19_overfoersel.txt": {"3,2 mio. kr.": (2025, None, False, False, S)},
    "t20_tabelraekker.txt": {"4,2 mio. kr.": (2023, None, False, False, TAB), "4,6 mio. kr.": (2024, None, False, False, TAB),
                             "5,0 mio. kr.": (2025, None, False, False, TAB)},
    "t21_tabelraekker_kolon.txt": {"1,5 mio. kr.": (2022, None, False, False, TAB),
                                   "2,25 mio. kr.": (2023, None, False, False, TAB)},
    "t22_tabel_tabulator.txt": {"900.000 kr.": (2024, None, False, False, TAB), "1,2 mio. kr.": (2025, None, False, False, TAB)},
}
# (document, raw) → (kind of budget document, code as written); other amounts have neither
BUDGET_DOCUMENTS: dict[tuple[str, str], tuple[str, str | None]] = {
    ("t05_finanslovskoder.txt", "75 mio. kr."): ("finance-act", "FL24"),
    ("t05_finanslovskoder.txt", "80 mio. kr."): ("finance-bill", "FFL25"),
    ("t05_finanslovskoder.txt", "61,3 mio. kr."): ("accounts", "R-2023"),
    ("t06_budgetkoder_kommune.txt", "3,4 mio. kr."): ("budget", "B2024"),
    ("t06_budgetkoder_kommune.txt", "1,1 mio. kr."): ("budget-proposal", "BF-2027"),
    ("t15_budget_afsnit.txt", "5 mio. kr."): ("budget", None),
    ("t15_budget_afsnit.txt", "0,8 mio. kr."): ("budget", None),
    ("t15_budget_afsnit.txt", "6 mio. kr."): ("budget", None),
}
# (document, raw) → (from year, to year)
MOVES = {
    ("t17_udskydelse.txt", "40 mio. kr."): (2025, 2026),
    ("t18_fremrykning.txt", "120 mio. kr."): (2027, 2026),
    ("t19_overfoersel.txt", "3,2 mio. kr."): (2024, 2025),
}
DOCUMENT_DATES = {
    "t10_dateline.txt": "2020-11-03", "t11_dato_felt.txt": "2023-03-14",
    "t12_moededato.txt": "2024-09-09", "t13_publiceret.txt": "2022-01-12",
}
# organisations each text names (labels in the graph)
ORGANISATIONS: dict[str, set[str]] = {
    "t01_kompakt_interval.txt": {"Byrådet (Vejle Kommune)", "Vejle Kommune", "Kystdirektoratet"},
    "t02_skoleaar.txt": {"Aarhus Kommune", "Børn og Unge-udvalget", "Ekspertgruppen for Fremtidens Folkeskole"},
    "t03_kompakt_interval_aeldre.txt": {"Ældre Sagen", "KL", "KL's Sundheds- og Ældreudvalg", "DANSKE SENIORER"},
    "t04_primo_ultimo.txt": {"Sundhedsstyrelsen", "Forskningsenheden for Almen Praksis"},
    "t05_finanslovskoder.txt": {"Indenrigs- og Sundhedsministeriet", "Finansudvalget", "Arbejdsgruppen for akutpladser"},
    "t06_budgetkoder_kommune.txt": {"Børne- og Undervisningsministeriet", "Teknik- og Miljøudvalget"},
    "t07_efterfoelgende_aar.txt": {"Region Midtjylland", "Hospitalsenheden Vest", "Regionshospitalet Gødstrup"},
    "t08_hvert_aar_om_aaret.txt": {"Kræftens Bekæmpelse", "Hjerteforeningen", "Steno Diabetes Center Odense",
                                   "Kommunalbestyrelsen (Gribskov Kommune)", "Gribskov Kommune"},
    "t09_loebende_varigt.txt": {"Styrelsen for Patientsikkerhed", "Psykiatrisk Center Glostrup", "Sundhedsstyrelsen"},
    "t10_dateline.txt": {"Aalborg Universitetshospital", "Region Nordjylland", "TV 2 Nord"},
    "t11_dato_felt.txt": {"Ældrerådet (Odense Kommune)", "Odense Kommune", "Taskforcen for Ældrepleje"},
    "t12_moededato.txt": {"Sundheds- og Forebyggelsesudvalget", "Energistyrelsen"},
    "t13_publiceret.txt": {"Altinget", "Ældreministeriet"},
    "t14_handleplan.txt": {"Videnscenter for Demens", "LANDSFORENINGEN AUTISME"},
    "t15_budget_afsnit.txt": {"Økonomiudvalget", "Forskningscenter for Skoleudvikling"},
    "t16_titel_manifest.txt": {"Kystdirektoratet", "Miljøstyrelsen", "Klima-, Energi- og Forsyningsministeriet",
                               "Styregruppen for Kystbeskyttelse"},
    "t17_udskydelse.txt": {"Regionsrådet (Region Sjælland)", "Region Sjælland", "Sjællands Universitetshospital",
                           "Holbæk Sygehus"},
    "t18_fremrykning.txt": {"Dagens Medicin", "Danske Regioner"},
    "t19_overfoersel.txt": {"Social- og Sundhedsudvalget", "Ældre Sagen"},
    "t20_tabelraekker.txt": {"Danske Ældreråd", "OK-FONDEN"},
    "t21_tabelraekker_kolon.txt": {"TrygFonden", "Center for Ungdomsforskning"},
    "t22_tabel_tabulator.txt": {"Sygehus Lillebælt"},
}
# words in the texts that name no organisation (false positives seen while building the recognisers)
NOT_ORGANISATIONS: dict[str, set[str]] = {
    "t02_skoleaar.txt": {"folkeskolen", "Folkeskolen"},
    "t06_budgetkoder_kommune.txt": {"Forvaltningen", "Forvaltningen foreslår"},
    "t08_hvert_aar_om_aaret.txt": {"Bestyrelsen", "Bestyrelsen for puljen", "Kommunalbestyrelsen"},
    "t09_loebende_varigt.txt": {"frarådet", "Frarådet"},
    "t12_moededato.txt": {"Udvalget", "Udvalget godkendte"},
    "t13_publiceret.txt": {"Information", "information"},
    "t14_handleplan.txt": {"Handleplan"},
    "t15_budget_afsnit.txt": {"Budget"},
    "t19_overfoersel.txt": {"Administrationen"},
    "t20_tabelraekker.txt": {"Tilskud til Danske Ældreråd"},
}


def test_every_text_is_covered():
    assert sorted(p.name for p in CASES.glob("*.txt")) == sorted(AMOUNTS) == sorted(ORGANISATIONS)


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    data = tmp_path_factory.mktemp("periods-actors") / "data"
    done = subprocess.run([sys.executable, "-m", "kgcli", "ingest", "--no-index", "--data-dir", str(data), str(CASES)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"{len(AMOUNTS)} added, 0 replaced, 0 unchanged, 0 failed" in done.stderr, done.stderr
    from kg.settings import load_config
    from kg.store import open_store

    cfg = load_config({"data_dir": data, "store": "oxigraph"})
    store = open_store(cfg.store, cfg.data_dir)
    yield store
    store.close()


def _value(term):
    return None if term is None else term.toPython()


def _amounts(store) -> dict[str, dict[str, tuple]]:
    rows = store.query("""
    SELECT ?key ?raw ?year ?end ?per ?open ?basis WHERE {
      ?f a kg:MoneyAmount ; kg:rawText ?raw ; kg:inDocument ?d . ?d kg:sourceKey ?key .
      OPTIONAL { ?f kg:year ?year } OPTIONAL { ?f kg:yearEnd ?end }
      OPTIONAL { ?f kg:perYear ?per } OPTIONAL { ?f kg:openEnded ?open }
      OPTIONAL { ?f kg:yearBasis ?b . ?b skos:notation ?basis }
    }""")
    out: dict[str, dict[str, tuple]] = {}
    for r in rows:
        out.setdefault(str(r.key), {})[str(r.raw)] = (
            _value(r.year), _value(r.end), bool(_value(r.per)), bool(_value(r.open)), _value(r.basis))
    return out


@pytest.mark.parametrize("doc", sorted(AMOUNTS))
def test_amount_periods(graph, doc):
    assert _amounts(graph).get(doc, {}) == AMOUNTS[doc]


def test_budget_documents(graph):
    rows = graph.query("""
    SELECT ?key ?raw ?kind ?code WHERE {
      ?f a kg:MoneyAmount ; kg:rawText ?raw ; kg:inDocument/kg:sourceKey ?key .
      { ?f kg:budgetDocument/skos:notation ?kind OPTIONAL { ?f kg:budgetCode ?code } }
      UNION { ?f kg:budgetCode ?code OPTIONAL { ?f kg:budgetDocument/skos:notation ?kind } }
    }""")
    found = {(str(r.key), str(r.raw)): (_value(r.kind), _value(r.code)) for r in rows}
    assert found == BUDGET_DOCUMENTS


def test_moves_between_years(graph):
    rows = graph.query("""
    SELECT ?key ?raw ?from ?to ?year WHERE {
      ?m a kg:YearMove ; kg:movedAmount ?f ; kg:fromYear ?from ; kg:toYear ?to ; kg:inDocument ?d .
      ?f kg:rawText ?raw ; kg:year ?year ; kg:inDocument ?d . ?d kg:sourceKey ?key .
    }""")
    found = {(str(r.key), str(r.raw)): (int(r["from"]), int(r.to)) for r in rows}
    assert found == MOVES
    assert all(int(r.year) == int(r.to) for r in rows)  # the money is for the year it moves to


def test_document_dates(graph):
    rows = graph.query("SELECT ?key ?date WHERE { ?d a kg:Document ; kg:sourceKey ?key ; kg:documentDate ?date }")
    assert {str(r.key): str(r.date) for r in rows} == DOCUMENT_DATES


def test_every_year_says_how_it_was_found(graph):
    rows = graph.query("""
    SELECT (COUNT(?f) AS ?n) WHERE { ?f a kg:Quantity ; kg:year ?y . FILTER NOT EXISTS { ?f kg:yearBasis ?b } }""")
    assert int(next(iter(rows)).n) == 0
    labels = graph.query("""
    SELECT ?notation ?da ?en WHERE { ?c skos:inScheme kg:YearBases ; skos:notation ?notation ;
      skos:prefLabel ?da , ?en . FILTER(LANG(?da) = "da" && LANG(?en) = "en") }""")
    assert {str(r.notation) for r in labels} == {S, REL, HEAD, TAB, "fromContext"}


def _organisations(store) -> dict[str, set[str]]:
    rows = store.query("""
    SELECT DISTINCT ?key ?label WHERE {
      ?p a kg:Passage ; kg:mentions ?e ; kg:inDocument/kg:sourceKey ?key . ?e a org:Organization ; rdfs:label ?label .
    }""")
    out: dict[str, set[str]] = {}
    for r in rows:
        out.setdefault(str(r.key), set()).add(str(r.label))
    return out


@pytest.mark.parametrize("doc", sorted(ORGANISATIONS))
def test_organisations_found(graph, doc):
    found = _organisations(graph).get(doc, set())
    assert ORGANISATIONS[doc] - found == set()


@pytest.mark.parametrize("doc", sorted(NOT_ORGANISATIONS))
def test_not_organisations(graph, doc):
    assert _organisations(graph).get(doc, set()) & NOT_ORGANISATIONS[doc] == set()
