"""The browser's session: its cookie, who it belongs to, and what a page does without one.

The session itself is :mod:`aggregator.services.sessions` (a secret exchanged once for a token,
stored hashed, expiring, ended by sign-out or by revoking the token). This module keeps the
secret in an HttpOnly, SameSite=Strict cookie (Secure over https), looks it up once per
request, and tells the guard who is asking (``request.state.principal``), so every
data-changing portal request is audited with its principal, as over the API.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from aggregator.services import sessions
from aggregator.services.access import authorize, role_name
from aggregator.services.audit import Note
from aggregator.services.auth import Principal
from aggregator.services.context import Context
from schemas.municipalities import load_register

SESSION_COOKIE = "lekstat_session"

#: Why the sign-in page is shown instead of the page asked for.
Reason = Literal["required", "ended", "signed_out"]
REASONS: tuple[Reason, ...] = ("required", "ended", "signed_out")

#: Where the sign-in page may send a person back to: a portal page, nothing else (no open
#: redirect to another site, and no form action).
_NEXT = re.compile(r"^/portal(/(?!\.)[A-Za-z0-9._-]+)*$")


@dataclass(frozen=True)
class Session:
    """A resolved session: its secret (from the cookie), a key for it, and who it is."""

    secret: str
    principal: Principal

    @property
    def key(self) -> str:
        """A stable name for this session that is not its secret (for per-session state)."""
        return hashlib.sha256(b"lekstat-web-session:" + self.secret.encode()).hexdigest()


class SignInRequired(Exception):
    """The page needs a session and there is none (or it ended); the portal sends to sign-in."""

    def __init__(self, reason: Reason, next_path: str | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.next_path = next_path


def context_of(request: Request) -> Context:
    """The services' context of the app."""
    context: Context = request.app.state.context
    return context


def session_of(request: Request) -> Session | None:
    """The request's session, looked up once; None without a live one."""
    state = request.state
    if not hasattr(state, "web_session"):
        secret = request.cookies.get(SESSION_COOKIE)
        principal = sessions.resolve(context_of(request), secret) if secret else None
        state.web_session = Session(secret, principal) if secret and principal else None
        if principal is not None:
            state.principal = principal  # the guard's audit line names who asked
    session: Session | None = state.web_session
    return session


def require(request: Request, operation: str | None = None) -> Session:
    """The request's session, or :class:`SignInRequired`; with ``operation``, also the role's
    permission (a :class:`~aggregator.services.refusals.Refusal` of kind forbidden)."""
    session = session_of(request)
    if session is None:
        ended = SESSION_COOKIE in request.cookies
        path = request.url.path if request.method == "GET" else None
        raise SignInRequired("ended" if ended else "required", path)
    if operation is not None:
        authorize(session.principal, operation)
    return session


def safe_next(path: object) -> str | None:
    """``path`` when it is a portal page to return to after signing in, else None."""
    return path if isinstance(path, str) and _NEXT.match(path) else None


def sign_in_redirect(request: Request, exc: SignInRequired) -> Response:
    """To the sign-in page, saying why; a dead session's cookie is removed."""
    query = f"reason={exc.reason}"
    next_path = safe_next(exc.next_path)
    if next_path:
        query += f"&next={next_path}"
    response = RedirectResponse(f"{request.app.url_path_for('sign_in')}?{query}", 303)
    if exc.reason == "ended":
        clear_session_cookie(request, response)
    return response


def set_session_cookie(request: Request, response: Response, secret: str) -> None:
    """Give the browser its session: HttpOnly, SameSite=Strict, Secure over https, whole site,
    for as long as the session lasts."""
    hours = context_of(request).settings.session_hours
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(hours * 3600),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    """Remove the session cookie from the browser."""
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def account_name(principal: Principal, lang: str) -> str:
    """Who is signed in, as the header says it: the municipality's name, or the role."""
    if principal.municipality is not None:
        return municipality_name(principal.municipality)
    name = role_name(principal.role, "en" if lang == "en" else "nl")
    return name[:1].upper() + name[1:]


def municipality_name(code: str) -> str:
    """A municipality's name from the register (its code when the register lacks it)."""
    try:
        return load_register().get(code).name
    except KeyError:
        return code


def note_of(request: Request) -> Note:
    """This request's audit note: the operation fills it, the guard writes it (as over HTTP)."""
    note = getattr(request.state, "audit", None)
    if note is None:
        note = request.state.audit = Note()
    return note
