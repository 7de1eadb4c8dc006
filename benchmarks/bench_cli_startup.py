"""CLI start-up: how long ``lekstat --help`` and ``lekstat status`` take, against a baseline.

Each command is run as a person runs it: the installed ``lekstat`` script in a fresh process,
``status`` against a real ``lekstat-server serve`` on loopback (a new database, a municipality
token made with the real command line, one nil return and one file submitted with ``lekstat
submit`` so that status has versions to show). The figure is the median wall time of several
runs, and its ratio to ``python -c pass`` (the interpreter's own start-up, with this virtual
environment's site packages), so that a busy machine shows as a higher baseline. Targets (issue
17): ``--help`` under 0.15 s, ``status`` under 0.5 s. ``validate`` of a small file is shown for
comparison: it imports pandas and pandera, as validation must.

    .venv/bin/python benchmarks/bench_cli_startup.py [--runs 15] [--client DIR]

``--client DIR`` times the ``schemas`` and ``client`` packages of another checkout (put first on
``PYTHONPATH`` of the timed commands; the server stays this one), to compare before and after.

It is a script, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchlib import machine

from aggregator.demo.processes import run, running_server

TARGETS = {"lekstat --help": 0.15, "lekstat status": 0.5}
MUNICIPALITY = "GM0363"
CSV = (
    "functietype;gegevenscategorie;fase;dienstverband;motief;aantal\n"
    "FT04_PARKEREN;DC03_KENTEKEN;ST01_SIGNAAL;EM03_INHUUR;MO01_CRIMINEEL;2\n"
)


def timed(argv: list[str], env: dict[str, str], cwd: Path, runs: int) -> list[float]:
    """Wall times of ``runs`` runs of ``argv`` (after one warm-up run), each must succeed."""
    times = []
    for i in range(runs + 1):
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"{argv} exited {done.returncode}: {done.stderr}")
        if i:  # the first run warms the disk cache
            times.append(elapsed)
    return times


def main() -> int:
    """Start the server, time the commands, print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--client", type=Path, help="a checkout whose client to time")
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    lekstat = str(bin_dir / "lekstat")
    print(f"machine: {machine()}; Python {platform.python_version()}")
    print(f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; load average {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        db = home / "bench.duckdb"
        assert run("lekstat-server", "--db", str(db), "init").returncode == 0
        made = run(
            "lekstat-server",
            "--db",
            str(db),
            "token",
            "create",
            "--role",
            "municipality",
            "--municipality",
            MUNICIPALITY,
        )
        assert made.returncode == 0, made.stderr
        token = made.stdout.strip().splitlines()[-1]
        (home / "aantallen.csv").write_text(CSV, encoding="utf-8")
        with running_server(db) as server:
            env = {k: v for k, v in os.environ.items() if not k.startswith("LEKSTAT_")}
            env.update(
                XDG_CONFIG_HOME=str(home / "config"),
                HOME=str(home),
                LEKSTAT_URL=server.url,
                LEKSTAT_TOKEN=token,
                LEKSTAT_LANG="nl",
            )
            if args.client is not None:
                env["PYTHONPATH"] = str(args.client.resolve())
                print(f"client: {args.client}")
            last = dt.date.today()
            quarter = (last.month - 1) // 3  # the previous quarter, as 1–4 of its year
            year, q = (last.year, quarter) if quarter else (last.year - 1, 4)
            for argv in (
                [lekstat, "submit", "--nil", "--period", f"{year - 1}-Q4"],
                [lekstat, "submit", "aantallen.csv", "--period", f"{year}-Q{q}"],
            ):
                done = subprocess.run(argv, env=env, cwd=home, capture_output=True, text=True)
                assert done.returncode == 0, done.stdout + done.stderr
            commands = {
                "python -c pass": [sys.executable, "-c", "pass"],
                "lekstat --help": [lekstat, "--help"],
                "lekstat status": [lekstat, "status"],
                "lekstat validate": [lekstat, "validate", "aantallen.csv", "--period", "2026-Q1"],
            }
            figures = {name: timed(argv, env, home, args.runs) for name, argv in commands.items()}
    base = statistics.median(figures["python -c pass"])
    print(f"runs per command: {args.runs} (after one warm-up run)")
    print(f"{'command':<18} {'median s':>9} {'min s':>7} {'max s':>7} {'× pass':>7}  target")
    for name, times in figures.items():
        median = statistics.median(times)
        target = TARGETS.get(name)
        met = target is not None and median < target
        verdict = "" if target is None else f"< {target} s: {'met' if met else 'MISSED'}"
        print(
            f"{name:<18} {median:>9.3f} {min(times):>7.3f} {max(times):>7.3f} "
            f"{median / base:>7.1f}  {verdict}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
