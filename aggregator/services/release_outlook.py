"""What a release would do, before it is made: what it spends, what is left, and what it says.

The confirmation of a release shows this; nothing is read but the year's budget, the locks and
who reported (never counts), and nothing is spent or drawn. The rules are the release's own
(:mod:`aggregator.services.releases`, :mod:`aggregator.services.budget`): the same budget
refusal and the same coverage check a release would meet, so the confirmation and the release
cannot disagree. The release checks everything again when it is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aggregator.dp.privacy import DELTA
from aggregator.services import budget, completeness, releases
from aggregator.services.access import authorize
from aggregator.services.auth import PUBLIC, Principal
from aggregator.services.budget import BudgetView
from aggregator.services.context import Context
from aggregator.services.refusals import Refusal
from aggregator.services.releases import ReleaseRequest
from aggregator.store import BudgetError


@dataclass(frozen=True)
class Outlook:
    """A release request's consequences, as they would be if it were made now."""

    request: ReleaseRequest
    #: The year's budget before the release.
    budget: BudgetView
    #: ε of the release's own ρ at :data:`delta`.
    epsilon: float
    delta: float
    #: What the year's budget has left after the release (None: the year has no budget).
    remaining_after: float | None
    #: The year's cumulative ρ and ε after the release.
    cumulative_rho: float
    cumulative_epsilon: float
    #: Provisional: a quarter of the release is unlocked or has not ended.
    provisional: bool
    #: Whether everyone may read the release (``LEKSTAT_PUBLIC_RELEASES``), or only analysts
    #: and statisticians.
    public: bool
    #: Per quarter: expected, reported, not reported, ended (as the release would record it).
    coverage: dict[str, dict[str, Any]]
    #: The share of municipalities every ended quarter needs (``LEKSTAT_MIN_COVERAGE``).
    threshold: float
    #: Why the budget refuses the release (no budget, or not enough left), else None.
    budget_refusal: Refusal | None
    #: The coverage check's refusal without force (force would be needed), else None.
    coverage_refusal: Refusal | None

    @property
    def possible(self) -> bool:
        """Whether the budget allows the release (with force, if the coverage needs it)."""
        return self.budget_refusal is None

    @property
    def force_needed(self) -> bool:
        """Whether only a forced release would be made (too few municipalities reported)."""
        return self.coverage_refusal is not None


def outlook(ctx: Context, actor: Principal, request: ReleaseRequest) -> Outlook:
    """What ``request`` would spend and record if it were made now; spends nothing."""
    authorize(actor, "create_release")
    releases.check_request(request, ctx.today())
    store = ctx.store
    year = store.get_budget(request.year)
    budget_refusal = None
    if year.total_rho is None or request.rho > year.remaining_rho:
        budget_refusal = budget.refusal(
            BudgetError(request.year, year.total_rho, year.spent_rho, request.rho)
        )
    quarters = releases.periods_of(request.year, request.quarter)
    covered = completeness.coverage(store, quarters, ctx.today())
    try:
        releases.coverage_check(ctx, covered, force=False)
        coverage_refusal = None
    except Refusal as refusal:
        coverage_refusal = refusal
    locks = {lock.period for lock in store.list_locks()}
    cumulative = year.spent_rho + request.rho
    provisional = releases.is_provisional(quarters, locks, ctx.today())
    return Outlook(
        request=request,
        budget=budget.view_of(ctx, year),
        epsilon=budget.epsilon(request.rho) or 0.0,
        delta=DELTA,
        remaining_after=None if year.total_rho is None else year.total_rho - cumulative,
        cumulative_rho=cumulative,
        cumulative_epsilon=budget.epsilon(cumulative) or 0.0,
        provisional=provisional,
        public=releases.visible(ctx, PUBLIC, {"provisional": provisional}),
        coverage=covered,
        threshold=ctx.settings.min_coverage,
        budget_refusal=budget_refusal,
        coverage_refusal=coverage_refusal,
    )
