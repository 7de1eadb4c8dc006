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

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from statistics import NormalDist
from typing import Any

import numpy as np
import scipy.linalg
import scipy.optimize
from threadpoolctl import ThreadpoolController

from aggregator.dp.layout import Block

#: Two-sided 95% normal quantile: the half-width of an interval is Z95 standard errors.
Z95 = NormalDist().inv_cdf(0.975)
#: One-sided 95% quantile, used to decide whether a true count of 0 is still plausible.
Z95_ONE_SIDED = NormalDist().inv_cdf(0.95)

_TOL = 1e-9
#: Every table keeps at least this fraction of an even share of ρ (see :func:`split_budget`).
FLOOR = 0.25
#: The split is accepted when its objective is provably within this relative distance of the
#: optimum (the Frank–Wolfe gap bounds the distance; see :func:`optimality_gap`).
SPLIT_GAP = 1e-6


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


@cache
def _blas() -> ThreadpoolController:
    # Finding the BLAS libraries takes milliseconds; numpy's and SciPy's are loaded by now.
    return ThreadpoolController()


def one_blas_thread() -> Any:
    """One BLAS thread for the small matrices of a release (a context manager): on a shared
    machine more threads wait for each other (a plan took 0.1 s with one and 0.3–3 s with two;
    docs/benchmarks.md)."""
    return _blas().limit(limits=1, user_api="blas")


def table_mean_variances(var: np.ndarray, basis: np.ndarray, spans: Sequence[slice]) -> np.ndarray:
    """Each table's mean cell variance after the least-squares step."""
    after = LeastSquares.build(var, basis).variances()
    return np.array([after[s].mean() for s in spans])


@dataclass(frozen=True)
class SplitProblem:
    """The budget split as the convex problem it is.

    For shares ρ_t of ρ = 1 (the best shares do not depend on ρ: every variance scales with
    1/ρ), table t's cells get noise variance Δ_t² / (2ρ_t), and the objective is

        f(ρ) = Σ_t w_t · (mean cell variance of table t after the least-squares step).

    With N an orthonormal basis of the vectors whose tables agree (m cells, k columns) and
    D(ρ) = diag(2ρ_t(i) / Δ²_t(i)) the noise precisions, linear in ρ, the least-squares
    covariance is N M⁻¹ Nᵀ with M = Nᵀ D(ρ) N, so f(ρ) = tr(Nᵀ C N M⁻¹) (C the per-cell
    weights w_t / n_t), and M ↦ tr(B M⁻¹) is convex on positive definite matrices: f is convex.
    The gradient is computed in O(m k² + k³) this way, or, when the r constraint rows are fewer
    than k, through them (Cov = Σ − Σ Rᵀ (R Σ Rᵀ)⁻¹ R Σ) in O(m r² + r³).
    """

    sizes: tuple[int, ...]
    sensitivities: tuple[float, ...]
    weights: tuple[float, ...]
    #: Orthonormal constraint rows R (r × m) and an orthonormal basis N of their null space.
    basis: np.ndarray
    null_basis: np.ndarray
    #: Nᵀ C N, which does not depend on the shares.
    null_weights: np.ndarray

    @classmethod
    def build(
        cls,
        sizes: Sequence[int],
        sensitivities: Sequence[float],
        weights: Sequence[float],
        basis: np.ndarray,
        null_basis: np.ndarray | None = None,
    ) -> SplitProblem:
        """The problem of a plan; the null space of ``basis`` is computed if not given."""
        if null_basis is None:
            null_basis = scipy.linalg.null_space(basis) if basis.shape[0] else np.eye(sum(sizes))
        per_cell = np.repeat(np.asarray(weights, dtype=float) / np.asarray(sizes), sizes)
        return cls(
            tuple(int(n) for n in sizes),
            tuple(float(d) for d in sensitivities),
            tuple(float(w) for w in weights),
            basis,
            null_basis,
            (null_basis * per_cell[:, None]).T @ null_basis,
        )

    def _per_cell(self, shares: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Noise variance, precision per unit of share, and objective weight of every cell."""
        sens2 = np.square(np.asarray(self.sensitivities))
        var = np.repeat(sens2 / (2 * shares), self.sizes)
        unit = np.repeat(2 / sens2, self.sizes)
        weight = np.repeat(np.asarray(self.weights) / np.asarray(self.sizes), self.sizes)
        return var, unit, weight

    def value(self, shares: np.ndarray) -> float:
        """The objective f at ``shares``, from the estimator's own variances."""
        var, _, c = self._per_cell(np.asarray(shares, dtype=float))
        return float(c @ LeastSquares.build(var, self.basis).variances())

    def value_and_gradient(self, shares: np.ndarray) -> tuple[float, np.ndarray]:
        """f and its gradient in the shares, in the cheaper of the two representations."""
        shares = np.asarray(shares, dtype=float)
        if self.null_basis.shape[1] <= self.basis.shape[0]:
            value, per_cell = self._through_null_space(shares)
        else:
            value, per_cell = self._through_constraints(shares)
        starts = np.cumsum([0, *self.sizes[:-1]])
        return value, np.add.reduceat(per_cell, starts)

    def _through_null_space(self, shares: np.ndarray) -> tuple[float, np.ndarray]:
        # ∂f/∂ρ_t = −tr(M⁻¹ B M⁻¹ ∂M/∂ρ_t), ∂M/∂ρ_t = Σ_(i∈t) (2/Δ_t²) n_i n_iᵀ.
        _, unit, _ = self._per_cell(shares)
        n = self.null_basis
        precision = unit * np.repeat(shares, self.sizes)
        factor = scipy.linalg.cho_factor((n * precision[:, None]).T @ n)
        m_inv_b = scipy.linalg.cho_solve(factor, self.null_weights)
        g = scipy.linalg.cho_solve(factor, m_inv_b.T)  # M⁻¹ B M⁻¹
        return float(np.trace(m_inv_b)), -unit * np.sum((n @ g) * n, axis=1)

    def _through_constraints(self, shares: np.ndarray) -> tuple[float, np.ndarray]:
        # With P = Σ Rᵀ K⁻¹ R and K = R Σ Rᵀ the covariance moves by (I − P) dΣ (I − P)ᵀ, so
        # ∂f/∂s_j = [(I − P)ᵀ C (I − P)]_jj; and ∂s_j/∂ρ_t = −s_j / ρ_t.
        s, _, c = self._per_cell(shares)
        r = self.basis
        if r.shape[0] == 0:
            return float(c @ s), -c * s / np.repeat(shares, self.sizes)
        lower = np.linalg.cholesky((r * s) @ r.T)
        w = scipy.linalg.solve_triangular(lower, r, lower=True)  # Rᵀ K⁻¹ R = wᵀ w
        q = np.sum(w**2, axis=0)
        g = (w * (c * s**2)) @ w.T
        d_s = c - 2 * c * s * q + np.sum(w * (g @ w), axis=0)
        return float(c @ (s - s**2 * q)), -s * d_s / np.repeat(shares, self.sizes)


def optimality_gap(gradient: np.ndarray, shares: np.ndarray, floor: float) -> float:
    """How far f(shares) can be above the optimum, at most (the Frank–Wolfe gap).

    For convex f, f(ρ) − f(ρ*) ≤ ∇f(ρ)·(ρ − ρ*) ≤ ∇f(ρ)·ρ − min over feasible y of ∇f(ρ)·y;
    on {y ≥ floor, Σy = 1} that minimum puts the floor everywhere and the rest on the table
    with the smallest derivative.
    """
    n = len(shares)
    best = floor * float(gradient.sum()) + (1 - n * floor) * float(gradient.min())
    return max(float(gradient @ shares) - best, 0.0)


def split_budget(
    sizes: Sequence[int],
    sensitivities: Sequence[float],
    weights: Sequence[float],
    basis: np.ndarray,
    null_basis: np.ndarray | None = None,
) -> np.ndarray:
    """Each table's share of ρ (summing to 1) that minimises the plan's objective.

    The objective is Σ_t w_t · (mean cell variance of table t after least squares) (see
    :class:`SplitProblem`), minimised subject to every table keeping at least
    :data:`FLOOR` / n of ρ: a table whose figures the others already measure (the quarter of a
    quarterly release repeats the totals) would otherwise get nothing, and a measurement of its
    own is what the table's published noise scale describes. The problem is convex and small
    (one variable per table); SciPy's SLSQP solves it from the even split, deterministically,
    and the result is accepted only within :data:`SPLIT_GAP` of the optimum (relative), which
    the Frank–Wolfe gap certifies.
    """
    w = np.asarray(weights, dtype=float)
    if np.any(~np.isfinite(w)) or np.any(w <= 0):
        raise ValueError("table weights must be positive and finite")
    n = len(sizes)
    if n == 1:
        return np.ones(1)
    with one_blas_thread():
        return _solve(SplitProblem.build(sizes, sensitivities, weights, basis, null_basis))


def _solve(problem: SplitProblem) -> np.ndarray:
    n = len(problem.sizes)
    floor = FLOOR / n
    shares = np.full(n, 1.0 / n)
    for _ in range(3):  # a restart from the last point rescues a rare early stop
        scale, _ = problem.value_and_gradient(shares)

        def fun(x: np.ndarray, scale: float = scale) -> tuple[float, np.ndarray]:
            value, grad = problem.value_and_gradient(np.maximum(x, floor))
            return value / scale, grad / scale

        result = scipy.optimize.minimize(
            fun,
            shares,
            jac=True,
            method="SLSQP",
            bounds=[(floor, 1.0)] * n,
            constraints=[
                {"type": "eq", "fun": lambda x: x.sum() - 1.0, "jac": lambda x: np.ones(n)}
            ],
            options={"ftol": 1e-15, "maxiter": 500},
        )
        shares = _feasible(result.x, floor)
        value, grad = problem.value_and_gradient(shares)
        gap = optimality_gap(grad, shares, floor)
        if gap <= SPLIT_GAP * value:
            return shares
    raise RuntimeError(f"the budget split did not converge (relative gap {gap / value:.2g})")


def _feasible(x: np.ndarray, floor: float) -> np.ndarray:
    """``x`` moved onto {x ≥ floor, Σx = 1} (SLSQP may leave it a rounding error outside)."""
    excess = np.maximum(np.asarray(x, dtype=float) - floor, 0.0)
    return floor + excess * (1.0 - floor * len(excess)) / excess.sum()


def margin_95(std_error: np.ndarray | float) -> np.ndarray:
    """The nominal width of a 95% interval, 2 × 1.96 standard errors."""
    return 2 * Z95 * np.asarray(std_error, dtype=float)


def unreliable(
    estimate: np.ndarray, ci_low: np.ndarray, ci_high: np.ndarray, std_error: np.ndarray
) -> np.ndarray:
    """The flag: the 95% margin, max(ci_high − ci_low, 2 × 1.96 × SE), exceeds the estimate.

    The nominal width counts as well as the published one because an interval cut off at 0
    (say [0, 0]) is not a precise zero. Since ci_high − ci_low ≤ 2 × 1.96 × SE unless the
    interval had to be widened, a cell is flagged exactly when estimate < 2 × 1.96 × SE (or,
    rarely, when its widened interval is wider than the estimate).
    """
    width = np.asarray(ci_high, dtype=float) - np.asarray(ci_low, dtype=float)
    return np.maximum(width, margin_95(std_error)) > np.asarray(estimate, dtype=float)


def smallest_reliable(std_error: np.ndarray) -> int:
    """The smallest count that every cell with these standard errors publishes as reliable.

    A cell with standard error s and a published count n ≥ 2 × 1.96 × s is not flagged (unless
    its interval was widened), so the smallest such whole number for the largest s of the
    cells, ⌈2 × 1.96 × max s⌉, is reliable in each of them.
    """
    return math.ceil(float(np.max(margin_95(std_error))))


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
