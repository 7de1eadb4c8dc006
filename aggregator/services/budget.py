"""The privacy budget of each data year and its ledger: the one owner of the budget rules.

A year's budget is a total ρ (zero-concentrated DP); every release spends part of it, recorded in
the ledger in the same transaction as the release (see :meth:`aggregator.store.Store.add_release`),
so the ledger of a year can never add up to more than its total. The budget is a commitment:

- the role that spends it (the statistician) cannot set or raise it; the admin (or the operator
  on the host) sets it;
- no year's total can exceed the deployment's ceiling (``LEKSTAT_MAX_YEAR_RHO``, default ρ = 1,
  ε ≈ 9.5 at δ = 10⁻⁹), over HTTP or on the command line;
- once anything was spent, a higher total is a separate act (:func:`raise_total`) with a
  required reason, journalled with the old and the new value and shown in every later
  release's certificate; lowering is always possible, down to what was spent;
- no table of any one release may be measured with more than :data:`MAX_TABLE_RHO`.
"""

from __future__ import annotations

from dataclasses import dataclass

from aggregator.dp.privacy import DELTA, rho_to_epsilon
from aggregator.services.access import authorize
from aggregator.services.audit import Note
from aggregator.services.auth import Principal
from aggregator.services.context import Context
from aggregator.services.refusals import Refusal, conflict, invalid
from aggregator.store import Budget, BudgetError, BudgetRaiseError
from schemas.periods import FIRST_PERIOD

#: The range of ρ a budget or a release may have: below 1e-6 nothing useful can be released
#: (noise of thousands on every count), above 1000 the guarantee is void (ε in the thousands),
#: and OpenDP's (ε, δ) conversion overflows at the extremes.
MIN_RHO, MAX_RHO = 1e-6, 1000.0
#: The data years lekstat knows.
FIRST_YEAR, LAST_YEAR = FIRST_PERIOD.year, 2100
#: The most ρ any one table of a release may spend. At ρ_t = 1/2 the discrete Gaussian's
#: scale equals the table's sensitivity (σ = Δ/√(2ρ)): one incident moves a cell by at most one
#: noise standard deviation, so even the best test of "this incident is in the data" is right
#: at most Φ(½) ≈ 69% of the time from that table. A plan that asks for more (one table, a few
#: cells, most of the budget) would publish a near-exact table; it is refused.
MAX_TABLE_RHO = 0.5
#: A raise of a spent year's budget needs a reason of this many characters.
MIN_REASON, MAX_REASON = 20, 2000


@dataclass(frozen=True)
class BudgetView:
    """A year's budget with its (ε, δ) form (OpenDP's conversion) and the deployment's ceiling."""

    budget: Budget
    delta: float
    total_epsilon: float | None
    spent_epsilon: float | None
    ceiling_rho: float


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


def view_of(ctx: Context, budget: Budget) -> BudgetView:
    """The budget with its (ε, δ) form and the ceiling."""
    return BudgetView(
        budget,
        DELTA,
        epsilon(budget.total_rho),
        epsilon(budget.spent_rho),
        ctx.settings.max_year_rho,
    )


def show(ctx: Context, actor: Principal, year: int) -> BudgetView:
    """The year's budget: total, spent, remaining and the ledger."""
    authorize(actor, "read_budget")
    return view_of(ctx, ctx.store.get_budget(check_year(year)))


def show_all(ctx: Context, actor: Principal) -> list[BudgetView]:
    """Every year with a budget or spending."""
    authorize(actor, "read_budget")
    return [view_of(ctx, b) for b in ctx.store.list_budgets()]


def check_ceiling(ctx: Context, rho: float) -> None:
    """Refuse a year's total above the deployment's ceiling."""
    ceiling = ctx.settings.max_year_rho
    if rho > ceiling:
        raise invalid(
            "above_ceiling",
            f"rho = {rho:g} is meer dan het plafond van deze installatie (rho = {ceiling:g}, "
            f"epsilon = {epsilon(ceiling):.3g} bij delta = {DELTA:g}) voor één jaar",
            f"rho = {rho:g} is above this deployment's ceiling for one year (rho = {ceiling:g}, "
            f"epsilon = {epsilon(ceiling):.3g} at delta = {DELTA:g})",
        )


def set_total(
    ctx: Context, actor: Principal, year: int, rho: float, note: Note | None = None
) -> tuple[BudgetView, float | None]:
    """Set the year's total ρ, within the ceiling and never below what releases spent.

    Once anything was spent, a higher total is refused here: that is :func:`raise_total`.
    Returns the new budget and the total it had before (None when it had none).
    """
    note = note or Note()
    note.set("set_budget", str(year), f"rho={rho!r}")
    authorize(actor, "set_budget")
    check_year(year)
    rho = check_rho(rho)
    check_ceiling(ctx, rho)
    note.set("set_budget", str(year), f"rho={rho:g}")
    try:
        budget, before = ctx.store.set_budget(year, rho, ctx.now(), actor.name)
    except BudgetRaiseError as exc:
        raise conflict(
            "raise_needs_reason",
            f"publicaties van {year} gaven al rho = {exc.spent:g} uit; een hoger budget is een "
            f"aparte, gemotiveerde verhoging (lekstat-server budget raise {year} --rho R "
            "--reason ...)",
            f"releases of {year} already spent rho = {exc.spent:g}; a higher budget is a "
            f"separate raise with a reason (lekstat-server budget raise {year} --rho R "
            "--reason ...)",
        ) from None
    except BudgetError as exc:
        raise _below_spent(year, exc) from None
    note.set("set_budget", str(year), f"rho {_g(before)} -> {rho:g}")
    return view_of(ctx, budget), before


def raise_total(
    ctx: Context, actor: Principal, year: int, rho: float, reason: str, note: Note | None = None
) -> tuple[BudgetView, float | None]:
    """Raise a year's total after it was spent from: a deliberate act with a reason.

    The reason is kept with the old and the new value and shown in every later certificate.
    """
    note = note or Note()
    note.set("raise_budget", str(year), f"rho={rho!r}")
    authorize(actor, "raise_budget")
    check_year(year)
    rho = check_rho(rho)
    check_ceiling(ctx, rho)
    reason = " ".join(reason.split())
    if not MIN_REASON <= len(reason) <= MAX_REASON:
        raise invalid(
            "reason_required",
            f"geef een reden van {MIN_REASON} tot {MAX_REASON} tekens: ze staat in elk later "
            "certificaat",
            f"give a reason of {MIN_REASON} to {MAX_REASON} characters: it appears in every "
            "later certificate",
        )
    current = ctx.store.get_budget(year).total_rho
    if current is None or rho <= current:
        raise invalid(
            "not_a_raise",
            f"het budget van {year} is rho = {current}; een verhoging is hoger"
            if current is not None
            else f"{year} heeft nog geen budget; stel het eerst in",
            f"the budget of {year} is rho = {current}; a raise is higher"
            if current is not None
            else f"{year} has no budget yet; set it first",
        )
    try:
        budget, before = ctx.store.set_budget(year, rho, ctx.now(), actor.name, reason)
    except BudgetError as exc:
        raise _below_spent(year, exc) from None
    note.set("raise_budget", str(year), f"rho {_g(before)} -> {rho:g}: {reason}"[:400])
    return view_of(ctx, budget), before


def _g(rho: float | None) -> str:
    return "none" if rho is None else f"{rho:g}"


def _below_spent(year: int, exc: BudgetError) -> Refusal:
    return conflict(
        "budget_below_spent",
        f"publicaties van {year} gaven al rho = {exc.spent:g} uit; het budget kan niet lager",
        f"releases of {year} already spent rho = {exc.spent:g}; the budget cannot be lower",
    )


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
