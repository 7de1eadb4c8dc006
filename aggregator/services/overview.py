"""A municipality's quarters at a glance: per quarter its deadline, versions and lock.

The portal's overview and quarter pages read this; it only combines what the store and the
period rules already say (:func:`aggregator.services.periods.deadline_of`, the versions, the
locks), so the page writes no rule of its own. The quarters are those lekstat takes counts for
that have started: from :data:`schemas.periods.FIRST_PERIOD` to the current quarter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aggregator.services import periods
from aggregator.services.access import authorize
from aggregator.services.auth import Principal
from aggregator.services.context import Context
from aggregator.services.refusals import not_found
from aggregator.store import PeriodLock, SubmissionRecord
from schemas.periods import FIRST_PERIOD, Period


@dataclass(frozen=True)
class Quarter:
    """One quarter of one municipality: its deadline, every version (oldest first), its lock."""

    period: Period
    deadline: dt.date
    versions: tuple[SubmissionRecord, ...]
    lock: PeriodLock | None
    today: dt.date

    @property
    def current(self) -> SubmissionRecord | None:
        """The latest version, if there is one."""
        return self.versions[-1] if self.versions else None

    @property
    def reported(self) -> bool:
        """Whether the municipality has submitted anything (counts or a nil return)."""
        return bool(self.versions)

    @property
    def locked(self) -> bool:
        """Whether the quarter is locked: no submissions or corrections any more."""
        return self.lock is not None

    @property
    def overdue(self) -> bool:
        """Not reported while the deadline has passed."""
        return not self.reported and self.today > self.deadline

    @property
    def ended(self) -> bool:
        """Whether the quarter is over (its counts are complete)."""
        return self.period.is_complete(self.today)


def started_quarters(today: dt.date) -> list[Period]:
    """The quarters from the first lekstat takes to the one containing ``today``, newest first."""
    out, period = [], Period.current(today)
    while period >= FIRST_PERIOD:
        out.append(period)
        period = period.previous()
    return out


def quarters(ctx: Context, actor: Principal) -> list[Quarter]:
    """The caller's quarters, newest first (a municipality only: it is the one that submits)."""
    authorize(actor, "submit")
    today = ctx.today()
    with ctx.store.snapshot():
        records = ctx.store.list_submissions(municipality=actor.municipality)
        locks = {lock.period: lock for lock in ctx.store.list_locks()}
    by_period: dict[str, list[SubmissionRecord]] = {}
    for record in records:
        by_period.setdefault(record.period, []).append(record)
    return [
        _quarter(ctx, p, by_period.get(str(p), []), locks.get(str(p)), today)
        for p in started_quarters(today)
    ]


def quarter(ctx: Context, actor: Principal, period_text: str) -> Quarter:
    """One of the caller's quarters; a quarter lekstat does not take (yet) is not found."""
    authorize(actor, "submit")
    period = periods.parse_period(period_text)
    today = ctx.today()
    if period < FIRST_PERIOD or period.is_future(today):
        raise not_found(
            "no_such_quarter",
            f"{period} is geen kwartaal waarvoor u bij lekstat kunt aanleveren: dat kan van "
            f"{FIRST_PERIOD} tot en met het huidige kwartaal",
            f"{period} is not a quarter you can submit for in lekstat: that is from "
            f"{FIRST_PERIOD} up to the current quarter",
        )
    with ctx.store.snapshot():
        records = ctx.store.list_submissions(municipality=actor.municipality, period=str(period))
        lock = ctx.store.get_lock(str(period))
    return _quarter(ctx, period, records, lock, today)


def _quarter(
    ctx: Context,
    period: Period,
    records: list[SubmissionRecord],
    lock: PeriodLock | None,
    today: dt.date,
) -> Quarter:
    versions = tuple(sorted(records, key=lambda r: r.version))
    return Quarter(period, periods.deadline_of(ctx, period), versions, lock, today)
