"""The records the store reads and writes: plain data, one class per stored thing."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass


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
    #: After this moment the token no longer works (None only for a record made by hand).
    expires_at: dt.datetime | None = None

    @property
    def active(self) -> bool:
        """Whether the token has not been revoked (see :meth:`valid_at` for expiry too)."""
        return self.revoked_at is None

    def valid_at(self, now: dt.datetime) -> bool:
        """Whether the token works at ``now``: not revoked and not expired."""
        return self.active and (self.expires_at is None or now < self.expires_at)


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
    #: The encoding a CSV file was read in (``utf-8``, ``windows-1252``); None for JSON.
    encoding: str | None = None


@dataclass(frozen=True)
class PeriodLock:
    """A locked period."""

    period: str
    locked_at: dt.datetime
    locked_by: str


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
    #: The municipality whose data the line concerns (its rows, its submissions, its tokens).
    subject: str | None = None
    #: How many requests the line stands for (anonymous refusals are counted, not listed).
    count: int = 1
    #: The line's place in the chain (0 until it is written).
    seq: int = 0


@dataclass(frozen=True)
class CompletenessRow:
    """What a period's submissions of one municipality look like (never their content)."""

    municipality: str
    versions: int
    first_received_at: dt.datetime
    last_received_at: dt.datetime
    first_late: bool


@dataclass(frozen=True)
class LedgerEntry:
    """One release's spending from a year's budget."""

    release_id: str
    year: int
    rho: float
    created_at: dt.datetime


@dataclass(frozen=True)
class BudgetChange:
    """One change of a year's total: from what to what, by whom, when and why."""

    seq: int
    year: int
    changed_at: dt.datetime
    changed_by: str
    old_rho: float | None
    new_rho: float
    reason: str


@dataclass(frozen=True)
class Budget:
    """A data year's privacy budget (zCDP rho): total, spent by releases, ledger and changes."""

    year: int
    total_rho: float | None
    set_at: dt.datetime | None
    set_by: str | None
    ledger: tuple[LedgerEntry, ...]
    changes: tuple[BudgetChange, ...] = ()

    @property
    def spent_rho(self) -> float:
        """The sum of the ledger."""
        return math.fsum(e.rho for e in self.ledger)

    @property
    def remaining_rho(self) -> float:
        """What is left (0 when no budget has been set)."""
        return max(0.0, (self.total_rho or 0.0) - self.spent_rho)


@dataclass(frozen=True)
class SessionRecord:
    """A browser session as stored: the hash of its secret, its token and its expiry."""

    hash: str
    token_id: str
    created_at: dt.datetime
    expires_at: dt.datetime
