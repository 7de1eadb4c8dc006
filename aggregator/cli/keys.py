"""``lekstat-server key``: the data key that seals raw rows (status, new, rotate, reseal).

The key never appears in the database or a backup; these commands never print one, except
``key new`` without ``--out`` (for ``LEKSTAT_KEY``), once, on the last line. They run with the
service stopped: a rotation rewrites the database file.
"""

from __future__ import annotations

import argparse

from aggregator.cli.base import EXIT_OK, Cli, CommandError, Commands, command, table
from aggregator.services import backups
from aggregator.services.auth import OPERATOR
from aggregator.store.crypto import new_key_text, write_key_file


@command(
    "Toon de sleutels (alleen hun id) en hoeveel versies elk verzegelt.",
    "Show the keys (their ids only) and how many versions each seals.",
)
def cmd_key_status(args: argparse.Namespace, cli: Cli) -> int:
    """Show the keys (their ids only) and how many versions each seals."""
    ids, sealed, source = backups.key_status(cli.context(), OPERATOR)
    current = cli.t("huidig", "current")
    older = cli.t("alleen openen", "opens only")
    rows = [(i, current if n == 0 else older, sealed.get(i, 0)) for n, i in enumerate(ids)]
    header = ["sleutel", "rol", "versies"] if cli.lang == "nl" else ["key", "role", "versions"]
    cli.say(f"sleutels uit {source}", f"keys from {source}")
    cli.print(table(rows, header))
    unknown = sorted(set(sealed) - set(ids))
    if unknown:
        cli.say(
            f"versies verzegeld met een sleutel die ontbreekt: {', '.join(unknown)}",
            f"versions sealed with a key that is missing: {', '.join(unknown)}",
        )
    return EXIT_OK


@command(
    "Maak een nieuwe sleutel: in een nieuw bestand (0600), of (zonder --out) op de laatste "
    "regel, voor LEKSTAT_KEY.",
    "Make a new key: in a new file (0600), or (without --out) on the last line, for LEKSTAT_KEY.",
)
def cmd_key_new(args: argparse.Namespace, cli: Cli) -> int:
    """Make a new key: in a new file (0600), or on the last line, for LEKSTAT_KEY."""
    key = new_key_text()
    if args.out:
        out = cli.path(args.out)
        if out.exists():
            raise CommandError(
                f"{out} bestaat al; kies een nieuw bestand",
                f"{out} exists; choose a new file",
                1,
            )
        write_key_file(out, [key])
        cli.say(f"nieuwe sleutel in {out} (mode 0600)", f"new key in {out} (mode 0600)")
        return EXIT_OK
    cli.say(
        "nieuwe sleutel; bewaar hem nu in uw geheimenkluis, hij wordt niet nog eens getoond:",
        "new key; store it in your secret store now, it is not shown again:",
    )
    cli.print(key)
    return EXIT_OK


@command(
    "Roteer de sleutel in het sleutelbestand: een nieuwe sleutel, alles opnieuw verzegeld.",
    "Rotate the key in the key file: a new key, everything sealed again under it.",
)
def cmd_key_rotate(args: argparse.Namespace, cli: Cli) -> int:
    """Rotate the key in the key file: a new key, everything sealed again under it."""
    old, new, n = backups.rotate_key(cli.context(), OPERATOR, drop_old=args.drop_old, note=cli.note)
    cli.say(
        f"sleutel {old} vervangen door {new}; {n} versies opnieuw verzegeld en het auditlog "
        "opnieuw geketend",
        f"key {old} replaced by {new}; {n} versions sealed again and the audit log chained again",
    )
    if args.drop_old:
        cli.say(
            "de oude sleutel is uit het bestand: oudere reservekopieën zijn er niet meer mee "
            "terug te zetten",
            "the old key is out of the file: older backups can no longer be restored with it",
        )
    else:
        cli.say(
            "de oude sleutel blijft in het bestand (alleen om oudere reservekopieën te openen); "
            "maak nu een nieuwe reservekopie en haal hem later weg met --drop-old",
            "the old key stays in the file (only to open older backups); make a new backup now "
            "and take it out later with --drop-old",
        )
    return EXIT_OK


@command(
    "Verzegel alles opnieuw met de eerste sleutel (rotatie met LEKSTAT_KEY=NIEUW,OUD).",
    "Seal everything again with the first key (rotation with LEKSTAT_KEY=NEW,OLD).",
)
def cmd_key_reseal(args: argparse.Namespace, cli: Cli) -> int:
    """Seal everything again with the first key (rotation with LEKSTAT_KEY=NEW,OLD)."""
    n = backups.reseal(cli.context(), OPERATOR, cli.note)
    cli.say(f"{n} versies opnieuw verzegeld", f"{n} versions sealed again")
    return EXIT_OK


def register(commands: Commands) -> None:
    """The ``key`` commands and their arguments."""
    t = commands.t
    group = commands.group(
        "key",
        "de sleutel die de ruwe aantallen verzegelt",
        "the key that seals the raw counts",
    )
    group.add("status", cmd_key_status)
    new = group.add("new", cmd_key_new)
    new.add_argument("--out", help=t("een nieuw sleutelbestand", "a new key file"))
    rotate = group.add("rotate", cmd_key_rotate)
    rotate.add_argument(
        "--drop-old",
        action="store_true",
        help=t(
            "haal de oude sleutels uit het bestand (oudere reservekopieën gaan dan niet meer)",
            "take the old keys out of the file (older backups then no longer restore)",
        ),
    )
    group.add("reseal", cmd_key_reseal)
