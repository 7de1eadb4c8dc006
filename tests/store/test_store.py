from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import duckdb
import pytest

from aggregator.store import (
    SCHEMA_VERSION,
    DatabaseLocked,
    PeriodLockedError,
    Store,
    StoreError,
)
from schemas.validation import validate_submission
from tests.http.conftest import NOW

CSV = (
    "function_type,data_category,stage,employment_type,motive,count\nFT01,DC01,ST01,EM01,MO01,{n}\n"
)


def _submission(n: int = 1, period: str = "2026-Q3", municipality: str = "GM0363") -> object:
    result = validate_submission(CSV.format(n=n), period, municipality, today=NOW.date())
    assert result.submission is not None
    return result.submission


def test_store_creates_and_migrates_its_schema_once(tmp_path: Path) -> None:
    path = tmp_path / "db.duckdb"
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
    with Store(path) as store:  # opening again applies nothing twice
        assert store.schema_version() == SCHEMA_VERSION
        rows = store._rows("SELECT count(*) FROM schema_version")
        assert rows[0][0] == SCHEMA_VERSION


def test_store_refuses_a_database_from_a_newer_lekstat(tmp_path: Path) -> None:
    path = tmp_path / "db.duckdb"
    Store(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_version VALUES (99, now())")
    con.close()
    with pytest.raises(StoreError, match="upgrade lekstat"):
        Store(path)


def test_store_a_second_process_gets_database_locked(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "db.duckdb"
    with Store(path):
        code = (
            "import sys\nfrom aggregator.store import Store, DatabaseLocked\n"
            f"try:\n    Store({str(path)!r})\nexcept DatabaseLocked:\n    sys.exit(7)\n"
        )
        assert subprocess.run([sys.executable, "-c", code]).returncode == 7
    assert DatabaseLocked.__mro__[1] is StoreError


def test_store_concurrent_submissions_of_one_municipality_get_distinct_versions(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "db.duckdb")
    n_threads, per_thread = 8, 5
    barrier = threading.Barrier(n_threads)
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        barrier.wait()
        for j in range(per_thread):
            try:
                store.add_submission(
                    _submission(i * 100 + j + 1),  # type: ignore[arg-type]
                    municipality="GM0363",
                    token_id="t",
                    idempotency_key=f"k{i}-{j}",
                    received_at=NOW,
                    late=False,
                )
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    records = store.list_submissions(municipality="GM0363")
    assert sorted(r.version for r in records) == list(range(1, n_threads * per_thread + 1))
    # every version has exactly its own rows: nothing lost or mixed
    for r in records:
        rows = store.submission_rows(r.id)
        assert rows["count"].tolist() == [r.total]
    store.close()


def test_store_concurrent_replays_of_one_key_store_one_version(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.duckdb")
    barrier = threading.Barrier(6)
    results: list[tuple[str, bool]] = []

    def worker() -> None:
        barrier.wait()
        record, replay = store.add_submission(
            _submission(3),
            municipality="GM0363",
            token_id="t",
            idempotency_key="same",  # type: ignore[arg-type]
            received_at=NOW,
            late=False,
        )
        results.append((record.id, replay))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({rid for rid, _ in results}) == 1
    assert sorted(replay for _, replay in results) == [False] + [True] * 5
    assert len(store.list_submissions()) == 1
    store.close()


def test_store_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.duckdb")
    store.lock_period("2026-Q3", NOW, "t")
    with pytest.raises(PeriodLockedError):
        store.add_submission(
            _submission(),
            municipality="GM0363",
            token_id="t",
            idempotency_key=None,  # type: ignore[arg-type]
            received_at=NOW,
            late=False,
        )
    with pytest.raises(RuntimeError), store.transaction() as cur:
        cur.execute("INSERT INTO period_locks VALUES ('2026-Q1', now(), 'x')")
        raise RuntimeError("abort")
    assert store.get_lock("2026-Q1") is None
    assert store._rows("SELECT count(*) FROM submissions")[0][0] == 0
    store.close()


def test_store_latest_rows_take_the_latest_version_per_municipality_and_period(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "db.duckdb")
    for n, municipality, period in [
        (1, "GM0363", "2026-Q1"),
        (5, "GM0363", "2026-Q1"),
        (2, "GM0344", "2026-Q1"),
        (4, "GM0363", "2026-Q2"),
    ]:
        store.add_submission(
            _submission(n, period, municipality),
            municipality=municipality,
            token_id="t",  # type: ignore[arg-type]
            idempotency_key=None,
            received_at=NOW,
            late=False,
        )
    rows = store.latest_rows(["2026-Q1", "2026-Q2"])
    got = sorted(zip(rows["municipality"], rows["period"], rows["count"], strict=True))
    assert got == [("GM0344", "2026-Q1", 2), ("GM0363", "2026-Q1", 5), ("GM0363", "2026-Q2", 4)]
    assert str(rows["count"].dtype) == "int64"
    assert len(store.latest_rows(["2025-Q1"])) == 0
    store.close()


def _all_tables(store: Store) -> dict[str, list[tuple[object, ...]]]:
    names = [r[0] for r in store._rows("SELECT table_name FROM duckdb_tables() ORDER BY 1")]
    return {n: sorted(store._rows(f"SELECT * FROM {n}"), key=repr) for n in names}


def test_store_backup_and_restore_round_trip_every_table(tmp_path: Path) -> None:
    from aggregator.services.auth import new_token
    from aggregator.services.releases import ReleaseRequest
    from tests.support import make_release

    store = Store(tmp_path / "db.duckdb")
    store.add_submission(
        _submission(3),
        municipality="GM0363",
        token_id="t",
        idempotency_key="k",  # type: ignore[arg-type]
        received_at=NOW,
        late=False,
    )
    store.add_submission(
        _submission(4),
        municipality="GM0363",
        token_id="t",
        idempotency_key=None,  # type: ignore[arg-type]
        received_at=NOW,
        late=True,
    )
    store.add_token(new_token("analyst", None, "a", NOW)[1])
    store.lock_period("2026-Q1", NOW, "op")
    store.set_budget(2026, 1.0, NOW, "op")
    make_release(store, ReleaseRequest(2026, 0.5, 3), NOW)
    from aggregator.store import AuditEntry

    store.audit(
        AuditEntry(NOW, "t", "municipality", "POST", "/x", "submit", "GM0363", 201, "accepted")
    )
    store.backup(tmp_path / "backup")
    journal = store.journal_path
    restored = Store.restore(
        tmp_path / "backup", tmp_path / "restored.duckdb", journal=journal, keys=store.keys
    )
    before, after = _all_tables(store), _all_tables(restored)
    assert set(before) == set(after) and all(
        before[t] for t in ("ledger", "releases", "release_tables", "tokens")
    )
    assert before == after
    assert restored.release_table("2026-Q3-r1", "totals").equals(
        store.release_table("2026-Q3-r1", "totals")
    )  # type: ignore[union-attr]
    with pytest.raises(StoreError, match="exists"):
        Store.restore(
            tmp_path / "backup", tmp_path / "restored.duckdb", journal=journal, keys=store.keys
        )
    with pytest.raises(StoreError, match="not a lekstat backup"):
        Store.restore(tmp_path, tmp_path / "other.duckdb", journal=journal, keys=store.keys)
    restored.close()
    store.close()


def test_store_restore_refuses_a_changed_backup_and_runs_none_of_its_sql(tmp_path: Path) -> None:
    import shutil

    store = Store(tmp_path / "db.duckdb")
    store.lock_period("2026-Q1", NOW, "op")
    store.backup(tmp_path / "backup")
    store.close()
    keys = store.keys
    for change, message in [
        (lambda d: (d / "load.sql").write_text("COPY tokens TO '/tmp/stolen.csv';"), "was changed"),
        (lambda d: (d / "extra.parquet").write_bytes(b"x"), "differ from the manifest"),
        (lambda d: (d / "period_locks.parquet").unlink(), "differ from the manifest"),
        (lambda d: (d / "MANIFEST.json").write_text("{"), "not a lekstat backup"),
    ]:
        copy = tmp_path / "copy"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(tmp_path / "backup", copy)
        change(copy)
        with pytest.raises(StoreError, match=message):
            Store.restore(
                copy, tmp_path / "target.duckdb", journal=tmp_path / "db.duckdb.journal", keys=keys
            )
        assert not (tmp_path / "target.duckdb").exists()


def test_store_timestamps_are_utc_iso() -> None:
    from aggregator.clock import iso

    assert iso(dt.datetime(2026, 1, 2, 3, 4, 5, 678)) == "2026-01-02T03:04:05Z"
    assert iso(None) is None
