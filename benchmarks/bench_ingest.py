"""Ingestion: 342 quarterly submissions against the real server at several concurrencies.

Starts ``lekstat-server serve`` on a temporary database, issues one token per municipality with
the real command line, and sends every municipality's submission for one quarter (synthetic,
realistic: mostly nil returns) as JSON, each with its idempotency key. The same requests go to
a bare FastAPI endpoint that only parses the JSON: the ratio is what validation, storage,
authentication and audit cost.

    .venv/bin/python benchmarks/bench_ingest.py [--levels 1,8,16,32]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aggregator.demo.processes import free_port, onboard, run, start_server, stop_server
from aggregator.demo.synth import SyntheticConfig, generate
from schemas.periods import Period

BARE_APP = """
import json
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
app = FastAPI()
@app.post("/api/v1/submissions")
async def submit(request: Request):
    body = json.loads(await request.body())
    return JSONResponse({"rows": len(body.get("rows", []))}, status_code=201)
"""


def payloads(period: Period, seed: int) -> list[tuple[str, dict[str, Any]]]:
    """Every municipality's submission for ``period`` as (municipality, JSON body)."""
    data = generate([period.year], SyntheticConfig(seed=seed))
    out = []
    for municipality, rows in sorted(data.submissions(period).items()):
        if rows is None:
            out.append((municipality, {"period": str(period), "nil_return": True, "rows": []}))
        else:
            records = rows.to_dict(orient="records")
            out.append((municipality, {"period": str(period), "rows": records}))
    return out


def send_all(
    url: str, jobs: list[tuple[str, dict[str, Any]]], tokens: dict[str, str], concurrency: int
) -> dict[str, float]:
    """Send every job with ``concurrency`` threads; return throughput and latency figures."""
    latencies: list[float] = []
    statuses: list[int] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with httpx.Client(base_url=url, limits=limits, timeout=60) as client:

        def one(job: tuple[str, dict[str, Any]]) -> None:
            municipality, body = job
            headers = {
                "Authorization": f"Bearer {tokens.get(municipality, 'x')}",
                "Idempotency-Key": f"bench-{municipality}-{body['period']}",
            }
            start = time.perf_counter()
            r = client.post("/api/v1/submissions", json=body, headers=headers)
            latencies.append(time.perf_counter() - start)
            statuses.append(r.status_code)

        start = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, jobs))
        elapsed = time.perf_counter() - start
    ok = sum(1 for s in statuses if s in (200, 201))
    latencies.sort()
    return {
        "ok": ok,
        "n": len(jobs),
        "per_second": len(jobs) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "seconds": elapsed,
    }


def main() -> int:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--levels", default="1,8,16,32")
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    env = {"LEKSTAT_RATE_LIMIT_PER_MINUTE": "1000000", "LEKSTAT_RATE_LIMIT_BURST": "100000"}
    machine = f"{platform.platform()}, {os.cpu_count()} cores"
    print(f"machine: {machine}, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        assert run("lekstat-server", "--db", str(db), "init").returncode == 0
        tokens = onboard(db, Path(tmp) / "tokens.csv")
        server = start_server(db, env=env)
        bare_port = free_port()
        (Path(tmp) / "bare_app.py").write_text(BARE_APP)
        bare = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bare_app:app",
                "--port",
                str(bare_port),
                "--log-level",
                "warning",
            ],
            cwd=tmp,
        )
        try:
            for _ in range(100):
                try:
                    httpx.get(f"http://127.0.0.1:{bare_port}/docs", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            head = ("concurrency", "endpoint", "ok", "subm/s", "p50 ms", "p99 ms")
            print("{:>11} {:>8} {:>7} {:>8} {:>8} {:>8}".format(*head))
            for i, level in enumerate(levels):
                period = Period(args.year, i % 4 + 1)
                jobs = payloads(period, seed=100 + i)
                lek = send_all(server.url, jobs, tokens, level)
                base = send_all(f"http://127.0.0.1:{bare_port}", jobs, tokens, level)
                for name, fig in (("lekstat", lek), ("bare", base)):
                    ok = f"{fig['ok']}/{fig['n']}"
                    print(
                        f"{level:>11} {name:>8} {ok:>7} {fig['per_second']:>8.1f} "
                        f"{fig['p50_ms']:>8.1f} {fig['p99_ms']:>8.1f}"
                    )
                ratio = base["per_second"] / lek["per_second"]
                print(f"{'':>11} {'ratio':>8} {'':>7} {ratio:>7.1f}x slower than bare")
        finally:
            bare.terminate()
            bare.wait()
            stop_server(server)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
