"""``lekstat-server init``, ``backup`` and ``restore``: the database itself."""

from __future__ import annotations

import argparse

from aggregator.cli.base import EXIT_OK, Cli, Commands, command
from aggregator.cli.tokens import ensure_admin_token
from aggregator.services import backups
from aggregator.services.auth import OPERATOR


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
    store = backups.restore(OPERATOR, source, cli.db_path, cli.note)
    cli._store = store
    v = store.schema_version()
    cli.say(
        f"{source} teruggezet in {cli.db_path} (schemaversie {v})",
        f"restored {source} into {cli.db_path} (schema version {v})",
    )
    return EXIT_OK


def register(commands: Commands) -> None:
    """The database commands and their arguments."""
    commands.add("init", cmd_init)
    commands.add("backup", cmd_backup).add_argument("directory")
    commands.add("restore", cmd_restore).add_argument("directory")
