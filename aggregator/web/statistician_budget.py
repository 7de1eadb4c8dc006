"""The statistician's budget and releases: every year's budget with its ledger and changes,
the releases made, and each release's privacy certificate.

The budget is read with :func:`aggregator.services.budget.show` (the statistician spends it
and cannot set it: the admin or the operator does, which the page says); the releases and
their certificates with :func:`aggregator.services.releases.listing`, ``get`` and
``certificate``, which decide who may read which.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aggregator.services import budget, releases
from aggregator.services.access import may
from aggregator.services.auth import PUBLIC
from aggregator.services.budget import BudgetView
from aggregator.web.errors import PageRoute
from aggregator.web.session import context_of, require
from aggregator.web.statistician_format import label_of, public_url, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def ledger_rows(view: BudgetView) -> list[tuple[Any, float, float | None]]:
    """The ledger, each entry with the year's cumulative ρ and ε after it."""
    rows, spent = [], 0.0
    for entry in view.budget.ledger:
        spent += entry.rho
        rows.append((entry, spent, budget.epsilon(spent)))
    return rows


@router.get("/portal/budgets", name="budgets")
def budgets(request: Request) -> Response:
    """Every year with a budget: total, spent, left, and its (ε, δ)."""
    session = require(request, "read_budget")
    context = context_of(request)
    views = sorted(
        budget.show_all(context, session.principal), key=lambda v: v.budget.year, reverse=True
    )
    ceiling = context.settings.max_year_rho
    return render(
        request,
        "statistician/budgets.html.j2",
        views=views,
        this_year=context.today().year,
        ceiling=ceiling,
        ceiling_epsilon=budget.epsilon(ceiling),
        section="budgets",
    )


@router.get("/portal/budgets/{year}", name="budget_year")
def budget_year(request: Request, year: str) -> Response:
    """A year's budget: total, spent, left, the ceiling, the ledger and every change."""
    session = require(request, "read_budget")
    number = int(year) if year.isdigit() and len(year) <= 4 else -1  # else: the year refusal
    view = budget.show(context_of(request), session.principal, number)
    return render(
        request,
        "statistician/budget.html.j2",
        view=view,
        ledger=ledger_rows(view),
        section="budgets",
    )


@router.get("/portal/releases", name="releases_made")
def releases_made(request: Request) -> Response:
    """The releases the signed-in role may read, newest first, with their certificates."""
    session = require(request)
    made = list(reversed(releases.listing(context_of(request), session.principal)))
    return render(request, "statistician/releases.html.j2", made=made, section="releases")


@router.get("/portal/releases/{release_id}/certificate", name="release_certificate")
def release_certificate(request: Request, release_id: str) -> Response:
    """A release's privacy certificate, readable, in the page's language."""
    session = require(request)
    context = context_of(request)
    release = releases.get(context, session.principal, release_id)
    certificate = releases.certificate(context, session.principal, release_id)
    made = "made" in request.query_params
    remaining = None
    if made and may(session.principal, "read_budget"):
        now = budget.show(context, session.principal, release["year"]).budget
        remaining = now.remaining_rho if now.total_rho is not None else None
    return render(
        request,
        "statistician/certificate.html.j2",
        release=release,
        cert=certificate,
        label=label_of(release),
        public=public_url(request, release_id),
        public_release=releases.visible(context, PUBLIC, release),
        made=made,
        replayed="replayed" in request.query_params,
        remaining=remaining,
        section="releases",
    )
