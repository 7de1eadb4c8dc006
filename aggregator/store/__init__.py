"""The store: the only package that imports duckdb, and the only place raw counts live.

``schema`` holds the migrations, ``records`` the plain records read and written, ``errors`` what
the store refuses, ``store`` the :class:`Store` itself and ``backup`` the backup format.
"""

from aggregator.store.errors import (
    AlreadyLockedError,
    BudgetError,
    DatabaseLocked,
    IdempotencyConflictError,
    PeriodLockedError,
    StoreError,
)
from aggregator.store.records import (
    AuditEntry,
    Budget,
    CompletenessRow,
    LedgerEntry,
    PeriodLock,
    SessionRecord,
    SubmissionRecord,
    TokenRecord,
)
from aggregator.store.schema import ROW_COLUMNS, SCHEMA_VERSION
from aggregator.store.store import Store

__all__ = [
    "ROW_COLUMNS",
    "SCHEMA_VERSION",
    "AlreadyLockedError",
    "AuditEntry",
    "Budget",
    "BudgetError",
    "CompletenessRow",
    "DatabaseLocked",
    "IdempotencyConflictError",
    "LedgerEntry",
    "PeriodLock",
    "PeriodLockedError",
    "SessionRecord",
    "Store",
    "StoreError",
    "SubmissionRecord",
    "TokenRecord",
]
