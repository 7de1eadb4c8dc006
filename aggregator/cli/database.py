"""``lekstat-server init``, ``backup`` and ``restore``: the database itself."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from aggregator.cli.base import EXIT_OK, Cli, CommandError, Commands, command
from aggregator.cli.tokens import ensure_admin_token
from aggregator.services import audit, backups
from aggregator.services.auth import OPERATOR
from aggregator.store import Keyring, KeyringError, journal_path_of, key_path_of
from aggregator.store.crypto import keys_of


@command(
    "Maak (of werk bij) de database; schrijf een eerste beheerderstoken als er geen is.",
    "Create (or upgrade) the database; write a first admin token if there is none.",
)
def cmd_init(args: argparse.Namespace, cli: Cli) -> int:
    """Create (or upgrade) the database; write a first admin token if there is none."""
    store = cli.store()
    v = store.schema_version()
    cli.say(
        f"database {cli.db_path} (schemaversie {v})", f"database {cli.db_path} (schema version {v})"
    )
    ensure_admin_token(cli)
    return EXIT_OK


@command(
    "Exporteer de hele database naar een nieuwe map (DuckDB EXPORT DATABASE, Parquet).",
    "Export the whole database to a new directory (DuckDB EXPORT DATABASE, Parquet).",
)
def cmd_backup(args: argparse.Namespace, cli: Cli) -> int:
    """Export the whole database to a new directory (DuckDB EXPORT DATABASE, Parquet)."""
    target = backups.backup(cli.context(), OPERATOR, cli.path(args.directory), cli.note)
    cli.say(f"reservekopie geschreven naar {target}", f"backup written to {target}")
    return EXIT_OK


@command(
    "Zet een reservekopie terug in een nieuw databasebestand (--db of LEKSTAT_DB).",
    "Restore a backup directory into a new database file (--db or LEKSTAT_DB).",
)
def cmd_restore(args: argparse.Namespace, cli: Cli) -> int:
    """Restore a backup directory into a new database file (--db or LEKSTAT_DB)."""
    source = cli.path(args.directory)
    keys, key_copy = _restore_keys(args, cli)
    target_journal = cli.journal_path or journal_path_of(cli.db_path)
    journal = cli.path(args.journal) if args.journal else target_journal
    copied = journal.resolve() != target_journal.resolve() and journal.exists()
    if copied:
        if target_journal.exists():
            raise CommandError(
                f"{target_journal} bestaat al; zet terug in een nieuw bestand",
                f"{target_journal} exists; restore into a new file",
                1,
            )
        # The restored database continues the journal it was proven against.
        shutil.copyfile(journal, target_journal)
    try:
        store = backups.restore(
            OPERATOR,
            source,
            cli.db_path,
            journal=target_journal if copied else journal,
            keys=keys,
            accept_unproven=args.accept_unproven,
            note=cli.note,
        )
        if key_copy is not None and keys.file is not None:
            # The restored database opens with the key it was restored with, beside it.
            shutil.copyfile(keys.file, key_copy)
    except BaseException:
        if copied:
            target_journal.unlink(missing_ok=True)
        raise
    cli._store = store
    v = store.schema_version()
    cli.say(
        f"{source} teruggezet in {cli.db_path} (schemaversie {v})",
        f"restored {source} into {cli.db_path} (schema version {v})",
    )
    carried = ", ".join(store.caught_up)
    cli.say(
        f"uit het journaal overgenomen publicaties (van na de reservekopie): {carried or 'geen'}",
        f"releases carried over from the journal (published after the backup): {carried or 'none'}",
    )
    return EXIT_OK


def _restore_keys(args: argparse.Namespace, cli: Cli) -> tuple[Keyring, Path | None]:
    """The keyring a restore opens the backup with, and where to copy its file (if at all)."""
    beside = key_path_of(cli.db_path)
    settings = cli.settings
    configured = keys_of(settings.key, settings.key_file) if settings is not None else None
    try:
        if args.key_file:
            keys = Keyring.load(cli.path(args.key_file))
            copy = beside if configured is None and not beside.exists() else None
            return keys, copy
        if isinstance(configured, Keyring):
            return configured, None
        return Keyring.load(configured or beside), None
    except KeyringError as exc:
        raise CommandError(
            f"geen bruikbare sleutel voor de terugzetting: {exc}. Geef met --key-file het "
            "sleutelbestand van de database waar de reservekopie van is",
            f"no usable key for the restore: {exc}. Name the key file of the database the "
            "backup came from with --key-file",
            1,
        ) from None


@command(
    "Controleer de hashketen van het auditlog: elke regel, in volgorde, onveranderd.",
    "Check the audit log's hash chain: every line, in order, unchanged.",
)
def cmd_audit_verify(args: argparse.Namespace, cli: Cli) -> int:
    """Check the audit log's hash chain: every line, in order, unchanged."""
    lines, head, broken = audit.verify(cli.context(), OPERATOR)
    if broken is not None:
        raise CommandError(
            f"het auditlog is niet intact: regel {broken} volgt niet op de regel ervoor (of is "
            f"veranderd, weggehaald of ingevoegd); {lines} regels",
            f"the audit log is not intact: line {broken} does not follow the line before it "
            f"(it was changed, removed or inserted); {lines} lines",
            1,
        )
    cli.say(
        f"auditlog intact: {lines} regels; kop {head} (noteer hem elders: een log dat aan het "
        "eind is ingekort heeft een andere kop)",
        f"audit log intact: {lines} lines; head {head} (note it elsewhere: a log cut short at "
        "its end has another head)",
    )
    return EXIT_OK


def register(commands: Commands) -> None:
    """The database commands and their arguments."""
    commands.add("init", cmd_init)
    group = commands.group("audit", "het auditlog", "the audit log")
    group.add("verify", cmd_audit_verify)
    commands.add("backup", cmd_backup).add_argument("directory")
    restore = commands.add("restore", cmd_restore)
    restore.add_argument("directory")
    restore.add_argument(
        "--journal",
        help=commands.t(
            "het publicatiejournaal van de database waar de reservekopie van is "
            "(standaard: LEKSTAT_JOURNAL of het journaal naast de nieuwe database)",
            "the release journal of the database the backup came from (default: "
            "LEKSTAT_JOURNAL or the journal beside the new database)",
        ),
    )
    restore.add_argument(
        "--key-file",
        help=commands.t(
            "het sleutelbestand van de database waar de reservekopie van is (standaard: "
            "LEKSTAT_KEY_FILE, LEKSTAT_KEY of de sleutel naast de nieuwe database); het wordt "
            "naast de nieuwe database gezet",
            "the key file of the database the backup came from (default: LEKSTAT_KEY_FILE, "
            "LEKSTAT_KEY or the key beside the new database); it is copied beside the new "
            "database",
        ),
    )
    restore.add_argument(
        "--accept-unproven",
        action="store_true",
        help=commands.t(
            "ook terugzetten als het journaal niet kan bewijzen dat niets wat "
            "gepubliceerd is verloren gaat",
            "restore even when the journal cannot prove that nothing published is lost",
        ),
    )
