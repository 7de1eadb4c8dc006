"""Completeness of a period: who submitted, who sent a nil return, who is missing; on time?"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from aggregator.clock import iso, local_date
from aggregator.http.deps import ClockDep, Reader, SettingsDep, StoreDep, parse_period
from aggregator.http.models import AUTHENTICATED, PERIOD_SCHEMA
from aggregator.http.routes.submissions import deadline_of
from aggregator.services.releases import reports

router = APIRouter(prefix="/api/v1", tags=["completeness"], responses=AUTHENTICATED)


@router.get("/completeness", summary="Per municipality: submitted, nil return or missing")
def completeness(
    principal: Reader,
    store: StoreDep,
    settings: SettingsDep,
    clock: ClockDep,
    period: str = Query(description="e.g. 2026-Q1", json_schema_extra=PERIOD_SCHEMA),
) -> dict[str, Any]:
    """The status of every municipality valid in the period's year, with a summary.

    A submission whose latest version has no incidents counts as a nil return. ``on_time``
    says whether the first version arrived by the deadline (``false`` for a municipality still
    missing after it, ``null`` before it). In the summary, ``late`` counts the municipalities
    that reported after the deadline; the missing ones are counted apart.
    """
    the_period = parse_period(period)
    deadline = deadline_of(the_period, settings)
    overdue = local_date(clock()) > deadline
    entries = []
    summary = {"expected": 0, "submitted": 0, "nil_return": 0, "missing": 0, "late": 0}
    for m, row in reports(store, the_period):
        summary["expected"] += 1
        if row is None:
            status, on_time = "missing", (False if overdue else None)
        else:
            status = "nil_return" if row.nil_return else "submitted"
            on_time = not row.first_late
        summary[status] += 1
        if row is not None and row.first_late:
            summary["late"] += 1
        entries.append(
            {
                "code": m.code,
                "name": m.name,
                "province": m.province_code,
                "status": status,
                "versions": row.versions if row else 0,
                "first_received_at": iso(row.first_received_at) if row else None,
                "last_received_at": iso(row.last_received_at) if row else None,
                "on_time": on_time,
            }
        )
    lock = store.get_lock(str(the_period))
    return {
        "period": str(the_period),
        "deadline": deadline.isoformat(),
        "locked": lock.to_dict() if lock else None,
        "summary": summary,
        "municipalities": entries,
    }
