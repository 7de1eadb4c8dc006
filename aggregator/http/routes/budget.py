"""The privacy budget of a data year: set by the statistician, spent by releases."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from aggregator.http.deps import ClockDep, Statistician, StoreDep, audit
from aggregator.http.errors import Conflict
from aggregator.http.models import AUTHENTICATED, WITH_BODY, errors
from aggregator.services.releases import MAX_RHO, MIN_RHO, budget_view
from aggregator.store import BudgetError

router = APIRouter(prefix="/api/v1", tags=["budget"], responses=AUTHENTICATED)

Year = Path(ge=2024, le=2100, description="The data year")


class BudgetSet(BaseModel):
    """The total zCDP budget of a year."""

    # Strict and closed: `true` is no number and a misspelt field is an error, not ignored.
    model_config = ConfigDict(strict=True, extra="forbid")

    rho: float = Field(ge=MIN_RHO, le=MAX_RHO, examples=[1.0])


@router.get("/budget/{year}", summary="Total, spent and remaining budget, with the ledger")
def get_budget(principal: Statistician, store: StoreDep, year: int = Year) -> dict[str, Any]:
    """The year's budget in ρ (zCDP) and as (ε, δ) with δ = 10⁻⁹."""
    return budget_view(store.get_budget(year))


@router.put(
    "/budget/{year}",
    summary="Set the year's total budget",
    responses={**WITH_BODY, **errors(409, s409="Below what releases already spent")},
)
def set_budget(
    body: BudgetSet,
    request: Request,
    principal: Statistician,
    store: StoreDep,
    clock: ClockDep,
    year: int = Year,
) -> dict[str, Any]:
    """Set the total; refused (409) below what releases have already spent."""
    audit(request, "set_budget", str(year), f"rho={body.rho:g}")
    try:
        budget = store.set_budget(year, body.rho, clock(), principal.token_id)
    except BudgetError as exc:
        raise Conflict(
            f"releases van {year} gaven al rho = {exc.spent:g} uit; het budget kan niet lager",
            f"releases of {year} already spent rho = {exc.spent:g}; the budget cannot be lower",
            code="budget_below_spent",
        ) from None
    return budget_view(budget)
