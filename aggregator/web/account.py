"""Signing in and out: a token exchanged once for a session, and the portal's start page.

Signing in exchanges the token through :func:`aggregator.services.sessions.sign_in` and gives
the browser a new session cookie; the form's CSRF token is then the session's own (see
:mod:`aggregator.web.csrf`), so a token from before signing in is worth nothing afterwards. A
session cookie the browser already had is never taken over: it is ended and replaced (no
session fixation).
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from aggregator.services import sessions
from aggregator.services.refusals import Refusal
from aggregator.web.csrf import CSRF_FIELD, csrf_valid, drop_csrf_cookie
from aggregator.web.errors import PageRoute
from aggregator.web.forms import FieldError, form_expired, token_problem
from aggregator.web.pending import pending_of
from aggregator.web.quarters import overview_page
from aggregator.web.rendering import page_language, pages_of
from aggregator.web.session import (
    REASONS,
    SESSION_COOKIE,
    clear_session_cookie,
    context_of,
    note_of,
    require,
    safe_next,
    session_of,
    set_session_cookie,
)
from aggregator.web.statistician import start_page

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _sign_in_form(
    request: Request, *, status: int = 200, errors: list[FieldError] | None = None
) -> Response:
    reason = request.query_params.get("reason")
    return pages_of(request).render(
        request,
        "sign_in.html.j2",
        status=status,
        errors=errors or [],
        notice=f"sign_in_reason_{reason}" if reason in REASONS else None,
        next_path=safe_next(request.query_params.get("next")) or "",
    )


@router.get("/sign-in", name="sign_in")
def sign_in(request: Request) -> Response:
    """The sign-in form; signed in already, the portal."""
    if session_of(request) is not None:
        return RedirectResponse(request.app.url_path_for("portal"), 303)
    return _sign_in_form(request)


@router.post("/sign-in", name="sign_in_submit")
async def sign_in_submit(request: Request) -> Response:
    """Exchange the token for a session and go to the portal (or back to the page asked for)."""
    form = await request.form(max_files=0, max_fields=10)
    if not await run_in_threadpool(csrf_valid, request, form.get(CSRF_FIELD)):
        return form_expired(request)
    token = str(form.get("token") or "").strip()
    problem = token_problem(token)
    if problem is not None:
        return _sign_in_form(request, status=422, errors=[FieldError("token", problem)])
    context, note = context_of(request), note_of(request)
    try:
        secret, principal = await run_in_threadpool(sessions.sign_in, context, token, note)
    except Refusal as refusal:
        error = FieldError.refused("token", refusal, page_language(request))
        return _sign_in_form(request, status=422, errors=[error])
    request.state.principal = principal  # the audit line of this request names who signed in
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        await run_in_threadpool(sessions.sign_out, context, old)
    target = safe_next(form.get("next")) or request.app.url_path_for("portal")
    response = RedirectResponse(target, 303)
    set_session_cookie(request, response, secret)
    drop_csrf_cookie(request, response)
    return response


@router.post("/sign-out", name="sign_out")
async def sign_out(request: Request) -> Response:
    """End the session (and forget its checked uploads); then the sign-in page says so.

    Without a live session there is nothing to end (and nothing to protect): straight to the
    sign-in page.
    """
    session = await run_in_threadpool(session_of, request)
    form = await request.form(max_files=0, max_fields=5)
    if session is None:
        reason = "ended" if SESSION_COOKIE in request.cookies else "required"
    else:
        if not await run_in_threadpool(csrf_valid, request, form.get(CSRF_FIELD)):
            return form_expired(request)
        principal = session.principal
        note_of(request).set("sign_out", principal.role, principal.name)
        await run_in_threadpool(sessions.sign_out, context_of(request), session.secret)
        pending_of(request).drop_session(session.key)
        reason = "signed_out"
    url = f"{request.app.url_path_for('sign_in')}?{urlencode({'reason': reason})}"
    response = RedirectResponse(url, 303)
    clear_session_cookie(request, response)
    return response


@router.get("/portal", name="portal")
def portal(request: Request) -> Response:
    """The start page after signing in: a municipality's quarters, or what a role can do."""
    session = require(request)
    if session.principal.role == "municipality":
        return overview_page(request, session)
    if session.principal.role == "statistician":
        return start_page(request, session)
    return pages_of(request).render(request, "portal_role.html.j2")
