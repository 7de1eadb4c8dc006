"""``lekstat-server``: the operator's and the statistician's command line.

Every command is one short function whose docstring is its help text. Commands open the
database named by ``--db`` or ``LEKSTAT_DB`` (default ``./lekstat.duckdb``); while a server
holds that database, they are sent to it over its operator socket and run there.

Exit codes: 0 done, 1 refused (for example a period that is already locked), 2 usage,
3 failure (the database cannot be opened).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from aggregator.cli.channel import OperatorError, forward, socket_path
from aggregator.clock import SettableClock, iso, local_date, parse_moment, utcnow
from aggregator.config import DEFAULT_DB, Settings
from aggregator.services.auth import ROLES, TokenError, new_token
from aggregator.store import (
    AlreadyLockedError,
    AuditEntry,
    BudgetError,
    DatabaseLocked,
    Store,
    StoreError,
    TokenRecord,
)
from schemas.municipalities import load_register
from schemas.periods import FIRST_PERIOD, Period, PeriodError
from schemas.tables import DEFAULT_PLAN, PlanError, TableSpec, check_plan_size, load_plan_text

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_FAILURE = 0, 1, 2, 3

ADMIN_TOKEN_FILE = "lekstat-admin-token.txt"  # noqa: S105 - a file name, not a secret


class CommandError(Exception):
    """A refusal with a message for the user and an exit code."""

    def __init__(self, message: str, code: int = EXIT_REFUSED) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Context:
    """What a command needs: the database, where relative paths start, and its output."""

    db_path: Path
    cwd: Path
    out: TextIO
    err: TextIO
    clock: Callable[[], dt.datetime] = utcnow
    store_factory: Callable[[], Store] | None = None
    #: Whether the command may create a new database (``init`` and ``serve`` only).
    may_create: bool = False
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        """The store (opened on first use); only ``init`` and ``serve`` may create it."""
        if self._store is None:
            if self.store_factory is None and not self.may_create and not self.db_path.exists():
                raise CommandError(
                    f"there is no database at {self.db_path}; create one with "
                    "'lekstat-server init', or name yours with --db or LEKSTAT_DB",
                    EXIT_FAILURE,
                )
            factory = self.store_factory or (lambda: Store(self.db_path))
            self._store = factory()
        return self._store

    def path(self, value: str | Path) -> Path:
        """A path argument, relative to the caller's working directory."""
        p = Path(value).expanduser()
        return p if p.is_absolute() else self.cwd / p

    def print(self, *parts: object) -> None:
        """Write a line to the command's output."""
        print(*parts, file=self.out)

    def operator_audit(
        self, action: str, target: str, outcome: str = "accepted", detail: str = ""
    ) -> None:
        """An audit line for a command-line change (role ``operator``)."""
        self.store().audit(
            AuditEntry(
                at=utcnow(),
                token_id=None,
                role="operator",
                method="CLI",
                path="lekstat-server",
                action=action,
                target=target,
                status=0 if outcome == "accepted" else 1,
                outcome=outcome,
                detail=detail,
            )
        )


Handler = Callable[[argparse.Namespace, Context], int]

# -- output helpers -----------------------------------------------------------------------


def table(rows: Sequence[Sequence[object]], header: Sequence[str]) -> str:
    """Rows as an aligned text table."""
    cells = [[str(h) for h in header]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to a new file only its owner can read (mode 0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)


# -- commands -----------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace, ctx: Context) -> int:
    """Create (or upgrade) the database; write a first admin token if there is none."""
    store = ctx.store()
    ctx.print(f"database {ctx.db_path} (schema version {store.schema_version()})")
    ensure_admin_token(ctx)
    return EXIT_OK


def ensure_admin_token(ctx: Context) -> Path | None:
    """Create the first admin token and write it next to the database, if no admin exists."""
    store = ctx.store()
    if any(t.role == "admin" and t.active for t in store.list_tokens()):
        return None
    token, record = new_token("admin", None, "first admin token", ctx.clock())
    target = ctx.db_path.resolve().with_name(ADMIN_TOKEN_FILE)
    if target.exists():
        target = target.with_name(f"lekstat-admin-token-{record.id}.txt")
    write_private(target, token + "\n")
    store.add_token(record)
    ctx.operator_audit("create_token", "admin", detail=record.id)
    ctx.print(
        f"first admin token written to {target} (readable only by you); store it in your "
        "password manager and delete the file"
    )
    return target


def cmd_token_create(args: argparse.Namespace, ctx: Context) -> int:
    """Issue a token; it is shown once, on the last line of the output."""
    store = ctx.store()
    now = ctx.clock()
    if args.all_municipalities:
        if args.role != "municipality" or not args.out:
            raise CommandError("--all-municipalities needs --role municipality and --out FILE", 2)
        out = ctx.path(args.out)
        if out.exists():
            raise CommandError(f"{out} exists; choose a new file (tokens are shown only once)")
        records: list[TokenRecord] = []
        lines = io.StringIO()
        writer = csv.writer(lines, lineterminator="\n")
        writer.writerow(["municipality", "token"])
        for m in load_register().valid_in(now.year):
            token, record = new_token("municipality", m.code, args.label or "onboarding", now)
            records.append(record)
            writer.writerow([m.code, token])
        write_private(out, lines.getvalue())
        store.add_tokens(records)
        ctx.operator_audit("create_token", "municipality (all)", detail=f"{len(records)} tokens")
        ctx.print(f"{len(records)} municipality tokens written to {out} (mode 0600)")
        return EXIT_OK
    municipality = args.municipality.strip().upper() if args.municipality else None
    if municipality is not None and not load_register().is_valid(municipality, now.year):
        raise CommandError(f"{municipality} is not a municipality in {now.year}")
    try:
        token, record = new_token(args.role, municipality, args.label or "", now)
    except TokenError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    store.add_token(record)
    ctx.operator_audit(
        "create_token", f"{record.role} {municipality or ''}".strip(), detail=record.id
    )
    ctx.print(
        f"token {record.id} ({record.role}{' ' + municipality if municipality else ''}); "
        "store it now, it is not shown again:"
    )
    ctx.print(token)
    return EXIT_OK


def cmd_token_list(args: argparse.Namespace, ctx: Context) -> int:
    """List tokens: id, role, municipality, label, created, revoked (never the secret)."""
    tokens = ctx.store().list_tokens()
    if not args.all:
        tokens = [t for t in tokens if t.active]
    rows = [
        (t.id, t.role, t.municipality or "", t.label, iso(t.created_at), iso(t.revoked_at) or "")
        for t in tokens
    ]
    ctx.print(table(rows, ["id", "role", "municipality", "label", "created", "revoked"]))
    return EXIT_OK


def cmd_token_revoke(args: argparse.Namespace, ctx: Context) -> int:
    """Revoke a token by its id; it stops working at once."""
    if not ctx.store().revoke_token(args.id, ctx.clock()):
        raise CommandError(f"no active token with id {args.id}")
    ctx.operator_audit("revoke_token", args.id)
    ctx.print(f"token {args.id} revoked")
    return EXIT_OK


def cmd_period_lock(args: argparse.Namespace, ctx: Context) -> int:
    """Lock a period: submissions and corrections for it are refused from now on."""
    period = parse_period(args.period)
    if period < FIRST_PERIOD:
        raise CommandError(f"lekstat has no periods before {FIRST_PERIOD}", EXIT_USAGE)
    if not period.is_complete(local_date(ctx.clock())):
        raise CommandError(
            f"{period} has not ended yet; a lock is final, so lock a quarter after its deadline"
        )
    try:
        lock = ctx.store().lock_period(str(period), ctx.clock(), "operator")
    except AlreadyLockedError as exc:
        raise CommandError(f"{period} was already locked at {iso(exc.lock.locked_at)}") from None
    ctx.operator_audit("lock_period", str(period))
    ctx.print(f"{lock.period} locked at {iso(lock.locked_at)}")
    return EXIT_OK


def cmd_period_list(args: argparse.Namespace, ctx: Context) -> int:
    """List locked periods."""
    rows = [(lock.period, iso(lock.locked_at), lock.locked_by) for lock in ctx.store().list_locks()]
    ctx.print(table(rows, ["period", "locked_at", "locked_by"]))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace, ctx: Context) -> int:
    """Export the whole database to a new directory (DuckDB EXPORT DATABASE, Parquet)."""
    target = ctx.path(args.directory)
    if target.exists() and any(target.iterdir()):
        raise CommandError(f"{target} is not empty; back up into a new directory")
    target.mkdir(parents=True, exist_ok=True)
    ctx.store().backup(target)
    ctx.operator_audit("backup", str(target))
    ctx.print(f"backup written to {target}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, ctx: Context) -> int:
    """Restore a backup directory into a new database file (--db or LEKSTAT_DB)."""
    source = ctx.path(args.directory)
    try:
        store = Store.restore(source, ctx.db_path)
    except StoreError as exc:
        raise CommandError(str(exc)) from None
    ctx._store = store
    ctx.operator_audit("restore", str(source))
    ctx.print(f"restored {source} into {ctx.db_path} (schema version {store.schema_version()})")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, ctx: Context) -> int:
    """Start the service (initialising the database on first start)."""
    from aggregator.http.server import serve  # uvicorn is only needed here

    return serve(ctx, host=args.host, port=args.port)


def _plan(args: argparse.Namespace, ctx: Context) -> tuple[TableSpec, ...]:
    if not getattr(args, "plan", None):
        return DEFAULT_PLAN
    path = ctx.path(args.plan)
    try:
        return load_plan_text(path.read_text(encoding="utf-8"), path.name)
    except OSError as exc:
        raise CommandError(f"cannot read the plan {path}: {exc.strerror}", EXIT_USAGE) from None
    except PlanError as exc:
        raise CommandError(f"{path}: {exc}", EXIT_USAGE) from None


def _year(value: str) -> int:
    try:
        year = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a year") from None
    if not FIRST_PERIOD.year <= year <= 2100:
        raise argparse.ArgumentTypeError(f"lekstat has data from {FIRST_PERIOD.year} onwards")
    return year


def _rho(value: str) -> float:
    try:
        rho = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    from aggregator.services.releases import MAX_RHO, MIN_RHO

    if not (MIN_RHO <= rho <= MAX_RHO):
        raise argparse.ArgumentTypeError(f"rho lies between {MIN_RHO:g} and {MAX_RHO:g}")
    return rho


def cmd_budget_set(args: argparse.Namespace, ctx: Context) -> int:
    """Set a data year's total privacy budget (zCDP rho); never below what is spent."""
    from aggregator.services.releases import budget_view

    before = ctx.store().get_budget(args.year).total_rho
    try:
        budget = ctx.store().set_budget(args.year, args.rho, ctx.clock(), "operator")
    except BudgetError as exc:
        raise CommandError(
            f"releases of {args.year} already spent rho = {exc.spent:g}; the budget cannot be lower"
        ) from None
    ctx.operator_audit("set_budget", str(args.year), detail=f"rho={args.rho:g}")
    view = budget_view(budget)
    if before is not None and before != args.rho:
        ctx.print(f"the budget of {args.year} was rho = {before:g}")
    ctx.print(
        f"budget {args.year}: rho = {view['total_rho']:g} "
        f"(epsilon = {view['total_epsilon']:.3g} at delta = {view['delta']:g}); "
        f"spent {view['spent_rho']:g}, remaining {view['remaining_rho']:g}"
    )
    return EXIT_OK


def cmd_budget_show(args: argparse.Namespace, ctx: Context) -> int:
    """Show budgets: total, spent and remaining rho per year, and a year's ledger."""
    from aggregator.dp.privacy import DELTA
    from aggregator.services.releases import budget_view

    store = ctx.store()
    budgets = [store.get_budget(args.year)] if args.year else store.list_budgets()
    if args.year and budgets[0].total_rho is None and not budgets[0].ledger:
        ctx.print(f"no budget set for {args.year} (lekstat-server budget set {args.year} --rho R)")
        return EXIT_OK
    rows = []
    for b in budgets:
        v = budget_view(b)
        eps = f"{v['total_epsilon']:.3g}" if v["total_epsilon"] is not None else ""
        total = "" if b.total_rho is None else f"{b.total_rho:g}"
        rows.append((b.year, total, f"{b.spent_rho:g}", f"{b.remaining_rho:g}", eps))
    ctx.print(table(rows, ["year", "rho", "spent", "remaining", f"epsilon (delta={DELTA:g})"]))
    if args.year and budgets[0].ledger:
        ctx.print("")
        ledger = [(e.release_id, f"{e.rho:g}", iso(e.created_at)) for e in budgets[0].ledger]
        ctx.print(table(ledger, ["release", "rho", "created"]))
    return EXIT_OK


def cmd_release_preview(args: argparse.Namespace, ctx: Context) -> int:
    """Expected standard error and 95% margin per table at a rho: reads no data, spends nothing."""
    from aggregator.dp.engine import preview
    from aggregator.dp.privacy import DELTA, rho_to_epsilon

    plan = _plan(args, ctx)
    try:
        check_plan_size(plan, year=args.year, quarter=args.quarter)
        tables = preview(plan, args.rho, year=args.year, quarter=args.quarter)
    except ValueError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    what = f"{args.year}" + (f"-Q{args.quarter}" if args.quarter else "")
    ctx.print(
        f"preview {what} at rho = {args.rho:g} "
        f"(epsilon = {rho_to_epsilon(args.rho):.3g} at delta = {DELTA:g}); "
        "no data read, nothing spent"
    )
    rows = [
        (
            t.name,
            t.cells,
            f"{t.rho:.4g}",
            f"{t.noise_scale:.2f}",
            f"{t.expected_std_error:.2f}",
            f"±{t.half_width_95:.1f}",
        )
        for t in tables
    ]
    header = ["table", "cells", "rho", "noise scale", "std error", "95% margin"]
    ctx.print(table(rows, header))
    return EXIT_OK


def cmd_release_create(args: argparse.Namespace, ctx: Context) -> int:
    """Create a release from the latest submissions: spends rho; prints the release id last."""
    from aggregator.services.releases import ReleaseError, ReleaseRequest, create_release

    request = ReleaseRequest(args.year, args.rho, args.quarter, _plan(args, ctx))
    try:
        release = create_release(ctx.store(), request, created_by="operator", now=ctx.clock())
    except ReleaseError as exc:
        ctx.operator_audit("create_release", f"{args.year}", "refused", exc.code)
        raise CommandError(exc.message_en) from None
    ctx.operator_audit(
        "create_release", f"{args.year}", detail=f"{release['id']} rho={release['rho']:g}"
    )
    cov = release["coverage"]
    submitted = sum(q["submitted"] + q["nil_return"] for q in cov.values())
    expected = sum(q["expected"] for q in cov.values())
    ctx.print(
        f"release {release['id']}: {len(release['tables'])} tables, rho = {release['rho']:g}, "
        f"epsilon = {release['epsilon']:.3g} at delta = {release['delta']:g}; "
        f"{submitted} of {expected} municipality-quarters reported"
        + (" (provisional: not every period is locked)" if release["provisional"] else "")
    )
    ctx.print(release["id"])
    return EXIT_OK


def cmd_release_list(args: argparse.Namespace, ctx: Context) -> int:
    """List releases: id, period, rho, epsilon, created, provisional."""
    rows = [
        (
            r["id"],
            r["year"],
            r.get("quarter") or "",
            f"{r['rho']:g}",
            f"{r['epsilon']:.3g}",
            r["created_at"],
            "yes" if r.get("provisional") else "",
        )
        for r in ctx.store().list_releases()
    ]
    ctx.print(table(rows, ["id", "year", "quarter", "rho", "epsilon", "created", "provisional"]))
    return EXIT_OK


def cmd_demo_clock(args: argparse.Namespace, ctx: Context) -> int:
    """Demonstrations only: set the running server's clock (it must run with a demo clock)."""
    if not isinstance(ctx.clock, SettableClock):
        raise CommandError("only a server started with LEKSTAT_DEMO_CLOCK has a settable clock")
    try:
        moment = parse_moment(args.moment)
    except ValueError:
        raise CommandError(f"{args.moment!r} is not an ISO date or time", EXIT_USAGE) from None
    ctx.clock.set(moment)
    ctx.print(f"the service's clock now says {moment:%Y-%m-%d %H:%M} UTC")
    return EXIT_OK


def cmd_report(args: argparse.Namespace, ctx: Context) -> int:
    """Write the yearly report (HTML or PDF by the file's suffix) from a year's release."""
    from aggregator.report import (
        PdfUnavailableError,
        ReportError,
        load_report_data,
        write_report,
    )

    out = ctx.path(args.out)
    if out.suffix.lower() not in (".html", ".pdf"):
        raise CommandError(f"{out.name}: the report is written as .html or .pdf", EXIT_USAGE)
    try:
        data = load_report_data(ctx.store(), args.year, args.release)
        written = write_report(data, args.lang, out)
    except PdfUnavailableError as exc:  # the machine lacks a library: a failure, not a refusal
        raise CommandError(str(exc), EXIT_FAILURE) from None
    except ReportError as exc:
        raise CommandError(str(exc)) from None
    ctx.print(f"report {data.release['id']} ({args.lang}) written to {written}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, ctx: Context) -> int:
    """The whole story on synthetic data: a real server, 342 municipalities, a release, reports."""
    from aggregator.demo.run import DemoError, run_demo

    year = args.year or ctx.clock().year - 1
    try:
        run_demo(
            ctx.path(args.out),
            year=year,
            seed=args.seed,
            rho=args.rho,
            concurrency=args.concurrency,
            stream=ctx.out,
        )
    except DemoError as exc:
        raise CommandError(str(exc), EXIT_FAILURE) from None
    return EXIT_OK


def parse_period(text: str) -> Period:
    """A period argument, or a usage error that says the right form."""
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise CommandError(exc.message_en, EXIT_USAGE) from None


# -- parser -------------------------------------------------------------------------------

#: Commands that may create the database file; every other one needs an existing database, so
#: a typo in --db never quietly makes a new, empty one.
CREATES_DATABASE = frozenset({"init", "serve"})

#: Commands that never run over the operator channel.
LOCAL_ONLY = frozenset({"serve", "restore", "demo"})


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``lekstat-server``."""
    parser = argparse.ArgumentParser(
        prog="lekstat-server",
        description="lekstat service, tokens, periods, budgets, releases and reports.",
        epilog="Exit codes: 0 done, 1 refused, 2 usage, 3 failure. "
        f"Database: --db, else LEKSTAT_DB, else ./{DEFAULT_DB}.",
    )
    parser.add_argument("--db", help="the database file (default: LEKSTAT_DB or ./lekstat.duckdb)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, handler: Handler, parent: argparse._SubParsersAction = sub
    ) -> argparse.ArgumentParser:
        doc = (handler.__doc__ or "").strip()
        p = parent.add_parser(name, help=doc.splitlines()[0] if doc else None, description=doc)
        p.set_defaults(handler=handler)
        return p

    add("init", cmd_init)
    serve = add("serve", cmd_serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)

    token = sub.add_parser("token", help="issue, list and revoke tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = add("create", cmd_token_create, token_sub)
    create.add_argument("--role", required=True, choices=ROLES)
    who = create.add_mutually_exclusive_group()
    who.add_argument("--municipality", metavar="GMxxxx")
    who.add_argument("--all-municipalities", action="store_true", help="one token per municipality")
    create.add_argument("--out", help="CSV file for --all-municipalities (municipality,token)")
    create.add_argument("--label", help="a note: who holds the token")
    token_list = add("list", cmd_token_list, token_sub)
    token_list.add_argument("--all", action="store_true", help="include revoked tokens")
    revoke = add("revoke", cmd_token_revoke, token_sub)
    revoke.add_argument("id")

    period = sub.add_parser("period", help="lock periods")
    period_sub = period.add_subparsers(dest="period_command", required=True, metavar="ACTION")
    lock = add("lock", cmd_period_lock, period_sub)
    lock.add_argument("period", help="e.g. 2026-Q1")
    add("list", cmd_period_list, period_sub)

    backup = add("backup", cmd_backup)
    backup.add_argument("directory")
    restore = add("restore", cmd_restore)
    restore.add_argument("directory")

    budget = sub.add_parser("budget", help="set and show privacy budgets")
    budget_sub = budget.add_subparsers(dest="budget_command", required=True, metavar="ACTION")
    bset = add("set", cmd_budget_set, budget_sub)
    bset.add_argument("year", type=_year)
    bset.add_argument("--rho", type=_rho, required=True, help="the year's total zCDP budget")
    bshow = add("show", cmd_budget_show, budget_sub)
    bshow.add_argument("year", type=_year, nargs="?")

    release = sub.add_parser("release", help="preview, create and list releases")
    release_sub = release.add_subparsers(dest="release_command", required=True, metavar="ACTION")
    for name, handler in (("preview", cmd_release_preview), ("create", cmd_release_create)):
        r = add(name, handler, release_sub)
        r.add_argument("--year", type=_year, required=True)
        r.add_argument("--quarter", type=int, choices=(1, 2, 3, 4))
        r.add_argument("--rho", type=_rho, required=True)
        r.add_argument("--plan", help="a plan file (JSON or TOML); default: the standard plan")
    add("list", cmd_release_list, release_sub)

    report = add("report", cmd_report)
    report.add_argument("--year", type=_year, required=True)
    report.add_argument("--lang", choices=("nl", "en"), default="nl")
    report.add_argument("--out", required=True, help="FILE.html or FILE.pdf")
    report.add_argument("--release", help="a release id (default: the year's latest)")

    demo = add("demo", cmd_demo)
    demo.add_argument("--out", default="demo-output", help="folder for everything the demo writes")
    demo.add_argument("--year", type=int, help="the data year (default: last year)")
    demo.add_argument("--seed", type=int, default=2025)
    demo.add_argument("--rho", type=_rho, default=0.5, help="the release's budget")
    demo.add_argument("--concurrency", type=int, default=16)

    clock = sub.add_parser("demo-clock", description=cmd_demo_clock.__doc__)
    clock.set_defaults(handler=cmd_demo_clock)
    clock.add_argument("moment", help="e.g. 2025-04-08T09:00")
    # Not listed in --help: it only works against a server started with a demo clock.
    sub._choices_actions = [a for a in sub._choices_actions if a.dest != "demo-clock"]
    return parser


def _parse(argv: Sequence[str]) -> argparse.Namespace | int:
    """The parsed command line, or the exit code when argparse has printed usage or help."""
    try:
        return build_parser().parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)


def execute(args: argparse.Namespace, ctx: Context) -> int:
    """Run a parsed command in ``ctx``; refusals become a message and an exit code."""
    ctx.may_create = args.command in CREATES_DATABASE
    try:
        return int(args.handler(args, ctx))
    except CommandError as exc:
        print(f"lekstat-server: {exc}", file=ctx.err)
        return exc.code
    except DatabaseLocked:
        raise
    except StoreError as exc:
        print(f"lekstat-server: {exc}", file=ctx.err)
        return EXIT_FAILURE


def run(argv: Sequence[str], ctx: Context) -> int:
    """Parse and run one command in ``ctx``; never raises at the user."""
    args = _parse(argv)
    return args if isinstance(args, int) else execute(args, ctx)


def run_captured(
    argv: list[str], cwd: str, store: Store, clock: Callable[[], dt.datetime] = utcnow
) -> tuple[int, str, str]:
    """Run a forwarded command inside the server, on its store and clock; capture the output.

    The command's ``--db`` is ignored: the server's own store is the database.
    """
    out, err = io.StringIO(), io.StringIO()
    ctx = Context(db_path=store.path, cwd=Path(cwd), out=out, err=err, clock=clock, _store=store)
    try:
        args = _parse(argv)
        if isinstance(args, int):
            code = args
        elif args.command in LOCAL_ONLY:
            print(f"lekstat-server: '{args.command}' cannot run while the server runs", file=err)
            code = EXIT_REFUSED
        else:
            code = execute(args, ctx)
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
    # Everything lekstat-server writes — the database, its WAL, backups, token files — holds
    # raw counts or secrets: readable by the owner only.
    os.umask(0o077)
    args = _parse(args_list)
    if isinstance(args, int):
        return args
    db_path = Path(args.db) if args.db else Settings.from_env().db_path
    ctx = Context(db_path=db_path, cwd=Path.cwd(), out=sys.stdout, err=sys.stderr)
    try:
        return execute(args, ctx)
    except DatabaseLocked:
        try:
            sock = socket_path(db_path)
            if args.command in LOCAL_ONLY or not sock.exists():
                print(
                    f"lekstat-server: {db_path} is in use by another process"
                    + ("" if sock.exists() else " (and it has no operator socket)"),
                    file=sys.stderr,
                )
                return EXIT_FAILURE
            code, out, err = forward(sock, args_list)
        except (OperatorError, OSError) as exc:
            print(f"lekstat-server: cannot reach the running server: {exc}", file=sys.stderr)
            return EXIT_FAILURE
        sys.stdout.write(out)
        sys.stderr.write(err)
        return code
    finally:
        if ctx._store is not None:
            ctx._store.close()


if __name__ == "__main__":
    sys.exit(main())
