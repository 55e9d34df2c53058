"""The web page for people: one static page (``static/``) that calls the JSON API, and the few read views
it needs that the API does not already give (``views``). Nothing here imports FastAPI; ``api.routes_web``
serves it.
"""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
