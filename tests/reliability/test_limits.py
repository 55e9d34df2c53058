"""Request limits over real HTTP: URL length (414), body size (413), query length (413), parameter length (422),
admission (503), malformed HTTP; every refusal a problem without a stack trace, and the server keeps answering."""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlparse

import httpx
import pytest

from api.limits import MAX_URL_BYTES, Admission


def assert_problem(response: httpx.Response, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and words in body["detail"], body
    assert "Traceback" not in response.text and 'File "' not in response.text


def test_long_url_is_414_and_says_to_post(server):
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * MAX_URL_BYTES
    assert_problem(httpx.get(server + "/sparql", params={"query": query}, timeout=30), 414, "send long queries with POST")
    done = httpx.post(server + "/sparql", data={"query": query}, timeout=30)  # the same query by POST runs
    assert done.status_code == 200, done.text


def test_long_query_and_large_body_are_413(server):
    assert_problem(httpx.post(server + "/sparql", data={"query": "ASK {} #" + "x" * 100_001}, timeout=30), 413,
                   "limit is 100,000")
    assert_problem(httpx.post(server + "/sparql", content=b"x" * 2_000_000,
                              headers={"content-type": "application/sparql-query"}, timeout=30), 413, "request body over")


def test_overlong_search_text_is_422(server):
    assert_problem(httpx.get(server + "/search", params={"q": "psykiatri " * 200}, timeout=30), 422, "at most 1000")


def test_malformed_http_gets_no_trace_and_the_server_goes_on(server):
    url = urlparse(server)
    for garbage in (b"\x00\xff\xfe GARBAGE\r\n\r\n", b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"):
        with socket.create_connection((url.hostname, url.port), timeout=10) as s:
            s.sendall(garbage)
            try:
                answer = s.recv(65536)
            except (ConnectionResetError, TimeoutError):
                answer = b""
        assert b"Traceback" not in answer and b'File "' not in answer
    assert httpx.get(server + "/health", timeout=10).status_code == 200


def test_cors_is_off_over_real_http(server):
    r = httpx.options(server + "/sparql", headers={"Origin": "https://evil.example",
                                                     "Access-Control-Request-Method": "POST"}, timeout=10)
    assert "access-control-allow-origin" not in r.headers
    r = httpx.get(server + "/health", headers={"Origin": "https://evil.example"}, timeout=10)
    assert "access-control-allow-origin" not in r.headers


async def _admission_run(n: int, hold: float, wait: float) -> list[int]:
    """``n`` requests at once through :class:`Admission` (1 running, 2 waiting at most) over a slow app."""

    async def slow_app(scope, receive, send) -> None:
        await asyncio.sleep(hold)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    limited = Admission(slow_app, max_active=1, max_waiting=2, wait_seconds=wait)
    transport = httpx.ASGITransport(app=limited)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        answers = await asyncio.gather(*(client.get("/sparql") for _ in range(n)))
    return sorted(r.status_code for r in answers)


@pytest.mark.parametrize(("n", "expected"), [(3, [200, 200, 200]), (6, [200, 200, 200, 503, 503, 503])])
def test_admission_runs_some_queues_some_and_turns_the_rest_away(n, expected):
    assert asyncio.run(_admission_run(n, 0.2, 2.0)) == expected


def test_admission_gives_up_waiting_with_503():
    # 1 runs for 0.5 s; the waiters may wait 0.75 s: the first gets in at 0.5 s, the second would at 1.0 s
    assert asyncio.run(_admission_run(3, 0.5, 0.75)) == [200, 200, 503]
