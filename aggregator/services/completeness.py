"""Completeness: which municipalities reported for a quarter, on time or late.

One computation, used by the completeness answers of every edge and by the coverage a release
records.
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
    def status(self) -> str:
        """``submitted``, ``nil_return`` or ``missing``."""
        if self.row is None:
            return "missing"
        return "nil_return" if self.row.nil_return else "submitted"

    @property
    def on_time(self) -> bool | None:
        """Whether the first version came by the deadline (None: missing, deadline not passed)."""
        if self.row is None:
            return False if self.overdue else None
        return not self.row.first_late


@dataclass(frozen=True)
class PeriodCompleteness:
    """A quarter's reporting: every expected municipality, the deadline and the lock."""

    period: Period
    deadline: dt.date
    overdue: bool
    lock: PeriodLock | None
    statuses: tuple[MunicipalityStatus, ...]

    def summary(self) -> dict[str, int]:
        """The counts: expected, submitted, nil returns, missing, and late (who reported late)."""
        counts = {"expected": len(self.statuses), "submitted": 0, "nil_return": 0, "missing": 0}
        for s in self.statuses:
            counts[s.status] += 1
        counts["late"] = sum(1 for s in self.statuses if s.row is not None and s.row.first_late)
        return counts


def reports(store: Store, period: Period, overdue: bool = False) -> list[MunicipalityStatus]:
    """Every municipality of the period's year, with what it reported (None: nothing yet)."""
    seen = {row.municipality: row for row in store.completeness(str(period))}
    return [
        MunicipalityStatus(m, seen.get(m.code), overdue)
        for m in load_register().valid_in(period.year)
    ]


def of_period(ctx: Context, actor: Principal, period_text: str | None) -> PeriodCompleteness:
    """The completeness of a quarter as the caller may see it."""
    authorize(actor, "read_completeness")
    period = periods.parse_period(period_text)
    deadline = periods.deadline_of(ctx, period)
    overdue = ctx.today() > deadline
    return PeriodCompleteness(
        period=period,
        deadline=deadline,
        overdue=overdue,
        lock=ctx.store.get_lock(str(period)),
        statuses=tuple(reports(ctx.store, period, overdue)),
    )


def period_coverage(reported: Sequence[tuple[str, bool | None]]) -> dict[str, Any]:
    """One quarter's coverage from (code, nil return, or None when nothing came) per expected
    municipality: the counts, and the codes of the missing ones so that a report's list of
    municipalities that did not report always agrees with the count (neither is private).

    >>> period_coverage([("GM0001", False), ("GM0002", True), ("GM0003", None)])
    {'expected': 3, 'submitted': 1, 'nil_return': 1, 'missing': 1,
     'missing_municipalities': ['GM0003']}
    """
    missing = sorted(code for code, nil in reported if nil is None)
    nil = sum(1 for _, n in reported if n is True)
    return {
        "expected": len(reported),
        "submitted": len(reported) - len(missing) - nil,
        "nil_return": nil,
        "missing": len(missing),
        "missing_municipalities": missing,
    }


def coverage(store: Store, quarters: Sequence[Period]) -> dict[str, dict[str, Any]]:
    """Per quarter: municipalities expected, submitted, nil returns, missing and which."""
    return {
        str(period): period_coverage(
            [
                (s.municipality.code, None if s.row is None else s.row.nil_return)
                for s in reports(store, period)
            ]
        )
        for period in quarters
    }
