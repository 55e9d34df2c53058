"""Every error a user can meet, named in one place, with a message they can act on."""

from __future__ import annotations

from pathlib import Path


class KgError(Exception):
    """Base class: a problem the user can fix; the CLI prints it without a traceback."""

    exit_code = 1


class ReadError(KgError):
    """A source file could not be read as a document; it is skipped, the rest ingests."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}; skipped")


class ShapeViolation(KgError):
    """A document's graph does not conform to kg/shapes.ttl; nothing of it is stored."""

    def __init__(self, path: Path | str, report: str) -> None:
        self.path = str(path)
        self.report = report
        super().__init__(f"{path}: the graph violates the SHACL shapes; not stored:\n{report}")


class StoreError(KgError):
    """The graph store cannot be opened or written."""


class StoreLocked(StoreError):
    """Another process holds the data directory (e.g. an ingest is running)."""

    def __init__(self, data_dir: Path | str) -> None:
        super().__init__(
            f"{data_dir}: another kg process is using this data directory (an ingest or a server); "
            "wait for it to finish or stop it, then try again"
        )


class QueryError(KgError):
    """A SPARQL query is malformed or refused."""


class SettingError(KgError):
    """A setting has an invalid value."""


class QueryRefused(QueryError):
    """A query or update the server will not run (federated SERVICE or LOAD, or too long)."""


class QueryTooLarge(QueryRefused):
    """A query longer than the server accepts."""


class UpdateForbidden(QueryRefused):
    """A SPARQL update without the configured update token (or with updates disabled)."""


class QueryTimeout(QueryError):
    """A query ran longer than the configured ``sparql_timeout`` and was stopped."""


class NotAcceptable(QueryError):
    """No result format the client accepts fits the query's result (e.g. Turtle for a SELECT)."""


class Busy(KgError):
    """Every query worker is taken; the client may retry shortly."""


class NotFound(KgError):
    """An IRI or document the graph does not hold."""


class LoadError(KgError):
    """An RDF file ``kg load`` cannot load as asked (format, syntax, graph name); nothing of it is stored."""
