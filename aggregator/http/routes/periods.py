"""Locking a period: after the lock, submissions and corrections for it are refused."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi import Path as PathParam

from aggregator.http.deps import ContextDep, NoteDep, allowed
from aggregator.http.models import (
    AUTHENTICATED,
    PERIOD_SCHEMA,
    Calendar,
    Lock,
    LockList,
    errors,
)
from aggregator.services import periods
from aggregator.services.auth import Principal

router = APIRouter(prefix="/api/v1", tags=["periods"], responses=AUTHENTICATED)


@router.post(
    "/periods/{period}/lock",
    status_code=201,
    response_model=Lock,
    summary="Lock a period",
    responses=errors(409, s409="Locked already"),
)
def lock_period(
    period: Annotated[str, PathParam(json_schema_extra=PERIOD_SCHEMA)],
    principal: Annotated[Principal, Depends(allowed("lock_period"))],
    context: ContextDep,
    note: NoteDep,
) -> Lock:
    """Lock ``period``; 409 when it is locked already, 422 for a period that has not ended.

    A lock is final (there is no unlock), so a quarter still running cannot be locked.
    """
    return Lock.of(periods.lock(context, principal, period, note))


@router.get("/periods", response_model=Calendar, summary="Every quarter so far: deadline and lock")
def get_calendar(
    principal: Annotated[Principal, Depends(allowed("read_calendar"))], context: ContextDep
) -> Calendar:
    """From the first quarter to the current one: its dates, its deadline, its lock, and whom
    to contact. What a municipality needs to know what it still has to do."""
    quarters = periods.calendar(context, principal)
    return Calendar.of(quarters, context.settings.deadline_days, context.settings.contact)


@router.get("/periods/locks", response_model=LockList, summary="Locked periods")
def list_locks(
    principal: Annotated[Principal, Depends(allowed("read_locks"))], context: ContextDep
) -> LockList:
    """Every locked period."""
    return LockList(locks=[Lock.of(lock) for lock in periods.locks(context, principal)])
