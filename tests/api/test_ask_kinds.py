"""Each kind of amount question through the real /ask (and /search), on short Danish texts ingested for real.

Four small documents written for these tests (not from the corpus): an agreement with a yearly
amount, a one-year amount with a part of it for a sub-purpose ("Af de afsatte …"), and totals per
year; a region's status report with its share; committee minutes restating the agreement; a note
stating one figure differently. They go through the real ingest (Oxigraph store), the real index
with the real default model, and the real app.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

MANIFEST = """file\ttitle\tpublisher\tkind\tdate_hint
a_aftale.txt\tAftale om bedre hjælp til unge\tRegeringen og aftalepartierne\tpolitical agreement\t2024
b_status.txt\tStatus på aftalen om bedre hjælp til unge i Region Nordjylland\tRegion Nordjylland\tstatus report\t2025
c_referat.txt\tUdvalget for sundhed: referat\tDanske Regioner\tcommittee agendas and minutes\t2025
d_notat.txt\tNotat om sengepladser\tDanske Regioner\tnote\t2025
"""

AFTALE = """Aftale om bedre hjælp til unge

Aftalepartierne er enige om en række initiativer, der skal give unge med psykisk mistrivsel bedre hjælp.

1. Styrket rådgivning til unge

Mange unge i krise ved ikke, hvor de kan få hjælp. Aftalepartierne er enige om at styrke den anonyme \
rådgivning til unge i krise. Der afsættes 12,5 mio. kr. årligt fra 2025 og frem til initiativet.

2. Flere sengepladser i ungdomspsykiatrien

Ventetiden på en sengeplads i ungdomspsykiatrien er i dag alt for lang for mange unge og deres familier. \
Der afsættes 40,0 mio. kr. i 2025 til flere sengepladser i ungdomspsykiatrien. Af de afsatte 40,0 mio. kr. \
i 2025 skal 8,0 mio. kr. benyttes til uddannelse af personale.

3. Økonomi

Udgifterne til aftalen udgør i alt 52,5 mio. kr. i 2025 og 12,5 mio. kr. i 2026.
"""

STATUS = """Status på aftalen om bedre hjælp til unge

Region Nordjylland følger op på aftalen om bedre hjælp til unge.

1. Styrket rådgivning til unge

Region Nordjyllands andel er 2,1 mio. kr. årligt fra 2025 og frem. Midlerne anvendes til to nye rådgivere \
i den anonyme rådgivning.
"""

REFERAT = """Referat af mødet i udvalget for sundhed

Udvalget drøftede aftalen om bedre hjælp til unge, og sekretariatet orienterede om indholdet.

2. Flere sengepladser i ungdomspsykiatrien

Ventetiden på en sengeplads i ungdomspsykiatrien er i dag alt for lang for mange unge og deres familier. \
Der afsættes 40,0 mio. kr. i 2025 til flere sengepladser i ungdomspsykiatrien.
"""

NOTAT = """Notat om sengepladser

2. Flere sengepladser i ungdomspsykiatrien

Ifølge notatet afsættes der 40,5 mio. kr. i 2025 til flere sengepladser i ungdomspsykiatrien.
"""


@pytest.fixture(scope="module")
def ask_client(tmp_path_factory):
    """The real app over the four documents: real ingest, real index, real model."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from ingest.pipeline import ingest_paths
    from kg.store import open_store
    from search.service import build_index
    from tests.api.conftest import make_config

    root = tmp_path_factory.mktemp("ask-kinds")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in {"MANIFEST.tsv": MANIFEST, "a_aftale.txt": AFTALE, "b_status.txt": STATUS,
                       "c_referat.txt": REFERAT, "d_notat.txt": NOTAT}.items():
        (corpus / name).write_text(text, encoding="utf-8")
    cfg = make_config(root / "data")
    with open_store(cfg.store, cfg.data_dir) as store:
        report = ingest_paths([corpus], store, cfg)
        assert not report.failed, report.failed
        build_index(store, cfg)
    with TestClient(create_app(cfg)) as client:
        yield client


def ask(client, question: str) -> dict:
    r = client.get("/ask", params={"q": question})
    assert r.status_code == 200, r.text
    return r.json()


def test_per_year_amount(ask_client):
    body = ask(ask_client, "Hvor meget afsættes der årligt til rådgivning af unge i krise?")
    top = body["facts"][0]
    assert body["lang"] == "da" and not body["no_match"]
    assert round(top["value"]) == 12_500_000 and top["per_year"] and top["year"] == 2025 and top["open_ended"]
    assert body["answer"].startswith("12,5 mio. kr. årligt fra 2025 og frem")
    assert top["doc_key"] == "a_aftale.txt"


def test_part_of_a_whole(ask_client):
    """'Af de afsatte 40,0 mio. kr. … skal 8,0 mio. kr. …': the part, not the whole."""
    body = ask(ask_client, "Hvor mange af de afsatte penge til flere sengepladser skal bruges til uddannelse af personale i 2025?")
    top = body["facts"][0]
    assert round(top["value"]) == 8_000_000 and top["kind"] == "share"
    assert body["answer"].startswith("8,0 mio. kr. i 2025")
    assert round(body["facts"][1]["value"]) == 40_000_000  # the whole comes next, not first


def test_total_for_a_year(ask_client):
    body = ask(ask_client, "Hvad udgør aftalens udgifter i alt i 2025?")
    top = body["facts"][0]
    assert round(top["value"]) == 52_500_000 and top["kind"] == "total" and top["year"] == 2025
    assert round(body["facts"][1]["value"]) == 12_500_000 and body["facts"][1]["year"] == 2026


def test_named_recipient_gets_its_own_share(ask_client):
    """The region's own yearly share, not the national amount for the same initiative."""
    body = ask(ask_client, "Hvor meget får Region Nordjylland om året til rådgivning af unge?")
    top = body["facts"][0]
    assert round(top["value"]) == 2_100_000 and top["recipient_label"] == "Region Nordjylland"
    assert body["understood"]["actors"] == ["Region Nordjylland"]
    assert "(modtager: Region Nordjylland)" in body["answer"]


def test_english_question_gets_an_english_frame_and_the_danish_quote(ask_client):
    body = ask(ask_client, "How much is set aside each year for counselling young people in crisis?")
    top = body["facts"][0]
    assert body["lang"] == "en"
    assert round(top["value"]) == 12_500_000
    assert top["amount_text"] == "DKK 12.5m" and top["period"] == "per year from 2025 onwards"
    assert body["answer"].startswith("DKK 12.5m per year from 2025 onwards")
    assert "«Der afsættes 12,5 mio. kr. årligt fra 2025 og frem til initiativet.»" in body["answer"]


def test_nothing_to_answer_says_so_and_shows_passages(ask_client):
    body = ask(ask_client, "Hvor meget afsættes der til tandpleje i Grønland?")
    assert body["asks_amount"] and body["no_match"]
    assert body["facts"] == []
    assert body["answer"].startswith("Dokumenterne angiver intet beløb")
    assert len(body["passages"]) >= 2


def test_one_figure_from_several_documents_is_one_answer_and_a_differing_one_a_conflict(ask_client):
    body = ask(ask_client, "Hvor meget afsættes der til flere sengepladser i ungdomspsykiatrien i 2025?")
    top = body["facts"][0]
    assert round(top["value"]) == 40_000_000
    assert {s["doc_key"] for s in top["sources"]} == {"a_aftale.txt", "c_referat.txt"}
    assert [round(c["value"]) for c in top["conflicts"]] == [40_500_000]
    assert top["conflicts"][0]["doc_key"] == "d_notat.txt"
    values = [round(f["value"]) for f in body["facts"]]
    assert values.count(40_000_000) == 1 and 40_500_000 not in values  # never two answers
    assert "også angivet i Udvalget for sundhed: referat" in body["answer"]
    assert "Kilderne afviger: 40,0 mio. kr. (Aftale om bedre hjælp til unge) og 40,5 mio. kr. (Notat om sengepladser)" in body["answer"]


def test_search_groups_a_restated_passage_under_the_agreement(ask_client):
    r = ask_client.get("/search", params={"q": "ventetid på sengepladser i ungdomspsykiatrien", "k": 5})
    results = r.json()["results"]
    restating = [x for x in results if x["doc_key"] == "c_referat.txt"
                 or any(a["doc_key"] == "c_referat.txt" for a in x["also_in"])]
    assert len(restating) == 1  # ranked once
    group = restating[0]
    assert group["doc_key"] == "a_aftale.txt"  # the agreement is the original and leads
    assert [a["doc_key"] for a in group["also_in"]] == ["c_referat.txt"]
    ungrouped = ask_client.get("/search", params={"q": "ventetid på sengepladser i ungdomspsykiatrien", "k": 5,
                                                  "group": "false"}).json()["results"]
    assert all(x["also_in"] == [] for x in ungrouped)
    assert {"a_aftale.txt", "c_referat.txt"} <= {x["doc_key"] for x in ungrouped}
