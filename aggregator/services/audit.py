"""What an operation tells the audit log: the action, its target and a detail (never counts).

An operation fills a :class:`Note` as it goes; the edge that called it writes the one audit
line — the HTTP guard for every data-changing request, the command line for every command that
changes data — with the outcome, also when the operation refused. A read of raw rows is
written by the operation itself (:func:`record_read`), whichever edge asked.

A line names the municipality whose data it concerns (``subject``): that municipality reads
those lines (:func:`own_entries`). The log is a chain (:mod:`aggregator.store.sealing`) that
:func:`verify` checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from aggregator.clock import utcnow
from aggregator.services.access import authorize
from aggregator.services.auth import Principal
from aggregator.services.context import Context
from aggregator.store import AuditEntry, Store


@dataclass
class Note:
    """The audit description of one operation, filled in by the operation."""

    action: str = ""
    target: str = ""
    detail: str = ""
    #: The municipality whose data the operation concerns, if one.
    subject: str | None = None

    def set(
        self, action: str, target: str = "", detail: str = "", *, subject: str | None = None
    ) -> None:
        """Describe the operation (a later call refines an earlier one)."""
        self.action, self.target, self.detail = action, target, detail
        self.subject = subject


def record_command(store: Store, actor: Principal, note: Note, *, refused: bool) -> None:
    """The audit line of a command-line operation (method ``CLI``)."""
    store.audit(
        AuditEntry(
            at=utcnow(),
            token_id=actor.token_id,
            role=actor.role,
            method="CLI",
            path="lekstat-server",
            action=note.action,
            target=note.target,
            status=1 if refused else 0,
            outcome="refused" if refused else "accepted",
            detail=note.detail,
            subject=note.subject,
        )
    )


def record_read(
    ctx: Context, actor: Principal, action: str, municipality: str, target: str, detail: str
) -> None:
    """The audit line of a read of a municipality's raw rows: who read what (never counts)."""
    ctx.store.audit(
        AuditEntry(
            at=ctx.now(),
            token_id=actor.token_id,
            role=actor.role,
            method="READ",
            path="",
            action=action,
            target=target,
            status=200,
            outcome="accepted",
            detail=detail,
            subject=municipality,
        )
    )


def entries(
    ctx: Context, actor: Principal, limit: int = 1000, before: int | None = None
) -> list[AuditEntry]:
    """A page of the audit log: the newest ``limit`` lines before line ``before``, oldest
    first (the next page is before the first line's ``seq``)."""
    authorize(actor, "read_audit")
    return ctx.store.audit_entries(limit, before=before)


def own_entries(
    ctx: Context, actor: Principal, limit: int = 1000, before: int | None = None
) -> list[AuditEntry]:
    """A page of the audit lines about the calling municipality's data, oldest first."""
    authorize(actor, "read_own_audit")
    return ctx.store.audit_entries(limit, before=before, subject=actor.municipality)


def verify(ctx: Context, actor: Principal) -> tuple[int, str, int | None]:
    """Check the audit log's chain: lines, head, and the first line that does not follow."""
    authorize(actor, "verify_audit")
    return ctx.store.verify_audit()
