"""``lekstat-server period``: lock a quarter for good, and list the locks."""

from __future__ import annotations

import argparse

from aggregator.cli.base import EXIT_OK, Cli, Commands, command, table
from aggregator.clock import iso
from aggregator.services import periods
from aggregator.services.auth import OPERATOR


@command(
    "Vergrendel een periode: aanleveringen en correcties ervoor worden vanaf nu geweigerd.",
    "Lock a period: submissions and corrections for it are refused from now on.",
)
def cmd_period_lock(args: argparse.Namespace, cli: Cli) -> int:
    """Lock a period: submissions and corrections for it are refused from now on."""
    lock = periods.lock(cli.context(), OPERATOR, args.period, cli.note)
    when = iso(lock.locked_at)
    cli.say(f"{lock.period} vergrendeld op {when}", f"{lock.period} locked at {when}")
    return EXIT_OK


@command("Toon de vergrendelde perioden.", "List locked periods.")
def cmd_period_list(args: argparse.Namespace, cli: Cli) -> int:
    """List locked periods."""
    rows = [
        (lock.period, iso(lock.locked_at), lock.locked_by)
        for lock in periods.locks(cli.context(), OPERATOR)
    ]
    header = (
        ["periode", "vergrendeld_op", "door"]
        if cli.lang == "nl"
        else ["period", "locked_at", "locked_by"]
    )
    cli.print(table(rows, header))
    return EXIT_OK


def register(commands: Commands) -> None:
    """The ``period`` commands and their arguments."""
    group = commands.group("period", "perioden vergrendelen", "lock periods")
    lock = group.add("lock", cmd_period_lock)
    lock.add_argument("period", help=commands.t("bijvoorbeeld 2026-Q1", "e.g. 2026-Q1"))
    group.add("list", cmd_period_list)
