"""What the store refuses or cannot do; the services turn these into refusals."""

from __future__ import annotations

from aggregator.store.records import PeriodLock, SubmissionRecord


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


class BudgetRaiseError(BudgetError):
    """A raise of a year's total after releases spent from it, without a reason."""


class AlreadyLockedError(Exception):
    """The period was locked before."""

    def __init__(self, lock: PeriodLock) -> None:
        super().__init__(f"period {lock.period} is already locked")
        self.lock = lock
