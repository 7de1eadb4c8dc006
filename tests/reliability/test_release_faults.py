"""The privacy budget under concurrency and crashes, against the real server process.

Twenty release requests at once against a budget that allows three: exactly three succeed and
the ledger adds up. A server killed (SIGKILL) while releases are being made: after a restart,
every ledger entry has its release and its tables, and every release its ledger entry.
"""

from __future__ import annotations

import math
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from aggregator.demo.processes import run, start_server, stop_server
from aggregator.store import Store
from schemas.tables import DEFAULT_PLAN

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _token(db: Path, role: str) -> str:
    result = run("lekstat-server", "--db", str(db), "token", "create", "--role", role)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def _consistent(db: Path) -> tuple[int, float, float]:
    """Check ledger, releases and tables agree; return (releases, spent, total)."""
    with Store(db) as store:
        releases = {r["id"] for r in store.list_releases()}
        budget = store.get_budget(2025)
        ledger = {e.release_id for e in budget.ledger}
        tables = store._rows("SELECT release_id, count(*) FROM release_tables GROUP BY 1")
    assert ledger == releases
    assert {rid: n for rid, n in tables} == dict.fromkeys(releases, len(DEFAULT_PLAN))
    assert budget.total_rho is not None and budget.spent_rho <= budget.total_rho
    return len(releases), budget.spent_rho, budget.total_rho


def test_budget_twenty_concurrent_releases_against_a_budget_for_three(tmp_path: Path) -> None:
    db = tmp_path / "lekstat.duckdb"
    assert run("lekstat-server", "--db", str(db), "init").returncode == 0
    statistician = _token(db, "statistician")
    admin = _token(db, "admin")  # the admin sets the budget, the statistician spends it
    server = start_server(db)
    try:
        h = {"Authorization": f"Bearer {statistician}"}
        set_by_admin = httpx.put(
            f"{server.url}/api/v1/budget/2025",
            json={"rho": 0.3},
            headers={"Authorization": f"Bearer {admin}"},
        )
        assert set_by_admin.status_code == 200
        barrier = threading.Barrier(20)

        def release(_: int) -> int:
            barrier.wait()
            r = httpx.post(
                f"{server.url}/api/v1/releases",
                json={"year": 2025, "rho": 0.1},
                headers=h,
                timeout=120,
            )
            if r.status_code == 409:
                assert r.json()["error"]["code"] == "budget_exceeded"
            return r.status_code

        with ThreadPoolExecutor(20) as pool:
            statuses = sorted(pool.map(release, range(20)))
        ledger = httpx.get(f"{server.url}/api/v1/budget/2025", headers=h).json()
    finally:
        assert stop_server(server) == 0
    assert statuses == [201] * 3 + [409] * 17
    assert len(ledger["ledger"]) == 3
    assert math.fsum(e["rho"] for e in ledger["ledger"]) == pytest.approx(ledger["spent_rho"])
    assert ledger["spent_rho"] <= 0.3
    assert _consistent(db)[0] == 3


def test_budget_a_server_killed_while_releasing_leaves_no_half_release(tmp_path: Path) -> None:
    db = tmp_path / "lekstat.duckdb"
    assert run("lekstat-server", "--db", str(db), "init").returncode == 0
    statistician = _token(db, "statistician")
    h = {"Authorization": f"Bearer {statistician}"}
    budget = run("lekstat-server", "--db", str(db), "budget", "set", "2025", "--rho", "1")
    assert budget.returncode == 0, budget.stderr
    kills = 0
    for round_ in range(4):
        server = start_server(db)
        stop = threading.Event()

        def keep_releasing(url: str = server.url) -> None:
            with httpx.Client(timeout=60) as client:
                while not stop.is_set():
                    try:
                        client.post(
                            f"{url}/api/v1/releases", json={"year": 2025, "rho": 0.01}, headers=h
                        )
                    except httpx.HTTPError:
                        return

        workers = [threading.Thread(target=keep_releasing) for _ in range(3)]
        for w in workers:
            w.start()
        time.sleep(1.0 + 0.7 * round_)  # a different moment in the write each round
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=30)
        kills += 1
        stop.set()
        for w in workers:
            w.join(timeout=60)
        made, spent, total = _consistent(db)  # the file opens, and nothing is half there
    assert kills == 4 and made > 0 and spent <= total
