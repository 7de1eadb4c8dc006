"""``lekstat-server demo`` and ``demo-clock``: the whole story on synthetic data."""

from __future__ import annotations

import argparse

from aggregator.cli.base import EXIT_FAILURE, EXIT_OK, Cli, CommandError, Commands, command
from aggregator.cli.budget import arg_rho
from aggregator.clock import SettableClock, parse_moment


@command(
    "Het hele verhaal op synthetische gegevens: een echte server, 342 gemeenten, een "
    "publicatie, rapporten.",
    "The whole story on synthetic data: a real server, 342 municipalities, a release, reports.",
)
def cmd_demo(args: argparse.Namespace, cli: Cli) -> int:
    """The whole story on synthetic data: a real server, 342 municipalities, a release, reports."""
    from aggregator.demo.run import DemoError, run_demo  # the client and httpx: only here

    year = args.year or cli.clock().year - 1
    try:
        run_demo(
            cli.path(args.out),
            year=year,
            seed=args.seed,
            rho=args.rho,
            concurrency=args.concurrency,
            stream=cli.out,
        )
    except DemoError as exc:
        raise CommandError(str(exc), str(exc), EXIT_FAILURE) from None
    return EXIT_OK


@command(
    "Alleen voor demonstraties: zet de klok van de draaiende server (met een demoklok).",
    "Demonstrations only: set the running server's clock (it must run with a demo clock).",
)
def cmd_demo_clock(args: argparse.Namespace, cli: Cli) -> int:
    """Demonstrations only: set the running server's clock (it must run with a demo clock)."""
    if not isinstance(cli.clock, SettableClock):
        raise CommandError(
            "alleen een server die met LEKSTAT_DEMO_CLOCK is gestart heeft een instelbare klok",
            "only a server started with LEKSTAT_DEMO_CLOCK has a settable clock",
            1,
        )
    try:
        moment = parse_moment(args.moment)
    except ValueError:
        raise CommandError(
            f"{args.moment!r} is geen ISO-datum of -tijd",
            f"{args.moment!r} is not an ISO date or time",
        ) from None
    cli.clock.set(moment)
    cli.say(
        f"de klok van de service staat nu op {moment:%Y-%m-%d %H:%M} UTC",
        f"the service's clock now says {moment:%Y-%m-%d %H:%M} UTC",
    )
    return EXIT_OK


def register(commands: Commands) -> None:
    """The ``demo`` commands and their arguments."""
    t = commands.t
    demo = commands.add("demo", cmd_demo)
    demo.add_argument(
        "--out",
        default="demo-output",
        help=t("map voor alles wat de demo schrijft", "folder for everything the demo writes"),
    )
    demo.add_argument(
        "--year",
        type=int,
        help=t("het gegevensjaar (standaard: vorig jaar)", "the data year (default: last year)"),
    )
    demo.add_argument("--seed", type=int, default=2025)
    demo.add_argument(
        "--rho",
        type=arg_rho,
        default=0.5,
        help=t("het budget van de publicatie", "the release's budget"),
    )
    demo.add_argument("--concurrency", type=int, default=16)
    clock = commands.add("demo-clock", cmd_demo_clock)
    clock.add_argument("moment", help=t("bijvoorbeeld 2025-04-08T09:00", "e.g. 2025-04-08T09:00"))
    # Not listed in --help: it only works against a server started with a demo clock.
    commands.sub._choices_actions = [
        a for a in commands.sub._choices_actions if a.dest != "demo-clock"
    ]
