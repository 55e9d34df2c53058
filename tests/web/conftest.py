"""The real app over the ingested corpus (graph, texts, search index) on a live uvicorn server, and a
headless Debian Chromium driven by Playwright. Screenshots go to ``test-artifacts/web/``."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("KG_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "web"
CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
# as root in a sandbox without network: no sandbox, and no background calls to Google's hosts
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def _config(data: Path, cfg, **settings):
    from kg.settings import load_config

    return load_config({"data_dir": data, "store": "oxigraph", "model_cache": cfg.model_cache, "sparql_timeout": 10.0,
                        "update_token": ""} | settings)


@pytest.fixture(scope="session")
def web_graph(corpus_checkpoint) -> Path:
    """The ingested corpus (graph checkpoint and texts) copied for apps of its own."""
    return corpus_checkpoint("web")


@pytest.fixture(scope="session")
def web_data(web_graph, corpus_store, corpus_index) -> Path:
    """``web_graph`` with the real search index beside it (for /ask and /search)."""
    _, cfg, _ = corpus_store
    if not (web_graph / "index").exists():
        shutil.copytree(cfg.data_dir / "index", web_graph / "index")
    return web_graph


@pytest.fixture(scope="session")
def web_client(web_graph, corpus_store):
    """The real app through a TestClient (no browser) over the corpus graph."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(_config(web_graph, corpus_store[1]))) as client:
        yield client


@pytest.fixture(scope="session")
def live_server(web_data, corpus_store):
    """Base URL of the real app served by uvicorn on a free loopback port."""
    import uvicorn

    from api.app import create_app

    config = _config(web_data, corpus_store[1])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)
    sock.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("KG_REQUIRE_BROWSER"):  # CI: a missing browser is a failure, not a skip
            pytest.fail(f"{CHROMIUM} not found and KG_REQUIRE_BROWSER is set: .ci/run could not install chromium")
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to run the "
                    "browser tests; .ci/run does this")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Visit:
    """One browser page on the live server that records script errors and any request to another host."""

    def __init__(self, browser, base: str, width: int, height: int) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": width, "height": height}, locale="da-DK")
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.context.route("**/*", self._only_here)
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _only_here(self, route) -> None:
        url = route.request.url
        if url.startswith(self.base) or url.startswith("data:"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def go(self, fragment: str = "") -> None:
        self.page.goto(f"{self.base}/{fragment}")

    def shot(self, name: str, full_page: bool = True) -> Path:
        """A screenshot in the test artefacts, after checking that no empty value was printed on the page."""
        words = set(self.page.locator("main").inner_text().split())
        assert not words & {"null", "undefined", "NaN", "[object"}, f"{name}: an empty value is shown on the page"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        print(f"screenshot: {path}")
        return path


@pytest.fixture
def visit(browser, live_server):
    """``visit(width=1280, height=900)`` → a :class:`Visit`; checks that no script failed and no other host was called."""
    made: list[Visit] = []

    def make(width: int = 1280, height: int = 900) -> Visit:
        made.append(Visit(browser, live_server, width, height))
        return made[-1]

    yield make
    for v in made:
        v.context.close()
    for v in made:
        assert not v.errors, f"script errors: {v.errors}"
        assert not v.outside, f"the page called other hosts: {v.outside}"
