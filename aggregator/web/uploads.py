"""Uploading a file: check it (every problem at once, nothing stored), then submit what was
checked.

The check is :func:`aggregator.services.submissions.accept` with ``dry_run=True``; its refusal
of invalid data carries every problem (row, column, value, what to do), shown as a table on the
quarter's page above the form. A file without problems is kept server-side for the session
(:mod:`aggregator.web.pending`) and the next page offers to submit it: the same bytes, checked
again and stored once (:func:`aggregator.web.submitting.store`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from aggregator.services import overview, submissions
from aggregator.services.refusals import Kind, Refusal, conflict
from aggregator.web.csrf import CSRF_FIELD, csrf_valid
from aggregator.web.errors import PageRoute
from aggregator.web.forms import FieldError, form_expired
from aggregator.web.outcomes import refusal_page
from aggregator.web.pending import pending_of
from aggregator.web.problems import MAX_SHOWN, group
from aggregator.web.quarters import quarter_link, quarter_page, receipt_redirect
from aggregator.web.rendering import page_language, pages_of
from aggregator.web.session import context_of, note_of, require
from aggregator.web.submitting import read_upload, store
from schemas.periods import Period, PeriodError

router = APIRouter(route_class=PageRoute, include_in_schema=False)

#: The longest file name shown back (a name is the uploader's text, not ours).
MAX_NAME = 120


def _name(upload: UploadFile) -> str:
    name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"


def _same_period(kept: str, asked: str) -> bool:
    try:
        return kept == str(Period.parse(asked))
    except PeriodError:
        return False


@router.post("/portal/quarters/{period}/check", name="upload_check")
async def check(request: Request, period: str) -> Response:
    """Check an uploaded file: its problems on the quarter's page, or the offer to submit it."""
    session = await run_in_threadpool(require, request, "submit")
    context, note, lang = context_of(request), note_of(request), page_language(request)
    found = await run_in_threadpool(overview.quarter, context, session.principal, period)
    # Read the file inside the form's context, so its spooled temporary file is closed.
    async with request.form(max_files=1, max_fields=5) as form:
        token, upload = form.get(CSRF_FIELD), form.get("file")
        picked = isinstance(upload, UploadFile) and bool(upload.filename)
        filename = _name(upload) if isinstance(upload, UploadFile) else ""
        data = await upload.read() if isinstance(upload, UploadFile) and picked else b""
    if not await run_in_threadpool(csrf_valid, request, token):
        return form_expired(request)
    note.set("dry_run", f"{session.principal.municipality} {found.period}")
    if not picked:
        error = FieldError("file", "file_missing")
        return quarter_page(request, session, found, status=422, errors=[error])
    if not data:
        error = FieldError("file", "file_empty", {"name": filename})
        return quarter_page(request, session, found, status=422, errors=[error])
    table = await run_in_threadpool(read_upload, filename, data)
    try:
        accepted = await run_in_threadpool(
            lambda: submissions.accept(
                context,
                session.principal,
                period_text=str(found.period),
                table=table,
                dry_run=True,
                lang=lang,
                note=note,
            )
        )
    except Refusal as refusal:
        if refusal.kind is not Kind.INVALID or refusal.code != "invalid_submission":
            raise
        n = len(refusal.details)
        key = "file_has_one_problem" if n == 1 else "file_has_problems"
        error = FieldError("file", key, {"name": filename, "n": n})
        grouped = group(refusal.details)
        return quarter_page(
            request,
            session,
            found,
            status=422,
            errors=[error],
            problems=grouped[:MAX_SHOWN],
            problems_total=n,
            problems_hidden=max(0, len(grouped) - MAX_SHOWN),
            problems_message=refusal.message(lang),
            filename=filename,
        )
    checked = accepted.record
    current = found.current
    unchanged = current is not None and current.sha256 == checked.sha256
    pending = pending_of(request).put(
        session.key, str(found.period), filename, data, checked.sha256
    )
    return pages_of(request).render(
        request,
        "checked.html.j2",
        quarter=found,
        checked=checked,
        filename=filename,
        upload=pending,
        unchanged=unchanged,
    )


@router.post("/portal/quarters/{period}/submit", name="upload_submit")
async def submit(request: Request, period: str) -> Response:
    """Submit the upload that was checked (the same bytes), then its receipt."""
    session = await run_in_threadpool(require, request, "submit")
    form = await request.form(max_files=0, max_fields=5)
    if not await run_in_threadpool(csrf_valid, request, form.get(CSRF_FIELD)):
        return form_expired(request)
    context, note, lang = context_of(request), note_of(request), page_language(request)
    upload = pending_of(request).get(session.key, form.get("upload"))
    sha256 = form.get("sha256")
    if upload is None or not _same_period(upload.period, period) or upload.sha256 != sha256:
        expired = conflict(
            "upload_expired",
            "het gecontroleerde bestand is hier niet meer (het wordt een uur bewaard, en niet "
            "na afmelden); er is niets opgeslagen. Controleer het bestand opnieuw",
            "the checked file is no longer here (it is kept for an hour, and not after signing "
            "out); nothing was stored. Check the file again",
        )
        return refusal_page(request, expired, back=quarter_link(request, period))
    table = await run_in_threadpool(read_upload, upload.filename, upload.data)
    try:
        stored = await run_in_threadpool(
            lambda: store(
                context,
                session.principal,
                period=upload.period,
                table=table,
                checked_sha256=upload.sha256,
                lang=lang,
                note=note,
            )
        )
    except Refusal as refusal:
        return refusal_page(request, refusal, back=quarter_link(request, period))
    return receipt_redirect(request, stored.record.id, stored.new)
