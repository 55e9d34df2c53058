"""Without a configured write token, adding and removing documents is off: 403 with a message saying how to allow it."""

from __future__ import annotations


def test_writes_are_off_without_a_write_token(client):
    assert client.get("/web/write-access").json() == {"enabled": False, "authorized": False}
    r = client.post("/documents", files={"file": ("a.txt", "Der afsættes 5 mio. kr. i 2025.".encode(), "text/plain")},
                    headers={"Authorization": "Bearer anything"})
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    assert "KG_WRITE_TOKEN" in r.json()["detail"]
    assert client.delete("/documents/001_08ba568cb88d3b78.txt").status_code == 403
    assert client.get("/documents").json()["total"] == 5  # nothing changed
