"""``lekstat-server release``: preview (free), create (spends ρ) and list releases."""

from __future__ import annotations

import argparse
import json
from typing import Any

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
    return ReleaseRequest(args.year, args.rho, args.quarter, plan, getattr(args, "force", False))


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
            f"≥ {t.smallest_reliable}",
        )
        for t in tables
    ]
    header = (
        ["tabel", "cellen", "rho", "ruisschaal", "standaardfout", "95%-marge", "betrouwbaar"]
        if cli.lang == "nl"
        else ["table", "cells", "rho", "noise scale", "std error", "95% margin", "reliable"]
    )
    cli.print(table(rows, header))
    cli.say(
        "betrouwbaar: het kleinste aantal dat de tabel niet als onbetrouwbaar markeert",
        "reliable: the smallest count the table does not mark as unreliable",
    )
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
    reported = sum(q["reported"] for q in cov.values())
    expected = sum(q["expected"] for q in cov.values())
    n = len(release["tables"])
    provisional = release["provisional"]
    forced = release["coverage_check"]["forced"]
    cli.say(
        f"publicatie {release['id']}: {n} tabellen, rho = {release['rho']:g}, epsilon = "
        f"{release['epsilon']:.3g} bij delta = {release['delta']:g}; {reported} van {expected} "
        "gemeente-kwartalen aangeleverd"
        + (" (voorlopig: niet elk kwartaal is afgelopen en vergrendeld)" if provisional else "")
        + (" — GEFORCEERD onder de drempel van aanleveringen" if forced else ""),
        f"release {release['id']}: {n} tables, rho = {release['rho']:g}, epsilon = "
        f"{release['epsilon']:.3g} at delta = {release['delta']:g}; {reported} of {expected} "
        "municipality-quarters reported"
        + (" (provisional: not every quarter has ended and been locked)" if provisional else "")
        + (" — FORCED below the coverage threshold" if forced else ""),
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


@command(
    "Toon het privacycertificaat van een publicatie (zoals het met de publicatie is gemaakt).",
    "Show a release's privacy certificate (as it was made with the release).",
)
def cmd_release_certificate(args: argparse.Namespace, cli: Cli) -> int:
    """Show a release's privacy certificate (as it was made with the release)."""
    cert = releases.certificate(cli.context(), OPERATOR, args.id)
    if args.json:
        cli.print(json.dumps(cert, indent=2, ensure_ascii=False))
        return EXIT_OK
    for line in certificate_lines(cert, cli.lang):
        cli.print(line)
    return EXIT_OK


def certificate_lines(cert: dict[str, Any], lang: str) -> list[str]:
    """A certificate as text lines in ``lang``."""
    nl = lang == "nl"
    r, y = cert["release"], cert["year"]
    eps = y["cumulative_epsilon"]
    lines = [
        ("Privacycertificaat van " if nl else "Privacy certificate of ") + cert["release_id"],
        ("  eenheid: " if nl else "  unit: ") + cert["privacy_unit"][lang],
        ("  buren: " if nl else "  neighbours: ") + cert["neighbouring_relation"][lang],
        ("  mechanisme: " if nl else "  mechanism: ") + cert["mechanism"][lang],
        (
            f"  deze publicatie: rho = {r['rho']:.4g}, epsilon = {r['epsilon']:.3g} bij delta = "
            f"{r['delta']:g}"
            if nl
            else f"  this release: rho = {r['rho']:.4g}, epsilon = {r['epsilon']:.3g} at delta = "
            f"{r['delta']:g}"
        ),
        (
            f"  jaar {y['year']} na deze publicatie: rho = {y['cumulative_rho']:.4g} van "
            f"{y['total_rho']:g} (plafond {y['ceiling_rho']:g}), epsilon = {eps:.3g}"
            if nl
            else f"  year {y['year']} after this release: rho = {y['cumulative_rho']:.4g} of "
            f"{y['total_rho']:g} (ceiling {y['ceiling_rho']:g}), epsilon = {eps:.3g}"
        ),
        ("  publicaties van het jaar: " if nl else "  the year's releases: ")
        + ", ".join(f"{x['id']} ({x['rho']:.4g})" for x in y["releases"]),
    ]
    for c in y["budget_changes"]:
        old = "-" if c["old_rho"] is None else f"{c['old_rho']:g}"
        why = f": {c['reason']}" if c["reason"] else ""
        lines.append(
            f"  budget {old} -> {c['new_rho']:g} ({c['changed_at']}, {c['changed_by']}){why}"
        )
    lines.append("  tabellen:" if nl else "  tables:")
    lines += [
        f"    {t['name']}: rho = {t['rho']:.4g}, L2-gevoeligheid {t['sensitivity_l2']:.3g}, "
        f"ruisschaal {t['noise_scale']:.3g}"
        if nl
        else f"    {t['name']}: rho = {t['rho']:.4g}, L2 sensitivity {t['sensitivity_l2']:.3g}, "
        f"noise scale {t['noise_scale']:.3g}"
        for t in cert["tables"]
    ]
    lines.append("  niet gedekt:" if nl else "  not covered:")
    lines += [f"    - {n['nl' if nl else 'en']}" for n in cert["not_covered"]]
    code = ", ".join(f"{k} {v}" for k, v in cert["code"].items())
    lines.append("  code: " + code)
    lines.append(
        ("  volgt journaalregel " if nl else "  follows journal line ") + cert["journal_prev"]
    )
    return lines


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
        if name == "create":
            r.add_argument(
                "--force",
                action="store_true",
                help=t(
                    "ook publiceren als te weinig gemeenten aanleverden (de publicatie vermeldt "
                    "het)",
                    "release even when too few municipalities reported (the release says so)",
                ),
            )
    group.add("list", cmd_release_list)
    cert = group.add("certificate", cmd_release_certificate)
    cert.add_argument(
        "id", help=t("een publicatie-id, bijvoorbeeld 2026-r1", "a release id, e.g. 2026-r1")
    )
    cert.add_argument("--json", action="store_true", help=t("als JSON", "as JSON"))
