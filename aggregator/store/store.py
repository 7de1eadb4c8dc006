"""The DuckDB store: the only module that imports duckdb, and the only place raw counts live.

One process owns the database file. Reads use a cursor per call (DuckDB connections are not
shared between threads); writes are serialised by one lock and each runs in one transaction, so
a version number, an idempotency key or a budget can never be claimed twice. A method returns
only after its transaction committed: acknowledged means durable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from schemas.submission import Submission

#: Migrations in order; the schema_version table records how many were applied.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE tokens (
        id VARCHAR PRIMARY KEY,
        hash VARCHAR NOT NULL UNIQUE,
        role VARCHAR NOT NULL,
        municipality VARCHAR,
        label VARCHAR NOT NULL DEFAULT '',
        created_at TIMESTAMP NOT NULL,
        revoked_at TIMESTAMP
    );
    CREATE TABLE submissions (
        id VARCHAR PRIMARY KEY,
        municipality VARCHAR NOT NULL,
        period VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        nil_return BOOLEAN NOT NULL,
        row_count INTEGER NOT NULL,
        total INTEGER NOT NULL,
        sha256 VARCHAR NOT NULL,
        taxonomy_version VARCHAR NOT NULL,
        received_at TIMESTAMP NOT NULL,
        late BOOLEAN NOT NULL,
        token_id VARCHAR NOT NULL,
        idempotency_key VARCHAR,
        UNIQUE (municipality, period, version)
    );
    CREATE TABLE submission_rows (
        submission_id VARCHAR NOT NULL,
        function_type VARCHAR NOT NULL,
        data_category VARCHAR NOT NULL,
        stage VARCHAR NOT NULL,
        employment_type VARCHAR NOT NULL,
        motive VARCHAR NOT NULL,
        count INTEGER NOT NULL
    );
    CREATE TABLE period_locks (
        period VARCHAR PRIMARY KEY,
        locked_at TIMESTAMP NOT NULL,
        locked_by VARCHAR NOT NULL
    );
    CREATE TABLE audit_log (
        id VARCHAR PRIMARY KEY,
        occurred_at TIMESTAMP NOT NULL,
        token_id VARCHAR,
        role VARCHAR,
        method VARCHAR NOT NULL,
        path VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        target VARCHAR NOT NULL DEFAULT '',
        status INTEGER NOT NULL,
        outcome VARCHAR NOT NULL,
        detail VARCHAR NOT NULL DEFAULT ''
    );
    CREATE TABLE budgets (
        year INTEGER PRIMARY KEY,
        total_rho DOUBLE NOT NULL,
        set_at TIMESTAMP NOT NULL,
        set_by VARCHAR NOT NULL
    );
    CREATE TABLE releases (
        id VARCHAR PRIMARY KEY,
        year INTEGER NOT NULL,
        quarter INTEGER,
        rho DOUBLE NOT NULL,
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR NOT NULL,
        metadata VARCHAR NOT NULL
    );
    CREATE TABLE ledger (
        release_id VARCHAR PRIMARY KEY,
        year INTEGER NOT NULL,
        rho DOUBLE NOT NULL,
        created_at TIMESTAMP NOT NULL
    );
    CREATE TABLE release_tables (
        release_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        position INTEGER NOT NULL,
        data VARCHAR NOT NULL,
        PRIMARY KEY (release_id, name)
    );
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)

ROW_COLUMNS = ("function_type", "data_category", "stage", "employment_type", "motive", "count")


class StoreError(RuntimeError):
    """A problem with the database itself."""


class DatabaseLocked(StoreError):
    """Another process (a running server) holds the database file."""


class PeriodLockedError(Exception):
    """The period is locked; carries the lock."""

    def __init__(self, lock: PeriodLock) -> None:
        super().__init__(f"period {lock.period} is locked")
        self.lock = lock


class IdempotencyConflictError(Exception):
    """The idempotency key was used before for other content; carries the original."""

    def __init__(self, original: SubmissionRecord) -> None:
        super().__init__("idempotency key reused with other content")
        self.original = original


class BudgetError(Exception):
    """A budget change or a release that the year's budget does not allow."""

    def __init__(self, year: int, total: float | None, spent: float, requested: float) -> None:
        super().__init__(f"budget of {year} does not allow {requested}")
        self.year, self.total, self.spent, self.requested = year, total, spent, requested

    @property
    def remaining(self) -> float:
        """What is left of the year's budget (0 without a budget)."""
        return max(0.0, (self.total or 0.0) - self.spent)


class AlreadyLockedError(Exception):
    """The period was locked before."""

    def __init__(self, lock: PeriodLock) -> None:
        super().__init__(f"period {lock.period} is already locked")
        self.lock = lock


def utcnow() -> dt.datetime:
    """Now in UTC, without tzinfo (how timestamps are stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def iso(moment: dt.datetime | None) -> str | None:
    """A stored UTC timestamp as ISO 8601 with ``Z``."""
    return None if moment is None else moment.replace(microsecond=0).isoformat() + "Z"


@dataclass(frozen=True)
class TokenRecord:
    """A token as stored: only the hash of its secret."""

    id: str
    hash: str
    role: str
    municipality: str | None
    label: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        """Whether the token has not been revoked."""
        return self.revoked_at is None


@dataclass(frozen=True)
class SubmissionRecord:
    """A stored submission version (metadata; rows are read separately)."""

    id: str
    municipality: str
    period: str
    version: int
    nil_return: bool
    row_count: int
    total: int
    sha256: str
    taxonomy_version: str
    received_at: dt.datetime
    late: bool
    token_id: str
    idempotency_key: str | None

    def receipt(self) -> dict[str, Any]:
        """The receipt shown to the submitting municipality."""
        return {
            "id": self.id,
            "municipality": self.municipality,
            "period": self.period,
            "version": self.version,
            "nil_return": self.nil_return,
            "rows": self.row_count,
            "total": self.total,
            "sha256": self.sha256,
            "taxonomy_version": self.taxonomy_version,
            "received_at": iso(self.received_at),
            "late": self.late,
        }

    def metadata(self) -> dict[str, Any]:
        """What a statistician may see: the receipt without anything derived from the counts.

        Not the total, not the row count (a bound on the counts), and not the SHA-256: the
        canonical text has so little entropy that a small submission can be found from its hash.
        """
        receipt = self.receipt()
        del receipt["total"], receipt["rows"], receipt["sha256"]
        return receipt


@dataclass(frozen=True)
class PeriodLock:
    """A locked period."""

    period: str
    locked_at: dt.datetime
    locked_by: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "period": self.period,
            "locked_at": iso(self.locked_at),
            "locked_by": self.locked_by,
        }


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log: who did what, when, with what outcome; never counts."""

    at: dt.datetime
    token_id: str | None
    role: str | None
    method: str
    path: str
    action: str
    target: str
    status: int
    outcome: str
    detail: str = ""


@dataclass(frozen=True)
class CompletenessRow:
    """What a period's submissions of one municipality look like."""

    municipality: str
    versions: int
    first_received_at: dt.datetime
    last_received_at: dt.datetime
    nil_return: bool
    first_late: bool


@dataclass(frozen=True)
class LedgerEntry:
    """One release's spending from a year's budget."""

    release_id: str
    year: int
    rho: float
    created_at: dt.datetime


@dataclass(frozen=True)
class Budget:
    """A data year's privacy budget (zCDP rho): total, spent by releases, and the ledger."""

    year: int
    total_rho: float | None
    set_at: dt.datetime | None
    set_by: str | None
    ledger: tuple[LedgerEntry, ...]

    @property
    def spent_rho(self) -> float:
        """The sum of the ledger."""
        return math.fsum(e.rho for e in self.ledger)

    @property
    def remaining_rho(self) -> float:
        """What is left (0 when no budget has been set)."""
        return max(0.0, (self.total_rho or 0.0) - self.spent_rho)


_SUBMISSION_COLUMNS = (
    "id, municipality, period, version, nil_return, row_count, total, sha256, "
    "taxonomy_version, received_at, late, token_id, idempotency_key"
)
_TOKEN_COLUMNS = "id, hash, role, municipality, label, created_at, revoked_at"  # noqa: S105


class Store:
    """The lekstat database."""

    def __init__(self, path: Path | str, *, upto: int | None = None) -> None:
        self.path = Path(path)
        try:
            self._con = duckdb.connect(str(self.path))
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise DatabaseLocked(
                    f"{self.path} is in use by another process (a running lekstat server?)"
                ) from exc
            raise StoreError(str(exc)) from exc
        self._lock = threading.RLock()
        #: Serialises releases: the budget check, the noise and the write happen as one step.
        self.release_lock = threading.Lock()
        self._closed = False
        self.migrate(upto)

    # -- plumbing -------------------------------------------------------------------------

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

    def migrate(self, upto: int | None = None) -> int:
        """Create or upgrade the schema (to ``upto``, default the latest); return the version."""
        target = SCHEMA_VERSION if upto is None else upto
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
                cur.execute(MIGRATIONS[version - 1])
                cur.execute("INSERT INTO schema_version VALUES (?, ?)", [version, utcnow()])
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
                f"INSERT INTO tokens ({_TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                list(asdict(record).values()),
            )

    def add_tokens(self, records: Sequence[TokenRecord]) -> None:
        """Store many tokens in one transaction (all or none)."""
        with self.transaction() as cur:
            cur.executemany(
                f"INSERT INTO tokens ({_TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [list(asdict(r).values()) for r in records],
            )

    def get_token(self, token_id: str) -> TokenRecord | None:
        """The token with ``token_id``, revoked or not."""
        rows = self._rows(f"SELECT {_TOKEN_COLUMNS} FROM tokens WHERE id = ?", [token_id])
        return TokenRecord(*rows[0]) if rows else None

    def list_tokens(self) -> list[TokenRecord]:
        """Every token, oldest first."""
        rows = self._rows(f"SELECT {_TOKEN_COLUMNS} FROM tokens ORDER BY created_at, id")
        return [TokenRecord(*r) for r in rows]

    def revoke_token(self, token_id: str, at: dt.datetime) -> bool:
        """Revoke a token; False when there is no such active token."""
        with self.transaction() as cur:
            row = cur.execute(
                "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING id",
                [at, token_id],
            ).fetchone()
        return row is not None

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
                    (SELECT min(id) FROM submissions WHERE municipality = $m
                     AND idempotency_key = $k AND (sha256 <> $h OR period <> $p)),
                    (SELECT min(id) FROM submissions WHERE municipality = $m
                     AND idempotency_key = $k AND sha256 = $h AND period = $p),
                    (SELECT locked_at FROM period_locks WHERE period = $p),
                    (SELECT coalesce(max(version), 0) + 1 FROM submissions
                     WHERE municipality = $m AND period = $p)
                """,
                {"m": municipality, "k": idempotency_key, "p": period, "h": sha256},
            ).fetchone()
            assert facts is not None
            conflict_id, replay_id, locked_at, next_version = facts
            if conflict_id is not None:
                raise IdempotencyConflictError(self._record(cur, conflict_id))
            # A key always answers with its original receipt, whatever came after it (even a
            # lock: a replay changes nothing). Clients derive keys from the content and the
            # version they build on, so going back to earlier content is a new key.
            if replay_id is not None:
                return self._record(cur, replay_id), True
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
            )
            cur.execute(
                f"INSERT INTO submissions ({_SUBMISSION_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                list(asdict(record).values()),
            )
            if submission.row_count:
                self._insert_rows(cur, record.id, submission.rows)
        return record, False

    @staticmethod
    def _record(cur: duckdb.DuckDBPyConnection, submission_id: str) -> SubmissionRecord:
        row = cur.execute(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE id = ?", [submission_id]
        ).fetchone()
        assert row is not None
        return SubmissionRecord(*row)

    @staticmethod
    def _insert_rows(
        cur: duckdb.DuckDBPyConnection, submission_id: str, rows: pd.DataFrame
    ) -> None:
        # A multi-row VALUES statement is fastest for the usual handful of rows; a large
        # submission goes through a registered DataFrame instead.
        if len(rows) <= 200:
            values = [
                (submission_id, *(str(v) for v in r[:-1]), int(r[-1]))
                for r in rows[list(ROW_COLUMNS)].itertuples(index=False, name=None)
            ]
            placeholders = ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * len(values))
            cur.execute(
                f"INSERT INTO submission_rows VALUES {placeholders}",
                [v for row in values for v in row],
            )
            return
        frame = rows[list(ROW_COLUMNS)].copy()
        frame.insert(0, "submission_id", submission_id)
        cur.register("incoming_rows", frame)
        try:
            cur.execute(
                "INSERT INTO submission_rows SELECT submission_id, "
                + ", ".join(ROW_COLUMNS)
                + " FROM incoming_rows"
            )
        finally:
            cur.unregister("incoming_rows")

    def replay_of(self, municipality: str, period: str, key: str) -> SubmissionRecord | None:
        """The version of ``municipality`` and ``period`` stored under ``key``, if any."""
        rows = self._rows(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions "
            "WHERE municipality = ? AND period = ? AND idempotency_key = ?",
            [municipality, period, key],
        )
        return SubmissionRecord(*rows[0]) if rows else None

    def get_submission(self, submission_id: str) -> SubmissionRecord | None:
        """A stored version by id."""
        rows = self._rows(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE id = ?", [submission_id]
        )
        return SubmissionRecord(*rows[0]) if rows else None

    def list_submissions(
        self, *, municipality: str | None = None, period: str | None = None
    ) -> list[SubmissionRecord]:
        """Every stored version, filtered, in order of period, municipality and version."""
        where, params = [], []
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
        return [SubmissionRecord(*r) for r in rows]

    def submission_rows(self, submission_id: str) -> pd.DataFrame:
        """The rows of one version, in stored (canonical) order."""
        cur = self._con.cursor()
        try:
            return cur.execute(
                f"SELECT {', '.join(ROW_COLUMNS)} FROM submission_rows "
                "WHERE submission_id = ? ORDER BY rowid",
                [submission_id],
            ).df()
        finally:
            cur.close()

    def latest_rows(self, periods: Sequence[str]) -> pd.DataFrame:
        """The rows of the latest version of every submission for ``periods`` (for releases)."""
        cur = self._con.cursor()
        try:
            frame = cur.execute(
                """
                WITH latest AS (
                    SELECT municipality, period, max(version) AS version
                    FROM submissions WHERE list_contains(?, period)
                    GROUP BY municipality, period
                )
                SELECT s.municipality, s.period, r.function_type, r.data_category, r.stage,
                       r.employment_type, r.motive, r.count
                FROM latest l
                JOIN submissions s USING (municipality, period, version)
                JOIN submission_rows r ON r.submission_id = s.id
                ORDER BY s.period, s.municipality
                """,
                [list(periods)],
            ).df()
        finally:
            cur.close()
        frame["count"] = frame["count"].astype("int64")
        return frame

    def completeness(self, period: str) -> list[CompletenessRow]:
        """Per municipality that submitted for ``period``: versions, times, latest nil status."""
        rows = self._rows(
            """
            SELECT municipality, count(*), min(received_at), max(received_at),
                   arg_max(nil_return OR total = 0, version), arg_min(late, version)
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

    def audit(self, entry: AuditEntry) -> None:
        """Append a line to the audit log (its own transaction)."""
        with self.transaction() as cur:
            cur.execute(
                "INSERT INTO audit_log (id, occurred_at, token_id, role, method, path, action, "
                "target, status, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ["aud_" + uuid.uuid4().hex, *asdict(entry).values()],
            )

    def audit_entries(self, limit: int = 1000) -> list[AuditEntry]:
        """The most recent audit lines, oldest first."""
        rows = self._rows(
            "SELECT occurred_at, token_id, role, method, path, action, target, status, outcome, "
            "detail FROM (SELECT * FROM audit_log ORDER BY occurred_at DESC, id DESC LIMIT ?) "
            "ORDER BY occurred_at, id",
            [limit],
        )
        return [AuditEntry(*r) for r in rows]

    # -- budgets and releases ---------------------------------------------------------------

    def get_budget(self, year: int) -> Budget:
        """The budget of ``year`` with its ledger (total None when none was set)."""
        row = self._rows("SELECT total_rho, set_at, set_by FROM budgets WHERE year = ?", [year])
        ledger = self._rows(
            "SELECT release_id, year, rho, created_at FROM ledger WHERE year = ? "
            "ORDER BY created_at, release_id",
            [year],
        )
        total, set_at, set_by = row[0] if row else (None, None, None)
        return Budget(year, total, set_at, set_by, tuple(LedgerEntry(*e) for e in ledger))

    def list_budgets(self) -> list[Budget]:
        """Every year with a budget or spending."""
        years = self._rows("SELECT year FROM budgets UNION SELECT year FROM ledger ORDER BY year")
        return [self.get_budget(int(y)) for (y,) in years]

    def set_budget(self, year: int, total_rho: float, at: dt.datetime, by: str) -> Budget:
        """Set the year's total; refused (:class:`BudgetError`) below what is already spent."""
        with self.transaction() as cur:
            spent = _spent(cur, year)
            if total_rho < spent:
                raise BudgetError(year, total_rho, spent, 0.0)
            cur.execute(
                "INSERT OR REPLACE INTO budgets VALUES (?, ?, ?, ?)", [year, total_rho, at, by]
            )
        return self.get_budget(year)

    def add_release(
        self,
        *,
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
        ledger of a year can never add up to more than its total.
        """
        with self.transaction() as cur:
            row = cur.execute("SELECT total_rho FROM budgets WHERE year = ?", [year]).fetchone()
            total = float(row[0]) if row else None
            spent = _spent(cur, year)
            if total is None or spent + rho > total:
                raise BudgetError(year, total, spent, rho)
            prefix = f"{year}-Q{quarter}" if quarter else f"{year}"
            n_row = cur.execute(
                "SELECT count(*) FROM releases WHERE year = ? AND quarter IS NOT DISTINCT FROM ?",
                [year, quarter],
            ).fetchone()
            release_id = f"{prefix}-r{int(n_row[0]) + 1 if n_row else 1}"
            full = {**metadata, "id": release_id}
            cur.execute(
                "INSERT INTO releases VALUES (?, ?, ?, ?, ?, ?, ?)",
                [release_id, year, quarter, rho, created_at, created_by, self.dumps(full)],
            )
            cur.execute(
                "INSERT INTO ledger VALUES (?, ?, ?, ?)", [release_id, year, rho, created_at]
            )
            for position, (name, frame) in enumerate(tables.items()):
                cur.execute(
                    "INSERT INTO release_tables VALUES (?, ?, ?, ?)",
                    [release_id, name, position, frame.to_json(orient="split", index=False)],
                )
        return release_id

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

    # -- backup -----------------------------------------------------------------------------

    def backup(self, directory: Path) -> None:
        """Export every table to ``directory`` as Parquet, with a manifest of SHA-256 sums."""
        with self._lock:
            self._con.execute(f"EXPORT DATABASE {_quote(directory)} (FORMAT parquet)")
        files = {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.iterdir())
            if p.is_file()
        }
        version = self.schema_version()
        manifest = {"format": BACKUP_FORMAT, "schema_version": version, "files": files}
        (directory / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")

    @staticmethod
    def restore(directory: Path, target: Path) -> Store:
        """Create a new database at ``target`` from a backup ``directory``.

        The backup's own SQL is never run: the schema comes from our migrations and each of
        our tables is loaded from its Parquet file, after every file's SHA-256 was checked
        against the manifest.
        """
        if target.exists():
            raise StoreError(f"{target} exists; restore into a new file")
        version, tables = _check_backup(directory)
        store = Store(target, upto=version)
        try:
            with store.transaction() as cur:
                cur.execute("DELETE FROM schema_version")
                for table in tables:
                    cur.execute(
                        f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet(?)",
                        [str(directory / f"{table}.parquet")],
                    )
            store.migrate()
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


def _spent(cur: duckdb.DuckDBPyConnection, year: int) -> float:
    """A year's spending, summed exactly as :attr:`Budget.spent_rho` sums it."""
    rows = cur.execute("SELECT rho FROM ledger WHERE year = ?", [year]).fetchall()
    return math.fsum(r[0] for r in rows)


BACKUP_FORMAT = "lekstat-backup/1"
MANIFEST = "MANIFEST.json"


def _check_backup(directory: Path) -> tuple[int, list[str]]:
    """The schema version and tables of a backup whose files match its manifest."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        files: dict[str, str] = dict(manifest["files"])
        version = int(manifest["schema_version"])
    except (OSError, ValueError, KeyError, TypeError):
        raise StoreError(f"{directory} is not a lekstat backup (no valid {MANIFEST})") from None
    if manifest.get("format") != BACKUP_FORMAT or not 1 <= version <= SCHEMA_VERSION:
        raise StoreError(f"{directory}: a backup this lekstat cannot read ({MANIFEST})")
    present = {p.name for p in directory.iterdir() if p.is_file() and p.name != MANIFEST}
    if present != set(files):
        raise StoreError(f"{directory}: the files differ from the manifest; not restored")
    for name, digest in files.items():
        if hashlib.sha256((directory / name).read_bytes()).hexdigest() != digest:
            raise StoreError(f"{directory}: {name} was changed after the backup; not restored")
    # Our tables at that schema version, in the order the migrations created them.
    probe = duckdb.connect(":memory:")
    try:
        probe.execute("CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMP)")
        for migration in MIGRATIONS[:version]:
            probe.execute(migration)
        tables = [r[0] for r in probe.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    finally:
        probe.close()
    missing = [t for t in tables if f"{t}.parquet" not in files]
    if missing:
        raise StoreError(f"{directory}: no data for table(s) {', '.join(missing)}; not restored")
    return version, tables


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
