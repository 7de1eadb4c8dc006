"""The database schema: migrations in order; the ``schema_version`` table records how many ran."""

from __future__ import annotations

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
)

SCHEMA_VERSION = len(MIGRATIONS)

ROW_COLUMNS = ("function_type", "data_category", "stage", "employment_type", "motive", "count")
