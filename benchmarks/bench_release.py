"""Release time and memory as the database grows: 1, 5 and 20 years of history.

Builds one database the way the service fills it, year after year: every municipality's
synthetic submission for every quarter (:mod:`aggregator.demo.synth`: mostly nil returns, late ones,
and drafts corrected by a second version), each validated by
:func:`schemas.validation.validate_submission` and stored by :meth:`Store.add_submission`, the
quarters locked after their year. Checkpointed copies are taken after 1, 5 (and 20) years.

Then, for each copy, in fresh processes, releases of the copy's latest year (default plan,
ρ = 1) through :func:`aggregator.services.releases.create`: the process's first release
on its own (it builds and caches the plan's layout, budget split and least-squares factors), the
median of several with the engine's plan caches emptied before each, and of several with the
plans cached; the latest-version query (:meth:`Store.latest_rows`) on its own; the peak RSS of
the process. The same once more with ``OPENBLAS_NUM_THREADS=1``, because building the plan is
small dense linear algebra that OpenBLAS's threads slow down on a 2-CPU machine. And in
another fresh process the peak of Python allocations (tracemalloc) of a first and a later
release (tracemalloc does not see DuckDB's own memory; the RSS does).

    .venv/bin/python benchmarks/bench_release.py            # 1 and 5 years (about 2–3 minutes)
    .venv/bin/python benchmarks/bench_release.py --full     # 1, 5 and 20 years (about 8 minutes)
    .venv/bin/python benchmarks/bench_release.py --years 1,5,20 --runs 7 --profile

It is a script, not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchlib import machine, peak_rss_mib, rss_mib

from aggregator.config import Settings
from aggregator.demo.synth import SyntheticConfig, SyntheticData, generate
from aggregator.dp import engine
from aggregator.services import releases
from aggregator.services.auth import OPERATOR
from aggregator.services.context import Context
from aggregator.services.releases import ReleaseRequest
from aggregator.store import Store
from schemas.periods import FIRST_PERIOD, Period
from schemas.submission import Submission
from schemas.validation import validate_submission

FIRST_YEAR = FIRST_PERIOD.year
RHO = 1.0
SEED = 2026
#: The synthetic world always spans this many years, so a size's data do not depend on the others.
SPAN_YEARS = 20
UTC = dt.UTC

# -- building ---------------------------------------------------------------------------------

_DATA: SyntheticData | None = None


def _init_worker(years: int) -> None:
    global _DATA
    _DATA = generate(range(FIRST_YEAR, FIRST_YEAR + years), SyntheticConfig(seed=SEED))


def _validated_quarter(period: str) -> tuple[list[tuple[str, int, bool, Submission]], float]:
    """Every upload of ``period``, validated (in a worker process); and the seconds it took."""
    assert _DATA is not None
    start = time.perf_counter()
    out = []
    for upload in _DATA.uploads(period):
        result = validate_submission(
            upload.rows,
            upload.period,
            upload.municipality,
            upload.nil_return,
            today=_DATA.complete_on,
        )
        if not result.ok or result.submission is None:
            raise RuntimeError(f"synthetic upload is invalid: {result.records()[:3]}")
        out.append((upload.municipality, upload.version, upload.late, result.submission))
    return out, time.perf_counter() - start


def _received_at(period: Period, version: int, late: bool) -> dt.datetime:
    days = 60 if late else 10 + 10 * (version - 1)
    return dt.datetime.combine(period.end, dt.time(12), UTC) + dt.timedelta(days=days)


def build(directory: Path, sizes: list[int]) -> list[dict[str, Any]]:
    """Fill one database year by year; keep a checkpointed copy after each size (in years).

    Validation runs in a worker process, ahead of storing, which is serial (the store
    serialises writes): the build's wall time is about the larger of the two.
    """
    years = max(sizes)
    path = directory / "growing.duckdb"
    built: list[dict[str, Any]] = []
    store = Store(path)
    start = time.perf_counter()
    store_seconds = validate_seconds = 0.0
    stored = corrections = 0
    periods = [
        str(Period(y, q)) for y in range(FIRST_YEAR, FIRST_YEAR + years) for q in (1, 2, 3, 4)
    ]
    try:
        with ProcessPoolExecutor(
            1, initializer=_init_worker, initargs=(max(years, SPAN_YEARS),)
        ) as pool:
            for period_text, (subs, seconds) in zip(
                periods, pool.map(_validated_quarter, periods), strict=True
            ):
                validate_seconds += seconds
                period = Period.parse(period_text)
                t = time.perf_counter()
                for municipality, version, late, submission in subs:
                    store.add_submission(
                        submission,
                        municipality=municipality,
                        token_id=f"tok_{municipality}",
                        idempotency_key=None,
                        received_at=_received_at(period, version, late),
                        late=late,
                    )
                    stored += 1
                    corrections += version > 1
                if period.quarter == 4:  # the year's quarters are locked once it is over
                    for q in (1, 2, 3, 4):
                        locked_at = dt.datetime(period.year + 1, 2, 15, tzinfo=UTC)
                        store.lock_period(str(Period(period.year, q)), locked_at, "bench")
                store_seconds += time.perf_counter() - t
                n_years = period.year - FIRST_YEAR + 1
                if period.quarter == 4 and n_years in sizes:
                    store.close()  # checkpoint: the file holds everything, the WAL nothing
                    copy = directory / f"years-{n_years}.duckdb"
                    shutil.copyfile(path, copy)
                    built.append(
                        {
                            "years": n_years,
                            "release_year": period.year,
                            "path": str(copy),
                            "bytes": copy.stat().st_size,
                            "submissions": stored,
                            "corrections": corrections,
                            "build_s": time.perf_counter() - start,
                            "store_s": store_seconds,
                            "validate_s": validate_seconds,
                        }
                    )
                    print(
                        f"  built {n_years:>2} year(s): {stored:,} submissions "
                        f"in {built[-1]['build_s']:.0f} s",
                        flush=True,
                    )
                    store = Store(path)
    finally:
        store.close()
    return built


# -- measuring (in a fresh process per database) ---------------------------------------------


def _release(store: Store, year: int, n: int) -> dict[str, Any]:
    now = dt.datetime(year + 1, 3, 1, 12, n % 60, tzinfo=UTC)
    ctx = Context(store, Settings(db_path=store.path), lambda: now)
    return releases.create(ctx, OPERATOR, ReleaseRequest(year, RHO))


def _forget_plans() -> None:
    """Empty the engine's in-process caches, so that the next release builds the plan again."""
    engine._LAYOUTS.clear()
    engine._PLANNED.clear()


def _timed(
    runs: int, step: Callable[[int], object], before: Callable[[], None] | None = None
) -> list[float]:
    out = []
    for i in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        step(i)
        out.append(time.perf_counter() - start)
    return out


def measure(path: str, year: int, runs: int, mode: str) -> dict[str, Any]:
    """One database: timings and peak RSS (``mode="time"``), tracemalloc peaks, or a profile."""
    out: dict[str, Any] = {}
    store = Store(path)
    try:
        store.set_budget(year, 1e6, dt.datetime(year + 1, 1, 1, tzinfo=UTC), "bench")
        periods = [str(Period(year, q)) for q in (1, 2, 3, 4)]
        out["rss_before_mib"] = rss_mib()
        if mode == "tracemalloc":
            tracemalloc.start()
            _release(store, year, 0)
            out["first_traced_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.reset_peak()
            _release(store, year, 1)
            out["warm_traced_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            return out
        if mode == "profile":
            for name, count in (("first", 1), ("later", runs)):
                profile = cProfile.Profile()
                profile.enable()
                for i in range(count):
                    _release(store, year, i + (name == "later"))
                profile.disable()
                text = io.StringIO()
                pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(20)
                out[name] = text.getvalue()
            return out
        start = time.perf_counter()
        meta = _release(store, year, 0)
        out["first_s"] = time.perf_counter() - start
        out["warm_s"] = _timed(runs, lambda i: _release(store, year, 1 + i))
        out["cold_s"] = _timed(runs, lambda i: _release(store, year, 1 + runs + i), _forget_plans)
        out["query_s"] = _timed(runs, lambda i: store.latest_rows(periods))
        out["latest_rows"] = len(store.latest_rows(periods))
        out["coverage"] = meta["coverage"]
        out["peak_rss_end_mib"] = peak_rss_mib()
    finally:
        store.close()
    return out


def _child(
    path: str, year: int, runs: int, mode: str, blas_threads: int | None = None
) -> dict[str, Any]:
    """Run :func:`measure` in a fresh interpreter; its result as JSON on the last line."""
    env = dict(os.environ)
    if blas_threads is not None:
        env["OPENBLAS_NUM_THREADS"] = str(blas_threads)
    job = json.dumps({"path": path, "year": year, "runs": runs, "mode": mode})
    result = subprocess.run(
        [sys.executable, __file__, "--child", job],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if result.returncode != 0:
        raise RuntimeError(f"measuring {path} failed:\n{result.stderr}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def main() -> int:
    """Build the databases, measure each in fresh processes, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", default="1,5", help="database sizes in years (default 1,5)")
    parser.add_argument("--full", action="store_true", help="sizes 1, 5 and 20 years")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each kind (median)")
    parser.add_argument("--profile", action="store_true", help="cProfile the largest size")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        job = json.loads(args.child)
        print(json.dumps(measure(job["path"], job["year"], job["runs"], job["mode"])))
        return 0
    sizes = sorted({1, 5, 20} if args.full else {int(x) for x in args.years.split(",")})
    print(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"machine: {machine()}")
    print(
        f"Python {platform.python_version()}; synthetic data seed {SEED}, default config; "
        f"release: default plan, ρ = {RHO}, the latest year of each database; "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')}"
    )
    print(f"load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        print("building (validate_submission in a worker process, add_submission here):")
        databases = build(Path(tmp), sizes)
        rows = []
        for db in databases:
            where = (db["path"], db["release_year"], args.runs)
            timing = _child(*where, "time")
            single = _child(*where, "time", blas_threads=1)
            traced = _child(*where, "tracemalloc")
            rows.append((db, timing, single, traced))
            print(f"  measured {db['years']:>2} year(s)", flush=True)
        profile = _child(*where, "profile") if args.profile else None

    print("\nDatabases (built year by year through validate_submission and add_submission):")
    print(
        f"{'years':>5} {'submissions':>11} {'of which corrections':>20} {'DB MB':>6} "
        f"{'build s':>7} {'store ms/submission':>19}"
    )
    for db, *_ in rows:
        per_submission = 1000 * db["store_s"] / db["submissions"]
        print(
            f"{db['years']:>5} {db['submissions']:>11,} {db['corrections']:>20} "
            f"{db['bytes'] / 1e6:>6.1f} {db['build_s']:>7.0f} {per_submission:>19.1f}"
        )
    last = rows[-1][0]
    print(
        f"validation: {last['validate_s']:.0f} s in the worker process; storing (add_submission "
        f"and lock_period): {last['store_s']:.0f} s"
    )

    print("\nReleases of the latest year, seconds: median (min–max) of", args.runs, "runs")
    print(
        f"{'years':>5} {'rows':>5} {'query ms':>8} {'BLAS':>7} {'first':>6} "
        f"{'plan rebuilt':>18} {'plan cached':>18} {'peak RSS MiB':>12} {'traced MiB':>10}"
    )
    for db, timing, single, traced in rows:
        for label, t in (("default", timing), ("1", single)):
            traced_text = (
                f"{traced['first_traced_mib']:.1f} / {traced['warm_traced_mib']:.1f}"
                if label == "default"
                else ""
            )
            rss = (
                f"{t['peak_rss_end_mib']:.0f} (+{t['peak_rss_end_mib'] - t['rss_before_mib']:.0f})"
            )
            print(
                f"{db['years']:>5} {t['latest_rows']:>5} "
                f"{1000 * statistics.median(t['query_s']):>8.1f} {label:>7} "
                f"{t['first_s']:>6.2f} {_spread(t['cold_s']):>18} {_spread(t['warm_s']):>18} "
                f"{rss:>12} {traced_text:>10}"
            )
    first = rows[0][1]
    print(
        "rows: latest-version rows of the year; query: Store.latest_rows alone; BLAS: "
        "OPENBLAS_NUM_THREADS; first: the process's first release; plan rebuilt: the engine's "
        "plan caches emptied before each; peak RSS: VmHWM of the whole process (+ above "
        f"what was resident before the first release, {first['rss_before_mib']:.0f} MiB); traced: "
        "tracemalloc peak of the first / a later release"
    )
    print(
        f"run time: {time.perf_counter() - started:.0f} s; load average at the end "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (other work on the machine)"
    )
    if profile is not None:
        years = databases[-1]["years"]
        print(f"\nprofile of the first release, {years} years of history:")
        print(profile["first"])
        print(f"profile of {args.runs} later releases, {years} years of history:")
        print(profile["later"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
