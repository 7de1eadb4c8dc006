"""Locking a period: after the lock, submissions and corrections for it are refused."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from aggregator.clock import iso, local_date
from aggregator.http.deps import ClockDep, Reader, Statistician, StoreDep, audit, parse_period
from aggregator.http.errors import Conflict, Unprocessable
from aggregator.http.models import AUTHENTICATED, PERIOD_SCHEMA, Lock, LockList, errors
from aggregator.store import AlreadyLockedError
from schemas.periods import FIRST_PERIOD

router = APIRouter(prefix="/api/v1", tags=["periods"], responses=AUTHENTICATED)


@router.post(
    "/periods/{period}/lock",
    status_code=201,
    response_model=None,
    summary="Lock a period",
    responses={201: {"model": Lock}, **errors(409, s409="Locked already")},
)
def lock_period(
    period: Annotated[str, Path(json_schema_extra=PERIOD_SCHEMA)],
    request: Request,
    principal: Statistician,
    store: StoreDep,
    clock: ClockDep,
) -> JSONResponse:
    """Lock ``period``; 409 when it is locked already, 422 for a period that has not ended.

    A lock is final (there is no unlock), so a quarter still running cannot be locked.
    """
    audit(request, "lock_period", period)
    the_period = parse_period(period)
    now = clock()
    today = local_date(now)
    if the_period.is_future(today):
        raise Unprocessable(
            f"{the_period} is nog niet begonnen en kan niet worden vergrendeld",
            f"{the_period} has not started and cannot be locked",
            code="period_in_future",
        )
    if not the_period.is_complete(today) or the_period < FIRST_PERIOD:
        raise Unprocessable(
            f"{the_period} is nog niet afgelopen (of ligt voor {FIRST_PERIOD}); een vergrendeling "
            "is definitief, dus vergrendel een kwartaal na de termijn",
            f"{the_period} has not ended (or lies before {FIRST_PERIOD}); a lock is final, so "
            "lock a quarter after its deadline",
            code="period_not_ended",
        )
    try:
        lock = store.lock_period(str(the_period), now, principal.token_id)
    except AlreadyLockedError as exc:
        raise Conflict(
            f"{the_period} is al vergrendeld op {iso(exc.lock.locked_at)}",
            f"{the_period} was already locked at {iso(exc.lock.locked_at)}",
            [exc.lock.to_dict()],
            code="period_already_locked",
        ) from None
    audit(request, "lock_period", str(the_period))
    return JSONResponse(lock.to_dict(), status_code=201)


@router.get(
    "/periods/locks",
    response_model=None,
    summary="Locked periods",
    responses={200: {"model": LockList}},
)
def list_locks(principal: Reader, store: StoreDep) -> dict[str, Any]:
    """Every locked period."""
    return {"locks": [lock.to_dict() for lock in store.list_locks()]}
