"""Figures over several years from published yearly tables: sums, the trend, and changes.

Where one year is too small for a fine breakdown, the sum of the last three final yearly
releases says more. Every yearly release draws its own noise (an independent OpenDP
measurement), so the unbiased estimates (``estimate_unrounded``) of one cell in different years
have independent errors: their sum is unbiased, with variance the sum of the years'
``std_error²``, and its 95% interval is built as a single release's is (methodology §8).
Nothing here reads data or spends budget: it is post-processing of published tables.

The caller chooses the releases (final yearly ones, one per year); the sums are rounded cell by
cell, so the integers of a sum need not add up exactly across cells (the unrounded ones do).

>>> import pandas as pd
>>> def year(x: float, se: float) -> pd.DataFrame:
...     return pd.DataFrame({"stage": ["ST01_SIGNAAL"], "estimate": [round(x)],
...         "estimate_unrounded": [x], "std_error": [se], "ci_low": [0], "ci_high": [0],
...         "unreliable": [True]})
>>> total = multiyear_sum({2024: year(30.4, 3.0), 2025: year(33.0, 3.0), 2026: year(35.2, 4.0)})
>>> row = total.iloc[0]
>>> int(row.estimate), round(float(row.std_error), 2), int(row.ci_low), int(row.ci_high)
(99, 5.83, 88, 110)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from aggregator.dp import estimation
from schemas.tables import VALUE_COLUMNS


class MultiYearError(ValueError):
    """Tables that cannot be combined across years."""


def _dimensions(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in VALUE_COLUMNS]


def _aligned(frames: Mapping[int, pd.DataFrame]) -> tuple[list[int], list[str], list[pd.DataFrame]]:
    """The years in order, the dimension columns, and the frames in the first year's cell order."""
    if not frames:
        raise MultiYearError("no years to combine")
    years = sorted(int(y) for y in frames)
    first = frames[years[0]]
    dims = _dimensions(first)
    keys = _keys(first, dims)
    out = []
    for y in years:
        frame = frames[y]
        missing = [c for c in ("estimate_unrounded", "std_error") if c not in frame.columns]
        if missing:
            raise MultiYearError(
                f"the table of {y} has no {' or '.join(missing)} (a release made before the "
                "unrounded estimate was published): it cannot be added to other years"
            )
        if _dimensions(frame) != dims:
            raise MultiYearError(f"the table of {y} has other dimensions than that of {years[0]}")
        own = _keys(frame, dims)
        position = {k: i for i, k in enumerate(own)}
        if len(own) != len(keys) or len(position) != len(own) or set(own) != set(keys):
            raise MultiYearError(f"the table of {y} has other cells than that of {years[0]}")
        out.append(frame.iloc[[position[k] for k in keys]].reset_index(drop=True))
    return years, dims, out


def _keys(frame: pd.DataFrame, dims: list[str]) -> list[tuple[str, ...]]:
    """Each row's codes, as a key to match cells across years."""
    if not dims:
        return [()] * len(frame)
    return list(zip(*(frame[d].astype(str).tolist() for d in dims), strict=True))


def _figures(base: pd.DataFrame, unrounded: np.ndarray, std_error: np.ndarray) -> pd.DataFrame:
    """Dimension columns of ``base`` with the value columns of unbiased estimates and SEs."""
    low, high = estimation.intervals(unrounded, std_error)
    # The published count: the whole number in the interval closest to the unbiased estimate.
    estimate = np.clip(np.rint(np.maximum(unrounded, 0.0)), low, high).astype(np.int64)
    values = {
        "estimate": estimate,
        "estimate_unrounded": unrounded,
        "std_error": std_error,
        "ci_low": low,
        "ci_high": high,
        "unreliable": estimation.unreliable(estimate, low, high, std_error),
    }
    return pd.concat([base, pd.DataFrame(values, index=base.index)], axis=1)


def multiyear_sum(frames: Mapping[int, pd.DataFrame]) -> pd.DataFrame:
    """One table summed over years (year → published table), with its 95% intervals.

    ``estimate_unrounded`` is the sum of the years' unbiased estimates and ``std_error`` the
    square root of the sum of their variances; ``estimate`` is the whole number in the interval
    nearest to it; ``unreliable`` follows the flag rule of a single release. The years are in
    ``attrs["years"]``.
    """
    years, dims, aligned = _aligned(frames)
    unrounded = np.sum([f["estimate_unrounded"].to_numpy(float) for f in aligned], axis=0)
    variance = np.sum([f["std_error"].to_numpy(float) ** 2 for f in aligned], axis=0)
    out = _figures(aligned[0][dims], unrounded, np.sqrt(variance))
    out.attrs["years"] = years
    return out


def trend(frames: Mapping[int, pd.DataFrame]) -> pd.DataFrame:
    """One table year by year: the published figures of each year, with a ``year`` column
    after the dimensions, years in order and the first year's cell order within each."""
    years, dims, aligned = _aligned(frames)
    parts = []
    for y, frame in zip(years, aligned, strict=True):
        part = frame[[*dims, *(c for c in VALUE_COLUMNS if c in frame.columns)]].copy()
        part.insert(len(dims), "year", y)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def changes(frames: Mapping[int, pd.DataFrame]) -> pd.DataFrame:
    """From each year to the next: the change of the unbiased estimate, its standard error and
    95% interval, and whether that interval excludes 0 (only then is a year "higher" or
    "lower" than the one before).

    The change of a count is a whole number, so the interval is rounded inward as a single
    release's is: [⌈d − 1.96 s⌉, ⌊d + 1.96 s⌋].
    """
    years, dims, aligned = _aligned(frames)
    parts = []
    for (y0, before), (y1, after) in zip(
        zip(years, aligned, strict=True), zip(years[1:], aligned[1:], strict=True), strict=False
    ):
        change = after["estimate_unrounded"].to_numpy(float) - before[
            "estimate_unrounded"
        ].to_numpy(float)
        se = np.sqrt(
            before["std_error"].to_numpy(float) ** 2 + after["std_error"].to_numpy(float) ** 2
        )
        part = before[dims].copy()
        part["from_year"] = y0
        part["to_year"] = y1
        part["change"] = change
        part["std_error"] = se
        part["ci_low"] = np.ceil(change - estimation.Z95 * se - 1e-9).astype(np.int64)
        part["ci_high"] = np.floor(change + estimation.Z95 * se + 1e-9).astype(np.int64)
        part["excludes_zero"] = (part["ci_low"] > 0) | (part["ci_high"] < 0)
        parts.append(part)
    if not parts:
        raise MultiYearError("a change needs at least two years")
    return pd.concat(parts, ignore_index=True)
