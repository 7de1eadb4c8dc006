"""The privacy budget of each data year and its ledger: the one owner of the budget rules.

A year's budget is a total ρ (zero-concentrated DP); every release spends part of it, recorded in
the ledger in the same transaction as the release (see :meth:`aggregator.store.Store.add_release`),
so the ledger of a year can never add up to more than its total.
"""

from __future__ import annotations

from dataclasses import dataclass

from aggregator.dp.privacy import DELTA, rho_to_epsilon
from aggregator.services.access import authorize
from aggregator.services.audit import Note
from aggregator.services.auth import Principal
from aggregator.services.context import Context
from aggregator.services.refusals import Refusal, conflict, invalid
from aggregator.store import Budget, BudgetError
from schemas.periods import FIRST_PERIOD

#: The range of ρ a budget or a release may have: below 1e-6 nothing useful can be released
#: (noise of thousands on every count), above 1000 the guarantee is void (ε in the thousands),
#: and OpenDP's (ε, δ) conversion overflows at the extremes.
MIN_RHO, MAX_RHO = 1e-6, 1000.0
#: The data years lekstat knows.
FIRST_YEAR, LAST_YEAR = FIRST_PERIOD.year, 2100


@dataclass(frozen=True)
class BudgetView:
    """A year's budget with its (ε, δ) form, from OpenDP's conversion."""

    budget: Budget
    delta: float
    total_epsilon: float | None
    spent_epsilon: float | None


def epsilon(rho: float | None) -> float | None:
    """The ε of ρ at :data:`DELTA` (None for no or zero ρ)."""
    return rho_to_epsilon(rho, DELTA) if rho and rho > 0 else None


def check_year(year: int) -> int:
    """A data year lekstat knows, or a refusal."""
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise invalid(
            "bad_year",
            f"een jaar van {FIRST_YEAR} tot en met {LAST_YEAR}, niet {year!r}",
            f"a year from {FIRST_YEAR} to {LAST_YEAR}, not {year!r}",
        )
    return year


def check_rho(rho: float) -> float:
    """A ρ within :data:`MIN_RHO` … :data:`MAX_RHO`, or a refusal."""
    if isinstance(rho, bool) or not isinstance(rho, int | float) or not MIN_RHO <= rho <= MAX_RHO:
        raise invalid(
            "bad_rho",
            f"rho ligt tussen {MIN_RHO:g} en {MAX_RHO:g}",
            f"rho lies between {MIN_RHO:g} and {MAX_RHO:g}",
        )
    return float(rho)


def view_of(budget: Budget) -> BudgetView:
    """The budget with its (ε, δ) form."""
    return BudgetView(budget, DELTA, epsilon(budget.total_rho), epsilon(budget.spent_rho))


def show(ctx: Context, actor: Principal, year: int) -> BudgetView:
    """The year's budget: total, spent, remaining and the ledger."""
    authorize(actor, "read_budget")
    return view_of(ctx.store.get_budget(check_year(year)))


def show_all(ctx: Context, actor: Principal) -> list[BudgetView]:
    """Every year with a budget or spending."""
    authorize(actor, "read_budget")
    return [view_of(b) for b in ctx.store.list_budgets()]


def set_total(
    ctx: Context, actor: Principal, year: int, rho: float, note: Note | None = None
) -> tuple[BudgetView, float | None]:
    """Set the year's total ρ; never below what releases already spent.

    Returns the new budget and the total it had before (None when it had none).
    """
    note = note or Note()
    note.set("set_budget", str(year), f"rho={rho!r}")
    authorize(actor, "set_budget")
    check_year(year)
    rho = check_rho(rho)
    note.set("set_budget", str(year), f"rho={rho:g}")
    before = ctx.store.get_budget(year).total_rho
    try:
        budget = ctx.store.set_budget(year, rho, ctx.now(), actor.name)
    except BudgetError as exc:
        raise conflict(
            "budget_below_spent",
            f"publicaties van {year} gaven al rho = {exc.spent:g} uit; het budget kan niet lager",
            f"releases of {year} already spent rho = {exc.spent:g}; the budget cannot be lower",
        ) from None
    return view_of(budget), before


def refusal(exc: BudgetError) -> Refusal:
    """The refusal for a release the year's budget does not allow, saying what is left."""
    if exc.total is None:
        return conflict(
            "no_budget",
            f"er is geen privacybudget voor {exc.year}; stel het eerst in "
            f"(lekstat-server budget set {exc.year} --rho R)",
            f"there is no privacy budget for {exc.year}; set it first "
            f"(lekstat-server budget set {exc.year} --rho R)",
        )
    return conflict(
        "budget_exceeded",
        f"deze publicatie vraagt rho = {exc.requested:g}, maar van het budget van {exc.year} "
        f"(rho = {exc.total:g}) is nog {exc.remaining:g} over; er is niets uitgegeven",
        f"this release asks for rho = {exc.requested:g}, but the budget of {exc.year} "
        f"(rho = {exc.total:g}) has {exc.remaining:g} left; nothing was spent",
    )
