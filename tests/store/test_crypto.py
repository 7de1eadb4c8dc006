"""Raw rows at rest: sealed in the database file, its WAL and every backup; the key outside
them all; a plaintext database sealed when it is opened; a key rotated."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import duckdb
import pytest

from aggregator.store import Keyring, KeyringError, Store, StoreError
from aggregator.store.crypto import new_key_text
from schemas.validation import validate_submission
from tests.http.conftest import NOW

#: Codes and counts no other part of the file has: a scan that finds one found the data.
CODES = ("FT04_PARKEREN", "DC03_KENTEKEN", "EM03_INHUUR", "MO03_NIEUWSGIERIG")
COUNTS = (7919, 6733, 5381)
CSV = "function_type,data_category,stage,employment_type,motive,count\n" + "".join(
    f"FT04_PARKEREN,DC03_KENTEKEN,{stage},EM03_INHUUR,MO03_NIEUWSGIERIG,{n}\n"
    for stage, n in zip(("ST01_SIGNAAL", "ST02_INTERN_ONDERZOEK", "ST03_DATALEK_AP"), COUNTS)
)


def _submission(csv: str = CSV) -> object:
    result = validate_submission(csv, "2026-Q3", "GM0363", today=NOW.date())
    assert result.submission is not None, result.issues
    return result.submission


def _add(store: Store, csv: str = CSV) -> str:
    record, _ = store.add_submission(
        _submission(csv),  # type: ignore[arg-type]
        municipality="GM0363",
        token_id="t",
        idempotency_key="k" + str(len(csv)),
        received_at=NOW,
        late=False,
    )
    return record.id


def _needles() -> list[bytes]:
    """What a scan of the files must not find: every code, every count (as text, as the
    integers DuckDB and Parquet store), the total and the content's SHA-256."""
    total = sum(COUNTS)
    sha = _submission().sha256()  # type: ignore[attr-defined]
    out = [c.encode() for c in CODES] + [sha.encode(), str(total).encode()]
    for n in (*COUNTS, total):
        out += [str(n).encode(), struct.pack("<i", n), struct.pack("<q", n)]
    return out


def _scan(path: Path) -> list[str]:
    """The needles found in one file, as ``strings`` would find them (and as binary)."""
    data = path.read_bytes()
    return [f"{path.name}: {n!r}" for n in _needles() if n in data]


def _plain_values(path: Path) -> str:
    """Every value of every table, read with plain duckdb (no key), as one text."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return "\n".join(
            repr(row) for n in names for row in con.execute(f"SELECT * FROM {n}").fetchall()
        )
    finally:
        con.close()


def test_encryption_no_code_or_count_in_the_database_its_wal_or_a_backup(tmp_path: Path) -> None:
    db = tmp_path / "lekstat.duckdb"
    store = Store(db)
    submission_id = _add(store)
    wal = Path(str(db) + ".wal")
    assert wal.exists() and wal.stat().st_size > 0  # the write is in the WAL, not checkpointed
    found = _scan(db) + _scan(wal)
    # The rows still open with the key, for the municipality and for releases.
    rows = store.submission_rows(submission_id)
    assert sorted(rows["count"]) == sorted(COUNTS)
    assert set(store.latest_rows(["2026-Q3"])["function_type"]) == {"FT04_PARKEREN"}
    store.backup(tmp_path / "backup")
    store.close()
    found += _scan(db)
    found += [hit for f in sorted((tmp_path / "backup").iterdir()) for hit in _scan(f)]
    assert not found, found
    text = _plain_values(db)
    assert not [c for c in (*CODES, *map(str, COUNTS)) if c in text]
    # The key is in no file of the database or the backup.
    key = (tmp_path / "lekstat.duckdb.key").read_text().strip().encode()
    assert all(key not in f.read_bytes() for f in (tmp_path / "backup").iterdir())
    assert key not in db.read_bytes()


def test_encryption_a_nil_return_and_a_small_file_look_alike(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.duckdb")
    _add(store)
    nil = validate_submission(
        "function_type,data_category,stage,employment_type,motive,count\n",
        "2026-Q2",
        "GM0363",
        nil_return=True,
        today=NOW.date(),
    ).submission
    store.add_submission(
        nil,  # type: ignore[arg-type]
        municipality="GM0363",
        token_id="t",
        idempotency_key=None,
        received_at=NOW,
        late=False,
    )
    sizes = {len(r[0]) for r in store._rows("SELECT sealed FROM submissions")}
    assert len(sizes) == 1, sizes  # the padded bucket hides the number of rows
    store.close()


def test_encryption_a_sealed_value_moved_to_another_row_does_not_open(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.duckdb")
    first = _add(store)
    second = _add(store, CSV.replace("7919", "12"))
    with store.transaction() as cur:
        sealed = cur.execute("SELECT sealed FROM submissions WHERE id = ?", [first]).fetchone()
        cur.execute("UPDATE submissions SET sealed = ? WHERE id = ?", [sealed[0], second])
    with pytest.raises(StoreError, match="does not open"):
        store.submission_rows(second)
    store.close()


def test_encryption_the_database_needs_its_key(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    with Store(db) as store:
        _add(store)
    key = tmp_path / "db.duckdb.key"
    key.chmod(0o644)
    with pytest.raises(KeyringError, match="readable by others"):
        Store(db)
    key.rename(tmp_path / "elsewhere.key")
    with pytest.raises(KeyringError, match="holds sealed submissions and there is no key"):
        Store(db)
    assert not key.exists()  # no new key was made for a database that needs the old one
    with pytest.raises(KeyringError, match="lacks the key"):
        Store(db, keys=Keyring.from_text(new_key_text(), source="test"))
    (tmp_path / "elsewhere.key").chmod(0o600)
    with Store(db, keys=tmp_path / "elsewhere.key") as store:
        assert len(store.list_submissions()) == 1


def test_encryption_a_plaintext_database_is_sealed_and_rewritten_when_opened(
    tmp_path: Path,
) -> None:
    """A database of schema 4 (rows in plain columns) is sealed when lekstat opens it, and its
    file is rewritten so that no freed page keeps the plaintext."""
    db = tmp_path / "old.duckdb"
    Store(db, upto=4).close()
    con = duckdb.connect(str(db))
    con.execute(
        "INSERT INTO submissions VALUES ('sub_1', 'GM0363', '2026-Q3', 1, false, 3, ?, 'abc', "
        "'1', ?, false, 't', NULL, NULL)",
        [sum(COUNTS), NOW],
    )
    for stage, n in zip(("ST01_SIGNAAL", "ST02_INTERN_ONDERZOEK", "ST03_DATALEK_AP"), COUNTS):
        con.execute(
            "INSERT INTO submission_rows VALUES ('sub_1', 'FT04_PARKEREN', 'DC03_KENTEKEN', ?, "
            "'EM03_INHUUR', 'MO03_NIEUWSGIERIG', ?)",
            [stage, n],
        )
    con.close()
    # The scan of the first test finds plain rows: what it does not find there is not there.
    hits = {hit.split(": ", 1)[1] for hit in _scan(db)}
    assert repr(b"FT04_PARKEREN") in hits
    assert {repr(struct.pack("<i", 7919)), repr(struct.pack("<q", 7919))} & hits  # the count
    with Store(db) as store:
        assert sorted(store.submission_rows("sub_1")["count"]) == sorted(COUNTS)
        assert store.get_submission("sub_1").total == sum(COUNTS)  # type: ignore[union-attr]
    data = db.read_bytes()
    assert not [c for c in CODES if c.encode() in data]
    assert not Path(str(db) + ".wal").exists()


def test_encryption_rotation_seals_everything_under_the_new_key(tmp_path: Path) -> None:
    from aggregator.config import Settings
    from aggregator.services import backups
    from aggregator.services.auth import OPERATOR
    from aggregator.services.context import Context

    db = tmp_path / "db.duckdb"
    store = Store(db)
    ids = [_add(store), _add(store, CSV.replace("7919", "3"))]
    store.backup(tmp_path / "before")
    old = store.keys.current.id
    ctx = Context(store, Settings(db_path=db))
    was, now, n = backups.rotate_key(ctx, OPERATOR)
    assert (was, n) == (old, 2) and now != old
    assert store.sealed_by_key() == {now: 2}
    assert store.verify_audit()[2] is None
    store.close()
    key_file = tmp_path / "db.duckdb.key"
    lines = key_file.read_text().split()
    assert len(lines) == 2 and oct(key_file.stat().st_mode)[-3:] == "600"
    # The new key alone opens the database; the old one alone opens nothing in it.
    with Store(db, keys=Keyring.from_text(lines[0], source="new")) as again:
        assert [len(again.submission_rows(i)) for i in ids] == [3, 3]
    with pytest.raises(KeyringError, match="lacks the key"):
        Store(db, keys=Keyring.from_text(lines[1], source="old"))
    # A backup made before the rotation restores with the old key kept in the file.
    restored = Store.restore(
        tmp_path / "before",
        tmp_path / "r.duckdb",
        journal=tmp_path / "j",
        keys=Keyring.load(key_file),
        accept_unproven=True,
    )
    assert len(restored.list_submissions()) == 2
    restored.close()
    with Store(db) as store:
        backups.rotate_key(Context(store, Settings(db_path=db)), OPERATOR, drop_old=True)
    assert len(key_file.read_text().split()) == 1
    assert os.stat(key_file).st_mode & 0o077 == 0
