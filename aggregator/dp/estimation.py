"""The statistics of a release, in numpy: budget split, least squares, integers, intervals.

Nothing here sees a privacy parameter other than noise variances, and nothing here draws
randomness: everything is post-processing of OpenDP's output (or planning before it).

Notation: the noisy tables are stacked into one vector ``y = x + e`` with independent noise of
variance ``var`` per cell (the squared OpenDP scale, an upper bound of the discrete Gaussian's
variance). ``R`` has orthonormal rows spanning the constraints ``R x = 0`` that the true tables
satisfy (their shared sums agree). The generalised least-squares estimate is
``x̂ = y − Σ Rᵀ (R Σ Rᵀ)⁻¹ R y`` with covariance ``Σ − Σ Rᵀ (R Σ Rᵀ)⁻¹ R Σ``.

>>> fit = LeastSquares.build(np.array([1.0, 1.0, 2.0]), np.array([[1.0, 1.0, -1.0]]) / 3**0.5)
>>> fit.estimate(np.array([3.0, 4.0, 9.0])).round(3).tolist()
[3.5, 4.5, 8.0]
>>> publish_block(np.array([2.6, -1.0, 0.7]), 3).tolist()
[2, 0, 1]
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from aggregator.dp.layout import Block

#: Two-sided 95% normal quantile: the half-width of an interval is Z95 standard errors.
Z95 = NormalDist().inv_cdf(0.975)
#: One-sided 95% quantile, used to decide whether a true count of 0 is still plausible.
Z95_ONE_SIDED = NormalDist().inv_cdf(0.95)

_TOL = 1e-9
# A table that repeats another's margin (stage × quarter in a quarterly release repeats the
# totals) would otherwise be driven to a zero share; every table keeps a measurement of its own.
_FLOOR = 0.25


@dataclass(frozen=True)
class LeastSquares:
    """The GLS projection onto the agreement constraints for given cell variances."""

    var: np.ndarray
    basis: np.ndarray
    #: L⁻¹ R and L⁻¹ R Σ, with L the Cholesky factor of R Σ Rᵀ (one row per constraint).
    whitened: np.ndarray
    half: np.ndarray

    @classmethod
    def build(cls, var: np.ndarray, basis: np.ndarray) -> LeastSquares:
        """Prepare the projection for noise variances ``var`` and constraint rows ``basis``."""
        var = np.asarray(var, dtype=float)
        if var.ndim != 1 or var.shape[0] != basis.shape[1] or not np.all(var > 0):
            raise ValueError("variances must be a positive vector with one entry per cell")
        if basis.shape[0] == 0:
            return cls(var, basis, basis, basis)
        weighted = basis * var
        inv_chol = np.linalg.inv(np.linalg.cholesky(weighted @ basis.T))
        return cls(var, basis, inv_chol @ basis, inv_chol @ weighted)

    def estimate(self, y: np.ndarray) -> np.ndarray:
        """The GLS estimate: the noisy vector moved, in the metric Σ⁻¹, onto the constraints."""
        y = np.asarray(y, dtype=float)
        return y - self.half.T @ (self.whitened @ y)

    def variances(self) -> np.ndarray:
        """The exact variance of every cell of the GLS estimate."""
        return np.maximum(self.var - np.sum(self.half**2, axis=0), 0.0)

    def variance_of_sum(self, cells: np.ndarray) -> float:
        """The exact variance of the GLS estimate of the sum of ``cells``."""
        own = float(self.var[cells].sum())
        shared = self.half[:, cells].sum(axis=1)
        return max(own - float(shared @ shared), 0.0)


def table_mean_variances(var: np.ndarray, basis: np.ndarray, spans: Sequence[slice]) -> np.ndarray:
    """Each table's mean cell variance after the least-squares step."""
    after = LeastSquares.build(var, basis).variances()
    return np.array([after[s].mean() for s in spans])


def split_budget(
    sizes: Sequence[int],
    sensitivities: Sequence[float],
    weights: Sequence[float],
    basis: np.ndarray,
    anchor: int | None,
) -> np.ndarray:
    """Each table's share of ρ (summing to 1): no table worse than its reference, gains to totals.

    The reference gives table t the share w_t / Σw and publishes it on its own, with mean cell
    variance V⁰_t = Δ_t² / (2 ρ_t). lekstat then lowers every other table's share until its
    expected mean variance *after* the least-squares step equals V⁰_t, but not below a quarter
    of its reference share, and gives the budget this frees to the national totals
    (``anchor``). Without a totals table the reference is used.
    """
    w = np.asarray(weights, dtype=float)
    if np.any(~np.isfinite(w)) or np.any(w <= 0):
        raise ValueError("table weights must be positive and finite")
    reference = w / w.sum()
    if anchor is None or len(sizes) == 1:
        return reference
    sens2 = np.asarray(sensitivities, dtype=float) ** 2
    starts = np.cumsum([0, *sizes])
    spans = [slice(int(a), int(b)) for a, b in itertools.pairwise(starts)]
    target = sens2 / (2 * reference)
    others = np.arange(len(sizes)) != anchor
    shares = reference.copy()
    for _ in range(200):
        var = np.repeat(sens2 / (2 * shares), sizes)
        ratio = table_mean_variances(var, basis, spans) / target
        new = shares.copy()
        # V_t is close to c_t / share_t, so this step lands near the share with V_t = V⁰_t.
        new[others] = np.maximum(shares[others] * ratio[others], _FLOOR * reference[others])
        new[anchor] = 1.0 - new[others].sum()
        if new[anchor] < reference[anchor]:
            return reference  # cannot happen with a consistent plan; never do worse than it
        if np.max(np.abs(new - shares)) < 1e-13:
            shares = new
            break
        shares = new
    return shares / shares.sum()


def intervals(estimate: np.ndarray, std_error: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95% intervals of non-negative integer counts around unbiased estimates.

    The interval is the set of integers k ≥ 0 the estimate does not reject: for k ≥ 1 those with
    |x̂ − k| ≤ Z95·SE (two-sided), and 0 when x̂ ≤ Z95_ONE_SIDED·SE (a count cannot be negative,
    so only large estimates speak against 0). Each integer truth is therefore covered with
    probability 95% under normal errors, and the interval is never empty for SE ≥ 0.3.
    """
    est = np.asarray(estimate, dtype=float)
    se = np.asarray(std_error, dtype=float)
    upper = np.floor(est + Z95 * se + _TOL)
    zero_in = est <= Z95_ONE_SIDED * se
    low = np.where(zero_in, 0.0, np.maximum(1.0, np.ceil(est - Z95 * se - _TOL)))
    high = np.where(zero_in, np.maximum(0.0, upper), upper)
    # With tiny SE no integer may be within reach: fall back to the nearest admissible count.
    empty = high < low
    nearest = np.maximum(0.0, np.rint(est))
    low = np.where(empty, nearest, low)
    high = np.where(empty, nearest, high)
    return low.astype(np.int64), high.astype(np.int64)


def project_block(x: np.ndarray, total: float, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The point of {low ≤ v ≤ high, Σv = total} closest to ``x`` (Euclidean).

    The solution is v = clip(x − τ, low, high) for the τ that makes the sum right; the sum is
    piecewise linear and non-increasing in τ, so τ is found exactly between its breakpoints.
    """
    x = np.asarray(x, dtype=float)
    low = np.asarray(low, dtype=float)
    high = np.asarray(high, dtype=float)
    if low.sum() > total + _TOL or high.sum() < total - _TOL or np.any(low > high):
        raise ValueError("no vector within the bounds has that total")
    breaks = np.unique(np.concatenate([x - low, x - high]))
    sums = np.clip(x[None, :] - breaks[:, None], low, high).sum(axis=1)  # decreasing in τ
    k = int(np.searchsorted(-sums, -total, side="left"))
    if k == 0:
        tau = breaks[0]
    elif k == len(breaks):
        tau = breaks[-1]
    else:
        s0, s1 = sums[k - 1], sums[k]
        t0, t1 = breaks[k - 1], breaks[k]
        tau = t0 if s0 == s1 else t0 + (s0 - total) * (t1 - t0) / (s0 - s1)
    return np.clip(x - tau, low, high)


def round_to_total(v: np.ndarray, total: int, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Integers within [low, high] adding up to ``total``, by largest remainder from ``v``."""
    v = np.asarray(v, dtype=float)
    low = np.asarray(low, dtype=np.int64)
    high = np.asarray(high, dtype=np.int64)
    base = np.clip(np.floor(v + _TOL), low, high).astype(np.int64)
    frac = v - base
    missing = int(total - base.sum())
    step = 1 if missing > 0 else -1
    # Stable sorts keep ties in cell order, so the result is deterministic.
    if missing > 0:
        movable = [i for i in np.argsort(-frac, kind="stable") if base[i] < high[i]]
    else:
        movable = [i for i in np.argsort(frac, kind="stable") if base[i] > low[i]]
    if len(movable) < abs(missing):
        raise ValueError("no integer vector within the bounds has that total")
    base[movable[: abs(missing)]] += step
    return base


def publish_block(
    x: np.ndarray,
    total: int,
    low: np.ndarray | None = None,
    high: np.ndarray | None = None,
) -> np.ndarray:
    """Non-negative integers adding up to ``total`` (within [low, high] if given) close to x."""
    if total < 0:
        raise ValueError("a total count cannot be negative")
    x = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(x)):
        raise ValueError("estimates must be finite")
    low = np.zeros(x.shape, dtype=np.int64) if low is None else np.asarray(low, dtype=np.int64)
    high = np.full(x.shape, total, dtype=np.int64) if high is None else np.asarray(high)
    return round_to_total(project_block(x, total, low, high), total, low, high)


@dataclass(frozen=True)
class Publication:
    """Published integers and their (possibly widened) intervals, for the stacked vector."""

    estimate: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    #: Cells whose interval had to be widened to contain the published integer (rare).
    widened: int


def publish(
    fit_estimate: np.ndarray,
    ci_low: np.ndarray,
    ci_high: np.ndarray,
    stage_totals: Sequence[tuple[float, int, int]],
    blocks: Sequence[Block],
) -> Publication:
    """Non-negative integers that add up block by block, each inside its cell's interval.

    ``stage_totals`` holds per stage the GLS estimate of the national total and its interval.
    Bounds are first tightened bottom-up, so that a parent's integer leaves room for its
    children's intervals (a child whose interval starts at 2 needs a parent of at least 2).
    Top-down, each block is then the integer point nearest the GLS estimate with the parent's
    total and every cell within its bounds. When no such point exists, the block is published
    without bounds and the intervals of the cells that end up outside are widened.
    """
    n_stages = len(stage_totals)
    low = np.asarray(ci_low, dtype=np.int64).copy()
    high = np.asarray(ci_high, dtype=np.int64).copy()
    lo_eff, hi_eff = low.copy(), high.copy()
    root_lo = np.array([t[1] for t in stage_totals], dtype=np.int64)
    root_hi = np.array([t[2] for t in stage_totals], dtype=np.int64)
    root_eff_lo, root_eff_hi = root_lo.copy(), root_hi.copy()
    for block in reversed(blocks):
        # Every block below these cells has been seen (children are published after parents),
        # so their needs are final: where they contradict a cell's own interval, the interval
        # wins and the block below will be widened instead.
        cells = block.cells
        clash = lo_eff[cells] > hi_eff[cells]
        lo_eff[cells] = np.where(clash, low[cells], lo_eff[cells])
        hi_eff[cells] = np.where(clash, high[cells], hi_eff[cells])
        need_lo, need_hi = lo_eff[cells].sum(), hi_eff[cells].sum()
        if block.parent_cell is None:
            root_eff_lo[block.stage] = max(root_eff_lo[block.stage], need_lo)
            root_eff_hi[block.stage] = min(root_eff_hi[block.stage], need_hi)
        else:
            lo_eff[block.parent_cell] = max(lo_eff[block.parent_cell], need_lo)
            hi_eff[block.parent_cell] = min(hi_eff[block.parent_cell], need_hi)
    root_clash = root_eff_lo > root_eff_hi
    root_eff_lo[root_clash], root_eff_hi[root_clash] = root_lo[root_clash], root_hi[root_clash]

    totals = [
        int(min(max(max(0, round(stage_totals[s][0])), root_eff_lo[s]), root_eff_hi[s]))
        for s in range(n_stages)
    ]
    est = np.zeros(fit_estimate.shape, dtype=np.int64)
    widened = 0
    for block in blocks:
        total = totals[block.stage] if block.parent_cell is None else int(est[block.parent_cell])
        cells = block.cells
        x = fit_estimate[cells]
        if lo_eff[cells].sum() <= total <= hi_eff[cells].sum():
            est[cells] = publish_block(x, total, lo_eff[cells], hi_eff[cells])
            continue
        est[cells] = publish_block(x, total)
        outside = (est[cells] < low[cells]) | (est[cells] > high[cells])
        widened += int(outside.sum())
        low[cells] = np.minimum(low[cells], est[cells])
        high[cells] = np.maximum(high[cells], est[cells])
    return Publication(est, low, high, widened)
