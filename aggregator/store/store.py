"""The store: one DuckDB file, the only place raw counts live.

One process owns the database file. Reads use a cursor per call (DuckDB connections are not
shared between threads); writes are serialised by one lock and each runs in one transaction, so
a version number, an idempotency key or a budget can never be claimed twice. A method returns
only after its transaction committed: acknowledged means durable.

Raw rows and everything computed from counts are sealed with the data key
(:mod:`aggregator.store.crypto`, :mod:`aggregator.store.sealing`): the file, its WAL and its
backups hold them only as ciphertext; the key lives outside all of them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from aggregator.clock import utcnow
from aggregator.store import backup, sealing
from aggregator.store.crypto import Keyring, KeyringError
from aggregator.store.errors import (
    AlreadyLockedError,
    BudgetError,
    BudgetRaiseError,
    DatabaseLocked,
    IdempotencyConflictError,
    PeriodLockedError,
    StoreError,
)
from aggregator.store.journal import Journal, JournalError, content_hash
from aggregator.store.records import (
    AuditEntry,
    Budget,
    BudgetChange,
    CompletenessRow,
    LedgerEntry,
    PeriodLock,
    SessionRecord,
    SubmissionRecord,
    TokenRecord,
)
from aggregator.store.schema import MIGRATIONS, ROW_COLUMNS, SCHEMA_VERSION
from schemas.submission import Submission

_SUBMISSION_COLUMNS = ", ".join((*sealing.PLAIN_COLUMNS, "key_id", "sealed"))
#: The fields of an :class:`AuditEntry` in the order of ``sealing.AUDIT_FIELDS``.
_ENTRY_FIELDS = ("at", *sealing.AUDIT_FIELDS[1:])
_TOKEN_COLUMNS = "id, hash, role, municipality, label, created_at, revoked_at, expires_at"  # noqa: S105
_AUDIT_COLUMNS = (
    "occurred_at, token_id, role, method, path, action, target, status, outcome, detail, "
    "subject, count, seq"
)


def journal_path_of(db_path: Path) -> Path:
    """Where a database's release journal lives unless ``LEKSTAT_JOURNAL`` says otherwise."""
    return db_path.with_name(db_path.name + ".journal")


def key_path_of(db_path: Path) -> Path:
    """Where a database's key file is made unless ``LEKSTAT_KEY_FILE`` or ``LEKSTAT_KEY`` say
    otherwise (beside the database: put it elsewhere in production, see docs/security.md)."""
    return db_path.with_name(db_path.name + ".key")


class Store:
    """The lekstat database, with its release journal beside it."""

    def __init__(
        self,
        path: Path | str,
        *,
        upto: int | None = None,
        journal: Path | None = None,
        catch_up: bool = True,
        keys: Keyring | Path | None = None,
    ) -> None:
        """Open (or create) the database at ``path``.

        ``keys`` is the keyring, or the key file to read it from (default: beside the
        database); a missing key file is made only for a database that holds nothing sealed.
        """
        self.path = Path(path)
        self.journal_path = journal or journal_path_of(self.path)
        key_file = keys if isinstance(keys, Path) else key_path_of(self.path)
        self.keyring: Keyring | None = keys if isinstance(keys, Keyring) else None
        if self.keyring is None and key_file.exists():
            self.keyring = Keyring.load(key_file)
        self._con = self._connect()
        self._lock = threading.RLock()
        #: Serialises releases: the budget check, the noise and the write happen as one step.
        self.release_lock = threading.Lock()
        self._closed = False
        try:
            if self.keyring is None:
                if self._holds_sealed():
                    raise KeyringError(
                        f"{self.path} holds sealed submissions and there is no key: name its key "
                        f"file with LEKSTAT_KEY_FILE (looked for {key_file}) or give LEKSTAT_KEY"
                    )
                self.keyring = Keyring.create(key_file)
            if self.migrate(upto, report_plaintext=True):
                self._rewrite()
            if upto is None:
                missing = sorted(set(self.sealed_by_key()) - set(self.keys.ids))
                if missing:
                    raise KeyringError(
                        f"the keyring ({self.keys.source}) lacks the key(s) {', '.join(missing)} "
                        f"that seal submissions in {self.path}"
                    )
            self._audit_head = self._load_audit_head()
        except BaseException:
            self._con.close()
            self._closed = True
            raise
        try:
            self.journal = Journal(self.journal_path)
        except JournalError as exc:
            self._con.close()
            self._closed = True
            raise StoreError(f"the release journal cannot be trusted: {exc}") from None
        #: Releases the store took over from the journal when it opened (a crash after the
        #: journal line, or a restore): their ids.
        self.caught_up: list[str] = self._catch_up() if catch_up else []

    # -- plumbing -------------------------------------------------------------------------

    def _connect(self) -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(str(self.path))
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise DatabaseLocked(
                    f"{self.path} is in use by another process (a running lekstat server?)"
                ) from exc
            raise StoreError(str(exc)) from exc

    @property
    def keys(self) -> Keyring:
        """The keyring (always there once the store is open)."""
        assert self.keyring is not None
        return self.keyring

    def _holds_sealed(self) -> bool:
        """Whether the database has sealed submissions (and so needs its key)."""
        rows = self._con.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'submissions' "
            "AND column_name = 'sealed'"
        ).fetchone()
        if not rows or not rows[0]:
            return False
        n = self._con.execute("SELECT count(*) FROM submissions").fetchone()
        return bool(n and n[0])

    def _rewrite(self) -> None:
        """Copy the database into a fresh file and put it in place: freed pages of the old
        file (plaintext before sealing, values under a retired key) are gone with it."""
        with self._lock:
            self._con.execute("CHECKPOINT")
            self._con.close()
            fresh = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}.rewrite")
            con = duckdb.connect(":memory:")
            try:
                con.execute(f"ATTACH {backup.quote(self.path)} AS old (READ_ONLY)")
                con.execute(f"ATTACH {backup.quote(fresh)} AS fresh")
                con.execute("COPY FROM DATABASE old TO fresh")
                con.execute("DETACH old")
                con.execute("DETACH fresh")
            finally:
                con.close()
            os.replace(fresh, self.path)
            Path(str(self.path) + ".wal").unlink(missing_ok=True)
            self._con = self._connect()

    def close(self) -> None:
        """Checkpoint and close the database."""
        with self._lock:
            if not self._closed:
                self._con.execute("CHECKPOINT")
                self._con.close()
                self._closed = True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Hold off every write while several reads must see the same state."""
        with self._lock:
            yield

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cur = self._con.cursor()
        try:
            return cur.execute(sql, list(params)).fetchall()
        finally:
            cur.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write transaction, serialised with every other write; commits or rolls back."""
        with self._lock:
            cur = self._con.cursor()
            cur.begin()
            try:
                yield cur
            except BaseException:
                cur.rollback()
                cur.close()
                raise
            cur.commit()
            cur.close()

    def migrate(self, upto: int | None = None, *, report_plaintext: bool = False) -> int:
        """Create or upgrade the schema (to ``upto``, default the latest); return the version
        (or, with ``report_plaintext``, whether a migration sealed plaintext that was there)."""
        target = SCHEMA_VERSION if upto is None else upto
        plaintext = False
        with self.transaction() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_version "
                "(version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)"
            )
            row = cur.execute("SELECT max(version) FROM schema_version").fetchone()
            current = int(row[0]) if row and row[0] is not None else 0
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} has schema version {current}; this lekstat knows up to "
                    f"{SCHEMA_VERSION}: upgrade lekstat"
                )
            for version in range(current + 1, target + 1):
                migration = MIGRATIONS[version - 1]
                if isinstance(migration, str):
                    cur.execute(migration)
                else:
                    plaintext = migration(cur, self.keyring) or plaintext
                cur.execute("INSERT INTO schema_version VALUES (?, ?)", [version, utcnow()])
        if report_plaintext:
            return int(plaintext)
        return max(current, target)

    def schema_version(self) -> int:
        """The applied schema version."""
        return int(self._rows("SELECT max(version) FROM schema_version")[0][0])

    def ping(self) -> bool:
        """Whether the database answers."""
        return self._rows("SELECT 1")[0][0] == 1

    # -- tokens ---------------------------------------------------------------------------

    def add_token(self, record: TokenRecord) -> None:
        """Store a new token (its hash only)."""
        with self.transaction() as cur:
            cur.execute(
                f"INSERT INTO tokens ({_TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                list(asdict(record).values()),
            )

    def add_tokens(self, records: Sequence[TokenRecord]) -> None:
        """Store many tokens in one transaction (all or none)."""
        with self.transaction() as cur:
            cur.executemany(
                f"INSERT INTO tokens ({_TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [list(asdict(r).values()) for r in records],
            )

    def get_token(self, token_id: str) -> TokenRecord | None:
        """The token with ``token_id``, revoked or not."""
        rows = self._rows(f"SELECT {_TOKEN_COLUMNS} FROM tokens WHERE id = ?", [token_id])
        return TokenRecord(*rows[0]) if rows else None

    def list_tokens(self, municipality: str | None = None) -> list[TokenRecord]:
        """Every token (or a municipality's), oldest first."""
        where, params = ("WHERE municipality = ?", [municipality]) if municipality else ("", [])
        rows = self._rows(
            f"SELECT {_TOKEN_COLUMNS} FROM tokens {where} ORDER BY created_at, id", params
        )
        return [TokenRecord(*r) for r in rows]

    def revoke_token(self, token_id: str, at: dt.datetime) -> bool:
        """Revoke a token; False when there is no such active token."""
        with self.transaction() as cur:
            row = cur.execute(
                "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING id",
                [at, token_id],
            ).fetchone()
        return row is not None

    # -- browser sessions -------------------------------------------------------------------

    def add_session(self, record: SessionRecord) -> None:
        """Store a new session (the hash of its secret only); drop expired ones."""
        with self.transaction() as cur:
            cur.execute("DELETE FROM web_sessions WHERE expires_at <= ?", [record.created_at])
            cur.execute(
                "INSERT INTO web_sessions VALUES (?, ?, ?, ?)", list(asdict(record).values())
            )

    def get_session(self, hash_: str) -> SessionRecord | None:
        """The session with this hash, expired or not."""
        rows = self._rows(
            "SELECT hash, token_id, created_at, expires_at FROM web_sessions WHERE hash = ?",
            [hash_],
        )
        return SessionRecord(*rows[0]) if rows else None

    def delete_session(self, hash_: str) -> None:
        """End a session."""
        with self.transaction() as cur:
            cur.execute("DELETE FROM web_sessions WHERE hash = ?", [hash_])

    # -- submissions ------------------------------------------------------------------------

    def add_submission(
        self,
        submission: Submission,
        *,
        municipality: str,
        token_id: str,
        idempotency_key: str | None,
        received_at: dt.datetime,
        late: bool,
        encoding: str | None = None,
    ) -> tuple[SubmissionRecord, bool]:
        """Store a submission as the next version; return it and whether it was a replay.

        In one transaction: refuse a locked period, replay an idempotency key used for the
        same content, refuse one used for other content, then take the next version number.
        """
        period = str(submission.period)
        sha256 = submission.sha256()
        with self.transaction() as cur:
            # One round trip for the facts the decision needs (DuckDB's cost is per
            # statement): a version stored under this key with other content (a conflict),
            # the version stored under it with this content (a replay), the lock, and the
            # next version number.
            facts = cur.execute(
                """
                SELECT
                    (SELECT locked_at FROM period_locks WHERE period = $p),
                    (SELECT coalesce(max(version), 0) + 1 FROM submissions
                     WHERE municipality = $m AND period = $p)
                """,
                {"m": municipality, "p": period},
            ).fetchone()
            assert facts is not None
            locked_at, next_version = facts
            # What was stored under this key: its content is sealed, so it is compared here.
            keyed = [
                self._from_row(r)
                for r in cur.execute(
                    f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE municipality = ? "
                    "AND idempotency_key = ? ORDER BY id",
                    [municipality, idempotency_key],
                ).fetchall()
            ]
            conflicts = [r for r in keyed if r.sha256 != sha256 or r.period != period]
            replays = [r for r in keyed if r.sha256 == sha256 and r.period == period]
            replay_id = replays[0].id if replays else None
            if conflicts:
                raise IdempotencyConflictError(conflicts[0])
            # A key always answers with its original receipt, whatever came after it (even a
            # lock: a replay changes nothing). Clients derive keys from the content and the
            # version they build on, so going back to earlier content is a new key.
            if replay_id is not None:
                return replays[0], True
            if locked_at is not None:
                lock = cur.execute(
                    "SELECT period, locked_at, locked_by FROM period_locks WHERE period = ?",
                    [period],
                ).fetchone()
                raise PeriodLockedError(PeriodLock(*lock))  # type: ignore[misc]
            record = SubmissionRecord(
                id="sub_" + uuid.uuid4().hex[:16],
                municipality=municipality,
                period=period,
                version=int(next_version),
                nil_return=submission.nil_return,
                row_count=submission.row_count,
                total=submission.total,
                sha256=sha256,
                taxonomy_version=submission.taxonomy_version,
                received_at=received_at,
                late=late,
                token_id=token_id,
                idempotency_key=idempotency_key,
                encoding=encoding,
            )
            rows = [
                [*(str(v) for v in r[:-1]), int(r[-1])]
                for r in submission.rows[list(ROW_COLUMNS)].itertuples(index=False, name=None)
            ]
            plain = {c: getattr(record, c) for c in sealing.PLAIN_COLUMNS}
            key_id, sealed = self.keys.seal(
                sealing.pack(
                    nil_return=record.nil_return,
                    row_count=record.row_count,
                    total=record.total,
                    sha256=sha256,
                    rows=rows,
                ),
                sealing.aad_of(plain),
            )
            cur.execute(
                f"INSERT INTO submissions ({_SUBMISSION_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [*plain.values(), key_id, sealed],
            )
        return record, False

    def _open(self, row: Sequence[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """A stored version's plain columns and its opened sealed value."""
        plain = dict(zip(sealing.PLAIN_COLUMNS, row[: len(sealing.PLAIN_COLUMNS)], strict=True))
        key_id, sealed = row[len(sealing.PLAIN_COLUMNS) :]
        return plain, self.keys.open(key_id, bytes(sealed), sealing.aad_of(plain))

    def _from_row(self, row: Sequence[Any]) -> SubmissionRecord:
        plain, value = self._open(row)
        return SubmissionRecord(
            **plain,
            nil_return=value["n"],
            row_count=value["c"],
            total=value["t"],
            sha256=value["h"],
        )

    def replay_of(self, municipality: str, period: str, key: str) -> SubmissionRecord | None:
        """The version of ``municipality`` and ``period`` stored under ``key``, if any."""
        rows = self._rows(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions "
            "WHERE municipality = ? AND period = ? AND idempotency_key = ?",
            [municipality, period, key],
        )
        return self._from_row(rows[0]) if rows else None

    def get_submission(self, submission_id: str) -> SubmissionRecord | None:
        """A stored version by id."""
        rows = self._rows(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE id = ?", [submission_id]
        )
        return self._from_row(rows[0]) if rows else None

    def list_submissions(
        self,
        *,
        municipality: str | None = None,
        period: str | None = None,
    ) -> list[SubmissionRecord]:
        """Every stored version, filtered, in order of period, municipality and version."""
        where: list[str] = []
        params: list[str] = []
        if municipality is not None:
            where.append("municipality = ?")
            params.append(municipality)
        if period is not None:
            where.append("period = ?")
            params.append(period)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._rows(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions {clause} "
            "ORDER BY period, municipality, version",
            params,
        )
        return [self._from_row(r) for r in rows]

    def count_versions(self, municipality: str, period: str) -> int:
        """How many versions a municipality stored for a quarter."""
        rows = self._rows(
            "SELECT count(*) FROM submissions WHERE municipality = ? AND period = ?",
            [municipality, period],
        )
        return int(rows[0][0])

    def submission_rows(self, submission_id: str) -> pd.DataFrame:
        """The rows of one version, in stored (canonical) order."""
        rows = self._rows(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE id = ?", [submission_id]
        )
        values = self._open(rows[0])[1]["r"] if rows else []
        return _rows_frame(values, [])

    def latest_rows(self, periods: Sequence[str]) -> pd.DataFrame:
        """The rows of the latest version of every submission for ``periods`` (for releases)."""
        rows = self._rows(
            f"""
            WITH latest AS (
                SELECT municipality, period, max(version) AS version
                FROM submissions WHERE list_contains(?, period)
                GROUP BY municipality, period
            )
            SELECT {", ".join("s." + c for c in _SUBMISSION_COLUMNS.split(", "))}
            FROM latest l JOIN submissions s USING (municipality, period, version)
            ORDER BY s.period, s.municipality
            """,
            [list(periods)],
        )
        values: list[list[Any]] = []
        for row in rows:
            plain, value = self._open(row)
            values.extend([plain["municipality"], plain["period"], *r] for r in value["r"])
        return _rows_frame(values, ["municipality", "period"])

    def completeness(self, period: str) -> list[CompletenessRow]:
        """Per municipality that submitted for ``period``: versions, times, whether late.

        Never whether it had incidents: completeness is shown to others than the municipality.
        """
        rows = self._rows(
            """
            SELECT municipality, count(*), min(received_at), max(received_at),
                   arg_min(late, version)
            FROM submissions WHERE period = ?
            GROUP BY municipality ORDER BY municipality
            """,
            [period],
        )
        return [CompletenessRow(*r) for r in rows]

    # -- periods --------------------------------------------------------------------------

    def lock_period(self, period: str, at: dt.datetime, by: str) -> PeriodLock:
        """Lock a period; raises :class:`AlreadyLockedError` when it is locked."""
        with self.transaction() as cur:
            row = cur.execute(
                "SELECT period, locked_at, locked_by FROM period_locks WHERE period = ?", [period]
            ).fetchone()
            if row is not None:
                raise AlreadyLockedError(PeriodLock(*row))
            cur.execute("INSERT INTO period_locks VALUES (?, ?, ?)", [period, at, by])
        return PeriodLock(period, at, by)

    def get_lock(self, period: str) -> PeriodLock | None:
        """The lock of ``period``, if any."""
        rows = self._rows(
            "SELECT period, locked_at, locked_by FROM period_locks WHERE period = ?", [period]
        )
        return PeriodLock(*rows[0]) if rows else None

    def list_locks(self) -> list[PeriodLock]:
        """Every lock, by period."""
        rows = self._rows("SELECT period, locked_at, locked_by FROM period_locks ORDER BY period")
        return [PeriodLock(*r) for r in rows]

    # -- audit ------------------------------------------------------------------------------

    def _load_audit_head(self) -> tuple[int, str]:
        if self.schema_version() < 5:  # a restore on its way up: no chain yet
            return 0, sealing.AUDIT_GENESIS
        rows = self._rows("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        return (int(rows[0][0]), str(rows[0][1])) if rows else (0, sealing.AUDIT_GENESIS)

    def audit(self, entry: AuditEntry) -> None:
        """Append a line to the audit log (its own transaction), chained to the one before."""
        with self._lock:  # the head is read and moved under the write lock
            seq, prev = self._audit_head
            fields = tuple(getattr(entry, f) for f in _ENTRY_FIELDS)
            line_hash = self.keys.audit_mac(sealing.audit_bytes(seq + 1, prev, fields))
            with self.transaction() as cur:
                cur.execute(
                    "INSERT INTO audit_log (id, occurred_at, token_id, role, method, path, "
                    "action, target, status, outcome, detail, subject, count, seq, hash) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    ["aud_" + uuid.uuid4().hex, *fields, seq + 1, line_hash],
                )
            self._audit_head = (seq + 1, line_hash)

    def audit_entries(
        self,
        limit: int = 1000,
        *,
        before: int | None = None,
        subject: str | None = None,
    ) -> list[AuditEntry]:
        """The most recent audit lines (before line ``before``; about ``subject`` only),
        oldest first."""
        where: list[str] = []
        params: list[object] = []
        if before is not None:
            where.append("seq < ?")
            params.append(before)
        if subject is not None:
            where.append("subject = ?")
            params.append(subject)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._rows(
            f"SELECT {_AUDIT_COLUMNS} FROM (SELECT * FROM audit_log {clause} "
            "ORDER BY seq DESC LIMIT ?) ORDER BY seq",
            [*params, limit],
        )
        return [AuditEntry(*r) for r in rows]

    def verify_audit(self) -> tuple[int, str, int | None]:
        """Check the audit log's chain: the number of lines, the head, and the first line
        that does not follow (None when every line does)."""
        prev, expected = sealing.AUDIT_GENESIS, 1
        rows = self._rows(
            f"SELECT seq, hash, {', '.join(sealing.AUDIT_FIELDS)} FROM audit_log ORDER BY seq"
        )
        for seq, line_hash, *fields in rows:
            if seq != expected:
                return len(rows), prev, expected
            covered = sealing.audit_bytes(seq, prev, tuple(fields))
            # Lines written before a key rotation (in an older backup) carry the old key.
            if not any(self.keys.audit_mac(covered, k) == line_hash for k in self.keys.ids):
                return len(rows), prev, expected
            prev, expected = line_hash, expected + 1
        return len(rows), prev, None

    # -- budgets and releases ---------------------------------------------------------------

    def get_budget(self, year: int) -> Budget:
        """The budget of ``year`` with its ledger and changes (total None when none was set)."""
        row = self._rows("SELECT total_rho, set_at, set_by FROM budgets WHERE year = ?", [year])
        ledger = self._rows(
            "SELECT release_id, year, rho, created_at FROM ledger WHERE year = ? "
            "ORDER BY created_at, release_id",
            [year],
        )
        changes = self._rows(
            "SELECT seq, year, changed_at, changed_by, old_rho, new_rho, reason "
            "FROM budget_changes WHERE year = ? ORDER BY seq",
            [year],
        )
        total, set_at, set_by = row[0] if row else (None, None, None)
        return Budget(
            year,
            total,
            set_at,
            set_by,
            tuple(LedgerEntry(*e) for e in ledger),
            tuple(BudgetChange(*c) for c in changes),
        )

    def list_budgets(self) -> list[Budget]:
        """Every year with a budget or spending."""
        years = self._rows("SELECT year FROM budgets UNION SELECT year FROM ledger ORDER BY year")
        return [self.get_budget(int(y)) for (y,) in years]

    def set_budget(
        self, year: int, total_rho: float, at: dt.datetime, by: str, reason: str = ""
    ) -> tuple[Budget, float | None]:
        """Set the year's total; return the budget and the total it had before.

        In one transaction with the check: refused (:class:`BudgetError`) below what releases
        already spent, and (:class:`BudgetRaiseError`) a raise after anything was spent that
        gives no reason. Every change is journalled and kept with who, when and why.
        """
        with self.transaction() as cur:
            spent = _spent(cur, year)
            row = cur.execute("SELECT total_rho FROM budgets WHERE year = ?", [year]).fetchone()
            old = float(row[0]) if row else None
            if total_rho < spent:
                raise BudgetError(year, total_rho, spent, 0.0)
            if spent > 0 and old is not None and total_rho > old and not reason.strip():
                raise BudgetRaiseError(year, old, spent, total_rho)
            body = {
                "year": year,
                "changed_at": _iso(at),
                "changed_by": by,
                "old_rho": old,
                "new_rho": total_rho,
                "reason": reason.strip(),
            }
            entry = self.journal.append("budget_change", body)
            self._apply_budget_change(cur, entry.seq, body)
        return self.get_budget(year), old

    @staticmethod
    def _apply_budget_change(
        cur: duckdb.DuckDBPyConnection, seq: int, body: dict[str, Any]
    ) -> None:
        at = dt.datetime.fromisoformat(body["changed_at"])
        cur.execute(
            "INSERT OR REPLACE INTO budgets VALUES (?, ?, ?, ?)",
            [body["year"], body["new_rho"], at, body["changed_by"]],
        )
        cur.execute(
            "INSERT INTO budget_changes VALUES (?, ?, ?, ?, ?, ?, ?)",
            [seq, body["year"], at, body["changed_by"], body["old_rho"], body["new_rho"],
             body["reason"]],
        )  # fmt: skip

    def next_release_id(self, year: int, quarter: int | None) -> str:
        """The id the next release of this year (or quarter) gets (see :meth:`add_release`)."""
        with self.transaction() as cur:
            return self._next_release_id(cur, year, quarter)

    def add_release(
        self,
        *,
        release_id: str | None = None,
        year: int,
        quarter: int | None,
        rho: float,
        created_at: dt.datetime,
        created_by: str,
        metadata: dict[str, Any],
        tables: dict[str, pd.DataFrame],
    ) -> str:
        """Store a release, its tables and its ledger entry in one transaction; return its id.

        The budget is checked again inside the transaction: whatever happened before, the
        ledger of a year can never add up to more than its total. ``release_id``, when given,
        must be the one :meth:`next_release_id` gives (the caller serialises releases and names
        the id in the release's certificate); any other is refused.
        """
        with self.transaction() as cur:
            row = cur.execute("SELECT total_rho FROM budgets WHERE year = ?", [year]).fetchone()
            total = float(row[0]) if row else None
            spent = _spent(cur, year)
            if total is None or spent + rho > total:
                raise BudgetError(year, total, spent, rho)
            expected = self._next_release_id(cur, year, quarter)
            if release_id is None:
                release_id = expected
            elif release_id != expected:
                raise StoreError(f"release id {release_id} is not the next one ({expected})")
            body = release_body(
                release_id=release_id,
                year=year,
                quarter=quarter,
                rho=rho,
                created_at=created_at,
                created_by=created_by,
                metadata=json.loads(self.dumps({**metadata, "id": release_id})),
                tables={n: f.to_json(orient="split", index=False) for n, f in tables.items()},
            )
            # The journal line is durable before the release commits: whatever happens next,
            # a published release is never forgotten (see aggregator/store/journal.py).
            self.journal.append("release", body)
            self._insert_release(cur, body)
        return release_id

    def _next_release_id(
        self, cur: duckdb.DuckDBPyConnection, year: int, quarter: int | None
    ) -> str:
        """The next id of a year's (or quarter's) releases, counted over the database and the
        journal, so that an id is never given to other figures."""
        prefix = f"{year}-Q{quarter}" if quarter else f"{year}"
        n_row = cur.execute(
            "SELECT count(*) FROM releases WHERE year = ? AND quarter IS NOT DISTINCT FROM ?",
            [year, quarter],
        ).fetchone()
        in_db = int(n_row[0]) if n_row else 0
        in_journal = sum(
            1 for r in self.journal.releases() if r["year"] == year and r["quarter"] == quarter
        )
        return f"{prefix}-r{max(in_db, in_journal) + 1}"

    @staticmethod
    def _insert_release(cur: duckdb.DuckDBPyConnection, body: dict[str, Any]) -> None:
        created_at = dt.datetime.fromisoformat(body["created_at"])
        cur.execute(
            "INSERT INTO releases VALUES (?, ?, ?, ?, ?, ?, ?)",
            [body["id"], body["year"], body["quarter"], body["rho"], created_at,
             body["created_by"], Store.dumps(body["metadata"])],
        )  # fmt: skip
        cur.execute(
            "INSERT INTO ledger VALUES (?, ?, ?, ?)",
            [body["id"], body["year"], body["rho"], created_at],
        )
        for position, (name, data) in enumerate(body["tables"].items()):
            cur.execute(
                "INSERT INTO release_tables VALUES (?, ?, ?, ?)",
                [body["id"], name, position, data],
            )

    def _release_bodies(self) -> dict[str, dict[str, Any]]:
        """Every release in the database, as its journal line would hold it, by id."""
        out: dict[str, dict[str, Any]] = {}
        rows = self._rows(
            "SELECT id, year, quarter, rho, created_at, created_by, metadata FROM releases"
        )
        for rid, year, quarter, rho, created_at, created_by, metadata in rows:
            tables = self._rows(
                "SELECT name, data FROM release_tables WHERE release_id = ? ORDER BY position",
                [rid],
            )
            out[rid] = release_body(
                release_id=rid,
                year=int(year),
                quarter=None if quarter is None else int(quarter),
                rho=float(rho),
                created_at=created_at,
                created_by=created_by,
                metadata=json.loads(metadata),
                tables=dict(tables),
            )
        return out

    def _catch_up(self) -> list[str]:
        """Take over from the journal what the database lacks; return the releases taken over.

        A database that existed before its journal gives the journal its releases first.
        """
        in_db = self._release_bodies()
        if not self.journal.entries and not self.journal_path.exists():
            for body in sorted(in_db.values(), key=lambda b: (b["created_at"], b["id"])):
                self.journal.append("release", body)
            self.journal.create()  # a journal exists from the start, even an empty one
            return []
        seqs = {int(r[0]) for r in self._rows("SELECT seq FROM budget_changes")}
        carried = []
        with self.transaction() as cur:
            for entry in self.journal.entries:
                if entry.kind == "budget_change" and entry.seq not in seqs:
                    self._apply_budget_change(cur, entry.seq, entry.body)
                elif entry.kind == "release" and entry.body["id"] not in in_db:
                    self._insert_release(cur, entry.body)
                    carried.append(entry.body["id"])
        return carried

    def unproven_releases(self) -> list[str]:
        """Releases in the database that the journal does not hold as they are (an empty list
        proves that the journal knows everything the database published)."""
        journalled = {b["id"]: content_hash(b) for b in self.journal.releases()}
        return sorted(
            rid
            for rid, body in self._release_bodies().items()
            if journalled.get(rid) != content_hash(body)
        )

    def list_releases(self, year: int | None = None) -> list[dict[str, Any]]:
        """Release metadata, oldest first (optionally of one data year)."""
        where, params = ("WHERE year = ?", [year]) if year is not None else ("", [])
        rows = self._rows(f"SELECT metadata FROM releases {where} ORDER BY created_at, id", params)
        return [json.loads(r[0]) for r in rows]

    def get_release(self, release_id: str) -> dict[str, Any] | None:
        """One release's metadata."""
        rows = self._rows("SELECT metadata FROM releases WHERE id = ?", [release_id])
        return json.loads(rows[0][0]) if rows else None

    def release_table(self, release_id: str, name: str) -> pd.DataFrame | None:
        """One published table of a release."""
        rows = self._rows(
            "SELECT data FROM release_tables WHERE release_id = ? AND name = ?", [release_id, name]
        )
        if not rows:
            return None
        return pd.read_json(io.StringIO(rows[0][0]), orient="split", dtype=False)

    # -- the data key ---------------------------------------------------------------------------

    def sealed_by_key(self) -> dict[str, int]:
        """How many versions each key id seals."""
        rows = self._rows("SELECT key_id, count(*) FROM submissions GROUP BY key_id ORDER BY 1")
        return {str(k): int(n) for k, n in rows}

    def reseal(self, keyring: Keyring) -> int:
        """Seal everything again under ``keyring``'s current key, in one transaction, and
        chain the whole audit log under it; then rewrite the file so that no freed page keeps
        a value under the old key. Refused (nothing changes) when the audit chain is broken:
        a rotation must not make a changed log look whole. Returns the versions resealed."""
        with self._lock:
            broken = self.verify_audit()[2]
            if broken is not None:
                raise StoreError(
                    f"the audit log does not follow its chain from line {broken}; "
                    "nothing was resealed"
                )
            old = self.keys
            rows = self._rows(f"SELECT {_SUBMISSION_COLUMNS} FROM submissions ORDER BY id")
            with self.transaction() as cur:
                for row in rows:
                    plain, value = self._open(row)
                    key_id, sealed = keyring.seal(value, sealing.aad_of(plain))
                    cur.execute(
                        "UPDATE submissions SET key_id = ?, sealed = ? WHERE id = ?",
                        [key_id, sealed, plain["id"]],
                    )
                sealing.rechain_audit(cur, keyring)
            self.keyring = keyring
            self._audit_head = self._load_audit_head()
            try:
                self._rewrite()
            except BaseException:
                self.keyring = old
                raise
        return len(rows)

    # -- backup -----------------------------------------------------------------------------

    def backup(self, directory: Path) -> None:
        """Export every table to ``directory`` (see :mod:`aggregator.store.backup`)."""
        with self._lock:
            backup.export(self._con, directory, self.schema_version(), self.keys)

    @staticmethod
    def restore(
        directory: Path,
        target: Path,
        *,
        journal: Path,
        keys: Keyring,
        accept_unproven: bool = False,
    ) -> Store:
        """Create a new database at ``target`` from a backup ``directory``, with ``journal``.

        The backup's own SQL is never run: the schema comes from our migrations and each of our
        tables is loaded from exactly the bytes whose SHA-256 the authenticated manifest lists
        (``keys`` must hold the key the backup was made with). Then the journal, whose chain
        is checked, must hold every release of the backup as it is (else the restore is
        refused, unless ``accept_unproven``); what it published after the backup is carried
        over (``caught_up`` of the returned store).
        """
        if target.exists():
            raise StoreError(f"{target} exists; restore into a new file")
        version, data = backup.check(directory, keys)
        try:
            store = Store(target, upto=version, journal=journal, catch_up=False, keys=keys)
        except StoreError:
            target.unlink(missing_ok=True)
            raise
        try:
            with store.transaction() as cur, backup.private_copies(data) as paths:
                cur.execute("DELETE FROM schema_version")
                for table, path in paths.items():
                    cur.execute(
                        f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet(?)", [str(path)]
                    )
            if store.migrate(report_plaintext=True):
                store._rewrite()
            store._audit_head = store._load_audit_head()
            if store.verify_audit()[2] is not None:
                raise StoreError("the backup's audit log does not follow its chain")
            unproven = store.unproven_releases()
            if unproven and not accept_unproven:
                raise StoreError(
                    f"the journal {journal} does not hold these releases of the backup as they "
                    f"are: {', '.join(unproven)}; it cannot prove that nothing published would "
                    "be lost, so nothing was restored"
                )
            store.caught_up = store._catch_up()
        except BaseException:
            store.close()
            target.unlink(missing_ok=True)
            raise
        return store

    # -- reading metadata as JSON (used by releases) ------------------------------------------

    @staticmethod
    def dumps(value: Any) -> str:
        """Compact JSON for storing metadata."""
        return json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)


def _rows_frame(values: list[list[Any]], leading: list[str]) -> pd.DataFrame:
    """Rows as the store hands them out: text columns, then ``count`` as int64."""
    columns = [*leading, *ROW_COLUMNS]
    frame = pd.DataFrame(values, columns=columns) if values else pd.DataFrame(columns=columns)
    frame = frame.astype(dict.fromkeys(columns[:-1], object))
    frame["count"] = frame["count"].astype("int64")
    return frame


def _iso(moment: dt.datetime) -> str:
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds")


def release_body(
    *,
    release_id: str,
    year: int,
    quarter: int | None,
    rho: float,
    created_at: dt.datetime,
    created_by: str,
    metadata: dict[str, Any],
    tables: dict[str, str],
) -> dict[str, Any]:
    """A release as its journal line holds it: everything the database stores of it."""
    return {
        "id": release_id,
        "year": year,
        "quarter": quarter,
        "rho": rho,
        "created_at": _iso(created_at),
        "created_by": created_by,
        "metadata": metadata,
        "tables": tables,
    }


def _spent(cur: duckdb.DuckDBPyConnection, year: int) -> float:
    """A year's spending, summed exactly as :attr:`Budget.spent_rho` sums it."""
    rows = cur.execute("SELECT rho FROM ledger WHERE year = ?", [year]).fetchall()
    return math.fsum(r[0] for r in rows)
