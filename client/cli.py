"""The ``lekstat`` command line: thin commands over :class:`~client.api.Client`.

Every command is one function whose docstring is its help text: a Dutch paragraph, then an
English one. Output is Dutch unless ``--lang en`` or ``LEKSTAT_LANG=en``, argparse's own words
too (:mod:`client.cli_text`). Errors are one or two lines of text and an exit code (see
:data:`EPILOG`), never a stack trace.

Each command imports what it needs when it runs: ``--help`` loads neither httpx nor pandas, and
the commands that only talk to the server (``status``, ``releases``) not pandas or pandera.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import getpass
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from client.cli_text import end_on_broken_pipe, localized_parser
from client.config import (
    DEFAULT_URL,
    TOKEN_VARIABLE,
    URL_VARIABLE,
    check_token,
    check_url,
    is_plain_http_to_another_host,
    load_settings,
    save_settings,
)
from client.errors import (
    EXIT_INTERNAL,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    ConfigError,
    InvalidDataError,
    LekstatError,
)
from client.i18n import LANGS, Lang, pick, resolve_lang
from schemas.periods import Period, PeriodError

if TYPE_CHECKING:
    import httpx

    from client.api import Client

EPILOG = {
    "nl": """afsluitcodes:
  0   klaar
  1   ongeldige gegevens: er is niets verstuurd; de tabel zegt per rij wat er mis is
  2   verkeerd gebruik: opdracht, bestand of instellingen (bijvoorbeeld nog geen lekstat login)
  3   server of netwerk: niet bereikbaar of fout, ook na herhaalde pogingen (probeer het later
      opnieuw), of geweigerd door de server: token onbekend (401), geen rechten (403), niet
      gevonden (404), periode afgesloten of conflict (409), te groot (413); de melding zegt welke
  70  fout in lekstat zelf: meld het, met de opdracht die u gaf

omgeving: LEKSTAT_URL (standaard http://127.0.0.1:8000), LEKSTAT_TOKEN, LEKSTAT_LANG (nl|en)""",
    "en": """exit codes:
  0   done
  1   invalid data: nothing was sent; the table says per row what is wrong
  2   usage: command, file or settings (for example no lekstat login yet)
  3   server or network failure: unreachable or failing, even after retries (try again
      later), or refused by the server: unknown token (401), not allowed (403), not found
      (404), period locked or conflict (409), too large (413); the message says which
  70  a bug in lekstat: please report it, with the command you gave

environment: LEKSTAT_URL (default http://127.0.0.1:8000), LEKSTAT_TOKEN, LEKSTAT_LANG (nl|en)""",
}


@dataclass
class Context:
    """What a command needs: its arguments, the language, and how to reach the server."""

    args: argparse.Namespace
    lang: Lang
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep

    def t(self, nl: str, en: str) -> str:
        """``nl`` or ``en`` in the user's language."""
        return pick(self.lang, nl, en)

    def say(self, *lines: str) -> None:
        """Print the command's output."""
        for line in lines:
            print(line, file=sys.stdout)

    def note(self, *lines: str) -> None:
        """Print a remark or warning (stderr, so that output can be redirected cleanly)."""
        for line in lines:
            print(line, file=sys.stderr)

    def client(
        self, url: str | None = None, token: str | None = None, *, public: bool = False
    ) -> Client:
        """A client with the given, else the stored, settings; :class:`ConfigError` if no token
        (``public``: without one, the client reads what the public may: final releases)."""
        from client.api import Client

        if url is None or token is None:
            settings = load_settings(lang=self.lang)
            url, token = url or settings.url, token or settings.token
            hint = settings.municipality
        else:
            hint = None
        if not token and not public:
            raise ConfigError(
                self.t(
                    f"geen token: log eerst in met lekstat login, of zet {TOKEN_VARIABLE}",
                    f"no token: log in first with lekstat login, or set {TOKEN_VARIABLE}",
                )
            )
        return Client(
            url,
            token,
            transport=self.transport,
            sleep=self.sleep,
            lang=self.lang,
            municipality_hint=hint,
        )


def _json_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def _dump(ctx: Context, data: Any) -> None:
    sys.stdout.write(_json_text(data))


# -- commands --------------------------------------------------------------------------------


def cmd_template(ctx: Context) -> int:
    """Maak een leeg aanleverformat: Excel met keuzelijsten en toelichting, of CSV.

    Write an empty submission template: Excel with dropdowns and an explanation, or CSV.
    """
    from client.files import write_template

    out: Path = ctx.args.out
    fmt: Literal["csv", "xlsx"] = ctx.args.format or (
        "csv" if out.suffix.lower() == ".csv" else "xlsx"
    )
    if out.exists() and not ctx.args.force:
        raise ConfigError(
            ctx.t(
                f"{out} bestaat al; kies een andere naam of gebruik --force om het te vervangen",
                f"{out} already exists; choose another name or use --force to replace it",
            )
        )
    write_template(out, fmt, ctx.lang)
    ctx.say(ctx.t(f"Aanleverformat geschreven: {out}", f"Template written: {out}"))
    return EXIT_OK


def cmd_validate(ctx: Context) -> int:
    """Controleer een CSV- of Excel-bestand offline; er wordt niets verstuurd.

    Check a CSV or Excel file offline; nothing is sent.
    """
    from client.api import validate
    from schemas.decoding import encoding_label

    args = ctx.args
    if args.municipality is None:  # the municipality of `lekstat login`, when known
        with contextlib.suppress(ConfigError):
            args.municipality = load_settings(lang=ctx.lang).municipality
    result = validate(args.file, args.period, args.municipality)
    read_as = (
        [ctx.t("Gelezen als ", "Read as ") + encoding_label(result.encoding, ctx.lang) + "."]
        if result.encoding
        else []
    )
    if args.json:
        sub = result.submission
        _dump(
            ctx,
            {
                "valid": result.ok,
                "file": str(args.file),
                "period": str(args.period),
                "municipality": args.municipality,
                "encoding": result.encoding,
                "issues": result.records(ctx.lang),
                "rows": sub.row_count if sub else None,
                "total": sub.total if sub else None,
                "sha256": sub.sha256() if sub else None,
            },
        )
    elif result.ok and result.submission is not None:
        sub = result.submission
        ctx.say(
            ctx.t(
                f"{args.file} is geldig voor {args.period}: {sub.row_count} combinaties met een "
                f"aantal (van {sub.rows_received} rijen), totaal {sub.total}.",
                f"{args.file} is valid for {args.period}: {sub.row_count} combinations with a "
                f"count (of {sub.rows_received} rows), total {sub.total}.",
            ),
            *read_as,
            f"SHA-256 {sub.sha256()}",
        )
    else:
        _show_issues(ctx, result.records(ctx.lang), str(args.file))
        if result.encoding not in (None, "utf-8"):  # a surprise worth saying when text looks odd
            ctx.say("", *read_as)
    return EXIT_OK if result.ok else EXIT_INVALID


def cmd_submit(ctx: Context) -> int:
    """Controleer en lever aan: een bestand, of met --nil een nulmelding; toont het ontvangstbewijs.

    Validate and submit a file, or a nil return with --nil; prints the receipt.
    """
    from client import render

    args = ctx.args
    if bool(args.file) == bool(args.nil):
        raise ConfigError(
            ctx.t(
                "geef een bestand óf --nil (een nulmelding), niet allebei of geen van beide",
                "give a file or --nil (a nil return), not both and not neither",
            )
        )
    with ctx.client() as client:
        if args.nil:
            receipt = client.submit_nil(args.period, dry_run=args.dry_run)
        else:
            receipt = client.submit(args.file, args.period, dry_run=args.dry_run)
        if args.json:
            _dump(ctx, dataclasses.asdict(receipt) | {"verified": receipt.verified})
        else:
            ctx.say(*render.receipt_lines(receipt, ctx.lang))
    return EXIT_OK


def cmd_status(ctx: Context) -> int:
    """Wat u hebt aangeleverd en wat u nog moet doen; voor statistici en analisten de volledigheid.

    What you submitted and what you still have to do; for statisticians and analysts, the
    completeness summary.
    """
    from client import render, status

    period: Period | None = ctx.args.period
    with ctx.client() as client:
        identity = client.me()
        if identity.role == "municipality":
            receipts = client.submissions(period)
            if ctx.args.json:
                _dump(ctx, status.receipts_json(receipts))
                return EXIT_OK
            calendar = status.Calendar.from_json(client.periods())
            today = dt.date.today()
            items = status.quarters(receipts, calendar, today, period)
            ctx.say(*status.status_lines(identity, items, calendar, ctx.lang, today))
            if period is not None and receipts:
                ctx.say("", ctx.t(f"Alle versies van {period}:", f"Every version of {period}:"))
                ctx.say(*render.submissions_lines(receipts, ctx.lang))
        else:
            # Reports are made after a quarter ends, so the quarter of interest is the last one.
            body = client.completeness(period or Period.current().previous())
            if ctx.args.json:
                _dump(ctx, body)
            else:
                ctx.say(*render.completeness_lines(body, ctx.lang))
    return EXIT_OK


def cmd_releases(ctx: Context) -> int:
    """De gepubliceerde releases met hun privacybudget en tabellen.

    The published releases with their privacy budget and tables.
    """
    from client import render

    with ctx.client(public=True) as client:
        releases = client.release_metadata()
    if ctx.args.json:
        _dump(ctx, releases)
    else:
        ctx.say(*render.releases_lines(releases, ctx.lang))
    return EXIT_OK


def cmd_figures(ctx: Context) -> int:
    """De cijfers van een tabel van een release, als CSV of JSON; zonder --table de tabellen.

    The figures of one table of a release, as CSV or JSON; without --table, the list of tables.
    """
    from client import render

    args = ctx.args
    with ctx.client(public=True) as client:
        if args.table is None:
            release = client.release(args.release)
            if args.format == "json":
                return _emit(ctx, _json_text(release))
            return _emit(ctx, "\n".join([*render.release_tables_lines(release, ctx.lang), ""]))
        if args.format in ("parquet", "zip") and args.out is None:
            raise ConfigError(
                ctx.t(
                    f"een {args.format}-bestand gaat niet naar het scherm: geef --out BESTAND",
                    f"a {args.format} file does not go to the screen: give --out FILE",
                )
            )
        body = client.download(args.release, args.table, args.format, sep=args.sep)
        metadata = None
        if args.format == "csv" and args.out is not None:
            metadata = client.download(args.release, args.table, "csv-metadata.json", sep=args.sep)
    if args.out is None:
        # On the screen without the byte-order mark (it is for Excel, noise in a terminal).
        sys.stdout.write(body.decode("utf-8-sig"))
        return EXIT_OK
    args.out.write_bytes(body)
    written = [str(args.out)]
    if metadata is not None:
        # Beside the CSV as CSV on the Web expects it: <file>-metadata.json.
        beside = args.out.with_name(args.out.name + "-metadata.json")
        described = json.loads(metadata)
        described["url"] = args.out.name  # the CSV it describes, under the name it was saved as
        beside.write_text(json.dumps(described, ensure_ascii=False, indent=2), encoding="utf-8")
        written.append(str(beside))
    ctx.note(ctx.t("Geschreven: ", "Written: ") + ", ".join(written))
    return EXIT_OK


def _emit(ctx: Context, text: str, encoding: str = "utf-8") -> int:
    """Print ``text``, or write it to ``--out``."""
    if ctx.args.out is None:
        sys.stdout.write(text)
    else:
        with open(ctx.args.out, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
        ctx.note(ctx.t(f"Geschreven: {ctx.args.out}", f"Written: {ctx.args.out}"))
    return EXIT_OK


def cmd_login(ctx: Context) -> int:
    """Controleer uw token bij de server en bewaar adres en token voor de volgende keren.

    Check your token with the server and store the address and token for next time.
    """
    try:
        stored_url = load_settings(lang=ctx.lang).url
    except ConfigError:  # a damaged config file is what a new login repairs
        stored_url = os.environ.get(URL_VARIABLE) or DEFAULT_URL
    url = check_url(ctx.args.url or stored_url, ctx.lang)
    from client import render

    token = ctx.args.token or getpass.getpass(
        ctx.t("Token (wordt niet getoond): ", "Token (not shown): ")
    )
    token = check_token(token, ctx.lang)
    if is_plain_http_to_another_host(url):
        ctx.note(
            ctx.t(
                f"LET OP: {url} gebruikt geen https; uw token gaat onversleuteld over het netwerk.",
                f"WARNING: {url} does not use https; your token travels unencrypted.",
            )
        )
    with ctx.client(url, token) as client:
        identity = client.me()
    path = save_settings(url, token, lang=ctx.lang, municipality=identity.municipality)
    ctx.say(
        ctx.t(
            f"Ingelogd bij {url} als {render.identity_line(identity, ctx.lang)}.",
            f"Logged in to {url} as {render.identity_line(identity, ctx.lang)}.",
        ),
        ctx.t(f"Opgeslagen in {path}", f"Stored in {path}"),
    )
    for variable in (URL_VARIABLE, TOKEN_VARIABLE):
        if variable in os.environ:
            ctx.note(
                ctx.t(
                    f"Let op: {variable} is gezet en gaat voor op wat nu is opgeslagen.",
                    f"Note: {variable} is set and overrides what was just stored.",
                )
            )
    return EXIT_OK


# -- the parser ------------------------------------------------------------------------------


def _help(command: Callable[[Context], int], lang: Lang) -> str:
    """The docstring paragraph in ``lang``: Dutch first, English second."""
    paragraphs = [" ".join(p.split()) for p in (command.__doc__ or "").split("\n\n")]
    return paragraphs[min(LANGS.index(lang), len(paragraphs) - 1)]


class _Version(argparse.Action):
    """``--version``: looks the version up only when asked (the lookup is not free)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from importlib import metadata

        try:
            version = metadata.version("lekstat")
        except metadata.PackageNotFoundError:
            version = "?"
        parser.exit(message=f"lekstat {version}\n")


def build_parser(lang: Lang = "nl") -> argparse.ArgumentParser:
    """The ``lekstat`` parser, with its help in ``lang``."""

    def t(nl: str, en: str) -> str:
        return pick(lang, nl, en)

    def period(text: str) -> Period:
        try:
            return Period.parse(text)
        except PeriodError as exc:
            raise argparse.ArgumentTypeError(t(exc.message_nl, exc.message_en)) from None

    parser_class = localized_parser(lang)
    common = parser_class(add_help=False)
    common.add_argument(
        "--lang", choices=LANGS, default=argparse.SUPPRESS, help=t("taal: nl of en", "language")
    )
    parser = parser_class(
        prog="lekstat",
        description=t(
            "lekstat: aantallen aanleveren en gepubliceerde cijfers ophalen.",
            "lekstat: submit counts and read published figures.",
        ),
        epilog=EPILOG[lang],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument(
        "--version", action=_Version, help=t("toon de versie en stop", "show the version and exit")
    )
    commands = parser.add_subparsers(
        title=t("opdrachten", "commands"), metavar=t("OPDRACHT", "COMMAND")
    )
    commands.required = True

    def command(name: str, func: Callable[[Context], int]) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=_help(func, lang),
            description=_help(func, lang),
            epilog=EPILOG[lang],
            formatter_class=argparse.RawDescriptionHelpFormatter,
            parents=[common],
        )
        sub.set_defaults(command=func)
        return sub

    def period_option(sub: argparse.ArgumentParser, required: bool) -> None:
        sub.add_argument(
            "--period",
            metavar=t("KWARTAAL", "QUARTER"),
            type=period,
            required=required,
            help=t("kwartaal, bv. 2026-Q1", "quarter, e.g. 2026-Q1"),
        )

    def json_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--json", action="store_true", help=t("uitvoer als JSON", "output as JSON")
        )

    sub = command("template", cmd_template)
    sub.add_argument(
        "--format", choices=("csv", "xlsx"), help=t("standaard: naar --out", "default: from --out")
    )
    sub.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar=t("BESTAND", "FILE"),
        help=t("het bestand om te schrijven", "file to write"),
    )
    sub.add_argument(
        "--force",
        action="store_true",
        help=t("een bestaand bestand vervangen", "replace an existing file"),
    )

    sub = command("validate", cmd_validate)
    sub.add_argument(
        "file",
        type=Path,
        metavar=t("BESTAND", "FILE"),
        help=t("CSV- of Excel-bestand", "CSV or Excel file"),
    )
    period_option(sub, required=True)
    sub.add_argument(
        "--municipality",
        metavar=t("GEMEENTECODE", "CODE"),
        type=str.upper,
        help=t(
            "uw gemeentecode (GMxxxx), om ook die te controleren",
            "your municipality code (GMxxxx), to check it too",
        ),
    )
    json_option(sub)

    sub = command("submit", cmd_submit)
    sub.add_argument(
        "file",
        type=Path,
        nargs="?",
        metavar=t("BESTAND", "FILE"),
        help=t("CSV- of Excel-bestand", "CSV or Excel file"),
    )
    sub.add_argument(
        "--nil",
        action="store_true",
        help=t("nulmelding: geen incidenten dit kwartaal", "nil return: no incidents this quarter"),
    )
    period_option(sub, required=True)
    sub.add_argument(
        "--dry-run",
        action="store_true",
        help=t(
            "laat de server controleren zonder op te slaan", "let the server check without storing"
        ),
    )
    json_option(sub)

    sub = command("status", cmd_status)
    period_option(sub, required=False)
    json_option(sub)

    sub = command("releases", cmd_releases)
    json_option(sub)

    sub = command("figures", cmd_figures)
    sub.add_argument(
        "release",
        metavar="RELEASE",
        help=t(
            "de id van de release, of latest: de nieuwste definitieve",
            "the release id, or latest: the newest final one",
        ),
    )
    sub.add_argument(
        "--table",
        metavar=t("TABEL", "TABLE"),
        help=t("de naam van de tabel, bv. function_type", "table name, e.g. function_type"),
    )
    sub.add_argument(
        "--format",
        choices=("csv", "json", "parquet", "zip"),
        default="csv",
        help=t(
            "standaard csv (met de metadata ernaast bij --out); json met metadata; parquet; zip "
            "(csv met metadata)",
            "default csv (with its metadata beside it with --out); json with metadata; parquet; "
            "zip (csv with metadata)",
        ),
    )
    sub.add_argument(
        "--sep",
        choices=(";", ","),
        default=";",
        help=t(
            "scheidingsteken van de csv: ; met decimale komma (Nederlandse Excel, standaard) of ,",
            "csv separator: ; with a decimal comma (Dutch Excel, default) or ,",
        ),
    )
    sub.add_argument(
        "--out",
        type=Path,
        metavar=t("BESTAND", "FILE"),
        help=t(
            "schrijf naar dit bestand in plaats van het scherm",
            "write to this file instead of the screen",
        ),
    )

    sub = command("login", cmd_login)
    sub.add_argument(
        "--url",
        help=t(
            f"serveradres (standaard {URL_VARIABLE} of het opgeslagen adres)",
            f"server address (default {URL_VARIABLE} or the stored one)",
        ),
    )
    sub.add_argument(
        "--token",
        help=t(
            "het token; laat weg om het veilig in te typen",
            "the token; leave out to type it safely",
        ),
    )
    return parser


def _prescan_lang(argv: Sequence[str]) -> str | None:
    """``--lang`` from the arguments before parsing, so that ``--help`` is in that language."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main(
    argv: Sequence[str] | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Entry point of ``lekstat``; ``transport`` and ``sleep`` replace the network in tests."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    lang = resolve_lang(_prescan_lang(arguments))
    try:
        args = build_parser(lang).parse_args(arguments)
    except SystemExit as exc:  # --help, --version, or a usage error already printed
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            return end_on_broken_pipe()
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    ctx = Context(args, lang, transport, sleep)
    try:
        code = _run(ctx)
        sys.stdout.flush()  # here, where a reader that went away is handled, not at exit
    except BrokenPipeError:
        return end_on_broken_pipe()
    return code


def _run(ctx: Context) -> int:
    """Run the command; a refusal or a failure becomes its message and exit code."""
    args = ctx.args
    try:
        return int(args.command(ctx))
    except InvalidDataError as exc:
        if getattr(args, "json", False):
            _dump(ctx, {"valid": False, "stored": False, "issues": exc.issues})
        else:
            _show_issues(ctx, exc.issues, str(getattr(args, "file", None) or ""), exc.by_server)
        return exc.exit_code
    except LekstatError as exc:
        ctx.note(f"lekstat: {exc.message}")
        return exc.exit_code
    except BrokenPipeError:
        raise
    except OSError as exc:
        ctx.note(f"lekstat: {exc.filename or ''}: {_os_reason(ctx, exc)}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        ctx.note(ctx.t("lekstat: afgebroken", "lekstat: interrupted"))
        return 130
    except Exception as exc:  # a bug: one line for the user instead of a stack trace
        ctx.note(
            ctx.t(
                f"lekstat: interne fout ({type(exc).__name__}: {exc}); meld dit met de opdracht "
                "die u gaf",
                f"lekstat: internal error ({type(exc).__name__}: {exc}); please report it with "
                "the command you gave",
            )
        )
        return EXIT_INTERNAL


def _os_reason(ctx: Context, exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return ctx.t("bestand of map niet gevonden", "file or folder not found")
    if isinstance(exc, IsADirectoryError):
        return ctx.t("dit is een map, geen bestand", "this is a folder, not a file")
    if isinstance(exc, PermissionError):
        return ctx.t("geen toegang", "permission denied")
    return exc.strerror or str(exc)


def _show_issues(
    ctx: Context, records: Sequence[dict[str, Any]], source: str, by_server: bool = False
) -> None:
    n = len(records)
    nl_what, en_what = (
        (
            "de server weigerde de gegevens; er is niets opgeslagen",
            "the server refused the data; nothing was stored",
        )
        if by_server
        else ("er is niets verstuurd", "nothing was sent")
    )
    headline = ctx.t(
        f"{n} {'probleem' if n == 1 else 'problemen'} gevonden; {nl_what}.",
        f"{n} problem{'' if n == 1 else 's'} found; {en_what}.",
    )
    from client.render import issue_lines

    ctx.say(f"{source}: {headline}" if source else headline, "", *issue_lines(records, ctx.lang))


if __name__ == "__main__":
    sys.exit(main())
