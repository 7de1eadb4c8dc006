"""A municipality's quarters: the overview, one quarter's page and the nil return.

Every fact comes from :mod:`aggregator.services.overview` (deadline, versions, lock); a nil
return is stored by :func:`aggregator.web.submitting.store`, which calls the submission service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from aggregator.services import overview, submissions
from aggregator.services.overview import Quarter
from aggregator.services.refusals import Refusal
from aggregator.web.csrf import CSRF_FIELD, csrf_valid
from aggregator.web.errors import PageRoute
from aggregator.web.forms import FieldError, form_expired
from aggregator.web.i18n import translator
from aggregator.web.outcomes import refusal_page
from aggregator.web.rendering import page_language, pages_of
from aggregator.web.session import (
    Session,
    account_name,
    context_of,
    note_of,
    require,
)
from aggregator.web.submitting import nil_table, store

router = APIRouter(route_class=PageRoute, include_in_schema=False)

#: What the file field takes (the readers decide by content; this only helps the file picker).
ACCEPT = ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"


@dataclass(frozen=True)
class Status:
    """How a quarter's state reads: the message key and its look (done, warning, open)."""

    key: str
    look: str


def status_of(quarter: Quarter) -> Status:
    """A quarter's state in one phrase."""
    current = quarter.current
    if current is not None:
        return Status("status_nil" if current.nil_return else "status_reported", "done")
    if quarter.overdue:
        return Status("status_overdue", "warning")
    return Status("status_open", "open")


def late_of(quarter: Quarter) -> bool:
    """Whether the quarter was reported late (its first version came after the deadline)."""
    return bool(quarter.versions) and quarter.versions[0].late


def overview_page(request: Request, session: Session) -> Response:
    """A municipality's quarters at a glance."""
    quarters = overview.quarters(context_of(request), session.principal)
    return pages_of(request).render(
        request,
        "overview.html.j2",
        quarters=quarters,
        status_of=status_of,
        late_of=late_of,
        name=account_name(session.principal, page_language(request)),
    )


def quarter_page(
    request: Request,
    session: Session,
    quarter: Quarter,
    *,
    status: int = 200,
    errors: list[FieldError] | None = None,
    **context: Any,
) -> Response:
    """One quarter: its state, the upload form (or the lock), and its versions."""
    values: dict[str, Any] = {"problems": None, "filename": None, **context}
    return pages_of(request).render(
        request,
        "quarter.html.j2",
        status=status,
        quarter=quarter,
        state=status_of(quarter),
        late=late_of(quarter),
        contact=context_of(request).settings.contact,
        errors=errors or [],
        accept=ACCEPT,
        **values,
    )


@router.get("/portal/quarters/{period}", name="quarter")
def quarter(request: Request, period: str) -> Response:
    """One quarter of the signed-in municipality."""
    session = require(request, "submit")
    found = overview.quarter(context_of(request), session.principal, period)
    return quarter_page(request, session, found)


@router.get("/portal/quarters/{period}/nil", name="nil_confirm")
def nil_confirm(request: Request, period: str) -> Response:
    """The confirmation before a nil return: what it means and which version it becomes."""
    session = require(request, "submit")
    context = context_of(request)
    found = overview.quarter(context, session.principal, period)
    if found.locked:
        return quarter_page(request, session, found, status=409)
    # What the nil return would be (version, on time), as the service says; nothing is stored.
    would_be = submissions.accept(
        context,
        session.principal,
        period_text=str(found.period),
        table=nil_table(),
        nil_return=True,
        dry_run=True,
        lang=page_language(request),
    ).record
    return pages_of(request).render(
        request, "nil_confirm.html.j2", quarter=found, late=would_be.late
    )


@router.post("/portal/quarters/{period}/nil", name="nil_submit")
async def nil_submit(request: Request, period: str) -> Response:
    """Report the quarter without incidents (after the confirmation), then its receipt."""
    session = await run_in_threadpool(require, request, "submit")
    form = await request.form(max_files=0, max_fields=5)
    if not await run_in_threadpool(csrf_valid, request, form.get(CSRF_FIELD)):
        return form_expired(request)
    context, note, lang = context_of(request), note_of(request), page_language(request)
    try:
        stored = await run_in_threadpool(
            lambda: store(
                context,
                session.principal,
                period=period,
                table=nil_table(),
                nil_return=True,
                lang=lang,
                note=note,
            )
        )
    except Refusal as refusal:
        return refusal_page(request, refusal, back=quarter_link(request, period))
    return receipt_redirect(request, stored.record.id, stored.new)


def quarter_link(request: Request, period: str) -> tuple[str, str]:
    """The way back to a quarter's page, for a refusal's page."""
    url = request.app.url_path_for("quarter", period=period)
    return str(url), translator(page_language(request))("back_quarter", period=period)


def receipt_redirect(request: Request, submission_id: str, new: bool) -> Response:
    """To the receipt (after a POST, so a reload does not post again)."""
    url = request.app.url_path_for("receipt", submission_id=submission_id)
    return RedirectResponse(f"{url}?{'stored' if new else 'unchanged'}=1", 303)
