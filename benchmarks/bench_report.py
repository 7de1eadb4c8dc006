"""The yearly report: time and size of each language and format, on synthetic data.

Builds the report tests' scenario (three releases on synthetic truth, see
``tests/report/synthetic_release.py``) in a temporary database and writes the 2025 report in
Dutch and English as HTML and PDF, each several times; prints the median time, the size and
the number of pages.

    .venv/bin/python benchmarks/bench_report.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader

from aggregator.report import load_report_data, render_html, write_report
from aggregator.store import Store
from tests.report.synthetic_release import build_scenario


def main() -> None:
    """Print one line per language and format."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        with Store(out / "lekstat.duckdb") as store:
            scenario, _ = build_scenario(store)
            start = time.perf_counter()
            data = load_report_data(scenario, 2025)
            print(f"load_report_data: {time.perf_counter() - start:.2f} s")
        import weasyprint  # noqa: F401 - loaded once, as a long-running server would

        for lang in ("nl", "en"):
            start = time.perf_counter()
            render_html(data, lang)
            print(f"render_html {lang}: {time.perf_counter() - start:.2f} s")
            for suffix in ("html", "pdf"):
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    path = write_report(data, lang, out / f"report-{lang}.{suffix}")
                    times.append(time.perf_counter() - start)
                size = path.stat().st_size
                pages = f", {len(PdfReader(path).pages)} pages" if suffix == "pdf" else ""
                print(
                    f"{lang} {suffix}: median {statistics.median(times):.2f} s "
                    f"(min {min(times):.2f}, max {max(times):.2f}), {size / 1024:.0f} KiB{pages}"
                )


if __name__ == "__main__":
    main()
