"""Backups that cannot be forged: the manifest is authenticated with a key that is not in the
backup, a restore reads exactly the files the manifest lists, and a backup goes only into a
folder it made itself."""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
from pathlib import Path

import duckdb
import pytest

from aggregator.config import Settings
from aggregator.services import backups
from aggregator.services.auth import OPERATOR, new_token
from aggregator.services.context import Context
from aggregator.services.refusals import Refusal
from aggregator.store import Store, StoreError
from aggregator.store.backup import MANIFEST
from tests.http.conftest import NOW


def _backup(tmp_path: Path, name: str, label: str) -> tuple[Store, Path]:
    store = Store(tmp_path / f"{label}.duckdb")
    store.add_token(new_token("analyst", None, label, NOW)[1])
    store.set_budget(2026, 1.0, NOW, "op")
    target = tmp_path / name
    store.backup(target)
    return store, target


def _rewrite_table(directory: Path, table: str, sql: str) -> None:
    """Change a table's Parquet file as an attacker would, and fix its sum in the manifest."""
    path = directory / f"{table}.parquet"
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{path}')")
    con.execute(sql)
    path.unlink()
    con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    con.close()
    manifest = json.loads((directory / MANIFEST).read_text())
    manifest["files"][path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    (directory / MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    ("table", "sql"),
    [
        ("budgets", "UPDATE t SET total_rho = 1000"),
        ("ledger", "INSERT INTO t VALUES ('x', 2026, -5.0, now())"),
        (
            "tokens",
            "INSERT INTO t SELECT 'evil00000000', 'h', 'admin', NULL, 'x', now(), NULL, "
            "now() + INTERVAL 1 DAY",
        ),
    ],
)
def test_backup_a_forged_backup_with_consistent_sums_is_refused(
    tmp_path: Path, table: str, sql: str
) -> None:
    store, directory = _backup(tmp_path, "bk", "a")
    _rewrite_table(directory, table, sql)
    with pytest.raises(StoreError, match="not authentic"):
        Store.restore(directory, tmp_path / "r.duckdb", journal=store.journal_path, keys=store.keys)
    assert not (tmp_path / "r.duckdb").exists()
    store.close()


def test_backup_with_another_key_or_an_edited_manifest_is_refused(tmp_path: Path) -> None:
    store, directory = _backup(tmp_path, "bk", "a")
    other = Store(tmp_path / "other.duckdb")
    with pytest.raises(StoreError, match="key that is not here"):
        Store.restore(directory, tmp_path / "r.duckdb", journal=other.journal_path, keys=other.keys)
    manifest = json.loads((directory / MANIFEST).read_text())
    manifest["schema_version"] = 4
    (directory / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(StoreError, match="not authentic"):
        Store.restore(directory, tmp_path / "r.duckdb", journal=store.journal_path, keys=store.keys)
    store.close()
    other.close()


def test_backup_restore_reads_the_folder_it_was_given_not_a_pattern(tmp_path: Path) -> None:
    """A backup folder named ``bk[1]`` with a planted sibling ``bk1``: the restore loads the
    files of ``bk[1]`` (whose sums the manifest lists), never those of ``bk1``."""
    store_a, real = _backup(tmp_path, "bk[1]", "real")
    store_b, _ = _backup(tmp_path, "bk1", "planted")
    restored = Store.restore(
        real, tmp_path / "r.duckdb", journal=store_a.journal_path, keys=store_a.keys
    )
    assert [t.label for t in restored.list_tokens()] == ["real"]
    restored.close()
    store_a.close()
    store_b.close()


def test_backup_goes_only_into_a_folder_it_makes(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.duckdb")
    ctx = Context(store, Settings(db_path=tmp_path / "db.duckdb"))
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # an empty, world-writable folder someone made beforehand
    with pytest.raises(Refusal) as refused:
        backups.backup(ctx, OPERATOR, shared)
    assert refused.value.code == "backup_target_exists"
    assert list(shared.iterdir()) == []
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "nowhere")
    with pytest.raises(Refusal):
        backups.backup(ctx, OPERATOR, link)
    made = backups.backup(ctx, OPERATOR, tmp_path / "new" / "bk")
    assert stat.S_IMODE(made.stat().st_mode) == 0o700 and (made / MANIFEST).exists()
    shutil.rmtree(made)
    store.close()
