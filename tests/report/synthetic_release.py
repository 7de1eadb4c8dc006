"""TEST FIXTURE ONLY: a plausible release built from the synthetic truth, without the engine.

The release engine (``aggregator/engine.py``) is built in parallel. Until it lands, the report
is developed and tested against releases made here: the exact national tables of the default
plan computed from :func:`aggregator.synth.generate` truth, with seeded Gaussian noise of the
size the engine would add, rounded to non-negative integers, with 95% intervals and the
``unreliable`` flag. This is *not* differential privacy and must never move into
``aggregator/``. The metadata and the tables follow the shapes of ``docs/architecture.md``.

When the engine lands, switch in one place: :func:`make_release` returns ``(metadata,
tables)`` for one release, so its body becomes ``engine.compute_release`` on
``engine.exact_tables(data.truth_rows(year, quarter), …)`` with the metadata the release glue
records (or :func:`publish` becomes a call to that glue, which also stores it). Everything
else here (the scenario, the submissions, the coverage) stays.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aggregator.store import Store
from aggregator.synth import SyntheticData, generate
from schemas.municipalities import load_register
from schemas.periods import Period
from schemas.tables import DEFAULT_PLAN, PROVINCE, QUARTER, TableSpec, table_cells
from schemas.taxonomy import GROUP_DIMENSION, load_taxonomy

DELTA = 1e-9
Z95 = 1.959963984540054
PRIVACY_UNIT = (
    "one incident (one civil servant's case); it reaches each stage at most once, ever, and "
    "has one value for every other dimension"
)
MECHANISM = (
    "discrete Gaussian noise on integer counts (OpenDP make_gaussian on i64 vectors) under "
    "zero-concentrated differential privacy (ρ-zCDP), composed over the release's tables"
)


def exact_tables(
    rows: pd.DataFrame, plan: Sequence[TableSpec], *, year: int, quarter: int | None = None
) -> dict[str, np.ndarray]:
    """The true national count of every cell of every table of the plan."""
    taxonomy, register = load_taxonomy(), load_register()
    frame = rows.copy()
    frame[GROUP_DIMENSION] = frame["function_type"].map(taxonomy.group_of)
    frame[QUARTER] = frame["period"].str[-2:]
    frame[PROVINCE] = frame["municipality"].map(lambda m: register.get(m, year).province_code)
    out = {}
    for spec in plan:
        part = frame if spec.stage is None else frame[frame["stage"] == spec.stage]
        dims = list(spec.dimensions)
        counts = part.groupby(dims)["count"].sum() if dims else pd.Series([part["count"].sum()])
        cells = table_cells(spec, year=year, quarter=quarter)
        if dims:
            index = pd.MultiIndex.from_tuples(cells, names=dims) if len(dims) > 1 else None
            keyed = counts.reindex(index if index is not None else [c[0] for c in cells])
            out[spec.name] = keyed.fillna(0).astype("int64").to_numpy()
        else:
            out[spec.name] = counts.astype("int64").to_numpy()
    return out


def make_release(
    data: SyntheticData,
    *,
    year: int,
    quarter: int | None = None,
    rho: float = 1.0,
    seed: int = 7,
    plan: Sequence[TableSpec] = DEFAULT_PLAN,
) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """Release metadata (without id, coverage and times) and published tables."""
    rng = np.random.default_rng(seed)
    exact = exact_tables(data.truth_rows(year, quarter), plan, year=year, quarter=quarter)
    stages = len(load_taxonomy().stages)
    total_weight = sum(t.weight for t in plan)
    tables: dict[str, pd.DataFrame] = {}
    meta: list[dict[str, Any]] = []
    for spec in plan:
        table_rho = rho * spec.weight / total_weight
        sensitivity = math.sqrt(stages) if spec.by_stage else 1.0
        scale = sensitivity / math.sqrt(2 * table_rho)
        cells = table_cells(spec, year=year, quarter=quarter)
        noisy = exact[spec.name] + rng.normal(0.0, scale, size=len(cells))
        estimate = np.maximum(np.rint(noisy), 0).astype("int64")
        low = np.maximum(np.ceil(estimate - Z95 * scale), 0).astype("int64")
        high = np.floor(estimate + Z95 * scale).astype("int64")
        frame = pd.DataFrame(cells, columns=list(spec.dimensions))
        frame["estimate"] = estimate
        frame["std_error"] = float(scale)
        frame["ci_low"] = low
        frame["ci_high"] = high
        frame["unreliable"] = (high - low) > estimate
        tables[spec.name] = frame
        meta.append(
            {
                "name": spec.name,
                "title_nl": spec.title_nl,
                "title_en": spec.title_en,
                "dimensions": list(spec.dimensions),
                "stage": spec.stage,
                "cells": len(cells),
                "rho": table_rho,
                "sensitivity_l2": sensitivity,
                "noise_scale": scale,
                "expected_std_error": scale,
            }
        )
    metadata = {
        "year": year,
        "quarter": quarter,
        "status": "published",
        "privacy_unit": PRIVACY_UNIT,
        "mechanism": MECHANISM,
        "rho": rho,
        "epsilon": rho + 2 * math.sqrt(rho * math.log(1 / DELTA)),
        "delta": DELTA,
        "taxonomy_version": load_taxonomy().version,
        "package_version": "0.1.0",
        "plan": [t.to_dict() for t in plan],
        "tables": meta,
    }
    return metadata, tables


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
    """Per quarter: expected, submitted (with incidents), nil returns, missing at ``at``."""
    register = load_register()
    expected = [m.code for m in register.valid_in(year)]
    out: dict[str, Any] = {}
    for q in [quarter] if quarter else [1, 2, 3, 4]:
        period = f"{year}-Q{q}"
        latest: dict[str, Any] = {}
        for record in store.list_submissions(period=period):
            if record.received_at <= at:
                latest[record.municipality] = record
        nil = sum(1 for m in expected if m in latest and latest[m].nil_return)
        submitted = sum(1 for m in expected if m in latest) - nil
        out[period] = {
            "expected": len(expected),
            "submitted": submitted,
            "nil_return": nil,
            "missing": len(expected) - submitted - nil,
        }
    return out


def publish(
    store: Any,
    data: SyntheticData,
    *,
    year: int,
    quarter: int | None = None,
    rho: float = 1.0,
    seed: int = 7,
    created_at: dt.datetime,
) -> str:
    """Make a release and store it the way the service will (budget, ledger, tables)."""
    metadata, tables = make_release(data, year=year, quarter=quarter, rho=rho, seed=seed)
    budget = store.get_budget(year)
    if budget.total_rho is None or budget.remaining_rho < rho:
        store.set_budget(year, budget.spent_rho + rho + 4.0, created_at, "statistician")
    metadata["created_at"] = created_at.replace(microsecond=0).isoformat() + "Z"
    metadata["created_by"] = "tok_statistician"
    metadata["coverage"] = coverage_of(store, year, quarter, created_at)
    return store.add_release(
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
    publish(scenario, data, year=2024, rho=1.0, seed=1, created_at=RELEASED_AT["2024-r1"])
    publish(
        store, data, year=2025, quarter=1, rho=0.25, seed=2, created_at=RELEASED_AT["2025-Q1-r1"]
    )
    publish(scenario, data, year=2025, rho=1.0, seed=3, created_at=RELEASED_AT["2025-r1"])
    return scenario, data
