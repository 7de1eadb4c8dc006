"""``lekstat-server token``: issue, list and revoke tokens; the first admin token."""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

from aggregator.cli.base import (
    EXIT_OK,
    Cli,
    CommandError,
    Commands,
    command,
    table,
    write_private,
)
from aggregator.clock import iso
from aggregator.services import tokens
from aggregator.services.auth import OPERATOR, ROLES
from aggregator.store import TokenRecord
from schemas.roles import role_name

#: The first admin token is written next to the database under this name.
ADMIN_TOKEN_FILE = "lekstat-admin-token.txt"  # noqa: S105 - a file name, not a secret


def ensure_admin_token(cli: Cli) -> Path | None:
    """Create the first admin token and write it next to the database, if no admin exists."""

    def deliver(token: str, record: TokenRecord) -> Path:
        target = cli.db_path.resolve().with_name(ADMIN_TOKEN_FILE)
        if target.exists():
            target = target.with_name(f"lekstat-admin-token-{record.id}.txt")
        write_private(target, token + "\n")
        cli.note.set("create_token", "admin", record.id)
        return target

    target = tokens.first_admin(cli.context(), deliver)
    if target is not None:
        cli.write_audit(refused=False)
        key_file = cli.context().store.keys.file
        if key_file is not None:  # a new database: tell where its key is before it is needed
            key_file = key_file.resolve()
            cli.say(
                f"de sleutel die de ruwe aantallen verzegelt staat in {key_file} (alleen voor u "
                "leesbaar); bewaar een kopie apart van de database en de reservekopieën: zonder "
                "sleutel zijn de aantallen niet te lezen",
                f"the key that seals the raw counts is in {key_file} (readable only by you); "
                "keep a copy apart from the database and its backups: without it the counts "
                "cannot be read",
            )
        cli.say(
            f"eerste beheerderstoken geschreven naar {target} (alleen voor u leesbaar); bewaar "
            "het in uw wachtwoordkluis en verwijder het bestand",
            f"first admin token written to {target} (readable only by you); store it in your "
            "password manager and delete the file",
        )
    return target


@command(
    "Geef een token uit; het staat één keer op de laatste regel van de uitvoer.",
    "Issue a token; it is shown once, on the last line of the output.",
)
def cmd_token_create(args: argparse.Namespace, cli: Cli) -> int:
    """Issue a token; it is shown once, on the last line of the output."""
    if args.all_municipalities:
        if args.role != "municipality" or not args.out:
            raise CommandError(
                "--all-municipalities hoort bij --role municipality en --out BESTAND",
                "--all-municipalities needs --role municipality and --out FILE",
            )
        out = cli.path(args.out)
        if out.exists():
            raise CommandError(
                f"{out} bestaat al; kies een nieuw bestand (tokens worden maar één keer getoond)",
                f"{out} exists; choose a new file (tokens are shown only once)",
                1,
            )

        def deliver(pairs: list[tuple[str, str]]) -> Path:
            lines = io.StringIO()
            writer = csv.writer(lines, lineterminator="\n")
            writer.writerow(["municipality", "token"])
            writer.writerows(pairs)
            write_private(out, lines.getvalue())
            return out

        _, n = tokens.issue_for_every_municipality(
            cli.context(), OPERATOR, args.label or "", deliver, cli.note, days=args.days
        )
        cli.say(
            f"{n} gemeentetokens geschreven naar {out} (mode 0600)",
            f"{n} municipality tokens written to {out} (mode 0600)",
        )
        return EXIT_OK
    token, record = tokens.issue(
        cli.context(),
        OPERATOR,
        args.role,
        args.municipality,
        args.label or "",
        cli.note,
        days=args.days,
    )
    who = role_name(record.role, cli.lang) + (
        f" {record.municipality}" if record.municipality else ""
    )
    until = iso(record.expires_at)
    cli.say(
        f"token {record.id} ({who}, werkt tot {until}); bewaar het nu, het wordt niet nog eens "
        "getoond:",
        f"token {record.id} ({who}, works until {until}); store it now, it is not shown again:",
    )
    cli.print(token)
    return EXIT_OK


@command(
    "Toon de tokens: id, rol, gemeente, label, gemaakt, verloopt, ingetrokken (nooit het geheim).",
    "List tokens: id, role, municipality, label, created, expires, revoked (never the secret).",
)
def cmd_token_list(args: argparse.Namespace, cli: Cli) -> int:
    """List tokens: id, role, municipality, label, created, expires, revoked (never the secret)."""
    records = tokens.listing(cli.context(), OPERATOR, include_revoked=args.all)
    rows = [
        (
            t.id,
            role_name(t.role, cli.lang),
            t.municipality or "",
            t.label,
            iso(t.created_at),
            iso(t.expires_at) or "",
            iso(t.revoked_at) or "",
        )
        for t in records
    ]
    header = (
        ["id", "rol", "gemeente", "label", "gemaakt", "verloopt", "ingetrokken"]
        if cli.lang == "nl"
        else ["id", "role", "municipality", "label", "created", "expires", "revoked"]
    )
    cli.print(table(rows, header))
    return EXIT_OK


@command(
    "Trek een token in op zijn id; het werkt meteen niet meer.",
    "Revoke a token by its id; it stops working at once.",
)
def cmd_token_revoke(args: argparse.Namespace, cli: Cli) -> int:
    """Revoke a token by its id; it stops working at once."""
    tokens.revoke(cli.context(), OPERATOR, args.id, cli.note)
    cli.say(f"token {args.id} ingetrokken", f"token {args.id} revoked")
    return EXIT_OK


def register(commands: Commands) -> None:
    """The ``token`` commands and their arguments."""
    t = commands.t
    group = commands.group(
        "token", "tokens uitgeven, tonen en intrekken", "issue, list and revoke tokens"
    )
    create = group.add("create", cmd_token_create)
    create.add_argument("--role", required=True, choices=ROLES)
    who = create.add_mutually_exclusive_group()
    who.add_argument("--municipality", metavar="GMxxxx")
    who.add_argument(
        "--all-municipalities",
        action="store_true",
        help=t("één token per gemeente", "one token per municipality"),
    )
    create.add_argument(
        "--out",
        help=t(
            "CSV-bestand voor --all-municipalities (municipality,token)",
            "CSV file for --all-municipalities (municipality,token)",
        ),
    )
    create.add_argument(
        "--label", help=t("een notitie: wie het token heeft", "a note: who holds the token")
    )
    create.add_argument(
        "--days",
        type=int,
        help=t(
            "hoeveel dagen het token werkt (standaard LEKSTAT_TOKEN_DAYS, hoogstens "
            "LEKSTAT_TOKEN_MAX_DAYS)",
            "how many days the token works (default LEKSTAT_TOKEN_DAYS, at most "
            "LEKSTAT_TOKEN_MAX_DAYS)",
        ),
    )
    listing = group.add("list", cmd_token_list)
    listing.add_argument(
        "--all", action="store_true", help=t("ook ingetrokken tokens", "include revoked tokens")
    )
    revoke = group.add("revoke", cmd_token_revoke)
    revoke.add_argument("id")
