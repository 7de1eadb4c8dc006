"""Client validation speed: rows per second and peak memory for CSV and Excel files.

Times the path ``lekstat validate FILE`` takes (``client.api.validate``, which
``Client.validate`` calls): :func:`client.files.read_table` reads the file (CSV, or the sheet
``Aantallen`` of a workbook with openpyxl) and :func:`schemas.validation.validate_submission`
checks it. Each file is measured in a fresh process: the process's first run (what one
``lekstat validate`` does, building the pandera schema too), then the median of several more
(two for files over 20,000 rows), and the process's peak RSS; in another fresh process, the
peak of Python allocations (tracemalloc) of one run.

The files (synthetic, seeded): taxonomy v1 has 19,200 code combinations, so a valid file has at
most 19,200 rows. *Valid* files hold distinct combinations with counts 1–5; the 19,200-row file
holds every combination once (the largest valid file). The 100,000-row CSV file (the client's
limit) holds the 19,200 combinations in order again and again, every one five or six times:
its 80,800 repeated rows are reported as duplicates. CSV files are written as Dutch Excel saves
CSV (UTF-8 with BOM, ``;``, CRLF) with bare codes; workbooks are the client's own template
(``lekstat template``) filled in with the dropdown values (``FT01_BRP — …``) by openpyxl, which
stores every text cell inline; Excel itself writes a shared-strings table, which openpyxl
reads faster, so the Excel figures are on the slow side. No 100,000-row workbook: the reader
counts the header among its 100,000 rows and refuses it (``--xlsx-rows 99999`` measures the
largest it reads; writing it takes about 16 s).

    .venv/bin/python benchmarks/bench_client.py [--runs 5] [--xlsx-rows 1000,10000,19200]

It is a script, not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchlib import machine, peak_rss_mib, rss_mib

from client.files import DATA_SHEET, dropdown_value, excel_template, read_table
from schemas.reading import canonical_columns
from schemas.taxonomy import load_taxonomy
from schemas.validation import validate_submission

PERIOD = "2025-Q4"
MUNICIPALITY = "GM0363"
SEED = 19200
CSV_ROWS = (1_000, 19_200, 100_000)
XLSX_ROWS = (1_000, 10_000, 19_200)


def combinations(rows: int) -> list[list[str | int]]:
    """``rows`` data rows: distinct combinations (shuffled) up to 19,200, then repeats."""
    taxonomy = load_taxonomy()
    every = list(itertools.product(*(taxonomy.codes(d) for d in taxonomy.dimension_names)))
    rng = np.random.default_rng(SEED)
    counts = rng.integers(1, 6, size=rows)
    if rows <= len(every):
        order = rng.permutation(len(every))[:rows]
        picked = [every[i] for i in order]
    else:
        picked = [every[i % len(every)] for i in range(rows)]
    return [[*combo, int(n)] for combo, n in zip(picked, counts, strict=True)]


def write_csv(path: Path, rows: int) -> None:
    """A CSV file as Dutch Excel writes it: BOM, semicolons, CRLF."""
    header = ";".join(canonical_columns(load_taxonomy()))
    lines = [header, *(";".join(str(c) for c in r) for r in combinations(rows))]
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))


def write_xlsx(path: Path, rows: int) -> None:
    """The client's Excel template with ``rows`` rows filled in from the dropdowns."""
    taxonomy = load_taxonomy()
    shown = {
        d: {c.code: dropdown_value(c) for c in taxonomy.dimension(d).entries}
        for d in taxonomy.dimension_names
    }
    workbook = excel_template()
    sheet = workbook[DATA_SHEET]
    dims = taxonomy.dimension_names
    for r in combinations(rows):
        sheet.append([*(shown[d][str(c)] for d, c in zip(dims, r, strict=False)), r[-1]])
    workbook.save(path)


# -- measuring (in a fresh process per file) ---------------------------------------------------


def _once(path: str) -> tuple[float, float, int, int]:
    start = time.perf_counter()
    table = read_table(path)
    read = time.perf_counter() - start
    result = validate_submission(table, PERIOD, MUNICIPALITY)
    total = time.perf_counter() - start
    duplicates = sum(1 for i in result.issues if "duplicate" in i.code)
    return read, total, len(result.issues), duplicates


def measure(path: str, runs: int, mode: str) -> dict[str, Any]:
    """One file: timings and peak RSS (``mode="time"``), or the tracemalloc peak of one run."""
    load_taxonomy()  # loaded once per process, as in the command line
    out: dict[str, Any] = {"rss_before_mib": rss_mib()}
    if mode == "profile":
        profile = cProfile.Profile()
        profile.enable()
        _once(path)
        profile.disable()
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(15)
        out["profile"] = text.getvalue()
        return out
    if mode == "tracemalloc":
        tracemalloc.start()
        _once(path)
        out["traced_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        return out
    first = _once(path)  # what one `lekstat validate` does: it builds the pandera schema too
    later = [_once(path) for _ in range(runs)]
    out["first_read_s"], out["first_s"] = first[0], first[1]
    out["read_s"] = [r[0] for r in later]
    out["total_s"] = [r[1] for r in later]
    out["issues"], out["duplicates"] = first[2], first[3]
    out["peak_rss_mib"] = peak_rss_mib()
    return out


def _child(path: Path, runs: int, mode: str) -> dict[str, Any]:
    """Run :func:`measure` in a fresh interpreter; its result as JSON on the last line."""
    job = json.dumps({"path": str(path), "runs": runs, "mode": mode})
    result = subprocess.run(
        [sys.executable, __file__, "--child", job], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"measuring {path} failed:\n{result.stderr}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> int:
    """Write the files, measure each in fresh processes, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=5, help="runs after the first (2 for files over 20,000 rows)"
    )
    parser.add_argument("--csv-rows", default=",".join(map(str, CSV_ROWS)))
    parser.add_argument("--xlsx-rows", default=",".join(map(str, XLSX_ROWS)))
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the largest CSV and Excel files"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        job = json.loads(args.child)
        print(json.dumps(measure(job["path"], job["runs"], job["mode"])))
        return 0
    print(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"machine: {machine()}")
    print(f"Python {platform.python_version()}; period {PERIOD}, municipality {MUNICIPALITY}")
    print(f"load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    started = time.perf_counter()
    files = [("csv", int(n)) for n in args.csv_rows.split(",") if n] + [
        ("xlsx", int(n)) for n in args.xlsx_rows.split(",") if n
    ]
    rows_out = []
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, n in files:
            path = Path(tmp) / f"rows-{n}.{fmt}"
            start = time.perf_counter()
            (write_csv if fmt == "csv" else write_xlsx)(path, n)
            written = time.perf_counter() - start
            runs = max(1, args.runs if n < 20_000 else 2)
            timing = _child(path, runs, "time")
            traced = _child(path, 1, "tracemalloc")
            rows_out.append((fmt, n, path.stat().st_size, written, runs, timing, traced))
            print(f"  {fmt} {n:,} rows measured", flush=True)
        profiles = []
        if args.profile:
            for fmt in ("csv", "xlsx"):
                sizes = [n for f, n in files if f == fmt]
                if sizes:
                    path = Path(tmp) / f"rows-{max(sizes)}.{fmt}"
                    profiles.append((path.name, _child(path, 0, "profile")["profile"]))
    imports = []
    for _ in range(3):
        code = "import time; t = time.perf_counter(); import client.cli; "
        code += "print(time.perf_counter() - t)"
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        imports.append(float(done.stdout))
    print()
    print(
        f"{'file':>4} {'rows':>7} {'MB':>5} {'write s':>7} {'first s':>7} {'rows/s':>7} "
        f"{'runs':>4} {'read s':>6} {'total s':>7} {'rows/s':>7} {'issues':>6} "
        f"{'peak RSS MiB':>12} {'traced MiB':>10}"
    )
    for fmt, n, size, written, runs, timing, traced in rows_out:
        total = statistics.median(timing["total_s"])
        peak = timing["peak_rss_mib"]
        rss = f"{peak:.0f} (+{peak - timing['rss_before_mib']:.0f})"
        print(
            f"{fmt:>4} {n:>7,} {size / 1e6:>5.1f} {written:>7.1f} {timing['first_s']:>7.2f} "
            f"{n / timing['first_s']:>7,.0f} {runs:>4} {statistics.median(timing['read_s']):>6.2f} "
            f"{total:>7.2f} {n / total:>7,.0f} {timing['issues']:>6,} {rss:>12} "
            f"{traced['traced_mib']:>10.0f}"
        )
    print(
        "\nwrite s: writing the test file (not measured further); first s: the process's first "
        "read_table + validate_submission, as one `lekstat validate` does; then the medians of "
        "`runs` more: read s (read_table) and total s; issues: the 100,000-row file's are all "
        "duplicate combinations; peak RSS: VmHWM of the process (+ above what was resident "
        "before the first read); traced: tracemalloc peak of one first run"
    )
    print(
        f"start-up of the command line (import client.cli), median of 3: "
        f"{statistics.median(imports):.2f} s"
    )
    print(
        f"run time: {time.perf_counter() - started:.0f} s; load average at the end "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (other work on the machine)"
    )
    for name, text in profiles:
        print(f"\nprofile of the first read and validation of {name} (by own time):")
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
