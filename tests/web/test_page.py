"""The page in real Chromium against the real app: ask, initiative, money, document, SPARQL, language, phone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GOLD = Path(__file__).resolve().parents[2] / "eval" / "gold" / "questions.jsonl"
ASK_QUESTION = "Q002"  # akuttelefonen 2025: the agreement says 113,3 mio. kr., a committee's minutes 112,5 mio. kr.
INITIATIVE = "Hurtig opstart af behandling"  # in three documents, allocated money and a regional share


def da_mio(value: float) -> str:
    """113300000 → '113,3 mio. kr.' as a Danish reader writes it."""
    text = f"{value / 1e6:.1f}" if round(value / 1e5) == value / 1e5 else f"{value / 1e6:.2f}"
    return text.replace(".", ",") + " mio. kr."


def api(live_server: str, path: str, **params) -> dict:
    r = httpx.get(live_server + path, params=params, timeout=120)
    r.raise_for_status()
    return r.json()


def test_a_danish_money_question_shows_the_amount_first(visit, live_server):
    """The page states /ask's answer first, as a Danish reader writes it, with its period, page and marks.

    Which figure is the right answer is measured by ``kg eval ask`` (``eval/results/ask.md``), not here:
    since issue 18's ranker, /ask answers this question with the minutes' 112,5 mio. kr. rather than
    the agreement's 113,3 mio. kr. (a known miss: the document named in the question is not preferred).
    """
    gold = next(q for q in map(json.loads, GOLD.read_text(encoding="utf-8").splitlines()) if q["id"] == ASK_QUESTION)
    stated = api(live_server, "/ask", q=gold["question"])["facts"][0]["value"]
    assert stated in (gold["answer_amount_dkk"], 112_500_000)  # one of the two figures the corpus gives for 2025
    v = visit()
    v.go()
    box = v.page.get_by_label("Spørgsmål eller søgeord, på dansk eller engelsk")
    box.fill(gold["question"])
    box.press("Enter")
    amount = v.page.locator("[data-testid=answer-amount]")
    amount.wait_for()
    assert float(amount.get_attribute("data-value")) == stated
    assert amount.inner_text() == da_mio(stated)
    answer = v.page.locator("section.answer")
    assert "2025" in answer.locator(".period").inner_text()
    assert re.search(r"side \d+", answer.locator(".source").inner_text())
    assert answer.locator("blockquote mark").count() > 0  # the question's words highlighted in the quote
    assert v.page.locator("section.passages li.passage").count() >= 3
    v.shot("ask-danish-money-question")
    # the passage link opens the document at the passage, with the fact highlighted
    answer.get_by_role("link", name="Vis i dokumentet").click()
    target = v.page.locator(".doctext .mark.target")
    target.wait_for()
    assert da_mio(stated).removesuffix(" mio. kr.") in target.inner_text()  # the stated figure, marked in its document
    v.shot("document-from-answer", full_page=False)


def test_an_initiative_page_has_its_amounts_by_year(visit, live_server):
    v = visit()
    v.go("#/initiatives")
    v.page.get_by_label("Filtrér initiativer").fill(INITIATIVE)
    link = v.page.locator("ul.initiatives a", has_text=INITIATIVE).first
    name = link.inner_text()
    link.click()
    table = v.page.locator("table.per-year")
    table.wait_for()
    assert v.page.locator("h1").inner_text() == name
    iri = v.page.evaluate("new URLSearchParams(location.hash.split('?')[1]).get('iri')")
    trail = api(live_server, "/money/trail", initiative=iri)
    allocated = [f for f in trail["steps"]["allocated"] if f["year"] and not f["year_end"]]
    assert allocated, "the chosen initiative should have allocations by year"
    for f in allocated:
        cell = table.locator(f"tr[data-year='{f['year']}'] td[data-kind='allocated']")
        assert da_mio(f["value"]) in cell.inner_text()
    years = {str(f["year"]) for f in allocated}
    assert years <= set(table.locator("tbody th[scope=row]").all_inner_texts())
    shares = trail["steps"]["share"]
    if shares:
        assert v.page.get_by_role("heading", name="Regionens andel og modtagere").is_visible()
    members = v.page.locator("ul.members li")
    assert members.count() == len(api(live_server, "/web/initiative", iri=iri)["members"]) >= 2
    v.shot("initiative-per-year")


def test_the_money_view_draws_the_diagram_and_the_table(visit, live_server):
    v = visit()
    v.go("#/money")
    v.page.locator("svg.sankey").wait_for()
    v.page.select_option("#year", "2025")
    v.page.wait_for_function("location.hash === '#/money?year=2025'")
    v.page.locator("h2", has_text="(2025)").wait_for()
    flows = api(live_server, "/money/flows", year=2025)["flows"]
    assert flows
    diagram = v.page.locator("svg.sankey")
    assert diagram.locator("path.link").count() > 0
    allocated = sum(f["dkk"] for f in flows if f["kind"] == "allocated")
    payers = [float(x) for x in diagram.locator("g.col0 rect.node").evaluate_all("els => els.map(e => e.dataset.value)")]
    assert sum(payers) == pytest.approx(allocated)
    rows = v.page.locator("table.flows-table tbody tr")
    assert rows.count() == len(flows)
    # sortable: the kroner column, ascending then descending
    dkk = v.page.get_by_role("button", name="Sortér efter Kroner")
    dkk.click()

    def first() -> float:
        return float(rows.first.locator("[data-value]").get_attribute("data-value"))

    assert first() == min(f["dkk"] for f in flows)
    dkk.click()
    assert first() == max(f["dkk"] for f in flows)
    csv = v.page.get_by_role("link", name="Hent CSV")
    response = v.page.request.get(v.base + csv.get_attribute("href"))
    assert response.ok and response.body().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert response.body().decode("utf-8-sig").splitlines()[0].startswith("year,payer,initiative_label")
    assert len(response.body().decode("utf-8-sig").strip().splitlines()) == len(flows) + 1
    checks = api(live_server, "/web/money/checks", year=2025)
    assert v.page.locator("section.warnings li.warning").count() == len(checks["warnings"])
    v.shot("money-2025")


def test_an_example_sparql_query_runs_and_shows_rows(visit, live_server):
    v = visit()
    v.go("#/sparql")
    v.page.locator(".yasqe .CodeMirror").wait_for()
    v.page.select_option("#example", "03-passages-per-document")
    v.page.get_by_role("button", name="Indlæs").click()
    assert "kg:Passage" in v.page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    v.page.locator(".yasqe_queryButton").click()
    rows = v.page.locator(".yasr table tbody tr")
    rows.first.wait_for()
    documents = api(live_server, "/documents")["total"]
    assert rows.count() == documents
    assert ".txt" in rows.first.inner_text()
    v.shot("sparql-example")


def test_a_document_shows_pages_and_highlighted_facts(visit, live_server):
    docs = api(live_server, "/documents")["items"]
    doc = max(docs, key=lambda d: d["pages"] or 0)
    marks = api(live_server, f"/web/documents/{doc['id']}/marks")
    money = next(m for m in marks["marks"] if m["type"] == "money")
    v = visit()
    v.go(f"#/document/{doc['id']}?fact={money['iri']}")
    target = v.page.locator(".doctext .mark.target")
    target.wait_for()
    text = api(live_server, f"/documents/{doc['id']}/text")["text"]
    assert target.inner_text() == text[money["start"]:money["end"]]
    assert v.page.locator(".doctext .page-marker").count() == len(marks["pages"]) > 1
    assert v.page.locator(".doctext .mark.actor").count() > 0
    v.shot("document-highlights", full_page=False)


def test_question_words_are_marked_as_whole_words_and_never_function_words(visit):
    """"til" (a function word) is never marked, and "del" does not mark the "del" inside "andel"."""
    v = visit()
    v.go()
    marked = v.page.evaluate("""async () => {
        const dom = await import("/static/js/dom.js");
        const parts = dom.highlight("Et tilbud til en andel af midlerne; en del af Tilbuddet og DEL 2.",
                                    "Hvor stor en del går til tilbud?");
        return parts.map((p) => (typeof p === "string" ? p : `[${p.textContent}]`)).join("");
    }""")
    assert marked == "Et [tilbud] til en andel af midlerne; en [del] af Tilbuddet og [DEL] 2."


def test_english_and_a_phone_screen(visit):
    v = visit(width=390, height=844)
    v.go("#/money?year=2025")
    v.page.locator("svg.sankey").wait_for()
    v.page.get_by_role("button", name="English").click()
    v.page.get_by_role("heading", name=re.compile("From payer to initiative")).wait_for()
    assert v.page.evaluate("document.documentElement.lang") == "en"
    assert v.page.get_by_role("link", name="Ask", exact=True).is_visible()
    # nothing wider than the phone except inside the scrolling diagram and table boxes
    assert v.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    v.shot("phone-money-english", full_page=False)
    v.page.get_by_role("link", name="Ask", exact=True).click()
    box = v.page.get_by_label("Question or keywords, in Danish or English")
    box.fill("How much money goes to suicide prevention?")
    box.press("Enter")
    v.page.locator("section.passages li.passage").first.wait_for()
    v.shot("phone-ask-english", full_page=False)
