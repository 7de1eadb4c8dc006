"""The store: the only package that imports duckdb, and the only place raw counts live.

``schema`` holds the migrations, ``records`` the plain records read and written, ``errors`` what
the store refuses, ``store`` the :class:`Store` itself, ``journal`` the append-only journal of
what was published, ``backup`` the backup format, ``crypto`` the data key and ``sealing``
what it seals and chains.
"""

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
from aggregator.store.journal import JournalError
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
from aggregator.store.schema import ROW_COLUMNS, SCHEMA_VERSION
from aggregator.store.store import Store, journal_path_of, key_path_of

__all__ = [
    "ROW_COLUMNS",
    "SCHEMA_VERSION",
    "AlreadyLockedError",
    "AuditEntry",
    "Budget",
    "BudgetChange",
    "BudgetError",
    "BudgetRaiseError",
    "CompletenessRow",
    "DatabaseLocked",
    "IdempotencyConflictError",
    "JournalError",
    "Keyring",
    "KeyringError",
    "LedgerEntry",
    "PeriodLock",
    "PeriodLockedError",
    "SessionRecord",
    "Store",
    "StoreError",
    "SubmissionRecord",
    "TokenRecord",
    "journal_path_of",
    "key_path_of",
]
