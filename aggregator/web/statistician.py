"""The statistician's year: the start page, completeness per quarter, and locking a quarter.

Every fact comes from the services: the quarters and their deadlines and locks from
:func:`aggregator.services.periods.calendar`, who reported from
:func:`aggregator.services.completeness.of_period` (per municipality reported or not, on time
or late: never versions, times or whether a municipality had incidents), the budgets from
:func:`aggregator.services.budget.show_all`; a lock is :func:`aggregator.services.periods.lock`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from aggregator.services import budget, completeness, periods
from aggregator.services.access import may
from aggregator.services.completeness import MunicipalityStatus, PeriodCompleteness
from aggregator.services.periods import QuarterDates
from aggregator.services.refusals import Refusal
from aggregator.web.csrf import CSRF_FIELD, csrf_valid
from aggregator.web.errors import PageRoute
from aggregator.web.forms import FieldError, form_expired
from aggregator.web.i18n import translator
from aggregator.web.outcomes import refusal_page
from aggregator.web.rendering import page_language
from aggregator.web.session import Session, context_of, note_of, require
from aggregator.web.statistician_format import render
from schemas.municipalities import Province, load_register

router = APIRouter(route_class=PageRoute, include_in_schema=False)

#: What the completeness page can show: every municipality, or one group of them.
SHOWS = ("all", "not_reported", "late", "reported")


@dataclass(frozen=True)
class Timeliness:
    """How a municipality's reporting reads against the deadline: message key and look."""

    key: str
    look: str


def timeliness(status: MunicipalityStatus) -> Timeliness:
    """On time, late, deadline passed without a report, or still running."""
    if status.late is None:
        return Timeliness("timely_running", "open")
    if not status.late:
        return Timeliness("timely_on_time", "done")
    return Timeliness("timely_late" if status.reported else "timely_overdue", "warning")


def shown(status: MunicipalityStatus, show: str) -> bool:
    """Whether ``status`` belongs to the group ``show`` (one of :data:`SHOWS`)."""
    if show == "not_reported":
        return not status.reported
    if show == "late":
        return bool(status.late)
    if show == "reported":
        return status.reported
    return True


@dataclass(frozen=True)
class ProvinceGroup:
    """One province's municipalities on the page, and its counts (of all, not only shown)."""

    province: Province
    summary: dict[str, int]
    statuses: tuple[MunicipalityStatus, ...]


def by_province(
    statuses: Sequence[MunicipalityStatus], province: str | None, show: str
) -> list[ProvinceGroup]:
    """The statuses per province (by name), each with its summary; one province if asked."""
    groups = []
    for p in sorted(load_register().provinces, key=lambda p: p.name):
        if province is not None and p.code != province:
            continue
        mine = sorted(
            (s for s in statuses if s.municipality.province_code == p.code),
            key=lambda s: s.municipality.name,
        )
        if mine:
            groups.append(
                ProvinceGroup(
                    p, completeness.summary(mine), tuple(s for s in mine if shown(s, show))
                )
            )
    return groups


def start_page(request: Request, session: Session) -> Response:
    """The statistician's start page: every quarter's reporting and lock, the budgets."""
    context = context_of(request)
    quarters = list(reversed(periods.calendar(context, session.principal)))
    reporting = [
        completeness.of_period(context, session.principal, str(q.period)) for q in quarters
    ]
    budgets = budget.show_all(context, session.principal)
    return render(
        request,
        "statistician/start.html.j2",
        rows=list(zip(quarters, reporting, strict=True)),
        budgets=budgets,
        section="start",
    )


def _default_period(quarters: Sequence[QuarterDates]) -> str:
    """The latest quarter that has ended (else the current one)."""
    ended = [q for q in quarters if q.ended]
    return str((ended or list(quarters))[-1].period)


@router.get("/portal/completeness", name="completeness")
def completeness_page(request: Request) -> Response:
    """Who reported for a quarter, on time or late, by province; the deadline and the lock."""
    session = require(request, "read_completeness")
    context = context_of(request)
    quarters = periods.calendar(context, session.principal)
    params = request.query_params
    period = params.get("period") or _default_period(quarters)
    province = params.get("province") or None
    show = params.get("show") or "all"
    provinces = sorted(load_register().provinces, key=lambda p: p.name)
    errors = []
    if province is not None and province not in {p.code for p in provinces}:
        errors.append(FieldError("province", "province_unknown"))
        province = None
    if show not in SHOWS:
        errors.append(FieldError("show", "show_unknown"))
        show = "all"
    found: PeriodCompleteness = completeness.of_period(context, session.principal, period)
    groups = by_province(found.statuses, province, show) if found.view == "per_municipality" else []
    return render(
        request,
        "statistician/completeness.html.j2",
        status=422 if errors else 200,
        errors=errors,
        found=found,
        ended=found.period.is_complete(context.today()),
        quarters=list(reversed(quarters)),
        provinces=provinces,
        province=province,
        show=show,
        shows=SHOWS,
        groups=groups,
        shown_count=sum(len(g.statuses) for g in groups),
        timeliness=timeliness,
        may_lock=may(session.principal, "lock_period"),
        locked_now="locked" in params,
        section="completeness",
    )


def completeness_link(request: Request, period: str) -> tuple[str, str]:
    """The way back to a quarter's completeness, for a refusal's page."""
    url = request.app.url_path_for("completeness")
    text = translator(page_language(request))("back_completeness", period=period[:40])
    return f"{url}?{urlencode({'period': period})}", text


@router.get("/portal/periods/{period}/lock", name="lock_confirm")
def lock_confirm(request: Request, period: str) -> Response:
    """The confirmation before a lock: that it is final, who has not reported, the deadline."""
    session = require(request, "lock_period")
    context = context_of(request)
    found = completeness.of_period(context, session.principal, period)
    today = context.today()
    return render(
        request,
        "statistician/lock_confirm.html.j2",
        found=found,
        started=not found.period.is_future(today),
        ended=found.period.is_complete(today),
        missing=sorted(
            (s for s in found.statuses if not s.reported), key=lambda s: s.municipality.name
        ),
        contact=context.settings.contact,
        section="completeness",
    )


@router.post("/portal/periods/{period}/lock", name="lock_submit")
async def lock_submit(request: Request, period: str) -> Response:
    """Lock the quarter for good (after the confirmation); then its completeness says so."""
    session = await run_in_threadpool(require, request, "lock_period")
    form = await request.form(max_files=0, max_fields=5)
    if not await run_in_threadpool(csrf_valid, request, form.get(CSRF_FIELD)):
        return form_expired(request)
    context, note = context_of(request), note_of(request)
    try:
        lock = await run_in_threadpool(periods.lock, context, session.principal, period, note)
    except Refusal as refusal:
        return refusal_page(request, refusal, back=completeness_link(request, period))
    url = request.app.url_path_for("completeness")
    query = urlencode({"period": lock.period, "locked": "1"})
    return RedirectResponse(f"{url}?{query}", 303)
