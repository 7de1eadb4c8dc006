"""``lekstat-server release``: preview (free), create (spends ρ) and list releases."""

from __future__ import annotations

import argparse

from aggregator.cli.base import EXIT_OK, EXIT_USAGE, Cli, CommandError, Commands, command, table
from aggregator.cli.budget import arg_rho, arg_year
from aggregator.dp.privacy import DELTA
from aggregator.services import budget, releases
from aggregator.services.auth import OPERATOR
from aggregator.services.releases import ReleaseRequest
from schemas.tables import DEFAULT_PLAN, PlanError, load_plan_text


def request_of(args: argparse.Namespace, cli: Cli) -> ReleaseRequest:
    """The release request the arguments describe (the plan file read and checked)."""
    plan = DEFAULT_PLAN
    if getattr(args, "plan", None):
        path = cli.path(args.plan)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                f"het plan {path} is niet te lezen: {exc.strerror}",
                f"cannot read the plan {path}: {exc.strerror}",
                EXIT_USAGE,
            ) from None
        try:
            plan = load_plan_text(text, path.name)
        except PlanError as exc:
            raise releases.invalid_plan(exc) from None
    return ReleaseRequest(args.year, args.rho, args.quarter, plan)


@command(
    "Verwachte standaardfout en 95%-marge per tabel bij een rho: leest geen gegevens, geeft "
    "niets uit.",
    "Expected standard error and 95% margin per table at a rho: reads no data, spends nothing.",
)
def cmd_release_preview(args: argparse.Namespace, cli: Cli) -> int:
    """Expected standard error and 95% margin per table at a rho: reads no data, spends nothing."""
    request = request_of(args, cli)
    tables = releases.preview(cli.context(), OPERATOR, request)
    eps = budget.epsilon(request.rho) or 0.0
    cli.say(
        f"voorbeeld {request.label} bij rho = {request.rho:g} (epsilon = {eps:.3g} bij delta = "
        f"{DELTA:g}); geen gegevens gelezen, niets uitgegeven",
        f"preview {request.label} at rho = {request.rho:g} (epsilon = {eps:.3g} at delta = "
        f"{DELTA:g}); no data read, nothing spent",
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
    header = (
        ["tabel", "cellen", "rho", "ruisschaal", "standaardfout", "95%-marge"]
        if cli.lang == "nl"
        else ["table", "cells", "rho", "noise scale", "std error", "95% margin"]
    )
    cli.print(table(rows, header))
    return EXIT_OK


@command(
    "Maak een publicatie uit de laatste aanleveringen: geeft rho uit; het id staat op de "
    "laatste regel.",
    "Create a release from the latest submissions: spends rho; prints the release id last.",
)
def cmd_release_create(args: argparse.Namespace, cli: Cli) -> int:
    """Create a release from the latest submissions: spends rho; prints the release id last."""
    release = releases.create(cli.context(), OPERATOR, request_of(args, cli), cli.note)
    cov = release["coverage"]
    reported = sum(q["submitted"] + q["nil_return"] for q in cov.values())
    expected = sum(q["expected"] for q in cov.values())
    n = len(release["tables"])
    provisional = release["provisional"]
    cli.say(
        f"publicatie {release['id']}: {n} tabellen, rho = {release['rho']:g}, epsilon = "
        f"{release['epsilon']:.3g} bij delta = {release['delta']:g}; {reported} van {expected} "
        "gemeente-kwartalen aangeleverd"
        + (" (voorlopig: niet elke periode is vergrendeld)" if provisional else ""),
        f"release {release['id']}: {n} tables, rho = {release['rho']:g}, epsilon = "
        f"{release['epsilon']:.3g} at delta = {release['delta']:g}; {reported} of {expected} "
        "municipality-quarters reported"
        + (" (provisional: not every period is locked)" if provisional else ""),
    )
    cli.print(release["id"])
    return EXIT_OK


@command(
    "Toon de publicaties: id, periode, rho, epsilon, gemaakt, voorlopig.",
    "List releases: id, period, rho, epsilon, created, provisional.",
)
def cmd_release_list(args: argparse.Namespace, cli: Cli) -> int:
    """List releases: id, period, rho, epsilon, created, provisional."""
    yes = cli.t("ja", "yes")
    rows = [
        (
            r["id"],
            r["year"],
            r.get("quarter") or "",
            f"{r['rho']:g}",
            f"{r['epsilon']:.3g}",
            r["created_at"],
            yes if r.get("provisional") else "",
        )
        for r in releases.listing(cli.context(), OPERATOR)
    ]
    header = cli.t(
        "id jaar kwartaal rho epsilon gemaakt voorlopig",
        "id year quarter rho epsilon created provisional",
    ).split()
    cli.print(table(rows, header))
    return EXIT_OK


def register(commands: Commands) -> None:
    """The ``release`` commands and their arguments."""
    t = commands.t
    group = commands.group(
        "release", "publicaties bekijken, maken en tonen", "preview, create and list releases"
    )
    for name, handler in (("preview", cmd_release_preview), ("create", cmd_release_create)):
        r = group.add(name, handler)
        r.add_argument("--year", type=arg_year, required=True)
        r.add_argument("--quarter", type=int, choices=(1, 2, 3, 4))
        r.add_argument("--rho", type=arg_rho, required=True)
        r.add_argument(
            "--plan",
            help=t(
                "een planbestand (JSON of TOML); standaard het vaste plan",
                "a plan file (JSON or TOML); default: the standard plan",
            ),
        )
    group.add("list", cmd_release_list)
