"""``lekstat-server report``: the yearly report of a release, as HTML or PDF."""

from __future__ import annotations

import argparse

from aggregator.cli.base import EXIT_OK, Cli, Commands, command
from aggregator.cli.budget import arg_year
from aggregator.services import reports
from aggregator.services.auth import OPERATOR


@command(
    "Schrijf het jaarrapport (HTML of PDF, naar de extensie van het bestand) uit een "
    "publicatie van het jaar.",
    "Write the yearly report (HTML or PDF by the file's suffix) from a year's release.",
)
def cmd_report(args: argparse.Namespace, cli: Cli) -> int:
    """Write the yearly report (HTML or PDF by the file's suffix) from a year's release."""
    lang = args.lang_report or cli.lang
    data, written = reports.write(
        cli.context(), OPERATOR, args.year, lang, cli.path(args.out), args.release
    )
    rid = data.release["id"]
    cli.say(
        f"rapport {rid} ({lang}) geschreven naar {written}",
        f"report {rid} ({lang}) written to {written}",
    )
    return EXIT_OK


def register(commands: Commands) -> None:
    """The ``report`` command and its arguments."""
    t = commands.t
    report = commands.add("report", cmd_report)
    report.add_argument("--year", type=arg_year, required=True)
    report.add_argument(
        "--lang",
        dest="lang_report",
        choices=("nl", "en"),
        default=None,
        help=t(
            "de taal van het rapport (standaard: die van de opdracht)",
            "the report's language (default: the command's)",
        ),
    )
    report.add_argument(
        "--out", required=True, help=t("BESTAND.html of BESTAND.pdf", "FILE.html or FILE.pdf")
    )
    report.add_argument(
        "--release",
        help=t(
            "een publicatie-id (standaard: de laatste van het jaar)",
            "a release id (default: the year's latest)",
        ),
    )
