"""The real service process on loopback, tokens from the real command line, a restart."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import httpx
import pytest

from aggregator.demo.processes import run, running_server, start_server, stop_server

pytestmark = pytest.mark.e2e

ROWS = [
    {
        "function_type": "FT01_BRP",
        "data_category": "DC01_BRP_ADRES",
        "stage": "ST01_SIGNAAL",
        "employment_type": "EM01_VAST",
        "motive": "MO01_CRIMINEEL",
        "count": 2,
    },
    {
        "function_type": "FT01_BRP",
        "data_category": "DC01_BRP_ADRES",
        "stage": "ST02_INTERN_ONDERZOEK",
        "employment_type": "EM01_VAST",
        "motive": "MO01_CRIMINEEL",
        "count": 1,
    },
]


def _token(result: object) -> str:
    out = result.stdout  # type: ignore[attr-defined]
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    return out.strip().splitlines()[-1]


def test_e2e_submit_restart_and_everything_is_still_there(tmp_path: Path) -> None:
    db = tmp_path / "lekstat.duckdb"
    assert run("lekstat-server", "--db", str(db), "init").returncode == 0
    admin_file = tmp_path / "lekstat-admin-token.txt"
    assert admin_file.exists() and stat.S_IMODE(admin_file.stat().st_mode) == 0o600
    municipality = _token(
        run(
            "lekstat-server",
            "--db",
            str(db),
            "token",
            "create",
            "--role",
            "municipality",
            "--municipality",
            "GM0363",
        )
    )
    statistician = _token(
        run("lekstat-server", "--db", str(db), "token", "create", "--role", "statistician")
    )

    server = start_server(db)
    try:
        h = {"Authorization": f"Bearer {municipality}", "Idempotency-Key": "e2e-1"}
        first = httpx.post(
            server.url + "/api/v1/submissions", json={"period": "2026-Q2", "rows": ROWS}, headers=h
        )
        assert first.status_code == 201, first.text
        second = httpx.post(
            server.url + "/api/v1/submissions?period=2026-Q3",
            content="function_type;data_category;stage;employment_type;motive;count\nFT04;DC03;ST01;EM03;MO01;1\n",
            headers={"Authorization": f"Bearer {municipality}", "Content-Type": "text/csv"},
        )
        assert second.status_code == 201, second.text
        # a token created while the server runs goes through its operator socket
        analyst = _token(
            run("lekstat-server", "--db", str(db), "token", "create", "--role", "analyst")
        )
        assert (
            httpx.get(
                server.url + "/api/v1/me", headers={"Authorization": f"Bearer {analyst}"}
            ).json()["role"]
            == "analyst"
        )
        locked = run("lekstat-server", "--db", str(db), "period", "lock", "2026-Q2")
        assert locked.returncode == 0 and "2026-Q2 vergrendeld op" in locked.stdout
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
    finally:
        assert stop_server(server) == 0

    with running_server(db) as again:
        h = {"Authorization": f"Bearer {municipality}"}
        listed = httpx.get(again.url + "/api/v1/submissions", headers=h).json()["submissions"]
        assert [s["id"] for s in listed] == [first.json()["id"], second.json()["id"]]
        assert listed[0] == first.json()
        got = httpx.get(again.url + f"/api/v1/submissions/{first.json()['id']}", headers=h).json()
        assert got["data"] == ROWS and got["sha256"] == first.json()["sha256"]
        replay = httpx.post(
            again.url + "/api/v1/submissions",
            json={"period": "2026-Q2", "rows": ROWS},
            headers={**h, "Idempotency-Key": "e2e-1"},
        )
        assert replay.status_code == 200 and replay.json() == first.json()
        refused = httpx.post(
            again.url + "/api/v1/submissions", json={"period": "2026-Q2", "rows": ROWS}, headers=h
        )
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "period_locked"
        completeness = httpx.get(
            again.url + "/api/v1/completeness?period=2026-Q3",
            headers={"Authorization": f"Bearer {statistician}"},
        ).json()
        assert completeness["summary"]["reported"] == 1
    assert not (tmp_path / "lekstat.duckdb.sock").exists()


def test_e2e_onboarding_tokens_for_all_municipalities(tmp_path: Path) -> None:
    db = tmp_path / "lekstat.duckdb"
    assert run("lekstat-server", "--db", str(db), "init").returncode == 0
    out = tmp_path / "tokens.csv"
    command = ("lekstat-server", "--db", str(db), "token", "create", "--role", "municipality")
    result = run(*command, "--all-municipalities", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 342 and len({r["token"] for r in rows}) == 342
    again = run(*command, "--all-municipalities", "--out", str(out))
    assert again.returncode == 1 and "bestaat al" in again.stderr
    listing = run("lekstat-server", "--db", str(db), "token", "list").stdout
    assert "GM0363" in listing and rows[0]["token"].split("_", 2)[2] not in listing
    with running_server(db) as server:
        token = next(r["token"] for r in rows if r["municipality"] == "GM0518")
        me = httpx.get(
            server.url + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}
        ).json()
        assert me["municipality"] == "GM0518"
        revoke_id = token.split("_")[1]
        assert run("lekstat-server", "--db", str(db), "token", "revoke", revoke_id).returncode == 0
        assert (
            httpx.get(
                server.url + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}
            ).status_code
            == 401
        )


def test_e2e_commands_never_create_a_database_by_accident(tmp_path: Path) -> None:
    typo = tmp_path / "lekstat.duckbd"
    result = run("lekstat-server", "--db", str(typo), "budget", "set", "2026", "--rho", "1")
    assert result.returncode == 3 and "lekstat-server init" in result.stderr
    assert not typo.exists()


def test_e2e_serve_refuses_a_database_that_is_already_served(tmp_path: Path) -> None:
    db = tmp_path / "lekstat.duckdb"
    with running_server(db):
        second = run("lekstat-server", "--db", str(db), "serve", "--port", "1")
        assert second.returncode == 3 and "al door een ander proces geserveerd" in second.stderr
        restore = run("lekstat-server", "--db", str(db), "restore", str(tmp_path))
        assert restore.returncode == 1 and "zet terug in een nieuw bestand" in restore.stderr


def test_e2e_backup_while_serving_and_restore(tmp_path: Path) -> None:
    db = tmp_path / "lekstat.duckdb"
    assert run("lekstat-server", "--db", str(db), "init").returncode == 0
    token = _token(
        run(
            "lekstat-server",
            "--db",
            str(db),
            "token",
            "create",
            "--role",
            "municipality",
            "--municipality",
            "GM0344",
        )
    )
    with running_server(db) as server:
        r = httpx.post(
            server.url + "/api/v1/submissions",
            json={"period": "2026-Q1", "rows": ROWS},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert r.status_code == 201
        backup = run("lekstat-server", "--db", str(db), "backup", "bk", env={}, cwd=tmp_path)
        assert backup.returncode == 0, backup.stderr
    assert (tmp_path / "bk" / "schema.sql").exists()
    restored = tmp_path / "restored.duckdb"
    journal = ("--journal", str(tmp_path / "lekstat.duckdb.journal"))
    key = ("--key-file", str(tmp_path / "lekstat.duckdb.key"))  # kept apart from the backup
    result = run(
        "lekstat-server", "--db", str(restored), "restore", str(tmp_path / "bk"), *journal, *key
    )
    assert result.returncode == 0, result.stderr
    with running_server(restored) as server:
        listed = httpx.get(
            server.url + "/api/v1/submissions", headers={"Authorization": f"Bearer {token}"}
        ).json()
        assert listed["submissions"] == [r.json()]
    assert os.path.exists(restored)


def test_e2e_serve_on_a_busy_port_creates_nothing(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        db = tmp_path / "new.duckdb"
        result = run("lekstat-server", "--db", str(db), "serve", "--port", str(port))
    assert result.returncode == 3 and "kan niet luisteren" in result.stderr
    assert not db.exists() and not (tmp_path / "lekstat-admin-token.txt").exists()


def test_e2e_serve_on_a_new_file_creates_it_and_says_where_the_admin_token_is(
    tmp_path: Path,
) -> None:
    """What `make run` does on a fresh clone: serve creates the database and the first admin."""
    db = tmp_path / "lekstat.duckdb"
    token_file = tmp_path / "lekstat-admin-token.txt"
    first = start_server(db)
    try:
        token = token_file.read_text().strip()
        me = httpx.get(first.url + "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["role"] == "admin"
    finally:
        assert stop_server(first) == 0
    assert f"eerste beheerderstoken geschreven naar {token_file}" in first.output()
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    second = start_server(db)  # a restart finds its admin: no second token, no message
    assert stop_server(second) == 0
    assert "beheerderstoken" not in second.output() and "lekstat serveert" in second.output()
    assert not list(tmp_path.glob("lekstat-admin-token-*.txt"))
