"""Content negotiation shared by the endpoints: every Accept line, the JSON/CSV choice, CSV for Excel.

HTTP allows a header field to be sent as several lines; they form one comma-separated list (RFC 9110
§5.3), and RDF4J/Sesame clients send Accept so. The SPARQL endpoint picks among its formats with
:func:`kg.sparql.negotiate`; the listing endpoints choose JSON or CSV here with the same rules.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

BOM = "\ufeff"


def accept_header(request: Request) -> str:
    """Every Accept header line of ``request`` as one value ("*/*" when there is none)."""
    return ", ".join(request.headers.getlist("accept")) or "*/*"


def wants_csv(request: Request, fmt: str | None) -> bool:
    """CSV when ``?format=csv``, or when Accept prefers text/csv over application/json (JSON on a tie or for */*)."""
    from kg.sparql import best_match

    if fmt:
        return fmt == "csv"
    return best_match(accept_header(request), [("json", ("application/json",)), ("csv", ("text/csv",))]) == "csv"


def csv_response(text: str, filename: str, headers: dict[str, str] | None = None) -> Response:
    """CSV that opens right in Excel: a UTF-8 byte-order mark first (without it Excel reads "Løft" as
    "LÃ¸ft"), CRLF lines (:func:`kg.browse.to_csv`), offered as a download named ``filename``.

    Read it back with the ``utf-8-sig`` codec (or any CSV reader that honours the mark).
    """
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', **(headers or {})}
    return Response((BOM + text).encode("utf-8"), media_type="text/csv; charset=utf-8", headers=headers)
