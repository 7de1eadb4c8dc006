"""Planning cost: how long and how much memory a plan takes before and during a release.

For each plan, in a fresh process (so that the memory figure is the plan's own and no cache
helps): the layout (constraints, their bases, nesting), the budget split, the rest of the
preparation (OpenDP calibration and the least-squares factors), a preview, and a release of a
year without data; then the process's peak RSS (``VmHWM``). Plans:

- the default plan (yearly and quarterly), ALL_STAGE_PLAN, and both together;
- the worst plans within the bounds of ``schemas.tables`` (MAX_PLAN_TABLES tables,
  MAX_PLAN_CELLS cells): copies of one table (most constraints), and the slowest of a seeded
  search over random plans of by-stage and fixed-stage tables with uneven weights;
- for comparison, the constraint construction lekstat used before (a row for every shared sum
  of every pair of tables, then an SVD) on the largest plans.

Each figure is the median of ``--runs`` fresh processes. Run: ``make bench`` or
``python benchmarks/bench_plan.py [--search N] [--runs N]``. A script, not a test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchlib import machine, peak_rss_mib, rss_mib

from aggregator.dp import engine, estimation, layout
from schemas.municipalities import load_register
from schemas.tables import (
    ALL_STAGE_PLAN,
    DEFAULT_PLAN,
    MAX_PLAN_CELLS,
    MAX_PLAN_TABLES,
    TableSpec,
    parse_plan,
    table_cells,
)
from schemas.taxonomy import load_taxonomy

YEAR = 2026
STAGES = load_taxonomy().stages
#: Kinds of tables the search draws from: (dimensions, fixed to a stage?).
KINDS = (
    (("stage", "employment_type"), False),
    (("stage", "motive"), False),
    (("stage", "quarter"), False),
    (("stage", "function_group"), False),
    (("stage", "function_type"), False),
    (("function_type",), True),
    (("data_category",), True),
    (("function_group", "motive"), True),
    (("employment_type", "quarter"), True),
    (("motive",), True),
)


def random_plan(seed: int) -> tuple[TableSpec, ...]:
    """Up to MAX_PLAN_TABLES random tables within MAX_PLAN_CELLS cells, weights 1 to 100."""
    rng = np.random.default_rng(seed)
    out: list[TableSpec] = []
    cells = 0
    for attempt in range(200):
        if len(out) == MAX_PLAN_TABLES:
            break
        dims, fixed = KINDS[int(rng.integers(len(KINDS)))]
        stage = str(STAGES[int(rng.integers(len(STAGES)))]) if fixed else None
        spec = TableSpec(f"t{attempt}", dims, stage, float(rng.uniform(1, 100)))
        size = len(table_cells(spec, year=YEAR))
        if cells + size <= MAX_PLAN_CELLS:
            out.append(spec)
            cells += size
    return tuple(out)


def plans(search: int) -> dict[str, tuple[tuple[TableSpec, ...], int | None]]:
    """The plans measured (name → plan, quarter)."""
    many = min(MAX_PLAN_TABLES, MAX_PLAN_CELLS // 32)
    copies = tuple(TableSpec(f"t{i}", ("stage", "quarter"), None, 1.0 + i) for i in range(many))
    return {
        "default (year)": (DEFAULT_PLAN, None),
        "default (quarter)": (DEFAULT_PLAN, 2),
        "ALL_STAGE_PLAN": (ALL_STAGE_PLAN, None),
        "default + ALL_STAGE_PLAN": ((*DEFAULT_PLAN, *ALL_STAGE_PLAN[1:]), None),
        f"{many} copies of stage × quarter": (copies, None),
        "slowest random plan": (slowest(search), None),
    }


def slowest(search: int) -> tuple[TableSpec, ...]:
    """The random plan (of ``search``) whose split takes longest here."""
    worst: tuple[float, tuple[TableSpec, ...]] = (0.0, ())
    for seed in range(search):
        plan = random_plan(seed)
        lay = layout.plan_layout(plan, year=YEAR)
        start = time.perf_counter()
        estimation.split_budget(
            [len(t.cells) for t in lay.tables],
            [t.sensitivity_l2 for t in lay.tables],
            [t.spec.weight for t in lay.tables],
            lay.basis,
            lay.null_basis,
        )
        seconds = time.perf_counter() - start
        if seconds > worst[0]:
            worst = (seconds, plan)
    return worst[1]


def pairwise(plan: Sequence[TableSpec]) -> tuple[int, float]:
    """The earlier construction: a row per shared sum of every pair, then an SVD."""
    lay = layout.plan_layout(plan, year=YEAR)
    start = time.perf_counter()
    matrix = layout.pairwise_constraints(plan, lay, YEAR)
    rows = matrix.shape[0]
    if rows:
        with estimation.one_blas_thread():
            np.linalg.svd(matrix, full_matrices=False)
    return rows, time.perf_counter() - start


def measure(plan: Sequence[TableSpec], quarter: int | None, old: bool) -> dict[str, Any]:
    """The figures of one plan, in this (fresh) process."""
    out: dict[str, Any] = {"tables": len(plan), "base": rss_mib()}
    start = time.perf_counter()
    with estimation.one_blas_thread():
        lay = layout.plan_layout(plan, year=YEAR, quarter=quarter)
    out["layout"] = time.perf_counter() - start
    tax, register = load_taxonomy(), load_register()
    coords = [layout._coordinates(s, YEAR, quarter, tax, register) for s in plan]
    out["rows"] = len(layout._constraints(plan, coords, lay.tables, lay.stages))
    out["cells"], out["rank"] = lay.size, lay.basis.shape[0]
    start = time.perf_counter()
    estimation.split_budget(
        [len(t.cells) for t in lay.tables],
        [t.sensitivity_l2 for t in lay.tables],
        [t.spec.weight for t in lay.tables],
        lay.basis,
        lay.null_basis,
    )
    out["split"] = time.perf_counter() - start
    start = time.perf_counter()
    engine.preview(plan, 1.0, year=YEAR, quarter=quarter)  # layout, split, calibration, LS
    out["preview"] = time.perf_counter() - start
    empty = {t.spec.name: np.zeros(len(t.cells), dtype=np.int64) for t in lay.tables}
    start = time.perf_counter()
    engine.compute_release(empty, plan, 1.0, year=YEAR, quarter=quarter)
    out["release"] = time.perf_counter() - start
    out["peak"] = peak_rss_mib()
    if old:
        out["old_rows"], out["old_seconds"] = pairwise(plan)
        out["old_peak"] = peak_rss_mib()
    return out


def main() -> None:
    """Print the figures (each plan measured in a child process of this script)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--search", type=int, default=30, help="random plans to search")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per plan")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    catalogue = plans(args.search) if args.child is None else None
    if args.child is not None:
        tables, quarter, old = json.loads(args.child)
        print(json.dumps(measure(parse_plan(tables), quarter, old)))
        return
    assert catalogue is not None
    print(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"machine: {machine()}")
    print(
        f"bounds: {MAX_PLAN_TABLES} tables, {MAX_PLAN_CELLS} cells; search: {args.search}; "
        f"median of {args.runs} fresh processes per plan"
    )
    start = time.time()
    print(
        f"{'plan':<32} {'tables':>6} {'cells':>5} {'rows':>5} {'rank':>5} {'layout':>7} "
        f"{'split':>6} {'preview':>7} {'release':>7} {'peak':>8} {'before: rows, s, peak':>24}"
    )
    for i, (name, (plan, quarter)) in enumerate(catalogue.items()):
        task = [[t.to_dict() for t in plan], quarter, i >= 3]  # the large ones: also the old way
        child = [sys.executable, __file__, "--child", json.dumps(task)]
        runs = []
        for _ in range(args.runs):
            out = subprocess.run(child, check=True, capture_output=True, text=True).stdout
            runs.append(json.loads(out.splitlines()[-1]))
        # The median of fresh processes: a shared machine stalls one now and then.
        r = {k: float(np.median([run[k] for run in runs])) for k in runs[0]}
        before = (
            f"{r['old_rows']:>6.0f} {r['old_seconds']:6.2f} {r['old_peak']:6.0f} MiB"
            if "old_rows" in r
            else ""
        )
        print(
            f"{name:<32} {r['tables']:6.0f} {r['cells']:5.0f} {r['rows']:5.0f} {r['rank']:5.0f} "
            f"{r['layout']:7.3f} {r['split']:6.3f} {r['preview']:7.3f} {r['release']:7.3f} "
            f"{r['peak']:4.0f} MiB {before:>24}  (RSS after imports {r['base']:.0f} MiB)"
        )
    print(f"\nrun time: {time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
