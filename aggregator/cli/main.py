"""``lekstat-server``: the operator's and the statistician's command line, in Dutch and English.

Commands open the database named by ``--db`` or ``LEKSTAT_DB`` (default ``./lekstat.duckdb``);
while a server holds that database, they are sent to it over its operator socket and run there.
The language is ``--lang``, else ``LEKSTAT_LANG``, else Dutch; help texts follow it.

Exit codes: 0 done, 1 refused (the message says why, with the refusal's code), 2 usage,
3 failure (the database cannot be opened, a library is missing).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from aggregator.cli import (
    budget,
    database,
    demo,
    keys,
    periods,
    releases,
    report,
    serve,
    tokens,
)
from aggregator.cli.base import (
    EXIT_FAILURE,
    EXIT_OF_KIND,
    EXIT_REFUSED,
    EXIT_USAGE,
    Cli,
    CommandError,
    Commands,
)
from aggregator.cli.channel import OperatorError, forward, socket_path
from aggregator.config import DEFAULT_DB, Settings, SettingsError
from aggregator.services.context import Context
from aggregator.services.refusals import Refusal
from aggregator.store import DatabaseLocked, StoreError
from client.cli_text import end_on_broken_pipe, localized_parser
from schemas.lang import Lang

#: Commands that may create the database file; every other one needs an existing database, so
#: a typo in --db never quietly makes a new, empty one.
CREATES_DATABASE = frozenset({"init", "serve"})

#: Commands that never run over the operator channel.
LOCAL_ONLY = frozenset({"serve", "restore", "demo", "key"})

LANGS = ("nl", "en")


def language(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> Lang:
    """The language of a command line: ``--lang``, else ``LEKSTAT_LANG``, else Dutch."""
    wanted = ""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            wanted = argv[i + 1]
            break
        if arg.startswith("--lang="):
            wanted = arg.split("=", 1)[1]
            break
    else:
        env = os.environ if environ is None else environ
        wanted = env.get("LEKSTAT_LANG", "").strip().lower()[:2]
    return "en" if wanted == "en" else "nl"


def build_parser(lang: Lang = "nl") -> argparse.ArgumentParser:
    """The argument parser of ``lekstat-server``, with its help in ``lang``."""
    nl = lang == "nl"
    parser = localized_parser(lang)(
        prog="lekstat-server",
        description=(
            "lekstat: service, tokens, perioden, budgetten, publicaties en rapporten."
            if nl
            else "lekstat service, tokens, periods, budgets, releases and reports."
        ),
        epilog=(
            "Afsluitcodes: 0 klaar, 1 geweigerd, 2 gebruik, 3 storing. "
            f"Database: --db, anders LEKSTAT_DB, anders ./{DEFAULT_DB}."
            if nl
            else "Exit codes: 0 done, 1 refused, 2 usage, 3 failure. "
            f"Database: --db, else LEKSTAT_DB, else ./{DEFAULT_DB}."
        ),
    )
    parser.add_argument(
        "--db",
        help=(
            "het databasebestand (standaard: LEKSTAT_DB of ./lekstat.duckdb)"
            if nl
            else "the database file (default: LEKSTAT_DB or ./lekstat.duckdb)"
        ),
    )
    parser.add_argument(
        "--lang",
        choices=LANGS,
        help="taal (standaard: LEKSTAT_LANG of nl)"
        if nl
        else "language (default: LEKSTAT_LANG or nl)",
    )
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="OPDRACHT" if nl else "COMMAND"
    )
    commands = Commands(sub, lang)
    for module in (database, serve, tokens, keys, periods, budget, releases, report, demo):
        module.register(commands)
    return parser


def _parse(argv: Sequence[str], lang: Lang) -> argparse.Namespace | int:
    """The parsed command line, or the exit code when argparse has printed usage or help."""
    try:
        return build_parser(lang).parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)


def execute(args: argparse.Namespace, cli: Cli) -> int:
    """Run a parsed command; refusals become a message (with their code) and an exit code."""
    cli.may_create = args.command in CREATES_DATABASE
    try:
        code = int(args.handler(args, cli))
    except Refusal as exc:
        print(f"lekstat-server: {exc.message(cli.lang)} [{exc.code}]", file=cli.err)
        cli.write_audit(refused=True)
        return EXIT_OF_KIND[exc.kind]
    except CommandError as exc:
        print(f"lekstat-server: {exc.message(cli.lang)}", file=cli.err)
        cli.write_audit(refused=True)
        return exc.code
    except DatabaseLocked:
        raise
    except StoreError as exc:
        print(f"lekstat-server: {exc}", file=cli.err)
        return EXIT_FAILURE
    cli.write_audit(refused=False)
    return code


def run_captured(argv: list[str], cwd: str, context: Context) -> tuple[int, str, str]:
    """Run a forwarded command inside the server, on its store and clock; capture the output.

    The command's ``--db`` is ignored: the server's own store is the database.
    """
    out, err = io.StringIO(), io.StringIO()
    lang = language(argv, {})
    cli = Cli(
        db_path=context.store.path,
        cwd=Path(cwd),
        out=out,
        err=err,
        lang=lang,
        clock=context.clock,
        settings=context.settings,
        _store=context.store,
    )
    try:
        args = _parse(argv, lang)
        if isinstance(args, int):
            code = args
        elif args.command in LOCAL_ONLY:
            print(
                cli.t(
                    f"lekstat-server: '{args.command}' kan niet terwijl de server draait",
                    f"lekstat-server: '{args.command}' cannot run while the server runs",
                ),
                file=err,
            )
            code = EXIT_REFUSED
        else:
            code = execute(args, cli)
    except Exception:
        print(
            f"lekstat-server: the command failed in the server: {traceback.format_exc(limit=1)}",
            file=err,
        )
        code = EXIT_FAILURE
    return code, out.getvalue(), err.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``lekstat-server``."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    lang = language(args_list)
    # Everything lekstat-server writes — the database, its WAL, backups, token files — holds
    # raw counts or secrets: readable by the owner only.
    os.umask(0o077)
    args = _parse(args_list, lang)
    if isinstance(args, int):
        return args
    try:
        settings = Settings.from_env()
        if args.db:
            settings = replace(settings, db_path=Path(args.db))
    except SettingsError as exc:
        print(f"lekstat-server: {exc.message(lang)}", file=sys.stderr)
        return EXIT_USAGE
    cli = Cli(
        db_path=settings.db_path,
        cwd=Path.cwd(),
        out=sys.stdout,
        err=sys.stderr,
        lang=lang,
        settings=settings,
        forwarded=run_captured,
    )
    try:
        code = execute(args, cli)
        sys.stdout.flush()  # here, where a reader that went away is handled, not at exit
        return code
    except DatabaseLocked:
        return _forward(args, args_list, cli)
    except BrokenPipeError:
        return end_on_broken_pipe()
    finally:
        if cli._store is not None:
            cli._store.close()


def _forward(args: argparse.Namespace, argv: list[str], cli: Cli) -> int:
    """Send the command to the server that holds the database."""
    try:
        sock = socket_path(cli.db_path)
        if args.command in LOCAL_ONLY or not sock.exists():
            print(
                cli.t(
                    f"lekstat-server: {cli.db_path} is in gebruik door een ander proces"
                    + ("" if sock.exists() else " (zonder operatorsocket)"),
                    f"lekstat-server: {cli.db_path} is in use by another process"
                    + ("" if sock.exists() else " (and it has no operator socket)"),
                ),
                file=sys.stderr,
            )
            return EXIT_FAILURE
        # The server runs the command in the caller's language.
        code, out, err = forward(sock, ["--lang", cli.lang, *argv])
    except (OperatorError, OSError) as exc:
        print(
            cli.t(
                f"lekstat-server: de draaiende server is niet bereikbaar: {exc}",
                f"lekstat-server: cannot reach the running server: {exc}",
            ),
            file=sys.stderr,
        )
        return EXIT_FAILURE
    try:
        sys.stdout.write(out)
        sys.stdout.flush()
    except BrokenPipeError:
        return end_on_broken_pipe()
    sys.stderr.write(err)
    return code


if __name__ == "__main__":
    sys.exit(main())
