"""Completeness: which municipalities reported for a quarter, on time or late.

One computation, used by the completeness answers of every edge and by the coverage a release
records. "Reported" means a version arrived, counts and nil returns alike: whether a
municipality had incidents is seen by that municipality alone (its receipts), never in a
completeness answer or a release. What each role sees:

- the statistician (and the operator): per municipality reported / not reported, on time or late;
- an analyst: the national counts only;
- a municipality: the national counts and its own line, with its versions and their times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aggregator.services import periods
from aggregator.services.access import authorize
from aggregator.services.auth import Principal
from aggregator.services.context import Context
from aggregator.store import CompletenessRow, PeriodLock, Store
from schemas.municipalities import Municipality, load_register
from schemas.periods import Period


@dataclass(frozen=True)
class MunicipalityStatus:
    """One municipality's reporting for a quarter (``row`` None: nothing received)."""

    municipality: Municipality
    row: CompletenessRow | None
    #: Whether the quarter's deadline has passed.
    overdue: bool = False

    @property
    def reported(self) -> bool:
        """Whether a version (counts or a nil return) arrived."""
        return self.row is not None

    @property
    def late(self) -> bool | None:
        """Reported after the deadline, or not reported once it passed (None: not yet due)."""
        if self.row is None:
            return True if self.overdue else None
        return self.row.first_late


@dataclass(frozen=True)
class PeriodCompleteness:
    """A quarter's reporting as one caller may see it."""

    period: Period
    deadline: dt.date
    overdue: bool
    lock: PeriodLock | None
    summary: dict[str, int]
    #: ``per_municipality`` (statistician), ``national`` (analyst) or ``own`` (a municipality).
    view: str
    #: The lines the caller may see: all (statistician), none (analyst), its own (municipality).
    statuses: tuple[MunicipalityStatus, ...]


def reports(store: Store, period: Period, overdue: bool = False) -> list[MunicipalityStatus]:
    """Every municipality of the period's year, with what it reported (None: nothing yet)."""
    seen = {row.municipality: row for row in store.completeness(str(period))}
    return [
        MunicipalityStatus(m, seen.get(m.code), overdue)
        for m in load_register().valid_in(period.year)
    ]


def summary(statuses: Sequence[MunicipalityStatus]) -> dict[str, int]:
    """The national counts: expected, reported, not reported, late (reported late or overdue)."""
    reported = sum(1 for s in statuses if s.reported)
    return {
        "expected": len(statuses),
        "reported": reported,
        "not_reported": len(statuses) - reported,
        "late": sum(1 for s in statuses if s.late),
    }


def of_period(ctx: Context, actor: Principal, period_text: str | None) -> PeriodCompleteness:
    """The completeness of a quarter as the caller may see it."""
    authorize(actor, "read_completeness")
    period = periods.parse_period(period_text)
    deadline = periods.deadline_of(ctx, period)
    overdue = ctx.today() > deadline
    every = reports(ctx.store, period, overdue)
    if actor.role == "municipality":
        view, shown = "own", tuple(s for s in every if s.municipality.code == actor.municipality)
    elif actor.role == "analyst":
        view, shown = "national", ()
    else:
        view, shown = "per_municipality", tuple(every)
    return PeriodCompleteness(
        period=period,
        deadline=deadline,
        overdue=overdue,
        lock=ctx.store.get_lock(str(period)),
        summary=summary(every),
        view=view,
        statuses=shown,
    )


def coverage(store: Store, quarters: Sequence[Period], today: dt.date) -> dict[str, dict[str, Any]]:
    """What a release records per quarter: expected, reported, not reported, and which.

    The municipalities that did not report are listed only for a quarter that has ended: a
    quarter still running has nobody missing yet (``not_reported_municipalities`` is None).
    Nothing here depends on whether a municipality had incidents.
    """
    out = {}
    for period in quarters:
        statuses = reports(store, period)
        ended = period.is_complete(today)
        counts = summary(statuses)
        out[str(period)] = {
            "expected": counts["expected"],
            "reported": counts["reported"],
            "not_reported": counts["not_reported"],
            "ended": ended,
            "not_reported_municipalities": (
                sorted(s.municipality.code for s in statuses if not s.reported) if ended else None
            ),
        }
    return out
