"""A release scenario for the report tests: synthetic truth through the real release engine.

:func:`make_release` runs :func:`aggregator.dp.engine.compute_release` (OpenDP noise, least
squares, integer publication) on the exact national tables of the synthetic truth and records
the metadata the service records (:func:`aggregator.services.releases.release_metadata`). The
scenario (two years, an annual and a provisional quarterly release) and the submissions'
coverage are built here; :func:`publish` stores a release the way the service does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from aggregator.demo.synth import SyntheticData, generate
from aggregator.dp import engine
from aggregator.services import certificates
from aggregator.services.releases import ReleaseRequest, release_metadata
from aggregator.store import Budget, Store
from aggregator.store.journal import GENESIS
from schemas.municipalities import load_register
from schemas.periods import Period
from schemas.tables import DEFAULT_PLAN, TableSpec


def make_release(
    data: SyntheticData,
    *,
    year: int,
    quarter: int | None = None,
    rho: float = 1.0,
    plan: Sequence[TableSpec] = DEFAULT_PLAN,
) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """Release metadata (without id, coverage and times; with the certificate of a first
    release of the year) and published tables."""
    exact = engine.exact_tables(data.truth_rows(year, quarter), plan, year=year, quarter=quarter)
    result = engine.compute_release(exact, plan, rho, year=year, quarter=quarter)
    made = dt.datetime(2000, 1, 1)
    metadata = release_metadata(
        ReleaseRequest(year, rho, quarter, tuple(plan)),
        result,
        created_at=made,
        created_by="",
        coverage={},
        provisional=quarter is not None,
    )
    metadata["certificate"] = certificates.build(
        release_id="",
        created_at=made,
        rho=result.rho,
        epsilon_=result.epsilon,
        delta=result.delta,
        tables=metadata["tables"],
        budget_before=Budget(year, rho, made, "admin", ()),
        ceiling_rho=rho,
        journal_prev=GENESIS,
    )
    return metadata, result.tables


@dataclass(frozen=True)
class SubmissionStub:
    """What the report reads of a stored submission version."""

    municipality: str
    period: str
    version: int
    nil_return: bool
    total: int
    received_at: dt.datetime


class ScenarioStore:
    """The real store for budgets and releases, with the year's submissions of the synthetic
    plan served from memory.

    Storing 1,350 submissions one transaction at a time takes half a minute; the report reads
    only who submitted when. ``test_report_data`` checks the same reading on the real store.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.submissions: list[SubmissionStub] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def submit_year(
        self, data: SyntheticData, year: int, *, late_after: dt.datetime | None = None
    ) -> None:
        """The final submission of every municipality the plan does not leave missing, ten
        days after each quarter; with ``late_after``, one municipality that missed the second
        quarter submits three days after that moment."""
        for q in range(1, 5):
            period = Period(year, q)
            received = dt.datetime.combine(period.end, dt.time(9)) + dt.timedelta(days=10)
            plan = data.plan(period)
            for municipality, rows in data.submissions(period).items():
                if municipality not in plan.missing:
                    self._add(municipality, period, rows, received)
            if late_after is not None and q == 2 and plan.missing:
                late = sorted(plan.missing)[0]
                rows = data.submissions(period)[late]
                self._add(late, period, rows, late_after + dt.timedelta(days=3))

    def _add(
        self, municipality: str, period: Period, rows: pd.DataFrame | None, at: dt.datetime
    ) -> None:
        total = 0 if rows is None else int(rows["count"].sum())
        self.submissions.append(
            SubmissionStub(municipality, str(period), 1, rows is None, total, at)
        )

    def list_submissions(
        self, *, municipality: str | None = None, period: str | None = None
    ) -> list[SubmissionStub]:
        """Like :meth:`Store.list_submissions`: filtered, by period, municipality, version."""
        found = [
            s
            for s in self.submissions
            if (municipality is None or s.municipality == municipality)
            and (period is None or s.period == period)
        ]
        return sorted(found, key=lambda s: (s.period, s.municipality, s.version))


def coverage_of(store: Any, year: int, quarter: int | None, at: dt.datetime) -> dict[str, Any]:
    """What :func:`aggregator.services.completeness.coverage` records for the submissions
    received by ``at``."""
    expected = [m.code for m in load_register().valid_in(year)]
    out: dict[str, Any] = {}
    for q in [quarter] if quarter else [1, 2, 3, 4]:
        period = Period(year, q)
        received = {
            r.municipality
            for r in store.list_submissions(period=str(period))
            if r.received_at <= at
        }
        missing = sorted(m for m in expected if m not in received)
        ended = period.is_complete(at.date())
        out[str(period)] = {
            "expected": len(expected),
            "reported": len(expected) - len(missing),
            "not_reported": len(missing),
            "ended": ended,
            "not_reported_municipalities": missing if ended else None,
        }
    return out


def publish(
    store: Any,
    data: SyntheticData,
    *,
    year: int,
    quarter: int | None = None,
    rho: float = 1.0,
    created_at: dt.datetime,
) -> str:
    """Make a release and store it the way the service will (budget, ledger, tables)."""
    metadata, tables = make_release(data, year=year, quarter=quarter, rho=rho)
    budget = store.get_budget(year)
    if budget.total_rho is None or budget.remaining_rho < rho:
        store.set_budget(year, budget.spent_rho + rho + 4.0, created_at, "statistician")
    metadata["created_at"] = created_at.replace(microsecond=0).isoformat() + "Z"
    metadata["created_by"] = "tok_statistician"
    metadata["coverage"] = coverage_of(store, year, quarter, created_at)
    release_id = store.next_release_id(year, quarter)
    metadata["certificate"] = certificates.build(
        release_id=release_id,
        created_at=created_at,
        rho=metadata["rho"],
        epsilon_=metadata["epsilon"],
        delta=metadata["delta"],
        tables=metadata["tables"],
        budget_before=store.get_budget(year),
        ceiling_rho=5.0,
        journal_prev=store.journal.head,
    )
    return store.add_release(
        release_id=release_id,
        year=year,
        quarter=quarter,
        rho=rho,
        created_at=created_at,
        created_by="tok_statistician",
        metadata=metadata,
        tables=tables,
    )


#: The scenario of the report tests: what was released when.
RELEASED_AT = {
    "2024-r1": dt.datetime(2025, 1, 20, 10, 0),
    "2025-Q1-r1": dt.datetime(2025, 4, 25, 10, 0),
    "2025-r1": dt.datetime(2026, 1, 15, 10, 0),
}


def build_scenario(store: Store) -> tuple[ScenarioStore, SyntheticData]:
    """Two years of synthetic truth and three releases: 2024 (annual), 2025-Q1 (provisional)
    and 2025 (annual), with the 2025 submissions in the store; one municipality that missed
    2025-Q2 submits three days after the annual release (it must still count as missing)."""
    data = generate([2024, 2025])
    scenario = ScenarioStore(store)
    scenario.submit_year(data, 2025, late_after=RELEASED_AT["2025-r1"])
    publish(scenario, data, year=2024, rho=1.0, created_at=RELEASED_AT["2024-r1"])
    publish(scenario, data, year=2025, quarter=1, rho=0.25, created_at=RELEASED_AT["2025-Q1-r1"])
    publish(scenario, data, year=2025, rho=1.0, created_at=RELEASED_AT["2025-r1"])
    return scenario, data
