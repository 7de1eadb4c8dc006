"""Backup and restore with the real command line: every table comes back row for row
(submissions with their sealed rows, versions, tokens, locks, budgets, ledger, releases and
their tables, the chained audit log), the files are readable only by their owner, the key
comes with the restore (never in the backup), and the restored database works as the original
did."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aggregator.config import Settings
from aggregator.demo.processes import run
from aggregator.http.app import create_app
from aggregator.services.auth import new_token
from aggregator.store import Store
from tests.http.conftest import CSV, NOW, ROW, add_tokens

pytestmark = pytest.mark.e2e


def _tables(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the database, every row; submission rows in stored (canonical) order."""
    with store.transaction() as cur:
        names = [
            r[0]
            for r in cur.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' ORDER BY table_name"
            ).fetchall()
        ]
        return {
            name: cur.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall() for name in names
        }


def _fill(db: Path) -> dict[str, str]:
    """A database with versions, a nil return, CSV and JSON, keys, a lock, a revoked token and
    refused requests in the audit log."""
    app = create_app(Settings(db_path=db, min_coverage=0.0), clock=lambda: NOW)
    tokens, _ = add_tokens(app.state.store)
    revoked, record = new_token("analyst", None, "revoked", NOW)
    app.state.store.add_token(record)
    app.state.store.revoke_token(record.id, NOW)
    own = {"Authorization": f"Bearer {tokens['own']}"}
    other = {"Authorization": f"Bearer {tokens['other']}"}
    with TestClient(app) as c:
        for i, count in enumerate([2, 5, 9]):  # three versions, each with an idempotency key
            rows = [{**ROW, "count": count}, {**ROW, "stage": "ST03_DATALEK_AP", "count": 1}]
            r = c.post(
                "/api/v1/submissions",
                json={"period": "2026-Q2", "rows": rows},
                headers={**own, "Idempotency-Key": f"v{i}"},
            )
            assert r.status_code == 201, r.text
        r = c.post(
            "/api/v1/submissions?period=2026-Q3",
            content=CSV.encode(),
            headers={**own, "Content-Type": "text/csv"},
        )
        assert r.status_code == 201, r.text
        r = c.post(
            "/api/v1/submissions", json={"period": "2026-Q3", "nil_return": True}, headers=other
        )
        assert r.status_code == 201, r.text
        statistician = {"Authorization": f"Bearer {tokens['statistician']}"}
        assert c.post("/api/v1/periods/2026-Q2/lock", headers=statistician).status_code == 201
        refused = c.post(
            "/api/v1/submissions", json={"period": "2026-Q2", "rows": [ROW]}, headers=own
        )
        assert refused.status_code == 409
        assert (
            c.post("/api/v1/submissions", json={"period": "nope"}, headers=own).status_code == 422
        )
        admin = {"Authorization": f"Bearer {tokens['admin']}"}
        budget = c.put("/api/v1/budget/2026", json={"rho": 1.0}, headers=admin)
        assert budget.status_code == 200, budget.text
        release = c.post("/api/v1/releases", json={"year": 2026, "rho": 0.4}, headers=statistician)
        assert release.status_code == 201, release.text
        release_id = release.json()["id"]
        totals = c.get(
            f"/api/v1/releases/{release_id}/tables/totals?format=csv", headers=statistician
        )
        assert totals.status_code == 200
    return {**tokens, "revoked": revoked, "release": release_id, "totals_csv": totals.text}


def test_backup_restore_round_trip_is_exact_and_the_copy_works(tmp_path: Path) -> None:
    db = tmp_path / "lekstat.duckdb"
    tokens = _fill(db)
    backup = run("lekstat-server", "--db", str(db), "backup", "bk", cwd=tmp_path)
    assert backup.returncode == 0, backup.stderr
    restored = tmp_path / "restored.duckdb"
    journal = ("--journal", str(tmp_path / "lekstat.duckdb.journal"))
    keyless = run(
        "lekstat-server", "--db", str(restored), "restore", str(tmp_path / "bk"), *journal
    )
    assert keyless.returncode == 1 and "--key-file" in keyless.stderr  # the key is not in it
    assert not restored.exists()
    key = ("--key-file", str(tmp_path / "lekstat.duckdb.key"))
    result = run(
        "lekstat-server", "--db", str(restored), "restore", str(tmp_path / "bk"), *journal, *key
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "restored.duckdb.key").read_bytes() == (
        tmp_path / "lekstat.duckdb.key"
    ).read_bytes()

    # Readable only by the operator: the backup holds raw counts and token hashes.
    directory = tmp_path / "bk"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    files = list(directory.iterdir())
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert stat.S_IMODE(restored.stat().st_mode) == 0o600

    with Store(db) as original, Store(restored) as copy:
        before, after = _tables(original), _tables(copy)
    assert sorted(before) == sorted(after)
    assert {"submissions", "tokens", "period_locks", "audit_log"} <= set(before)
    for name in before:
        if name == "audit_log":
            continue
        assert after[name] == before[name], name
    # The audit log: the original has the backup's own line (written after the export), the
    # copy the restore's line; everything else is identical.
    *audit_before, backup_line = sorted(before["audit_log"], key=lambda r: (r[1], r[0]))
    *audit_after, restore_line = sorted(after["audit_log"], key=lambda r: (r[1], r[0]))
    assert sorted(audit_after) == sorted(audit_before)
    assert (backup_line[6], restore_line[6]) == ("backup", "restore")
    assert len(before["submissions"]) == 5 and len(before["audit_log"]) > 8
    assert len(before["releases"]) == 1 and len(before["ledger"]) == 1

    # The copy works like the original: rows, replays, versions, locks and revocations.
    app = create_app(Settings(db_path=restored, min_coverage=0.0), clock=lambda: NOW)
    with TestClient(app) as c:
        own = {"Authorization": f"Bearer {tokens['own']}"}
        listed = c.get("/api/v1/submissions", headers=own).json()["submissions"]
        assert [(s["period"], s["version"]) for s in listed] == [
            ("2026-Q2", 1),
            ("2026-Q2", 2),
            ("2026-Q2", 3),
            ("2026-Q3", 1),
        ]
        first = c.get(f"/api/v1/submissions/{listed[0]['id']}", headers=own).json()
        assert [r["count"] for r in first["data"]] == [2, 1]
        # a retry of the current version's request replays it, even after the lock
        replay = c.post(
            "/api/v1/submissions",
            json={
                "period": "2026-Q2",
                "rows": [{**ROW, "count": 9}, {**ROW, "stage": "ST03_DATALEK_AP", "count": 1}],
            },
            headers={**own, "Idempotency-Key": "v2"},
        )
        assert replay.status_code == 200 and replay.json() == listed[2]
        locked = c.post(
            "/api/v1/submissions", json={"period": "2026-Q2", "rows": [ROW]}, headers=own
        )
        assert locked.status_code == 409 and locked.json()["error"]["code"] == "period_locked"
        again = c.post(
            "/api/v1/submissions?period=2026-Q3",
            content=CSV.encode(),
            headers={**own, "Content-Type": "text/csv"},
        )
        assert again.status_code == 201 and again.json()["version"] == 2
        revoked = {"Authorization": f"Bearer {tokens['revoked']}"}
        assert c.get("/api/v1/me", headers=revoked).status_code == 401
        # The release and the ledger: the same figures, and the budget spent stays spent.
        statistician = {"Authorization": f"Bearer {tokens['statistician']}"}
        budget = c.get("/api/v1/budget/2026", headers=statistician).json()
        assert [e["release_id"] for e in budget["ledger"]] == [tokens["release"]]
        table = f"/api/v1/releases/{tokens['release']}/tables/totals?format=csv"
        assert c.get(table, headers=statistician).text == tokens["totals_csv"]
        over = c.post("/api/v1/releases", json={"year": 2026, "rho": 0.7}, headers=statistician)
        assert over.status_code == 409 and over.json()["error"]["code"] == "budget_exceeded"


def _lekstat_server(db: Path, *args: str, cwd: Path) -> str:
    result = run("lekstat-server", "--db", str(db), "--lang", "en", *args, cwd=cwd)
    assert result.returncode == 0, (args, result.stderr)
    return result.stdout


def test_restore_never_makes_spent_budget_spendable_again(tmp_path: Path) -> None:
    """backup → release → restore of the old backup: the release published after the backup is
    carried over from the journal, the remaining budget is no larger than before the restore,
    and its id is never given to other figures."""
    db = tmp_path / "lekstat.duckdb"
    _lekstat_server(db, "init", cwd=tmp_path)
    _lekstat_server(db, "budget", "set", "2025", "--rho", "1", cwd=tmp_path)
    _lekstat_server(db, "release", "create", "--year", "2025", "--rho", "0.3", cwd=tmp_path)
    _lekstat_server(db, "backup", "old", cwd=tmp_path)
    after_backup = _lekstat_server(
        db, "release", "create", "--year", "2025", "--rho", "0.3", cwd=tmp_path
    )
    assert after_backup.strip().splitlines()[-1] == "2025-r2"
    with Store(db) as store:
        remaining_before = store.get_budget(2025).remaining_rho
        r2 = store.release_table("2025-r2", "totals")

    # Without the journal the restore cannot prove that nothing published is lost: refused.
    blind = tmp_path / "blind.duckdb"
    key = ("--key-file", str(tmp_path / "lekstat.duckdb.key"))
    refused = run(
        "lekstat-server", "--db", str(blind), "--lang", "en", "restore", "old", *key, cwd=tmp_path
    )
    assert refused.returncode == 1 and "[no_journal]" in refused.stderr
    assert not blind.exists()

    restored = tmp_path / "restored.duckdb"
    out = _lekstat_server(
        restored,
        "restore",
        "old",
        "--journal",
        str(tmp_path / "lekstat.duckdb.journal"),
        *key,
        cwd=tmp_path,
    )
    assert "carried over from the journal (published after the backup): 2025-r2" in out
    with Store(restored) as store:
        budget = store.get_budget(2025)
        assert budget.remaining_rho <= remaining_before + 1e-12
        assert [e.release_id for e in budget.ledger] == ["2025-r1", "2025-r2"]
        assert store.release_table("2025-r2", "totals").equals(r2)  # the figures survive too
    # The next release gets a new id, never 2025-r2 again.
    next_id = _lekstat_server(
        restored, "release", "create", "--year", "2025", "--rho", "0.1", cwd=tmp_path
    )
    assert next_id.strip().splitlines()[-1] == "2025-r3"


def test_restore_refuses_a_backup_whose_releases_the_journal_does_not_hold(tmp_path: Path) -> None:
    db = tmp_path / "lekstat.duckdb"
    _lekstat_server(db, "init", cwd=tmp_path)
    _lekstat_server(db, "budget", "set", "2025", "--rho", "1", cwd=tmp_path)
    _lekstat_server(db, "release", "create", "--year", "2025", "--rho", "0.3", cwd=tmp_path)
    _lekstat_server(db, "backup", "bk", cwd=tmp_path)
    # Another database's journal (or a replaced one) does not know this backup's release.
    other = tmp_path / "other.duckdb"
    _lekstat_server(other, "init", cwd=tmp_path)
    _lekstat_server(other, "budget", "set", "2025", "--rho", "1", cwd=tmp_path)
    _lekstat_server(other, "release", "create", "--year", "2025", "--rho", "0.3", cwd=tmp_path)
    target = tmp_path / "target.duckdb"
    journal = (
        "--journal",
        str(tmp_path / "other.duckdb.journal"),
        "--key-file",
        str(tmp_path / "lekstat.duckdb.key"),
    )
    refused = run(
        "lekstat-server",
        "--db",
        str(target),
        "--lang",
        "en",
        "restore",
        "bk",
        *journal,
        cwd=tmp_path,
    )
    assert refused.returncode == 1 and "2025-r1" in refused.stderr
    assert "cannot prove that nothing published would be lost" in refused.stderr
    assert not target.exists() and not (tmp_path / "target.duckdb.journal").exists()
    # With an explicit flag it is restored (and the operator was told what that means).
    forced = run(
        "lekstat-server", "--db", str(target), "--lang", "en", "restore", "bk", *journal,
        "--accept-unproven", cwd=tmp_path,
    )  # fmt: skip
    assert forced.returncode == 0, forced.stderr
