"""The privacy mechanism: discrete Gaussian noise on integer tables, through OpenDP.

This is the only module of lekstat that imports OpenDP. Every bit of noise comes from OpenDP's
discrete Gaussian, and every privacy loss reported here is read from OpenDP's own privacy maps:
per table from the measurement's map, in total from the composition's map, and as (ε, δ) from
OpenDP's zCDP → approximate-DP conversion.

The input is the release's exact tables as one ``dict`` (table name → integer vector); the input
distance is the number of incidents added or removed. A table that keeps ``stage`` as a dimension
changes by at most 1 in at most S cells per incident (L2 sensitivity √S), a table fixed to one
stage by at most 1 in one cell (sensitivity 1).

>>> mech = build_mechanism([TableNoise("totals", 8, 8**0.5, 0.5)])
>>> abs(mech.rho - 0.5) < 1e-9 and mech.rho <= 0.5
True
>>> round(rho_to_epsilon(0.5), 3)
6.474
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from typing import Any

import numpy as np
import opendp.prelude as dp

#: δ of the (ε, δ) form of every guarantee lekstat reports.
DELTA = 1e-9

#: The privacy unit, as published with every release.
PRIVACY_UNIT = (
    "one incident (one civil servant's case); it reaches each stage at most once, ever, and "
    "has one value for every other dimension"
)

#: The privacy unit in Dutch, for Dutch readers.
PRIVACY_UNIT_NL = (
    "één incident (de zaak van één ambtenaar); het bereikt elke fase hoogstens één keer, ooit, "
    "en heeft één waarde voor elk ander kenmerk"
)

#: The mechanism, as published with every release.
MECHANISM = (
    f"discrete Gaussian noise on integer counts (OpenDP {version('opendp')} make_gaussian on i64 "
    "vectors) under zero-concentrated differential privacy (ρ-zCDP), composed over the "
    "release's tables"
)

#: The mechanism in Dutch, for Dutch readers.
MECHANISM_NL = (
    f"discrete Gaussische ruis op gehele aantallen (OpenDP {version('opendp')} make_gaussian op "
    "i64-vectoren) onder nulgeconcentreerde differentiële privacy (ρ-zCDP), samengesteld over "
    "de tabellen van de publicatie"
)

# Float rounding in the calibration can make OpenDP's map land a hair above the planned ρ; the
# scale is then raised by this relative step until the map no longer exceeds the plan.
_NUDGE = 1e-12
_MAX_NUDGES = 200


class PrivacyError(ValueError):
    """A privacy parameter that cannot be used, or a guarantee OpenDP does not confirm."""


@dataclass(frozen=True)
class TableNoise:
    """What the mechanism needs to know of one table: cells, sensitivity and its share of ρ."""

    name: str
    cells: int
    sensitivity_l2: float
    rho: float


@dataclass(frozen=True)
class TableMeasurement:
    """One table's calibrated OpenDP measurement and its privacy loss as OpenDP maps it."""

    name: str
    cells: int
    sensitivity_l2: float
    scale: float
    rho: float
    measurement: Any


@dataclass(frozen=True)
class Mechanism:
    """The composed measurement of a release: per-table parts, total ρ and (ε, δ) from OpenDP."""

    tables: tuple[TableMeasurement, ...]
    measurement: Any
    rho: float
    epsilon: float
    delta: float

    def measure(self, exact: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Draw the noisy tables once; this is the only place a release touches the counts."""
        data: dict[str, list[int]] = {}
        for table in self.tables:
            vector = np.asarray(exact[table.name])
            if not np.issubdtype(vector.dtype, np.integer):
                raise PrivacyError(f"table {table.name!r}: counts must be integers")
            if vector.shape != (table.cells,):
                raise PrivacyError(
                    f"table {table.name!r}: expected {table.cells} cells, got shape {vector.shape}"
                )
            data[table.name] = [int(v) for v in vector]
        noisy = self.measurement(data)
        return {
            t.name: np.asarray(out, dtype=np.int64)
            for t, out in zip(self.tables, noisy, strict=True)
        }


def check_rho(rho: object, what: str = "rho") -> float:
    """``rho`` as a float if it is positive and finite; a clear :class:`PrivacyError` if not."""
    if isinstance(rho, bool) or not isinstance(rho, int | float | np.floating | np.integer):
        raise PrivacyError(f"{what} must be a number, got {type(rho).__name__}")
    value = float(rho)
    if not math.isfinite(value) or value <= 0:
        raise PrivacyError(f"{what} must be positive and finite, got {rho!r}")
    return value


@cache
def _opendp() -> tuple[Any, Any]:
    # Enabling features is global state: done on first use, not at import.
    dp.enable_features("contrib", "honest-but-curious")
    domain = dp.user_domain("lekstat.ReleaseCounts", member=lambda x: isinstance(x, dict))
    metric = dp.user_distance("lekstat.IncidentDistance")
    return domain, metric


def table_measurement(name: str, cells: int, sensitivity_l2: float, scale: float) -> Any:
    """The OpenDP measurement that adds discrete Gaussian noise of ``scale`` to one table."""
    if cells < 1:
        raise PrivacyError(f"table {name!r} has no cells")
    check_rho(sensitivity_l2, "sensitivity")
    check_rho(scale, "noise scale")
    domain, metric = _opendp()
    space = dp.vector_domain(dp.atom_domain(T="i64"), size=cells), dp.l2_distance(T=float)
    pick = dp.t.make_user_transformation(
        domain,
        metric,
        *space,
        function=lambda data: data[name],
        # An incident moves the table by at most `sensitivity_l2` in L2 (see module docstring).
        stability_map=lambda d_in: float(d_in) * sensitivity_l2,
    )
    return pick >> dp.m.then_gaussian(scale)


def calibrate(table: TableNoise) -> TableMeasurement:
    """The table's measurement at scale Δ/√(2ρ), raised until OpenDP's ρ is within the share."""
    rho = check_rho(table.rho, f"rho of table {table.name!r}")
    scale = table.sensitivity_l2 / math.sqrt(2.0 * rho)
    for _ in range(_MAX_NUDGES):
        meas = table_measurement(table.name, table.cells, table.sensitivity_l2, scale)
        spent = float(meas.map(1))
        if spent <= rho:
            return TableMeasurement(
                table.name, table.cells, table.sensitivity_l2, scale, spent, meas
            )
        scale *= 1.0 + _NUDGE
    raise PrivacyError(f"could not calibrate table {table.name!r} to rho={rho!r}")


def build_mechanism(
    tables: Sequence[TableNoise], budget: float | None = None, delta: float = DELTA
) -> Mechanism:
    """Calibrate every table and compose them within ``budget`` (default: the tables' sum).

    Each table's ρ and the total ρ are read from OpenDP's maps; neither exceeds what was
    planned. (ε, δ) is OpenDP's conversion of the composed measurement.
    """
    if not tables:
        raise PrivacyError("a release needs at least one table")
    shares = math.fsum(check_rho(t.rho, f"rho of table {t.name!r}") for t in tables)
    planned = shares if budget is None else check_rho(budget)
    if shares > planned * (1 + 1e-9):
        raise PrivacyError(f"the tables' rho add up to {shares!r}, more than {planned!r}")
    parts = [calibrate(t) for t in tables]
    for _ in range(_MAX_NUDGES):
        composed = dp.c.make_composition([p.measurement for p in parts])
        total = float(composed.map(1))
        if total <= planned:
            break
        # OpenDP adds the parts with upward rounding; shave the shares until the sum fits.
        parts = [
            calibrate(TableNoise(p.name, p.cells, p.sensitivity_l2, p.rho * (1 - _NUDGE)))
            for p in parts
        ]
    else:
        raise PrivacyError(f"could not fit the composition into rho={planned!r}")
    epsilon, delta_out = _approx_dp(composed, delta)
    return Mechanism(tuple(parts), composed, total, epsilon, delta_out)


def _approx_dp(measurement: Any, delta: float) -> tuple[float, float]:
    if not (0 < delta < 1):
        raise PrivacyError(f"delta must be between 0 and 1, got {delta!r}")
    profile = dp.c.make_fix_delta(dp.c.make_zCDP_to_approxDP(measurement), delta)
    epsilon, delta_out = profile.map(1)
    return float(epsilon), float(delta_out)


def rho_to_epsilon(rho: float, delta: float = DELTA) -> float:
    """The ε of the (ε, δ)-DP guarantee implied by ρ-zCDP, through OpenDP's conversion."""
    value = check_rho(rho)
    domain, metric = _opendp()
    # A measurement that only carries the privacy map lets OpenDP do the conversion itself.
    carrier = dp.m.make_user_measurement(
        domain,
        metric,
        dp.zero_concentrated_divergence(),
        function=lambda _: None,
        privacy_map=lambda d_in: value * float(d_in) ** 2,
    )
    return _approx_dp(carrier, delta)[0]
