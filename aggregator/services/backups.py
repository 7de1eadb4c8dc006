"""Backups: the whole database exported to a new folder, and restored into a new file."""

from __future__ import annotations

from pathlib import Path

from aggregator.services.access import authorize
from aggregator.services.audit import Note
from aggregator.services.auth import Principal
from aggregator.services.context import Context
from aggregator.services.refusals import Kind, Refusal, conflict
from aggregator.store import Store, StoreError


def backup(ctx: Context, actor: Principal, target: Path, note: Note | None = None) -> Path:
    """Export every table to the new (or empty) folder ``target``."""
    note = note or Note()
    note.set("backup", str(target))
    authorize(actor, "backup")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise conflict(
            "backup_target_not_empty",
            f"{target} is niet leeg; maak de reservekopie in een nieuwe map",
            f"{target} is not empty; back up into a new directory",
        )
    target.mkdir(parents=True, exist_ok=True)
    ctx.store.backup(target)
    return target


def restore(actor: Principal, source: Path, target: Path, note: Note | None = None) -> Store:
    """A new database at ``target`` from the backup folder ``source`` (checked first)."""
    note = note or Note()
    note.set("restore", str(source))
    authorize(actor, "backup")
    try:
        return Store.restore(source, target)
    except StoreError as exc:
        raise Refusal(
            Kind.INVALID,
            "backup_refused",
            f"de reservekopie is niet teruggezet: {exc}",
            f"the backup was not restored: {exc}",
        ) from None
