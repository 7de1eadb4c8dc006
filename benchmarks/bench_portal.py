"""The portal: server render time and weight of each page, with a full national year in the
database; the municipality's pages, then the statistician's (completeness of 342
municipalities, the lock's confirmation, budgets, the release preview and confirmation, the
releases and a certificate, with one release of the year made).

Builds a database with every submission of 2026 from the synthetic world (342 municipalities x
4 quarters, with the corrections and late submissions of ``aggregator.demo.synth``, stored
through the submission service), then asks the real app (``create_app`` on that DuckDB file,
in-process: no network, no uvicorn) for each page as a signed-in municipality, many times.
The time is the whole request through the app: guard, session lookup, the services, the
template. The weight is the HTML plus the files it loads (CSS, JavaScript, icon; cached for a
year after the first page).

    .venv/bin/python benchmarks/bench_portal.py [--repeat 40] [--municipality GM0363]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
import openpyxl
from benchlib import machine
from fastapi import FastAPI
from fastapi.testclient import TestClient

from aggregator.config import Settings
from aggregator.demo.synth import SyntheticConfig, generate
from aggregator.http.app import create_app
from aggregator.services import releases, submissions
from aggregator.services.auth import OPERATOR, Principal, new_token
from aggregator.services.context import Context
from aggregator.services.refusals import Refusal
from aggregator.services.releases import ReleaseRequest
from aggregator.store import Store
from aggregator.web.submitting import read_upload
from client.files import DATA_SHEET, excel_template
from schemas.reading import from_records

T = TypeVar("T")
YEAR = 2026
#: The service's clock: 2027 has begun, 2026-Q4's deadline has not passed.
NOW = dt.datetime(2027, 1, 20, 10, 0)
BROWSER = {"Accept": "text/html"}
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')
HEADER = ["function_type", "data_category", "stage", "employment_type", "motive", "count"]


def build(db: Path) -> tuple[int, float]:
    """Store every 2026 upload of the synthetic world; the number of versions and seconds."""
    data = generate([YEAR], SyntheticConfig(seed=YEAR))
    started = time.perf_counter()
    with Store(db) as store:
        ctx = Context(store, Settings(db_path=db), lambda: NOW)
        tokens: dict[str, Principal] = {}
        n = 0
        for quarter in range(1, 5):
            for upload in data.uploads(f"{YEAR}-Q{quarter}"):
                who = tokens.get(upload.municipality)
                if who is None:
                    _, record = new_token("municipality", upload.municipality, "bench", NOW)
                    store.add_token(record)
                    who = tokens[upload.municipality] = Principal(
                        record.id, "municipality", upload.municipality
                    )
                rows = [] if upload.rows is None else upload.rows.to_dict(orient="records")
                submissions.accept(
                    ctx,
                    who,
                    period_text=str(upload.period),
                    table=from_records(rows),
                    nil_return=upload.nil_return,
                )
                n += 1
    return n, time.perf_counter() - started


def workbook(rows: list[list[object]]) -> bytes:
    """The Excel template filled in with ``rows``."""
    book = excel_template("nl")
    sheet = book[DATA_SHEET]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            sheet.cell(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csrf(html: str) -> str:
    """The first CSRF token on a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def timed(call: Callable[[], T], repeat: int) -> tuple[list[float], T]:
    """Milliseconds of ``repeat`` calls after one warm-up, and the last answer."""
    response = call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - started) * 1000)
    return times, response


Pages = list[tuple[str, Callable[[], httpx.Response]]]


def print_rows(
    client: TestClient,
    pages: Pages,
    shared: dict[str, Callable[[], object]],
    repeat: int,
    assets: dict[str, int],
) -> None:
    """Time each page and print its row: p50, p95, max, status, HTML and assets."""
    print()
    head = ("page", "p50 ms", "p95 ms", "max ms", "status", "HTML kB", "+assets kB")
    print("{:<38} {:>7} {:>7} {:>7} {:>6} {:>8} {:>10} {:>16}".format(*head, "read+validate ms"))
    for name, call in pages:
        times, response = timed(call, repeat)
        html = response.content
        for path in ASSET.findall(response.text):
            if path not in assets:
                assets[path] = len(client.get(path).content)
        extra = sum(assets[p] for p in set(ASSET.findall(response.text)))
        q = statistics.quantiles(times, n=20)
        part = ""
        if name in shared:
            own, _ = timed(shared[name], repeat)
            part = f"{statistics.median(own):.1f}"
        print(
            f"{name:<38} {statistics.median(times):>7.1f} {q[18]:>7.1f} "
            f"{max(times):>7.1f} {response.status_code:>6} {len(html) / 1000:>8.1f} "
            f"{extra / 1000:>10.1f} {part:>16}"
        )


def statistician_rows(app: FastAPI, repeat: int, assets: dict[str, int]) -> None:
    """The statistician's pages, with the year's budget set and one release of it made."""
    store: Store = app.state.store
    store.set_budget(YEAR, 1.0, NOW, "bench")
    releases.create(app.state.context, OPERATOR, ReleaseRequest(YEAR, 0.5))
    token, record = new_token("statistician", None, "bench", NOW)
    store.add_token(record)
    with TestClient(app, headers=BROWSER, follow_redirects=False) as client:
        form = csrf(client.get("/sign-in").text)
        client.post("/sign-in", data={"token": token, "csrf_token": form})
        release = f"{YEAR}-r1"
        pages: Pages = [
            ("statistician: start /portal", lambda: client.get("/portal")),
            (
                "completeness, all 342",
                lambda: client.get(f"/portal/completeness?period={YEAR}-Q3"),
            ),
            (
                "completeness, not reported",
                lambda: client.get(f"/portal/completeness?period={YEAR}-Q3&show=not_reported"),
            ),
            (
                "completeness, one province",
                lambda: client.get(f"/portal/completeness?period={YEAR}-Q3&province=PV27"),
            ),
            ("lock confirmation", lambda: client.get(f"/portal/periods/{YEAR}-Q3/lock")),
            ("budgets", lambda: client.get("/portal/budgets")),
            ("budget of the year", lambda: client.get(f"/portal/budgets/{YEAR}")),
            (
                "release preview",
                lambda: client.get(f"/portal/releases/preview?year={YEAR}&rho=0.3"),
            ),
            (
                "release confirmation",
                lambda: client.get(f"/portal/releases/new?year={YEAR}&rho=0.3"),
            ),
            ("releases", lambda: client.get("/portal/releases")),
            (
                "certificate",
                lambda: client.get(f"/portal/releases/{release}/certificate"),
            ),
        ]
        print_rows(client, pages, {}, repeat, assets)


def main() -> int:
    """Build the year, time every page, print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--municipality", default="GM0363", help="default Amsterdam, the largest")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "lekstat.duckdb"
        versions, seconds = build(db)
        print(f"database: {versions} versions of {YEAR} stored in {seconds:.0f} s")
        settings = Settings(db_path=db, rate_limit_per_minute=1e6, rate_limit_burst=1_000_000)
        app = create_app(settings, clock=lambda: NOW)
        store: Store = app.state.store
        token, record = new_token("municipality", args.municipality, "portal", NOW)
        store.add_token(record)
        mine = store.list_submissions(municipality=args.municipality)
        print(f"{args.municipality}: {len(mine)} versions, {sum(v.row_count for v in mine)} rows")
        largest = max(mine, key=lambda v: v.row_count)
        with TestClient(app, headers=BROWSER, follow_redirects=False) as client:
            form = csrf(client.get("/sign-in").text)
            client.post("/sign-in", data={"token": token, "csrf_token": form})
            token_field = csrf(client.get("/portal").text)
            rows = store.submission_rows(largest.id)
            good = workbook([[*r[:5], int(r[5])] for r in rows.itertuples(index=False)])
            # A code copied down 50 rows (grouped on the page), and 1000 different mistakes
            # (the most the service reports; the page shows the first 200).
            bad = workbook(
                [["FT77", "DC01", f"ST0{1 + i % 8}", "EM01", f"MO0{1 + i // 8 % 3}", 1]
                 for i in range(50)]
            )  # fmt: skip
            many = workbook(
                [["FT01", "DC01", f"ST0{1 + i % 8}", "EM01", "MO01", -(i + 1)] for i in range(1000)]
            )
            ctx = app.state.context
            me = Principal(record.id, "municipality", args.municipality)

            def service(data: bytes) -> Callable[[], object]:
                """Only what the check asks of the shared code: read the file, validate it."""

                def run() -> object:
                    table = read_upload("aantallen.xlsx", data)
                    try:
                        return submissions.accept(
                            ctx, me, period_text="2026-Q3", table=table, dry_run=True
                        )
                    except Refusal as refusal:
                        return refusal

                return run

            def check(data: bytes) -> Callable[[], httpx.Response]:
                files = {"file": ("aantallen.xlsx", data, "application/octet-stream")}
                return lambda: client.post(
                    "/portal/quarters/2026-Q3/check",
                    data={"csrf_token": token_field},
                    files=files,
                )

            pages: list[tuple[str, Callable[[], httpx.Response]]] = [
                ("overview /portal", lambda: client.get("/portal")),
                (
                    "quarter (with history)",
                    lambda: client.get(f"/portal/quarters/{largest.period}"),
                ),
                ("nil-return confirmation", lambda: client.get("/portal/quarters/2026-Q4/nil")),
                (
                    f"receipt ({largest.row_count} rows)",
                    lambda: client.get(f"/portal/submissions/{largest.id}"),
                ),
                ("counting rules", lambda: client.get("/portal/counting-rules")),
                ("sign-in", lambda: TestClient(app, headers=BROWSER).get("/sign-in")),
                (f"check, valid .xlsx ({largest.row_count} rows)", check(good)),
                ("check, .xlsx, a code wrong in 50 rows", check(bad)),
                ("check, .xlsx, 1000 different problems", check(many)),
                ("template .xlsx (kept)", lambda: client.get("/portal/template.xlsx")),
            ]
            shared = {
                f"check, valid .xlsx ({largest.row_count} rows)": service(good),
                "check, .xlsx, a code wrong in 50 rows": service(bad),
                "check, .xlsx, 1000 different problems": service(many),
            }
            assets: dict[str, int] = {}
            print_rows(client, pages, shared, args.repeat, assets)
            statistician_rows(app, args.repeat, assets)
            print()
            print(
                "assets: "
                + ", ".join(
                    f"{p.rsplit('/', 1)[-1]} {n / 1000:.1f} kB" for p, n in sorted(assets.items())
                )
            )
            openpyxl.load_workbook(io.BytesIO(client.get("/portal/template.xlsx").content))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
