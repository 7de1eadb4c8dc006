"""Making a release: the budget check, the engine, and one transaction for release and ledger.

Releases of one process are serialised by the store's release lock. Inside it the budget is
checked before any data is read or any noise drawn, so a release that would overspend is
refused with nothing spent; the store checks the budget once more in the transaction that
writes the release and its ledger entry, so concurrent requests can never overspend together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aggregator import package_version
from aggregator.clock import iso, local_date
from aggregator.dp import engine
from aggregator.dp.privacy import DELTA, rho_to_epsilon
from aggregator.store import Budget, BudgetError, CompletenessRow, Store
from schemas.municipalities import Municipality, load_register
from schemas.periods import FIRST_PERIOD, Period, quarters_of
from schemas.tables import DEFAULT_PLAN, PlanError, TableSpec, check_plan_size, check_table
from schemas.taxonomy import load_taxonomy

#: The range of ρ a budget or a release may have: below 1e-6 nothing useful can be released
#: (noise of thousands on every count), above 1000 the guarantee is void (ε in the thousands),
#: and OpenDP's (ε, δ) conversion overflows at the extremes.
MIN_RHO, MAX_RHO = 1e-6, 1000.0


class ReleaseError(Exception):
    """A release request that cannot be made; the message in Dutch and English."""

    def __init__(self, code: str, message_nl: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code, self.message_nl, self.message_en = code, message_nl, message_en


@dataclass(frozen=True)
class ReleaseRequest:
    """What a statistician asks for."""

    year: int
    rho: float
    quarter: int | None = None
    plan: tuple[TableSpec, ...] = DEFAULT_PLAN


def periods_of(year: int, quarter: int | None) -> list[Period]:
    """The quarters a release covers."""
    return [Period(year, quarter)] if quarter else list(quarters_of(year))


def check_request(request: ReleaseRequest, today: dt.date) -> None:
    """Refuse a request that names no valid period, ρ or plan, before anything is read."""
    if request.quarter is not None and request.quarter not in (1, 2, 3, 4):
        raise ReleaseError("bad_quarter", "kwartaal is 1, 2, 3 of 4", "quarter is 1, 2, 3 or 4")
    first = periods_of(request.year, request.quarter)[0]
    what = f"{request.year}" + (f"-Q{request.quarter}" if request.quarter else "")
    if request.year < FIRST_PERIOD.year:
        raise ReleaseError(
            "bad_year",
            f"lekstat heeft gegevens vanaf {FIRST_PERIOD.year}, niet voor {what}",
            f"lekstat has data from {FIRST_PERIOD.year} onwards, not for {what}",
        )
    if first.is_future(today):
        raise ReleaseError(
            "bad_year", f"{what} is nog niet begonnen", f"{what} has not started yet"
        )
    if not (MIN_RHO <= request.rho <= MAX_RHO):
        raise ReleaseError(
            "bad_rho",
            f"rho ligt tussen {MIN_RHO:g} en {MAX_RHO:g}",
            f"rho lies between {MIN_RHO:g} and {MAX_RHO:g}",
        )
    for table in request.plan:
        check_table(table)
    try:
        check_plan_size(request.plan, year=request.year, quarter=request.quarter)
    except PlanError as exc:
        raise ReleaseError("invalid_plan", str(exc), str(exc)) from None


def reports(store: Store, period: Period) -> list[tuple[Municipality, CompletenessRow | None]]:
    """Every municipality of the period's year, with what it reported (None: nothing yet)."""
    seen = {row.municipality: row for row in store.completeness(str(period))}
    return [(m, seen.get(m.code)) for m in load_register().valid_in(period.year)]


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


def coverage(store: Store, periods: Sequence[Period]) -> dict[str, dict[str, Any]]:
    """Per quarter: municipalities expected, submitted, nil returns, missing and which."""
    return {
        str(period): period_coverage(
            [(m.code, None if row is None else row.nil_return) for m, row in reports(store, period)]
        )
        for period in periods
    }


def budget_view(budget: Budget) -> dict[str, Any]:
    """A year's budget as JSON, with (ε, δ) from OpenDP's conversion."""

    def eps(rho: float | None) -> float | None:
        return rho_to_epsilon(rho, DELTA) if rho and rho > 0 else None

    return {
        "year": budget.year,
        "total_rho": budget.total_rho,
        "spent_rho": budget.spent_rho,
        "remaining_rho": budget.remaining_rho,
        "delta": DELTA,
        "total_epsilon": eps(budget.total_rho),
        "spent_epsilon": eps(budget.spent_rho),
        "set_at": iso(budget.set_at),
        "set_by": budget.set_by,
        "ledger": [
            {"release_id": e.release_id, "rho": e.rho, "created_at": iso(e.created_at)}
            for e in budget.ledger
        ],
    }


def budget_refusal(exc: BudgetError) -> ReleaseError:
    """The refusal for a release the year's budget does not allow, saying what is left."""
    if exc.total is None:
        return ReleaseError(
            "no_budget",
            f"er is geen privacybudget voor {exc.year}; stel het eerst in "
            f"(lekstat-server budget set {exc.year} --rho R)",
            f"there is no privacy budget for {exc.year}; set it first "
            f"(lekstat-server budget set {exc.year} --rho R)",
        )
    return ReleaseError(
        "budget_exceeded",
        f"deze publicatie vraagt rho = {exc.requested:g}, maar van het budget van {exc.year} "
        f"(rho = {exc.total:g}) is nog {exc.remaining:g} over; er is niets uitgegeven",
        f"this release asks for rho = {exc.requested:g}, but the budget of {exc.year} "
        f"(rho = {exc.total:g}) has {exc.remaining:g} left; nothing was spent",
    )


def release_metadata(
    request: ReleaseRequest,
    result: engine.ReleaseResult,
    *,
    created_at: dt.datetime,
    created_by: str,
    coverage: dict[str, dict[str, Any]],
    provisional: bool,
) -> dict[str, Any]:
    """What a release records and publishes besides its tables (the id is added on storing)."""
    return {
        "year": request.year,
        "quarter": request.quarter,
        "created_at": iso(created_at),
        "created_by": created_by,
        "provisional": provisional,
        "privacy_unit": result.privacy_unit,
        "mechanism": result.mechanism,
        "rho": result.rho,
        "rho_requested": request.rho,
        "epsilon": result.epsilon,
        "delta": result.delta,
        "taxonomy_version": load_taxonomy().version,
        "package_version": package_version(),
        "plan": [t.to_dict() for t in request.plan],
        "tables": [result.table_meta[t.name] for t in request.plan],
        "coverage": coverage,
        "widened_intervals": result.widened_intervals,
    }


def create_release(
    store: Store, request: ReleaseRequest, *, created_by: str, now: dt.datetime
) -> dict[str, Any]:
    """Make, store and return a release (its metadata, with the new id)."""
    check_request(request, local_date(now))
    periods = periods_of(request.year, request.quarter)
    with store.release_lock:
        budget = store.get_budget(request.year)
        if budget.total_rho is None or request.rho > budget.remaining_rho:
            raise budget_refusal(
                BudgetError(request.year, budget.total_rho, budget.spent_rho, request.rho)
            )
        with store.snapshot():  # the rows measured and the coverage published agree
            rows = store.latest_rows([str(p) for p in periods])
            covered = coverage(store, periods)
            locks = {lock.period for lock in store.list_locks()}
        exact = engine.exact_tables(rows, request.plan, year=request.year, quarter=request.quarter)
        result = engine.compute_release(
            exact, request.plan, request.rho, year=request.year, quarter=request.quarter
        )
        if result.rho > request.rho:  # OpenDP's map is the authority
            raise ReleaseError(
                "rho_mismatch",
                "de gemeten rho is groter dan gevraagd; er is niets gepubliceerd",
                "the measured rho exceeds the request; nothing was published",
            )
        metadata = release_metadata(
            request,
            result,
            created_at=now,
            created_by=created_by,
            coverage=covered,
            provisional=not all(str(p) in locks for p in periods),
        )
        try:
            release_id = store.add_release(
                year=request.year,
                quarter=request.quarter,
                rho=result.rho,
                created_at=now,
                created_by=created_by,
                metadata=metadata,
                tables=result.tables,
            )
        except BudgetError as exc:
            raise budget_refusal(exc) from None
    return {**metadata, "id": release_id}
