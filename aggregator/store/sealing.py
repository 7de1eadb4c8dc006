"""What the store seals and chains: a submission's sealed value, and the audit log's chain.

A submission version is stored as plain metadata (who, which quarter, which version, when, on
time or late) and one sealed value (:mod:`aggregator.store.crypto`) holding everything its counts
determine: ``{"n": nil return, "c": row count, "t": total, "h": SHA-256, "r": rows}``, each row
``[function_type, data_category, stage, employment_type, motive, count]`` in canonical order.

Each audit line carries ``seq`` (its place) and ``hash``: the HMAC-SHA256, under the audit
subkey, of the previous line's hash and the line's own fields. A changed, removed or inserted
line breaks the chain from there on; recomputing it needs the key.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import duckdb

from aggregator.store.crypto import Keyring, KeyringError, submission_aad

#: The hash before the first audit line.
AUDIT_GENESIS = "0" * 64

#: Plain columns of a submission version (the sealed value and its key id follow).
PLAIN_COLUMNS = (
    "id",
    "municipality",
    "period",
    "version",
    "taxonomy_version",
    "received_at",
    "late",
    "token_id",
    "idempotency_key",
    "encoding",
)

SUBMISSIONS_TABLE = """
CREATE TABLE {name} (
    id VARCHAR PRIMARY KEY,
    municipality VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    taxonomy_version VARCHAR NOT NULL,
    received_at TIMESTAMP NOT NULL,
    late BOOLEAN NOT NULL,
    token_id VARCHAR NOT NULL,
    idempotency_key VARCHAR,
    encoding VARCHAR,
    key_id VARCHAR NOT NULL,
    sealed BLOB NOT NULL,
    UNIQUE (municipality, period, version)
)
"""


def pack(
    *, nil_return: bool, row_count: int, total: int, sha256: str, rows: list[list[Any]]
) -> dict[str, Any]:
    """A submission's sealed value."""
    return {"n": nil_return, "c": row_count, "t": total, "h": sha256, "r": rows}


def aad_of(row: dict[str, Any]) -> str:
    """The associated data of a stored version (a mapping of its plain columns)."""
    return submission_aad(row["id"], row["municipality"], row["period"], int(row["version"]))


def seal_plain_submissions(cur: duckdb.DuckDBPyConnection, keyring: Keyring | None) -> bool:
    """Move every version into the sealed table; return whether there was plaintext."""
    old = cur.execute(
        "SELECT id, municipality, period, version, taxonomy_version, received_at, late, "
        "token_id, idempotency_key, encoding, nil_return, row_count, total, sha256 "
        "FROM submissions ORDER BY id"
    ).fetchall()
    cur.execute(SUBMISSIONS_TABLE.format(name="sealed_submissions"))
    if old and keyring is None:
        raise KeyringError("the database holds submissions to seal, and there is no key")
    rows_of: dict[str, list[list[Any]]] = {}
    for sid, *row in cur.execute(
        "SELECT submission_id, function_type, data_category, stage, employment_type, motive, "
        "count FROM submission_rows ORDER BY submission_id, rowid"
    ).fetchall():
        rows_of.setdefault(sid, []).append([*row[:-1], int(row[-1])])
    for values in old:
        plain = dict(zip(PLAIN_COLUMNS, values[:10], strict=True))
        nil_return, row_count, total, sha256 = values[10:]
        value = pack(
            nil_return=bool(nil_return),
            row_count=int(row_count),
            total=int(total),
            sha256=sha256,
            rows=rows_of.get(plain["id"], []),
        )
        assert keyring is not None
        key_id, sealed = keyring.seal(value, aad_of(plain))
        cur.execute(
            "INSERT INTO sealed_submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [*plain.values(), key_id, sealed],
        )
    cur.execute("DROP TABLE submission_rows")
    cur.execute("DROP TABLE submissions")
    cur.execute("ALTER TABLE sealed_submissions RENAME TO submissions")
    return bool(old)


#: The audit columns that the chain covers, in order.
AUDIT_FIELDS = (
    "occurred_at",
    "token_id",
    "role",
    "method",
    "path",
    "action",
    "target",
    "status",
    "outcome",
    "detail",
    "subject",
    "count",
)


def audit_bytes(seq: int, prev: str, fields: tuple[Any, ...]) -> bytes:
    """The bytes an audit line's hash covers: its place, the previous hash, its fields."""
    values = [v.isoformat() if isinstance(v, dt.datetime) else v for v in fields]
    return json.dumps([seq, prev, *values], separators=(",", ":"), default=str).encode()


def chain_unchained_audit(cur: duckdb.DuckDBPyConnection, keyring: Keyring | None) -> None:
    """Give every audit line without a place the next place and its hash (oldest first)."""
    last = cur.execute(
        "SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    seq, prev = (int(last[0]), str(last[1])) if last else (0, AUDIT_GENESIS)
    rows = cur.execute(
        f"SELECT id, {', '.join(AUDIT_FIELDS)} FROM audit_log WHERE seq IS NULL "
        "ORDER BY occurred_at, id"
    ).fetchall()
    if rows and keyring is None:
        raise KeyringError("the audit log needs the key to be chained, and there is no key")
    for line_id, *fields in rows:
        seq += 1
        assert keyring is not None
        prev = keyring.audit_mac(audit_bytes(seq, prev, tuple(fields)))
        cur.execute("UPDATE audit_log SET seq = ?, hash = ? WHERE id = ?", [seq, prev, line_id])


def rechain_audit(cur: duckdb.DuckDBPyConnection, keyring: Keyring) -> None:
    """Recompute every audit line's hash under ``keyring``'s current key, in the lines' order
    (after the chain was checked under the old key: a key rotation)."""
    prev = AUDIT_GENESIS
    rows = cur.execute(f"SELECT id, seq, {', '.join(AUDIT_FIELDS)} FROM audit_log ORDER BY seq")
    for line_id, seq, *fields in rows.fetchall():
        prev = keyring.audit_mac(audit_bytes(int(seq), prev, tuple(fields)))
        cur.execute("UPDATE audit_log SET hash = ? WHERE id = ?", [prev, line_id])
