"""Money trails and flows: thin wrappers over :mod:`kg.money`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.deps import Services
from api.negotiation import csv_response, wants_csv
from api.problems import PROBLEM_RESPONSES
from kg import browse, money

router = APIRouter(prefix="/money", tags=["money"])
FLOW_COLUMNS = ("year", "payer", "initiative_label", "recipient", "kind", "dkk", "reconciliation", "mismatch", "initiative",
                "uncertain")
RECONCILIATION_COLUMNS = ("doc_key", "label", "year", "status", "stated", "computed", "difference", "parts", "iri")


@router.get("/trail", summary="The money trail of one initiative", responses=PROBLEM_RESPONSES)
def money_trail(services: Services,
                initiative: Annotated[str, Query(min_length=2, max_length=300, description="IRI or words of its name.")]
                ) -> dict[str, Any]:
    """Allocation → shares (with recipients) → uses → staff, across every document that names the
    initiative; each number with its quote, document and page, and conflicting restatements flagged."""
    return money.trail(services.store, initiative)


@router.get("/flows", summary="Money per payer → initiative → recipient and year",
            responses={200: {"content": {"application/json": {}, "text/csv": {}}}, **PROBLEM_RESPONSES})
def money_flows(request: Request, services: Services,
                year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
                payer: Annotated[str | None, Query(max_length=300)] = None,
                recipient: Annotated[str | None, Query(max_length=300)] = None,
                format: Annotated[str | None, Query(pattern="^(json|csv)$")] = None,
                ) -> Any:
    """Allocated money and shares aggregated per year; money restated in several documents counts once.
    Each row says whether its figures take part in a reconciled total (`reconciliation`, `mismatch`)
    and how many of them the parser was unsure of (`uncertain`).
    CSV (UTF-8 with a byte-order mark, for Excel; amounts in whole kroner) with `?format=csv` or `Accept: text/csv`."""
    rows = money.flows(services.store, year, payer, recipient)
    if wants_csv(request, format):
        return csv_response(browse.to_csv(rows, FLOW_COLUMNS), "money-flows.csv")
    return {"year": year, "flows": rows}


@router.get("/reconciliations", summary="Stated totals checked against their parts",
            responses={200: {"content": {"application/json": {}, "text/csv": {}}}, **PROBLEM_RESPONSES})
def money_reconciliations(request: Request, services: Services,
                          status: Annotated[str | None, Query(pattern="^(balanced|rounding|mismatch)$")] = None,
                          format: Annotated[str | None, Query(pattern="^(json|csv)$")] = None,
                          ) -> Any:
    """Every table total ("Udgifter i alt", "Total (FL24)", a theme row) with the sum of its parts per year:
    stated, computed, difference and status (balanced, rounding, mismatch)."""
    rows = money.reconciliations(services.store, status)
    if wants_csv(request, format):
        return csv_response(browse.to_csv(rows, RECONCILIATION_COLUMNS), "money-reconciliations.csv")
    return {"status": status, "reconciliations": rows}
