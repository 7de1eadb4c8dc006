"""Backups: the whole database exported to a new folder, and restored into a new file.

A backup goes only into a folder it makes itself (0700, this user's): an existing folder, even
an empty one, could have been made by someone else to read or swap the files. Its manifest is
authenticated with the data key, which is not in the backup (:mod:`aggregator.store.backup`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from aggregator.services.access import authorize
from aggregator.services.audit import Note
from aggregator.services.auth import Principal
from aggregator.services.context import Context
from aggregator.services.refusals import Kind, Refusal, conflict
from aggregator.store import Keyring, Store, StoreError
from aggregator.store.crypto import new_key_text, write_key_file


def backup(ctx: Context, actor: Principal, target: Path, note: Note | None = None) -> Path:
    """Export every table to the new folder ``target``, which the backup makes itself."""
    note = note or Note()
    note.set("backup", str(target))
    authorize(actor, "backup")
    if target.exists() or target.is_symlink():
        raise conflict(
            "backup_target_exists",
            f"{target} bestaat al; een reservekopie komt alleen in een map die ze zelf maakt "
            "(geef een nieuwe naam)",
            f"{target} exists; a backup only goes into a folder it makes itself (give a new name)",
        )
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.mkdir(target, 0o700)
    info = target.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise conflict(
            "backup_target_taken",
            f"{target} is tijdens het maken door iemand anders vervangen; niets geschreven",
            f"{target} was replaced by someone else while it was made; nothing written",
        )
    os.chmod(target, 0o700)
    ctx.store.backup(target)
    return target


def restore(
    actor: Principal,
    source: Path,
    target: Path,
    *,
    journal: Path,
    keys: Keyring,
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
        store = Store.restore(
            source, target, journal=journal, keys=keys, accept_unproven=accept_unproven
        )
    except StoreError as exc:
        raise Refusal(
            Kind.INVALID,
            "backup_refused",
            f"de reservekopie is niet teruggezet: {exc}",
            f"the backup was not restored: {exc}",
        ) from None
    note.set("restore", str(source), "carried over: " + (", ".join(store.caught_up) or "none"))
    return store


def key_status(ctx: Context, actor: Principal) -> tuple[list[str], dict[str, int], str]:
    """The keyring's key ids (current first), how many versions each key seals, and where
    the keys come from (never a key itself)."""
    authorize(actor, "rotate_key")
    keys = ctx.store.keys
    return keys.ids, ctx.store.sealed_by_key(), keys.source


def reseal(ctx: Context, actor: Principal, note: Note | None = None) -> int:
    """Seal everything again under the keyring's current (first) key; return the versions.

    The second half of a rotation when the keys come from ``LEKSTAT_KEY``: put the new key
    first, the old one after it, reseal, then drop the old one.
    """
    note = note or Note()
    note.set("reseal", ctx.store.keys.current.id)
    authorize(actor, "rotate_key")
    try:
        n = ctx.store.reseal(ctx.store.keys)
    except StoreError as exc:
        raise conflict("reseal_refused", f"niet opnieuw verzegeld: {exc}", str(exc)) from None
    note.set("reseal", ctx.store.keys.current.id, f"{n} versions")
    return n


def rotate_key(
    ctx: Context, actor: Principal, *, drop_old: bool = False, note: Note | None = None
) -> tuple[str, str, int]:
    """A new data key in the key file: first added before the old ones, then everything is
    sealed again under it, then (``drop_old``) the old keys are taken out of the file.

    Every step leaves a key file that opens the database: a crash in between needs only a
    second run. Returns the old and the new key id and the number of versions resealed.
    """
    note = note or Note()
    note.set("rotate_key")
    authorize(actor, "rotate_key")
    keys = ctx.store.keys
    if keys.file is None:
        raise conflict(
            "rotate_needs_key_file",
            "de sleutel komt uit LEKSTAT_KEY: maak een nieuwe met 'lekstat-server key new', zet "
            "LEKSTAT_KEY=NIEUW,OUD, draai 'lekstat-server key reseal' en zet dan LEKSTAT_KEY=NIEUW",
            "the key comes from LEKSTAT_KEY: make a new one with 'lekstat-server key new', set "
            "LEKSTAT_KEY=NEW,OLD, run 'lekstat-server key reseal', then set LEKSTAT_KEY=NEW",
        )
    file = keys.file
    old_lines = [line for line in file.read_text(encoding="ascii").splitlines() if line.strip()]
    new_line = new_key_text()
    write_key_file(file, [new_line, *old_lines])
    rotated = Keyring.load(file)
    try:
        n = ctx.store.reseal(rotated)
    except StoreError as exc:
        write_key_file(file, old_lines)  # nothing was resealed: the old file is right again
        raise conflict("rotate_refused", f"niet geroteerd: {exc}", f"not rotated: {exc}") from None
    if drop_old:
        write_key_file(file, [new_line])
        ctx.store.keyring = Keyring.load(file)
    note.set("rotate_key", f"{keys.current.id} -> {rotated.current.id}", f"{n} versions")
    return keys.current.id, rotated.current.id, n
