"""Accuracy of lekstat's releases against the careful naive approach, at the same ρ.

Prints, per ρ and per table of the default plan, the RMSE of published cells against a known
synthetic truth (:mod:`aggregator.demo.synth`, default world of about 100 incidents a year; one data
year per seed) for:

- naive: ρ split evenly over the tables, each table noised on its own with OpenDP's discrete
  Gaussian at its sensitivity, negative counts set to 0, no consistency;
- lekstat: :func:`aggregator.dp.engine.compute_release` (budget split, least squares, non-negative
  integers that add up);
- alone: a single discrete Gaussian measurement of the table with lekstat's ρ share for it,
  unprocessed (what that share buys without the other tables).

and the coverage of lekstat's 95% intervals. It also prints the limit of the ratios as ρ grows
(no noisy negatives left for the non-negative step to remove, so only the budget split and the
least squares count), for lekstat's split, the even split, and the best split a search finds
for the plan's mean with the totals at most 0.65 × naive. Run: ``make bench`` or
``python benchmarks/bench_accuracy.py [--reps N] [--truths N]``. It is a script, not a test.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchlib import machine

from aggregator.demo.synth import SyntheticConfig, generate
from aggregator.dp import engine, estimation, privacy
from aggregator.dp.layout import plan_layout
from schemas.tables import DEFAULT_PLAN

YEAR = 2026
RHOS = (0.1, 0.5, 1.0, 2.0)


def naive_release(exact: dict[str, np.ndarray], mech: privacy.Mechanism) -> dict[str, np.ndarray]:
    """Each table noised on its own and negatives set to 0."""
    return {k: np.maximum(v, 0) for k, v in mech.measure(exact).items()}


#: The default plan laid out as the engine lays it out: cells, sensitivities, constraints.
LAYOUT = plan_layout(DEFAULT_PLAN, year=YEAR)


def mechanism(shares: dict[str, float]) -> privacy.Mechanism:
    """OpenDP measurements of the default plan's tables at the given ρ per table, each at the
    sensitivity the engine uses for it."""
    return privacy.build_mechanism(
        [
            privacy.TableNoise(t.spec.name, len(t.cells), t.sensitivity_l2, shares[t.spec.name])
            for t in LAYOUT.tables
        ]
    )


def run(rho: float, truths: int, reps: int) -> dict[str, dict[str, float]]:
    """Squared errors per table and approach, summed over truths and repetitions."""
    names = [t.name for t in DEFAULT_PLAN]
    even = {n: rho / len(names) for n in names}
    ours = engine.allocate(DEFAULT_PLAN, rho, year=YEAR)
    sq = {a: dict.fromkeys(names, 0.0) for a in ("naive", "lekstat", "alone")}
    cells = dict.fromkeys(names, 0)
    covered = dict.fromkeys(names, 0)
    widened = 0
    for seed in range(truths):
        rows = generate([YEAR], SyntheticConfig(seed=1000 + seed)).truth_rows(YEAR)
        exact = engine.exact_tables(rows, DEFAULT_PLAN, year=YEAR)
        naive_mech, alone_mech = mechanism(even), mechanism(ours)
        for _ in range(reps):
            naive = naive_release(exact, naive_mech)
            alone = alone_mech.measure(exact)
            release = engine.compute_release(exact, DEFAULT_PLAN, rho, year=YEAR)
            widened += release.widened_intervals
            for n in names:
                x = exact[n]
                table = release.tables[n]
                sq["naive"][n] += float(np.sum((naive[n] - x) ** 2))
                sq["alone"][n] += float(np.sum((alone[n] - x) ** 2))
                sq["lekstat"][n] += float(np.sum((table["estimate"].to_numpy() - x) ** 2))
                inside = (table["ci_low"].to_numpy() <= x) & (x <= table["ci_high"].to_numpy())
                covered[n] += int(inside.sum())
                cells[n] += len(x)
    out = {a: {n: math.sqrt(sq[a][n] / cells[n]) for n in names} for a in sq}
    out["coverage"] = {n: covered[n] / cells[n] for n in names}
    out["coverage"]["_all"] = sum(covered.values()) / sum(cells.values())
    out["coverage"]["_widened"] = widened / sum(cells.values())
    return out


def limits() -> dict[str, tuple[float, float, float]]:
    """(totals, mean, worst) RMSE ratios to naive without the non-negative step, per split.

    Without noisy negatives to remove, a table's RMSE is the square root of its mean cell
    variance after least squares; ratios do not depend on ρ.
    """
    sizes = [len(t.cells) for t in LAYOUT.tables]
    sens2 = np.array([t.sensitivity_l2 for t in LAYOUT.tables]) ** 2
    spans = [t.slice for t in LAYOUT.tables]
    anchor = LAYOUT.anchor if LAYOUT.anchor is not None else 0
    even = np.full(len(sizes), 1 / len(sizes))
    naive = np.sqrt(sens2 / (2 * even))  # each table alone; negatives are no issue in the limit

    def ratios(shares: np.ndarray) -> tuple[float, float, float]:
        var = np.repeat(sens2 / (2 * shares), sizes)
        r = np.sqrt(estimation.table_mean_variances(var, LAYOUT.basis, spans))
        return (
            float(r[anchor] / naive[anchor]),
            float(r.mean() / naive.mean()),
            float(max(r / naive)),
        )

    def penalised(x: np.ndarray) -> float:
        totals, mean, _ = ratios(np.exp(x) / np.exp(x).sum())
        return mean + 100 * max(0.0, totals - 0.65) ** 2

    x = np.log(even)  # a plain gradient search on log-shares; 8 variables
    for _ in range(600):
        base = penalised(x)
        grad = np.array([(penalised(x + 1e-5 * e) - base) / 1e-5 for e in np.eye(len(x))])
        x = x - 0.02 * grad / (np.abs(grad).max() + 1e-12)
    ours = np.array(list(engine.allocate(DEFAULT_PLAN, 1.0, year=YEAR).values()))
    return {
        "lekstat's split": ratios(ours),
        "even split": ratios(even),
        "best found, totals ≤ 0.65": ratios(np.exp(x) / np.exp(x).sum()),
    }


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truths", type=int, default=10, help="synthetic data years per ρ")
    parser.add_argument("--reps", type=int, default=40, help="releases per truth")
    parser.add_argument("--rhos", type=float, nargs="+", default=list(RHOS), help="ρ values")
    args = parser.parse_args()
    print(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"machine: {machine()}")
    print(f"truths: {args.truths} × releases: {args.reps} per ρ; plan: default (8 tables)")
    start = time.time()
    for rho in args.rhos:
        r = run(rho, args.truths, args.reps)
        eps = privacy.rho_to_epsilon(rho)
        print(f"\nρ = {rho} (ε = {eps:.2f}, δ = 1e-9)")
        print(
            f"{'table':<16} {'naive':>7} {'lekstat':>8} {'ratio':>6} "
            f"{'alone':>7} {'vs alone':>8} {'coverage':>8}"
        )
        for t in DEFAULT_PLAN:
            n = t.name
            print(
                f"{n:<16} {r['naive'][n]:7.2f} {r['lekstat'][n]:8.2f} "
                f"{r['lekstat'][n] / r['naive'][n]:6.3f} {r['alone'][n]:7.2f} "
                f"{r['lekstat'][n] / r['alone'][n]:8.3f} {r['coverage'][n]:8.3f}"
            )
        names = [t.name for t in DEFAULT_PLAN]
        mean_naive = np.mean([r["naive"][n] for n in names])
        mean_ours = np.mean([r["lekstat"][n] for n in names])
        worst = max(r["lekstat"][n] / r["naive"][n] for n in names)
        print(
            f"totals ratio {r['lekstat']['totals'] / r['naive']['totals']:.3f} (goal ≤ 0.65); "
            f"mean per-table RMSE ratio {mean_ours / mean_naive:.3f} (goal ≤ 0.85); "
            f"worst table ratio {worst:.3f} (goal ≤ 1); "
            f"coverage {r['coverage']['_all']:.4f}; widened {r['coverage']['_widened']:.4%}"
        )
    print("\nlimit as ρ grows (least squares only; the non-negative step no longer helps):")
    print(f"{'split':<28} {'totals':>7} {'mean':>6} {'worst':>6}")
    for name, (totals, mean, worst) in limits().items():
        print(f"{name:<28} {totals:7.3f} {mean:6.3f} {worst:6.3f}")
    print(f"\nrun time: {time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
