"""``lekstat-server budget``: set and show the privacy budget of each data year."""

from __future__ import annotations

import argparse

from aggregator.cli.base import EXIT_OK, Cli, Commands, command, table
from aggregator.clock import iso
from aggregator.dp.privacy import DELTA
from aggregator.services import budget
from aggregator.services.auth import OPERATOR


def arg_year(value: str) -> int:
    """A year argument (its range is checked by the operation)."""
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r}: jaar? / year?") from None


def arg_rho(value: str) -> float:
    """A ρ argument (its range is checked by the operation)."""
    try:
        return float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r}: getal? / number?") from None


@command(
    "Stel het totale privacybudget (zCDP-rho) van een gegevensjaar in; nooit lager dan wat "
    "al is uitgegeven.",
    "Set a data year's total privacy budget (zCDP rho); never below what is spent.",
)
def cmd_budget_set(args: argparse.Namespace, cli: Cli) -> int:
    """Set a data year's total privacy budget (zCDP rho); never below what is spent."""
    view, before = budget.set_total(cli.context(), OPERATOR, args.year, args.rho, cli.note)
    b = view.budget
    if before is not None and before != b.total_rho:
        cli.say(
            f"het budget van {b.year} was rho = {before:g}",
            f"the budget of {b.year} was rho = {before:g}",
        )
    eps = f"{view.total_epsilon:.3g}" if view.total_epsilon is not None else "-"
    cli.say(
        f"budget {b.year}: rho = {b.total_rho:g} (epsilon = {eps} bij delta = {view.delta:g}); "
        f"uitgegeven {b.spent_rho:g}, over {b.remaining_rho:g}",
        f"budget {b.year}: rho = {b.total_rho:g} (epsilon = {eps} at delta = {view.delta:g}); "
        f"spent {b.spent_rho:g}, remaining {b.remaining_rho:g}",
    )
    return EXIT_OK


@command(
    "Verhoog het budget van een jaar waaruit al is uitgegeven: een aparte handeling met een "
    "reden, die in elk later certificaat staat.",
    "Raise the budget of a year that was spent from: a separate act with a reason, shown in "
    "every later certificate.",
)
def cmd_budget_raise(args: argparse.Namespace, cli: Cli) -> int:
    """Raise the budget of a year that was spent from: a separate act with a reason."""
    view, before = budget.raise_total(
        cli.context(), OPERATOR, args.year, args.rho, args.reason, cli.note
    )
    b = view.budget
    cli.say(
        f"budget {b.year} verhoogd van rho = {before:g} naar {b.total_rho:g}; uitgegeven "
        f"{b.spent_rho:g}, over {b.remaining_rho:g}",
        f"budget {b.year} raised from rho = {before:g} to {b.total_rho:g}; spent "
        f"{b.spent_rho:g}, remaining {b.remaining_rho:g}",
    )
    return EXIT_OK


@command(
    "Toon budgetten: totaal, uitgegeven en over per jaar, en het grootboek van een jaar.",
    "Show budgets: total, spent and remaining rho per year, and a year's ledger.",
)
def cmd_budget_show(args: argparse.Namespace, cli: Cli) -> int:
    """Show budgets: total, spent and remaining rho per year, and a year's ledger."""
    ctx = cli.context()
    views = [budget.show(ctx, OPERATOR, args.year)] if args.year else budget.show_all(ctx, OPERATOR)
    if args.year and views[0].budget.total_rho is None and not views[0].budget.ledger:
        cli.say(
            f"geen budget ingesteld voor {args.year} "
            f"(lekstat-server budget set {args.year} --rho R)",
            f"no budget set for {args.year} (lekstat-server budget set {args.year} --rho R)",
        )
        return EXIT_OK
    rows = []
    for v in views:
        b = v.budget
        eps = f"{v.total_epsilon:.3g}" if v.total_epsilon is not None else ""
        total = "" if b.total_rho is None else f"{b.total_rho:g}"
        rows.append((b.year, total, f"{b.spent_rho:g}", f"{b.remaining_rho:g}", eps))
    header = cli.t("jaar rho uitgegeven over", "year rho spent remaining").split()
    cli.print(table(rows, [*header, f"epsilon (delta={DELTA:g})"]))
    if args.year and views[0].budget.ledger:
        cli.print("")
        ledger = [(e.release_id, f"{e.rho:g}", iso(e.created_at)) for e in views[0].budget.ledger]
        cli.print(table(ledger, cli.t("publicatie rho gemaakt", "release rho created").split()))
    if args.year and views[0].budget.changes:
        cli.print("")
        changes = [
            (iso(c.changed_at), c.changed_by, "" if c.old_rho is None else f"{c.old_rho:g}",
             f"{c.new_rho:g}", c.reason)
            for c in views[0].budget.changes
        ]  # fmt: skip
        header = cli.t("gewijzigd door van naar reden", "changed by from to reason").split()
        cli.print(table(changes, header))
    return EXIT_OK


def register(commands: Commands) -> None:
    """The ``budget`` commands and their arguments."""
    t = commands.t
    group = commands.group(
        "budget", "privacybudgetten instellen en tonen", "set and show privacy budgets"
    )
    bset = group.add("set", cmd_budget_set)
    bset.add_argument("year", type=arg_year)
    bset.add_argument(
        "--rho",
        type=arg_rho,
        required=True,
        help=t("het totale zCDP-budget van het jaar", "the year's total zCDP budget"),
    )
    braise = group.add("raise", cmd_budget_raise)
    braise.add_argument("year", type=arg_year)
    braise.add_argument(
        "--rho", type=arg_rho, required=True, help=t("het nieuwe totaal", "the new total")
    )
    braise.add_argument(
        "--reason",
        required=True,
        help=t("waarom (komt in elk later certificaat)", "why (shown in every later certificate)"),
    )
    bshow = group.add("show", cmd_budget_show)
    bshow.add_argument("year", type=arg_year, nargs="?")
