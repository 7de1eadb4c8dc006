"""The database schema: migrations in order; the ``schema_version`` table records how many ran.

A migration is SQL, or a function of the open transaction and the keyring for what SQL cannot
do (sealing rows with the data key); it returns whether it rewrote plaintext, after which the
store rewrites its file so that no freed page keeps the old values.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from aggregator.store import sealing
from aggregator.store.crypto import Keyring

Migration = str | Callable[[duckdb.DuckDBPyConnection, Keyring | None], bool]


def _seal_and_chain(cur: duckdb.DuckDBPyConnection, keyring: Keyring | None) -> bool:
    """6: seal every submission's rows and counts; chain the audit log (see the modules)."""
    sealed = sealing.seal_plain_submissions(cur, keyring)
    sealing.chain_unchained_audit(cur, keyring)
    return sealed


#: Migrations in order; the schema_version table records how many were applied.
MIGRATIONS: tuple[Migration, ...] = (
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
    # 2: browser sessions (the portal): a token exchanged for a session, stored as a hash.
    """
    CREATE TABLE web_sessions (
        hash VARCHAR PRIMARY KEY,
        token_id VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP NOT NULL
    );
    """,
    # 3: every change of a year's budget, with who, when and why (the journal's line number).
    """
    CREATE TABLE budget_changes (
        seq INTEGER PRIMARY KEY,
        year INTEGER NOT NULL,
        changed_at TIMESTAMP NOT NULL,
        changed_by VARCHAR NOT NULL,
        old_rho DOUBLE,
        new_rho DOUBLE NOT NULL,
        reason VARCHAR NOT NULL DEFAULT ''
    );
    """,
    # 4: the encoding a CSV file was read in (Windows-1252 from Excel), to show on the receipt.
    """
    ALTER TABLE submissions ADD COLUMN encoding VARCHAR;
    """,
    # 5: tokens expire (existing ones a year after they were made); audit lines get a place in
    # the hash chain, the municipality whose data they concern, and how many requests they
    # stand for (anonymous refusals are counted, not written one by one).
    """
    ALTER TABLE tokens ADD COLUMN expires_at TIMESTAMP;
    UPDATE tokens SET expires_at = created_at + INTERVAL 365 DAY;
    ALTER TABLE audit_log ADD COLUMN seq BIGINT;
    ALTER TABLE audit_log ADD COLUMN subject VARCHAR;
    ALTER TABLE audit_log ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE audit_log ADD COLUMN hash VARCHAR;
    """,
    # 6: raw rows and everything computed from counts sealed with the data key (in
    # ``submissions.sealed``; ``submission_rows`` goes), the audit log chained.
    _seal_and_chain,
)

SCHEMA_VERSION = len(MIGRATIONS)

ROW_COLUMNS = ("function_type", "data_category", "stage", "employment_type", "motive", "count")
