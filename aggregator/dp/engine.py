"""The release engine: exact tables from submission rows, previews, and private releases.

These are the entry points the service calls. :func:`exact_tables` turns the latest submission
rows into one integer vector per table; :func:`preview` shows the expected accuracy of a plan at
a ρ from the noise scales alone; :func:`compute_release` spends ρ once through OpenDP and
publishes consistent non-negative integer tables with standard errors and 95% intervals.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aggregator.dp import estimation, privacy
from aggregator.dp.counting import ROW_COLUMNS, exact_tables
from aggregator.dp.layout import PlanLayout, plan_layout
from schemas.municipalities import Register, load_register
from schemas.tables import VALUE_COLUMNS, TableSpec
from schemas.taxonomy import Taxonomy, load_taxonomy


@dataclass(frozen=True)
class TablePreview:
    """The expected accuracy of one table of a plan at a ρ, known before any data is read."""

    name: str
    title_nl: str
    title_en: str
    dimensions: tuple[str, ...]
    stage: str | None
    cells: int
    rho: float
    sensitivity_l2: float
    noise_scale: float
    expected_std_error: float
    half_width_95: float
    #: The smallest count that every cell of the table publishes as reliable (not flagged):
    #: ⌈2 × 1.96 × the table's largest standard error⌉ (:func:`estimation.smallest_reliable`).
    smallest_reliable: int


class UnsoundReleaseError(ValueError):
    """A release whose numbers cannot be right: not finite, or a standard error that is zero,
    not finite, or smaller than any measurement allows. Raised before anything is published;
    when raised by :func:`preview` or before the noise is drawn, nothing has been measured."""

    code = "unsound_numbers"

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"the release would publish numbers that cannot be right ({detail}); nothing was "
            "published or spent"
        )
        self.detail = detail
        self.message_en = str(self)
        self.message_nl = (
            f"de publicatie zou getallen bevatten die niet kunnen kloppen ({detail}); er is "
            "niets gepubliceerd of uitgegeven"
        )


@dataclass(frozen=True)
class ReleaseResult:
    """A computed release: published tables, per-table metadata and the privacy guarantee."""

    tables: dict[str, pd.DataFrame]
    table_meta: dict[str, dict[str, Any]]
    rho: float
    epsilon: float
    delta: float
    mechanism: str
    privacy_unit: str
    #: Cells whose interval was widened to contain the published integer (see methodology).
    widened_intervals: int = 0
    year: int | None = None
    quarter: int | None = None


@dataclass(frozen=True)
class _Planned:
    layout: PlanLayout
    mechanism: privacy.Mechanism
    fit: estimation.LeastSquares
    std_error: np.ndarray


# Layouts, budget shares and calibrations depend only on the plan, the period and ρ, never on
# data; they are cached so that a preview and the release after it do the work once. The
# service may call from several threads, hence the lock.
_LAYOUTS: dict[tuple[Any, ...], tuple[PlanLayout, np.ndarray]] = {}
_PLANNED: dict[tuple[Any, ...], _Planned] = {}
_CACHE_SIZE = 16
_CACHE_LOCK = threading.Lock()


def _remember(cache: dict[tuple[Any, ...], Any], key: tuple[Any, ...], value: Any) -> None:
    with _CACHE_LOCK:
        while len(cache) >= _CACHE_SIZE:
            cache.pop(next(iter(cache)))
        cache[key] = value


def _recall(cache: dict[tuple[Any, ...], Any], key: tuple[Any, ...]) -> Any:
    with _CACHE_LOCK:
        return cache.get(key)


def _plan_key(
    plan: Sequence[TableSpec],
    year: int,
    quarter: int | None,
    taxonomy: Taxonomy,
    register: Register,
) -> tuple[Any, ...]:
    _check_period(year, quarter)
    fingerprint = tuple(
        (name, dim.codes, tuple(c.group for c in dim.entries))
        for name, dim in taxonomy.dimensions.items()
    )
    return (tuple(plan), int(year), quarter, fingerprint, register)


def _layout_and_shares(
    plan: Sequence[TableSpec],
    year: int,
    quarter: int | None,
    taxonomy: Taxonomy | None,
    register: Register | None,
) -> tuple[PlanLayout, np.ndarray]:
    """The plan's layout and budget shares; both depend on the plan alone, not on ρ or data."""
    taxonomy = taxonomy or load_taxonomy()
    register = register or load_register()
    key = _plan_key(plan, year, quarter, taxonomy, register)
    found = _recall(_LAYOUTS, key)
    if found is not None:
        return found
    with estimation.one_blas_thread():
        layout = plan_layout(plan, year=year, quarter=quarter, taxonomy=taxonomy, register=register)
        shares = estimation.split_budget(
            sizes=[len(t.cells) for t in layout.tables],
            sensitivities=[t.sensitivity_l2 for t in layout.tables],
            weights=[t.spec.weight for t in layout.tables],
            basis=layout.basis,
            null_basis=layout.null_basis,
        )
    _remember(_LAYOUTS, key, (layout, shares))
    return layout, shares


def _check_period(year: int, quarter: int | None) -> None:
    if isinstance(year, bool) or not isinstance(year, int | np.integer):
        raise ValueError(f"year must be an integer, got {year!r}")
    if quarter is not None and (isinstance(quarter, bool) or quarter not in (1, 2, 3, 4)):
        raise ValueError(f"quarter must be 1, 2, 3 or 4, got {quarter!r}")


def allocate(
    plan: Sequence[TableSpec],
    rho: float,
    *,
    year: int,
    quarter: int | None = None,
    taxonomy: Taxonomy | None = None,
    register: Register | None = None,
) -> dict[str, float]:
    """The planned ρ of every table (deterministic; see :func:`estimation.split_budget`)."""
    total = privacy.check_rho(rho)
    layout, shares = _layout_and_shares(plan, year, quarter, taxonomy, register)
    return {t.spec.name: float(s * total) for t, s in zip(layout.tables, shares, strict=True)}


def _prepare(
    plan: Sequence[TableSpec],
    rho: float,
    year: int,
    quarter: int | None,
    taxonomy: Taxonomy | None,
    register: Register | None,
) -> _Planned:
    """Everything about a release that does not depend on the data."""
    total = privacy.check_rho(rho)
    taxonomy = taxonomy or load_taxonomy()
    register = register or load_register()
    key = (*_plan_key(plan, year, quarter, taxonomy, register), total)
    found = _recall(_PLANNED, key)
    if found is not None:
        return found
    layout, shares = _layout_and_shares(plan, year, quarter, taxonomy, register)
    mechanism = privacy.build_mechanism(
        [
            privacy.TableNoise(t.spec.name, len(t.cells), t.sensitivity_l2, float(s * total))
            for t, s in zip(layout.tables, shares, strict=True)
        ],
        budget=total,
    )
    # The discrete Gaussian's variance is below scale²; using scale² keeps SEs conservative.
    var = np.repeat([m.scale**2 for m in mechanism.tables], [len(t.cells) for t in layout.tables])
    with estimation.one_blas_thread():
        fit = estimation.LeastSquares.build(var, layout.basis)
        variances = fit.variances()
    _check_variances(layout, var, variances)
    planned = _Planned(layout, mechanism, fit, np.sqrt(variances))
    _remember(_PLANNED, key, planned)
    return planned


def _check_variances(layout: PlanLayout, var: np.ndarray, variances: np.ndarray) -> None:
    """Refuse standard errors that are not finite, zero, or outside what is possible.

    Least squares never makes a cell worse than its own measurement (Var ≤ σ_i²), and no cell
    can be known better than if every measurement had the smallest noise: with N the
    orthonormal basis of agreeing vectors, Cov = N (Nᵀ Σ⁻¹ N)⁻¹ Nᵀ ⪰ σ²_min N Nᵀ, so
    Var_i ≥ σ²_min (1 − ‖R_i‖²). A value outside these bounds is a numerical breakdown.
    """
    if not (np.all(np.isfinite(var)) and np.all(var > 0)):
        raise UnsoundReleaseError("a noise variance is not a positive finite number")
    if not np.all(np.isfinite(variances)) or np.any(variances <= 0):
        raise UnsoundReleaseError("a standard error is zero or not finite")
    floor = float(var.min()) * (1.0 - np.sum(layout.basis**2, axis=0))
    if np.any(variances < floor * (1 - 1e-6)) or np.any(variances > var * (1 + 1e-6)):
        raise UnsoundReleaseError("a standard error is outside what the measurements allow")


def _meta(planned: _Planned) -> dict[str, dict[str, Any]]:
    out = {}
    for table, m in zip(planned.layout.tables, planned.mechanism.tables, strict=True):
        spec = table.spec
        out[spec.name] = {
            "name": spec.name,
            "title_nl": spec.title_nl,
            "title_en": spec.title_en,
            "dimensions": list(spec.dimensions),
            "stage": spec.stage,
            "cells": len(table.cells),
            "rho": m.rho,
            "sensitivity_l2": table.sensitivity_l2,
            "noise_scale": m.scale,
            "expected_std_error": float(planned.std_error[table.slice].mean()),
            "smallest_reliable": estimation.smallest_reliable(planned.std_error[table.slice]),
        }
    return out


def preview(
    plan: Sequence[TableSpec],
    rho: float,
    *,
    year: int,
    quarter: int | None = None,
    taxonomy: Taxonomy | None = None,
    register: Register | None = None,
) -> list[TablePreview]:
    """Expected standard error and 95% half-width per table; reads no data, spends nothing."""
    meta = _meta(_prepare(plan, rho, year, quarter, taxonomy, register))
    return [
        TablePreview(
            name=m["name"],
            title_nl=m["title_nl"],
            title_en=m["title_en"],
            dimensions=tuple(m["dimensions"]),
            stage=m["stage"],
            cells=m["cells"],
            rho=m["rho"],
            sensitivity_l2=m["sensitivity_l2"],
            noise_scale=m["noise_scale"],
            expected_std_error=m["expected_std_error"],
            half_width_95=estimation.Z95 * m["expected_std_error"],
            smallest_reliable=m["smallest_reliable"],
        )
        for m in meta.values()
    ]


def compute_release(
    exact: Mapping[str, np.ndarray],
    plan: Sequence[TableSpec],
    rho: float,
    *,
    year: int,
    quarter: int | None = None,
    taxonomy: Taxonomy | None = None,
    register: Register | None = None,
) -> ReleaseResult:
    """Spend ρ once through OpenDP and publish the plan's tables, consistent and with intervals."""
    planned = _prepare(plan, rho, year, quarter, taxonomy, register)
    layout = planned.layout
    _check_exact(exact, layout)
    noisy = planned.mechanism.measure(exact)
    y = np.concatenate([noisy[t.spec.name] for t in layout.tables]).astype(float)
    with estimation.one_blas_thread():
        fitted = planned.fit.estimate(y)
    if not np.all(np.isfinite(fitted)):
        raise UnsoundReleaseError("an estimate is not finite")
    low, high = estimation.intervals(fitted, planned.std_error)
    publication = estimation.publish(
        fitted, low, high, _stage_totals(planned, fitted), layout.blocks
    )
    tables = {
        t.spec.name: _frame(t.spec, t.cells, t.slice, publication, fitted, planned.std_error)
        for t in layout.tables
    }
    mech = planned.mechanism
    return ReleaseResult(
        tables=tables,
        table_meta=_meta(planned),
        rho=mech.rho,
        epsilon=mech.epsilon,
        delta=mech.delta,
        mechanism=privacy.MECHANISM,
        privacy_unit=privacy.PRIVACY_UNIT,
        widened_intervals=publication.widened,
        year=year,
        quarter=quarter,
    )


def _check_exact(exact: Mapping[str, np.ndarray], layout: PlanLayout) -> None:
    names = {t.spec.name for t in layout.tables}
    if set(exact) != names:
        missing, extra = sorted(names - set(exact)), sorted(set(exact) - names)
        raise ValueError(f"exact tables do not match the plan: missing {missing}, extra {extra}")
    for t in layout.tables:
        v = np.asarray(exact[t.spec.name])
        if v.shape != (len(t.cells),):
            raise ValueError(
                f"exact table {t.spec.name!r} must have {len(t.cells)} cells, has shape {v.shape}"
            )
        if not np.issubdtype(v.dtype, np.integer):
            raise ValueError(f"exact table {t.spec.name!r} must hold integers")
        if np.any(v < 0):
            raise ValueError(f"exact table {t.spec.name!r} has a negative count")


def _stage_totals(planned: _Planned, fitted: np.ndarray) -> list[tuple[float, int, int]]:
    """Per stage: the GLS estimate of the national total and its 95% interval."""
    out = []
    for cells in planned.layout.stage_cells:
        if cells.size == 0:
            out.append((0.0, 0, 0))
            continue
        estimate = float(fitted[cells].sum())
        se = math.sqrt(planned.fit.variance_of_sum(cells))
        low, high = estimation.intervals(np.array([estimate]), np.array([se]))
        out.append((estimate, int(low[0]), int(high[0])))
    return out


def _frame(
    spec: TableSpec,
    cells: Sequence[tuple[str, ...]],
    span: slice,
    publication: estimation.Publication,
    fitted: np.ndarray,
    std_error: np.ndarray,
) -> pd.DataFrame:
    """A published table: its cells' codes, then :data:`VALUE_COLUMNS` in order."""
    estimate = publication.estimate[span].astype(np.int64)
    low, high = publication.ci_low[span], publication.ci_high[span]
    columns: dict[str, Any] = {
        dim: [cell[k] for cell in cells] for k, dim in enumerate(spec.dimensions)
    }
    columns["estimate"] = estimate
    # The unbiased estimate on which the interval is centred; std_error is its standard error.
    columns["estimate_unrounded"] = fitted[span].astype(float)
    columns["std_error"] = std_error[span].astype(float)
    columns["ci_low"] = low.astype(np.int64)
    columns["ci_high"] = high.astype(np.int64)
    columns["unreliable"] = estimation.unreliable(estimate, low, high, std_error[span])
    return pd.DataFrame(columns, index=pd.RangeIndex(len(cells)))


__all__ = [
    "ROW_COLUMNS",
    "VALUE_COLUMNS",
    "ReleaseResult",
    "TablePreview",
    "UnsoundReleaseError",
    "allocate",
    "compute_release",
    "exact_tables",
    "preview",
]
