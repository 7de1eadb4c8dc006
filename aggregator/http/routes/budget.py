"""The privacy budget of a data year: set (and raised) by the admin, spent by releases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import JsonDict

from aggregator.http.deps import ContextDep, NoteDep, allowed
from aggregator.http.models import AUTHENTICATED, WITH_BODY, BudgetOut, errors
from aggregator.services import budget
from aggregator.services.auth import Principal

router = APIRouter(prefix="/api/v1", tags=["budget"], responses=AUTHENTICATED)

#: The ranges are documented here and checked by the operation, so that a year or ρ outside
#: them gets the same refusal (``bad_year``, ``bad_rho``) over HTTP as on the command line.
YEAR_RANGE: JsonDict = {"minimum": budget.FIRST_YEAR, "maximum": budget.LAST_YEAR}
RHO_RANGE: JsonDict = {"minimum": budget.MIN_RHO, "maximum": budget.MAX_RHO}
Year = Path(description="The data year", json_schema_extra=YEAR_RANGE)


class BudgetSet(BaseModel):
    """The total zCDP budget of a year."""

    # Strict and closed: `true` is no number and a misspelt field is an error, not ignored.
    model_config = ConfigDict(strict=True, extra="forbid")

    rho: float = Field(examples=[1.0], json_schema_extra=RHO_RANGE)


@router.get(
    "/budget/{year}",
    response_model=BudgetOut,
    summary="Total, spent and remaining budget, with the ledger",
)
def get_budget(
    principal: Annotated[Principal, Depends(allowed("read_budget"))],
    context: ContextDep,
    year: int = Year,
) -> BudgetOut:
    """The year's budget in ρ (zCDP) and as (ε, δ) with δ = 10⁻⁹."""
    return BudgetOut.of(budget.show(context, principal, year))


class BudgetRaise(BaseModel):
    """A higher total for a year that was spent from, with the reason."""

    model_config = ConfigDict(strict=True, extra="forbid")

    rho: float = Field(examples=[1.0], json_schema_extra=RHO_RANGE)
    reason: str = Field(
        json_schema_extra={"minLength": budget.MIN_REASON, "maxLength": budget.MAX_REASON}
    )


@router.put(
    "/budget/{year}",
    response_model=BudgetOut,
    summary="Set the year's total budget",
    responses={**WITH_BODY, **errors(409, s409="Below what releases already spent")},
)
def set_budget(
    body: BudgetSet,
    principal: Annotated[Principal, Depends(allowed("set_budget"))],
    context: ContextDep,
    note: NoteDep,
    year: int = Year,
) -> BudgetOut:
    """Set the total within the ceiling; refused (409) below what releases already spent, and
    above the current total once anything was spent (that is a raise)."""
    view, _ = budget.set_total(context, principal, year, body.rho, note)
    return BudgetOut.of(view)


@router.post(
    "/budget/{year}/raise",
    response_model=BudgetOut,
    summary="Raise a spent year's budget, with a reason",
    responses={**WITH_BODY, **errors(409)},
)
def raise_budget(
    body: BudgetRaise,
    principal: Annotated[Principal, Depends(allowed("raise_budget"))],
    context: ContextDep,
    note: NoteDep,
    year: int = Year,
) -> BudgetOut:
    """A deliberate raise: kept with the old and new value and the reason, and shown in every
    later release's certificate."""
    view, _ = budget.raise_total(context, principal, year, body.rho, body.reason, note)
    return BudgetOut.of(view)
