"""Cost admission: another client's ``/api/v1/me`` latency while one municipality sends sixteen
concurrent 19,200-row dry runs, with admission on (the default) and off.

Starts ``lekstat-server serve`` on a temporary database for each mode, issues a municipality
token and an analyst token with the real command line, measures ``/me`` of the analyst alone
(baseline), then again while sixteen threads of the municipality send dry runs of a file with
every one of the 19,200 code combinations, back to back. "Off" is the same service with
``LEKSTAT_HEAVY_BYTES`` above the body limit: nothing counts as heavy, as before admission.

    .venv/bin/python benchmarks/bench_admission.py [--seconds 20] [--modes on,off]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aggregator.demo.processes import run, start_server, stop_server
from benchmarks.benchlib import machine
from schemas.taxonomy import load_taxonomy

CONCURRENT = 16


def every_combination() -> bytes:
    """A CSV with every code combination of the taxonomy (19,200 rows in v1), count 1."""
    taxonomy = load_taxonomy()
    dims = list(taxonomy.dimension_names)
    lines = [",".join([*dims, "count"])]
    lines += [",".join([*combo, "1"]) for combo in itertools.product(*map(taxonomy.codes, dims))]
    return ("\n".join(lines) + "\n").encode()


def token(db: Path, *args: str) -> str:
    """A token made by the real command line."""
    result = run("lekstat-server", "--db", str(db), "token", "create", *args)
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return result.stdout.strip().splitlines()[-1]


def me_latencies(url: str, tok: str, seconds: float) -> list[float]:
    """``/me`` latencies (ms) of one client, one request every 50 ms for ``seconds``."""
    out = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {tok}"}) as c:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            t0 = time.perf_counter()
            c.get("/api/v1/me", timeout=60).raise_for_status()
            out.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.05)
    return out


def measure(mode: str, seconds: float, body: bytes) -> dict[str, object]:
    """Baseline and loaded ``/me`` latencies and the dry runs' outcomes in one mode."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "lekstat.duckdb"
        run("lekstat-server", "--db", str(db), "init")
        own = token(db, "--role", "municipality", "--municipality", "GM0363")
        other = token(db, "--role", "analyst")
        env = {"LEKSTAT_RATE_LIMIT_PER_MINUTE": "1000000", "LEKSTAT_RATE_LIMIT_BURST": "100000"}
        if mode == "off":
            env["LEKSTAT_HEAVY_BYTES"] = "1000000000"
        server = start_server(db, env=env)
        try:
            baseline = me_latencies(server.url, other, 5)
            stop = threading.Event()
            outcomes: list[int] = []
            durations: list[float] = []

            def flood() -> None:
                headers = {"Authorization": f"Bearer {own}", "Content-Type": "text/csv"}
                with httpx.Client(base_url=server.url, headers=headers, timeout=120) as c:
                    while not stop.is_set():
                        t0 = time.perf_counter()
                        r = c.post("/api/v1/submissions?period=2026-Q3&dry_run=true", content=body)
                        durations.append((time.perf_counter() - t0) * 1000)
                        outcomes.append(r.status_code)

            threads = [threading.Thread(target=flood) for _ in range(CONCURRENT)]
            for t in threads:
                t.start()
            time.sleep(2)  # every thread has a request in flight
            loaded = me_latencies(server.url, other, seconds)
            stop.set()
            for t in threads:
                t.join()
        finally:
            stop_server(server)
    return {"baseline": baseline, "loaded": loaded, "outcomes": outcomes, "dry": durations}


def summary(values: list[float]) -> str:
    """Median, 95th percentile and maximum, in ms."""
    q = statistics.quantiles(values, n=20, method="inclusive")
    return (
        f"median {statistics.median(values):.0f} ms, p95 {q[18]:.0f} ms, max {max(values):.0f} ms"
    )


def main() -> None:
    """Print the figures of each mode."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--modes", default="on,off")
    args = parser.parse_args()
    body = every_combination()
    print(f"machine: {machine()}")
    rows = body.count(b"\n") - 1
    print(f"{CONCURRENT} concurrent dry runs of {rows} rows ({len(body):,} bytes)")
    for mode in args.modes.split(","):
        figures = measure(mode, args.seconds, body)
        outcomes = figures["outcomes"]
        assert isinstance(outcomes, list)
        counts = {s: outcomes.count(s) for s in sorted(set(outcomes))}
        print(f"admission {mode}:")
        print(f"  /me alone:         {summary(figures['baseline'])}")  # type: ignore[arg-type]
        print(f"  /me under the load: {summary(figures['loaded'])}")  # type: ignore[arg-type]
        print(f"  dry runs answered (statuses): {counts}")
        print(f"  one dry run, as its sender waits: {summary(figures['dry'])}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
