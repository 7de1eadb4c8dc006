"""The service's edges with a real server process: ``X-Forwarded-For`` believed only from a
configured proxy, no secret in uvicorn's access log, and ``serve`` that refuses an untrusted
socket folder before it creates anything."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from aggregator.demo.processes import run, running_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

#: A burst the test can exhaust quickly (requests without a token, per client address).
LIMITS = {"LEKSTAT_RATE_LIMIT_BURST": "5", "LEKSTAT_RATE_LIMIT_PER_MINUTE": "1"}


def _spoofed_statuses(url: str, n: int) -> list[int]:
    """Anonymous requests, each claiming another client address."""
    with httpx.Client(base_url=url, timeout=10) as c:
        return [
            c.get("/api/v1/me", headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code
            for i in range(n)
        ]


def test_edges_x_forwarded_for_from_an_untrusted_peer_does_not_buy_a_new_bucket(
    tmp_path: Path,
) -> None:
    db = tmp_path / "lekstat.duckdb"
    with running_server(db, env=LIMITS) as server:
        statuses = _spoofed_statuses(server.url, 8)
    # Every request counts against the connection's own address (as did the start's health
    # checks): past the burst, 429.
    assert statuses.count(401) <= 5 and statuses[-3:] == [429] * 3, statuses


def test_edges_x_forwarded_for_from_a_configured_proxy_is_the_client(tmp_path: Path) -> None:
    db = tmp_path / "lekstat.duckdb"
    env = {**LIMITS, "LEKSTAT_TRUSTED_PROXIES": "127.0.0.1"}
    with running_server(db, env=env) as server:
        statuses = _spoofed_statuses(server.url, 8)
    assert statuses == [401] * 8, statuses  # each address its own bucket, as the proxy says


def test_edges_a_token_in_the_query_string_never_reaches_the_access_log(tmp_path: Path) -> None:
    db = tmp_path / "lekstat.duckdb"
    assert run("lekstat-server", "--db", str(db), "init").returncode == 0
    token = (tmp_path / "lekstat-admin-token.txt").read_text().strip()
    secret = token.split("_", 2)[2]
    with running_server(db) as server:
        with httpx.Client(base_url=server.url, timeout=10) as c:
            r = c.get("/api/v1/me", params={"token": token, "period": "2026-Q3"})
            assert r.status_code == 401
            c.get(f"/api/v1/tokens/{token}")
        log = server.output()
    assert "GET /api/v1/me?token=[redacted]&period=2026-Q3" in log, log
    assert secret not in log and token not in log


def test_edges_serve_refuses_an_untrusted_socket_folder_before_creating_anything(
    tmp_path: Path,
) -> None:
    runtime = tmp_path / "run"
    runtime.mkdir()
    folder = runtime / f"lekstat-{os.getuid()}"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)  # made by someone else, open to all
    deep = tmp_path / ("d" * 120)  # a path too long for a socket beside the database
    deep.mkdir()
    db = deep / "lekstat.duckdb"
    result = run(
        "lekstat-server",
        "--db",
        str(db),
        "serve",
        "--port",
        "0",
        env={"XDG_RUNTIME_DIR": str(runtime)},
        timeout=60,
    )
    assert result.returncode == 3, result.stderr
    assert "not a private folder" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in deep.iterdir()) == []  # no database, key or admin token
