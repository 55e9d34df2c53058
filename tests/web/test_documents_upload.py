"""Adding and removing a document through the page, in real Chromium, on a server with a write token.

A server of its own, over two corpus documents ingested and indexed here with the real model (the shared
test server stays as it is). Upload a generated two-column PDF with the token, see its facts in the document
view, search, SPARQL and the money view; remove it from the page and see them gone from all four.
Without the token the page offers no upload and the API answers 401.
"""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest

from tests.ingest.pdf_layouts import ACTIVITIES, two_column_budget
from tests.web.conftest import ROOT, Visit

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TOKEN = "s3cret-write-token-for-tests"  # an HTTP header: ASCII
KEY = "psykiatripulje-2025.pdf"
ACTIVITY = ACTIVITIES[0][0].split(". ", 1)[1]  # "Opsøgende team for hjemløse med psykisk sygdom"


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory):
    """(base URL, data dir) of the real app with ``write_token`` set, over two smaller corpus documents."""
    import uvicorn

    from api.app import create_app
    from ingest.pipeline import ingest_paths
    from kg.settings import load_config
    from kg.store import open_store
    from search.service import build_index

    data = tmp_path_factory.mktemp("writable") / "data"
    config = load_config({"data_dir": data, "store": "oxigraph", "sparql_timeout": 10.0, "update_token": "",
                          "write_token": TOKEN})
    corpus = sorted((ROOT / "corpus").glob("*.txt"), key=lambda p: p.stat().st_size)[:2]
    with open_store(config.store, config.data_dir) as store:
        report = ingest_paths(corpus, store, config)
        assert not report.failed, report.failed
        build_index(store, config)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", data
    server.should_exit = True
    thread.join(timeout=30)
    sock.close()


def facts_in(base: str, key: str) -> int:
    query = f'SELECT (COUNT(?f) AS ?n) WHERE {{ ?f a kg:MoneyAmount ; kg:inDocument/kg:sourceKey "{key}" }}'
    r = httpx.get(base + "/sparql", params={"query": query}, headers={"accept": "application/sparql-results+json"},
                  timeout=60)
    r.raise_for_status()
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def searched_keys(base: str) -> list[str]:
    r = httpx.get(base + "/search", params={"q": f"{ACTIVITY} herberger boformer", "k": 5}, timeout=120)
    r.raise_for_status()
    return [hit["doc_key"] for hit in r.json()["results"]]


def flows_for(base: str) -> list[dict]:
    r = httpx.get(base + "/money/flows", params={"year": 2025}, timeout=60)
    r.raise_for_status()
    return [f for f in r.json()["flows"] if f["initiative_label"] == ACTIVITY]


def test_without_the_token_the_api_answers_401(writable_server, tmp_path):
    base, _ = writable_server
    pdf = two_column_budget(tmp_path / KEY)
    files = {"file": (KEY, pdf.read_bytes(), "application/pdf")}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        r = httpx.post(base + "/documents", files=files, headers=headers, timeout=60)
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
        assert r.headers["content-type"] == "application/problem+json"
        assert httpx.delete(base + "/documents/001_08ba568cb88d3b78.txt", headers=headers, timeout=60).status_code == 401
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = httpx.post(base + "/documents", files={"file": ("notes.exe", b"MZ\x90\x00", "application/octet-stream")},
                   headers=auth, timeout=60)
    assert r.status_code == 415 and "unsupported file type" in r.json()["detail"]
    r = httpx.post(base + "/documents", files={"file": ("fake.pdf", b"PK\x03\x04 zip", "application/pdf")},
                   headers=auth, timeout=60)
    assert r.status_code == 415 and "not a .pdf file" in r.json()["detail"]
    assert facts_in(base, KEY) == 0 and KEY not in searched_keys(base)


def test_upload_then_remove_through_the_page(browser, writable_server, tmp_path):
    base, data = writable_server
    pdf = two_column_budget(tmp_path / KEY)
    v = Visit(browser, base, 1280, 900)
    try:
        v.go("#/documents")
        v.page.get_by_role("heading", name="Tilføj eller fjern dokumenter").wait_for()
        assert v.page.locator("input[type=file]").count() == 0  # no upload without the token
        assert v.page.get_by_role("button", name="Fjern").count() == 0
        v.page.get_by_label("Skrivenøgle").fill("forkert")
        v.page.get_by_role("button", name="Brug nøglen").click()
        v.page.get_by_text("Nøglen passer ikke.").wait_for()
        assert v.page.locator("input[type=file]").count() == 0
        v.page.get_by_label("Skrivenøgle").fill(TOKEN)
        v.page.get_by_role("button", name="Brug nøglen").click()
        v.page.locator("input[type=file]").wait_for()
        assert v.page.evaluate("sessionStorage.getItem('psykiatri-kg.writeToken')") == TOKEN
        v.shot("documents-with-token")

        v.page.set_input_files("input[type=file]", str(pdf))
        v.page.get_by_role("button", name="Tilføj dokument").click()
        done = v.page.locator(".upload-status .ok")
        done.wait_for(timeout=300_000)
        n = facts_in(base, KEY)
        assert n == len(ACTIVITIES) + 1  # one amount per activity and the total
        assert done.inner_text().startswith(f"Tilføjet: {KEY} med {n} fakta.")
        assert v.page.locator(f"li.card[data-key='{KEY}']").count() == 1
        v.shot("documents-uploaded")

        # its facts: in the document view, in search, in SPARQL and in the money view
        done.get_by_role("link", name="Åbn dokumentet").click()
        money = v.page.locator(".doctext .mark.money")
        money.first.wait_for()
        assert sorted(money.all_inner_texts()) == sorted([amount for _, amount, _ in ACTIVITIES] + ["4.450"])
        assert searched_keys(base)[0] == KEY
        (flow,) = flows_for(base)
        assert flow["dkk"] == 1_250_000 and flow["kind"] == "allocated"
        v.go("#/money?year=2025")
        row = v.page.locator("table.flows-table tbody tr", has_text=ACTIVITY)
        row.wait_for()
        assert "1,25 mio. kr." in row.inner_text()

        # remove it from the page: the first click asks, the second removes
        v.go("#/documents")
        remove = v.page.get_by_role("button", name=f"Fjern {KEY}")
        remove.click()
        v.page.get_by_role("button", name=f"Ja, fjern {KEY}").click()
        v.page.locator(".upload-status .ok", has_text=f"Fjernet: {KEY}.").wait_for(timeout=300_000)
        assert v.page.locator(f"li.card[data-key='{KEY}']").count() == 0
        v.shot("documents-removed")
        assert facts_in(base, KEY) == 0
        assert KEY not in searched_keys(base)
        assert flows_for(base) == []
        v.go("#/money?year=2025")
        v.page.locator("table.flows-table tbody tr").first.wait_for()
        assert v.page.locator("table.flows-table tbody tr", has_text=ACTIVITY).count() == 0
        assert not (data / "uploads" / KEY).exists()
        assert not any(KEY in p.read_text("utf-8") for p in (data / "texts").glob("*.json"))
        assert not v.errors, v.errors
        assert not v.outside, v.outside
    finally:
        v.context.close()
