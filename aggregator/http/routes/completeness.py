"""Completeness of a period: who reported, on time or late."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from aggregator.http.deps import ContextDep, allowed
from aggregator.http.models import AUTHENTICATED, PERIOD_SCHEMA, Completeness
from aggregator.services import completeness
from aggregator.services.auth import Principal

router = APIRouter(prefix="/api/v1", tags=["completeness"], responses=AUTHENTICATED)


@router.get(
    "/completeness",
    response_model=Completeness,
    summary="Per municipality: submitted, nil return or missing",
)
def get_completeness(
    principal: Annotated[Principal, Depends(allowed("read_completeness"))],
    context: ContextDep,
    period: str = Query(description="e.g. 2026-Q1", json_schema_extra=PERIOD_SCHEMA),
) -> Completeness:
    """The status of every municipality valid in the period's year, with a summary.

    A submission whose latest version has no incidents counts as a nil return. ``on_time``
    says whether the first version arrived by the deadline (``false`` for a municipality still
    missing after it, ``null`` before it). In the summary, ``late`` counts the municipalities
    that reported after the deadline; the missing ones are counted apart.
    """
    return Completeness.of(completeness.of_period(context, principal, period))
