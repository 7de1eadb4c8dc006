"""``lekstat-server serve``: the service, with the operator channel beside it."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

from aggregator.cli.base import EXIT_FAILURE, EXIT_OK, Cli, CommandError, Commands, command
from aggregator.cli.channel import OperatorChannel, OperatorError, socket_path
from aggregator.cli.tokens import ensure_admin_token
from aggregator.clock import SettableClock, parse_moment, utcnow
from aggregator.config import Settings
from aggregator.http.app import create_app
from aggregator.http.server import port_problem, run
from aggregator.store import DatabaseLocked


@command(
    "Start de service (en maak bij de eerste start de database).",
    "Start the service (initialising the database on first start).",
)
def cmd_serve(args: argparse.Namespace, cli: Cli) -> int:
    """Start the service (initialising the database on first start)."""
    # Everything that can stop the start is checked before anything is created: a busy port
    # or an untrusted socket folder must not leave a new database and a first admin token
    # behind whose message nobody saw.
    problem = port_problem(args.host, args.port)
    if problem:
        raise CommandError(
            f"kan niet luisteren op {args.host}:{args.port}: {problem}",
            f"cannot listen on {args.host}:{args.port}: {problem}",
            EXIT_FAILURE,
        )
    try:
        sock = socket_path(cli.db_path)
    except OperatorError as exc:
        raise CommandError(str(exc), str(exc), EXIT_FAILURE) from None
    try:
        store = cli.store()
    except DatabaseLocked:
        raise CommandError(
            f"{cli.db_path} wordt al door een ander proces geserveerd",
            f"{cli.db_path} is already served by another process",
            EXIT_FAILURE,
        ) from None
    ensure_admin_token(cli)
    settings = cli.settings or Settings(db_path=cli.db_path)
    clock: Callable[[], dt.datetime] = utcnow
    if settings.demo_clock:
        clock = SettableClock(parse_moment(settings.demo_clock))
        cli.say(
            f"demoklok: de tijd van de service begint op {clock():%Y-%m-%d %H:%M} UTC",
            f"demo clock: the service's time starts at {clock():%Y-%m-%d %H:%M} UTC",
        )
    assert cli.forwarded is not None, "the entry point hands serve its forwarded-command runner"
    app = create_app(
        settings, store=store, clock=clock, companion=OperatorChannel(sock, cli.forwarded)
    )
    url = f"http://{args.host}:{args.port}"
    cli.say(
        f"lekstat serveert {cli.db_path} op {url} (API-documentatie op /docs); Ctrl+C stopt",
        f"lekstat serving {cli.db_path} on {url} (API docs at /docs); Ctrl+C stops",
    )
    cli.out.flush()
    run(
        app,
        host=args.host,
        port=args.port,
        header_timeout=settings.header_timeout,
        trusted_proxies=settings.trusted_proxies,
    )
    cli.say("lekstat gestopt", "lekstat stopped")
    return EXIT_OK


def register(commands: Commands) -> None:
    """The ``serve`` command and its arguments."""
    serve = commands.add("serve", cmd_serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
