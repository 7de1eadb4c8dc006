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


def restore(
    actor: Principal,
    source: Path,
    target: Path,
    *,
    journal: Path,
    accept_unproven: bool = False,
    note: Note | None = None,
) -> Store:
    """A new database at ``target`` from the backup folder ``source`` (checked first), with
    the release journal ``journal``: nothing published is ever forgotten.

    The returned store's ``caught_up`` lists the releases carried over from the journal.
    """
    note = note or Note()
    note.set("restore", str(source))
    authorize(actor, "backup")
    if target.exists():
        raise conflict(
            "restore_target_exists",
            f"{target} bestaat al; zet terug in een nieuw bestand",
            f"{target} exists; restore into a new file",
        )
    if not journal.exists() and not accept_unproven:
        raise Refusal(
            Kind.CONFLICT,
            "no_journal",
            f"er is geen publicatiejournaal in {journal}: zonder journaal kan de terugzetting "
            "niet bewijzen dat er niets wat gepubliceerd is verloren gaat. Geef met --journal het "
            "journaal van de database waar de reservekopie van is, of zet terug met "
            "--accept-unproven (publicaties van na de reservekopie worden dan vergeten)",
            f"there is no release journal at {journal}: without it the restore cannot prove "
            "that nothing published is lost. Name the journal of the database the backup came "
            "from with --journal, or restore with --accept-unproven (releases published after "
            "the backup are then forgotten)",
        )
    try:
        store = Store.restore(source, target, journal=journal, accept_unproven=accept_unproven)
    except StoreError as exc:
        raise Refusal(
            Kind.INVALID,
            "backup_refused",
            f"de reservekopie is niet teruggezet: {exc}",
            f"the backup was not restored: {exc}",
        ) from None
    note.set("restore", str(source), "carried over: " + (", ".join(store.caught_up) or "none"))
    return store
