"""What an operation tells the audit log: the action, its target and a detail (never counts).

An operation fills a :class:`Note` as it goes; the edge that called it writes the one audit
line — the HTTP guard for every data-changing request, the command line for every command that
changes data — with the outcome, also when the operation refused.
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

    def set(self, action: str, target: str = "", detail: str = "") -> None:
        """Describe the operation (a later call refines an earlier one)."""
        self.action, self.target, self.detail = action, target, detail


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
        )
    )


def entries(ctx: Context, actor: Principal, limit: int = 1000) -> list[AuditEntry]:
    """The most recent audit lines, oldest first."""
    authorize(actor, "read_audit")
    return ctx.store.audit_entries(limit)
