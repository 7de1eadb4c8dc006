"""The statistician's budget and releases: every year's budget with its ledger and changes,
the releases made, and each release's privacy certificate.

The budget is read with :func:`aggregator.services.budget.show` (the statistician spends it
and cannot set it: the admin or the operator does, which the page says). The admin's form on a
year's page sets it with :func:`aggregator.services.budget.set_total`, or, with a reason,
raises it with :func:`aggregator.services.budget.raise_total`: which one, and every rule (the
ceiling, never below what was spent, a raise needs a reason), is the service's. The releases and
their certificates with :func:`aggregator.services.releases.listing`, ``get`` and
``certificate``, which decide who may read which.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from aggregator.services import budget, releases
from aggregator.services.access import may
from aggregator.services.auth import PUBLIC
from aggregator.services.budget import BudgetView
from aggregator.services.refusals import Kind, Refusal
from aggregator.web.csrf import CSRF_FIELD, csrf_valid
from aggregator.web.errors import PageRoute
from aggregator.web.forms import FieldError, form_expired
from aggregator.web.rendering import page_language
from aggregator.web.session import Session, context_of, note_of, require
from aggregator.web.statistician_format import label_of, public_url, render
from aggregator.web.statistician_releases import parse_rho

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


def year_of(text: str) -> int:
    """The year in a path; -1 (which the service refuses as a year) when it is none."""
    return int(text) if text.isdigit() and len(text) <= 4 else -1


#: The field a refusal of a budget change belongs to (else the ρ field).
FIELD_OF_CODE = {"reason_required": "reason", "raise_needs_reason": "reason"}


def budget_page(
    request: Request,
    session: Session,
    year: int,
    *,
    errors: list[FieldError] | None = None,
    asked: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """A year's budget page, with the admin's form (and its errors) when the role may set it."""
    view = budget.show(context_of(request), session.principal, year)
    return render(
        request,
        "statistician/budget.html.j2",
        status=status,
        view=view,
        ledger=ledger_rows(view),
        errors=errors or [],
        asked=asked or {"rho": "", "reason": ""},
        changed="changed" in request.query_params,
        may_set=may(session.principal, "set_budget"),
        min_reason=budget.MIN_REASON,
        section="budgets",
    )


@router.get("/portal/budgets/{year}", name="budget_year")
def budget_year(request: Request, year: str) -> Response:
    """A year's budget: total, spent, left, the ceiling, the ledger and every change."""
    session = require(request, "read_budget")
    return budget_page(request, session, year_of(year))


@router.post("/portal/budgets/{year}", name="budget_change")
async def budget_change(request: Request, year: str) -> Response:
    """Set a year's budget, or raise it with a reason once it was spent from (the admin)."""
    session = await run_in_threadpool(require, request, "set_budget")
    form = await request.form(max_files=0, max_fields=5)
    if not await run_in_threadpool(csrf_valid, request, form.get(CSRF_FIELD)):
        return form_expired(request)
    asked = {
        "rho": str(form.get("rho") or "").strip()[:41],
        "reason": str(form.get("reason") or "").strip()[: budget.MAX_REASON + 1],
    }
    number, rho = year_of(year), parse_rho(asked["rho"])
    if rho is None:
        message = "rho_not_a_number" if asked["rho"] else "rho_empty"
        errors = [FieldError("rho", message, {"value": asked["rho"][:20]})]
        return await run_in_threadpool(
            lambda: budget_page(request, session, number, errors=errors, asked=asked, status=422)
        )
    context, note = context_of(request), note_of(request)
    try:
        if asked["reason"]:
            await run_in_threadpool(
                budget.raise_total, context, session.principal, number, rho, asked["reason"], note
            )
        else:
            await run_in_threadpool(budget.set_total, context, session.principal, number, rho, note)
    except Refusal as refusal:
        if refusal.kind not in (Kind.INVALID, Kind.CONFLICT) or refusal.code == "bad_year":
            raise
        field_id = FIELD_OF_CODE.get(refusal.code, "rho")
        errors = [FieldError.refused(field_id, refusal, page_language(request))]
        status = 422 if refusal.kind is Kind.INVALID else 409
        return await run_in_threadpool(
            lambda: budget_page(request, session, number, errors=errors, asked=asked, status=status)
        )
    url = request.app.url_path_for("budget_year", year=str(number))
    return RedirectResponse(f"{url}?changed=1", 303)


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
