"""What a release can say: reliable cells, coverage and the budget split, on synthetic truth.

On the synthetic world of :mod:`aggregator.demo.synth` (default configuration, about 100 new
cases a year; one data year per seed), releases of the default plan through
:func:`aggregator.dp.engine.compute_release` at each ρ, and prints:

- per table: the share of cells published as reliable (not flagged), the mean number of
  reliable cells, the coverage of the 95% intervals (all cells, and the reliable ones alone)
  and the RMSE of the published integers;
- the number of *distinct* reliable figures per release (a function type alone in its group
  is the same figure as the group, and is counted once);
- per function group and function type, how often its new-case figure is reliable;
- coverage over all cells and over the reliable ones, with Monte-Carlo standard errors;
- the same figures in brief for ALL_STAGE_PLAN (every table keeps all eight stages, the
  earlier default), for comparison;
- the budget split's objective (Σ_t w_t · mean cell variance after least squares, ρ = 1) for
  the split lekstat uses (certified optimum), the best of several random restarts, the split
  lekstat used before (commit 934882b: every table other than the totals at the variance of
  its weight-proportional share, the rest to the totals) and an even split.

Run: ``make bench`` or ``python benchmarks/bench_accuracy.py [--truths N] [--reps N]``. It is a
script, not a test.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.optimize

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchlib import machine

from aggregator.demo.synth import SyntheticConfig, generate
from aggregator.dp import engine, estimation, privacy
from aggregator.dp.layout import PlanLayout, plan_layout
from schemas.tables import ALL_STAGE_PLAN, DEFAULT_PLAN, SIGNAL, TableSpec
from schemas.taxonomy import load_taxonomy

YEAR = 2026
RHOS = (0.5, 1.0)


def quantity_ids(layout: PlanLayout) -> np.ndarray:
    """Per cell an id that two cells share exactly when they are the same figure: equal for
    every set of tables that agree (their rows of the null basis are equal)."""
    ids: dict[bytes, int] = {}
    rows = np.round(layout.null_basis, 9) + 0.0  # + 0.0 makes -0.0 equal to 0.0
    return np.array([ids.setdefault(r.tobytes(), len(ids)) for r in rows])


@dataclass
class Run:
    """The tallies of one plan and ρ over all releases."""

    names: list[str]
    cells: dict[str, int]
    reliable: dict[str, int]
    covered: dict[str, int]
    covered_reliable: dict[str, int]
    rmse: dict[str, float]
    #: Per release: covered, cells, covered reliable, reliable.
    per_release: np.ndarray
    distinct: np.ndarray
    #: (function_group or function_type, code) → new cases: [releases where reliable,
    #: releases, sum of true counts].
    by_code: dict[tuple[str, str], list[int]]
    releases: int
    #: Cells whose interval was widened to contain the published integer (methodology §7).
    widened: int


def new_cases(spec: TableSpec, frame: pd.DataFrame) -> tuple[str | None, np.ndarray]:
    """Whether the table gives new cases by function group or type, and which rows do."""
    for dim in ("function_group", "function_type"):
        if spec.stage == SIGNAL and spec.dimensions == (dim,):
            return dim, np.ones(len(frame), dtype=bool)
        if spec.dimensions == ("stage", dim):
            return dim, (frame["stage"] == SIGNAL).to_numpy()
    return None, np.zeros(len(frame), dtype=bool)


def run(plan: Sequence[TableSpec], rho: float, truths: int, reps: int) -> Run:
    """Reliability and coverage of ``reps`` releases of each of ``truths`` synthetic years."""
    layout = plan_layout(plan, year=YEAR)
    same = quantity_ids(layout)
    names = [t.name for t in plan]
    cells = {n: 0 for n in names}
    reliable = {n: 0 for n in names}
    covered = {n: 0 for n in names}
    covered_reliable = {n: 0 for n in names}
    squares = {n: 0.0 for n in names}
    per_release: list[tuple[int, int, int, int]] = []  # covered, cells, covered reliable, reliable
    distinct: list[int] = []
    by_code: dict[tuple[str, str], list[int]] = {}  # (table, code): [reliable, releases, truth]
    widened = 0
    for seed in range(truths):
        rows = generate([YEAR], SyntheticConfig(seed=1000 + seed)).truth_rows(YEAR)
        exact = engine.exact_tables(rows, plan, year=YEAR)
        for _ in range(reps):
            release = engine.compute_release(exact, plan, rho, year=YEAR)
            widened += release.widened_intervals
            trusted_all: list[int] = []
            counts = [0, 0, 0, 0]
            for table in layout.tables:
                n, frame, x = (
                    table.spec.name,
                    release.tables[table.spec.name],
                    exact[table.spec.name],
                )
                inside = (frame["ci_low"].to_numpy() <= x) & (x <= frame["ci_high"].to_numpy())
                ok = ~frame["unreliable"].to_numpy()
                cells[n] += len(x)
                reliable[n] += int(ok.sum())
                covered[n] += int(inside.sum())
                covered_reliable[n] += int(inside[ok].sum())
                squares[n] += float(np.sum((frame["estimate"].to_numpy() - x) ** 2))
                counts = [
                    counts[0] + int(inside.sum()),
                    counts[1] + len(x),
                    counts[2] + int(inside[ok].sum()),
                    counts[3] + int(ok.sum()),
                ]
                trusted_all.extend(int(i) for i in table.start + np.flatnonzero(ok))
                dim, selected = new_cases(table.spec, frame)
                if dim is not None:
                    codes = frame[dim].to_numpy()[selected]
                    for code, flag, truth in zip(codes, ok[selected], x[selected], strict=True):
                        entry = by_code.setdefault((dim, str(code)), [0, 0, 0])
                        entry[0] += int(flag)
                        entry[1] += 1
                        entry[2] += int(truth)
            per_release.append((counts[0], counts[1], counts[2], counts[3]))
            distinct.append(len(set(same[trusted_all])))
    return Run(
        names=names,
        cells=cells,
        reliable=reliable,
        covered=covered,
        covered_reliable=covered_reliable,
        rmse={n: math.sqrt(squares[n] / cells[n]) for n in names},
        per_release=np.array(per_release, dtype=float),
        distinct=np.array(distinct, dtype=float),
        by_code=by_code,
        releases=truths * reps,
        widened=widened,
    )


def pooled(hit: np.ndarray, n: np.ndarray) -> tuple[float, float]:
    """A share pooled over releases and its Monte-Carlo standard error (releases independent)."""
    share = hit.sum() / n.sum()
    return float(share), float(np.sqrt(np.sum((hit - share * n) ** 2)) / n.sum())


def previous_split(
    sizes: Sequence[int],
    sensitivities: Sequence[float],
    weights: Sequence[float],
    layout: PlanLayout,
) -> np.ndarray:
    """The split lekstat used until commit 934882b (reproduced here for comparison)."""
    w = np.asarray(weights, dtype=float)
    reference = w / w.sum()
    anchor = layout.anchor
    if anchor is None:
        return reference
    sens2 = np.asarray(sensitivities, dtype=float) ** 2
    starts = np.cumsum([0, *sizes])
    spans = [slice(int(a), int(b)) for a, b in itertools.pairwise(starts)]
    target = sens2 / (2 * reference)
    others = np.arange(len(sizes)) != anchor
    shares = reference.copy()
    for _ in range(200):
        var = np.repeat(sens2 / (2 * shares), sizes)
        ratio = estimation.table_mean_variances(var, layout.basis, spans) / target
        new = shares.copy()
        new[others] = np.maximum(shares[others] * ratio[others], 0.25 * reference[others])
        new[anchor] = 1.0 - new[others].sum()
        if np.max(np.abs(new - shares)) < 1e-13:
            return new / new.sum()
        shares = new
    return shares / shares.sum()


def splits(plan: Sequence[TableSpec]) -> dict[str, tuple[float, float]]:
    """Objective value and relative gap bound of each split; the planning time of lekstat's."""
    layout = plan_layout(plan, year=YEAR)
    sizes = [len(t.cells) for t in layout.tables]
    sens = [t.sensitivity_l2 for t in layout.tables]
    weights = [t.spec.weight for t in layout.tables]
    problem = estimation.SplitProblem.build(sizes, sens, weights, layout.basis, layout.null_basis)
    n = len(sizes)
    floor = estimation.FLOOR / n
    with estimation.one_blas_thread():
        times = []
        for _ in range(5):
            start = time.perf_counter()
            ours = estimation.split_budget(sizes, sens, weights, layout.basis, layout.null_basis)
            times.append(time.perf_counter() - start)
        best = math.inf
        rng = np.random.default_rng(0)
        for _ in range(10):  # independent restarts: none may beat the certified optimum
            x0 = floor + rng.dirichlet(np.ones(n)) * (1 - n * floor)
            result = scipy.optimize.minimize(
                lambda x: problem.value_and_gradient(np.maximum(x, floor)),
                x0,
                jac=True,
                method="SLSQP",
                bounds=[(floor, 1.0)] * n,
                constraints=[{"type": "eq", "fun": lambda x: x.sum() - 1.0}],
                options={"ftol": 1e-15, "maxiter": 500},
            )
            best = min(best, problem.value(estimation._feasible(result.x, floor)))
        out: dict[str, tuple[float, float]] = {}
        for name, shares in (
            ("lekstat (convex optimum)", ours),
            ("before (commit 934882b)", previous_split(sizes, sens, weights, layout)),
            ("even split", np.full(n, 1 / n)),
        ):
            value, grad = problem.value_and_gradient(shares)
            out[name] = (value, estimation.optimality_gap(grad, np.maximum(shares, floor), floor))
        out["best of 10 random restarts"] = (best, math.nan)
        out["_time"] = (float(np.median(times)), min(times))
    return out


def print_run(r: Run, brief: bool) -> None:
    """The figures of one plan and ρ."""
    per = r.per_release
    if not brief:
        print(
            f"{'table':<32} {'cells':>5} {'reliable':>8} {'per rel.':>8} {'coverage':>8} "
            f"{'reliable':>8} {'RMSE':>6}"
        )
        for n in r.names:
            of_rel = r.covered_reliable[n] / r.reliable[n] if r.reliable[n] else math.nan
            print(
                f"{n:<32} {r.cells[n] // r.releases:5d} {r.reliable[n] / r.cells[n]:8.1%} "
                f"{r.reliable[n] / r.releases:8.1f} {r.covered[n] / r.cells[n]:8.3f} "
                f"{of_rel:8.3f} {r.rmse[n]:6.2f}"
            )
    all_cov, all_se = pooled(per[:, 0], per[:, 1])
    rel_cov, rel_se = pooled(per[:, 2], per[:, 3])
    size = sum(r.cells.values()) // r.releases
    print(
        f"reliable cells per release {per[:, 3].mean():.1f} of {size} "
        f"({per[:, 3].sum() / per[:, 1].sum():.1%}); distinct reliable figures "
        f"{r.distinct.mean():.1f} (min {r.distinct.min():.0f}, max {r.distinct.max():.0f}); "
        f"coverage {all_cov:.4f} (MC SE {all_se:.4f}), of reliable cells {rel_cov:.4f} "
        f"(MC SE {rel_se:.4f}); intervals widened {r.widened / per[:, 1].sum():.4%}"
    )
    tax = load_taxonomy()
    for dim in ("function_group", "function_type"):
        entries = sorted(
            ((code, v) for (d, code), v in r.by_code.items() if d == dim),
            key=lambda kv: -kv[1][2],
        )
        if brief:
            shares = ", ".join(
                f"{code.split('_')[0]} {ok / k:.0%}" for code, (ok, k, _) in entries[:6]
            )
            print(f"new cases by {dim} reliable (largest six): {shares}")
            continue
        print(f"new cases by {dim}: share of releases reliable (mean true count)")
        for code, (ok, k, truth) in entries:
            print(f"  {code:<22} {ok / k:6.1%}  ({truth / k:5.1f})  {tax.label(dim, code, 'en')}")


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truths", type=int, default=20, help="synthetic data years per ρ")
    parser.add_argument("--reps", type=int, default=50, help="releases per data year")
    parser.add_argument("--rhos", type=float, nargs="+", default=list(RHOS), help="ρ values")
    args = parser.parse_args()
    print(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"machine: {machine()}")
    print(f"truths: {args.truths} (seeds 1000…) × releases: {args.reps} per ρ")
    start = time.time()
    for rho in args.rhos:
        eps = privacy.rho_to_epsilon(rho)
        print(f"\n== default plan, ρ = {rho} (ε = {eps:.2f}, δ = 1e-9)")
        print_run(run(DEFAULT_PLAN, rho, args.truths, args.reps), brief=False)
        print(f"-- ALL_STAGE_PLAN (earlier default), ρ = {rho}")
        reps = max(1, args.reps // 4)
        print_run(run(ALL_STAGE_PLAN, rho, args.truths, reps), brief=True)
    for label, plan in (("default plan", DEFAULT_PLAN), ("ALL_STAGE_PLAN", ALL_STAGE_PLAN)):
        result = splits(plan)
        best = result["lekstat (convex optimum)"][0]
        median, fastest = result.pop("_time")
        print(
            f"\nsplit objective, {label} (ρ = 1; Σ w_t · mean variance; split "
            f"{median * 1000:.0f} ms median, {fastest * 1000:.0f} ms fastest):"
        )
        print(f"{'split':<28} {'objective':>10} {'/ optimum':>9} {'gap bound':>10}")
        for name, (value, gap) in result.items():
            print(f"{name:<28} {value:10.3f} {value / best:9.4f} {gap / value:10.2e}")
    print(f"\nrun time: {time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
