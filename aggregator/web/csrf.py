"""Protection of every form against cross-site requests.

Signed in, a form's token is derived from the session's secret (an HMAC of it), so it is bound
to that session: it changes when a person signs in (a token from before, or one an attacker
planted, is worth nothing afterwards) and dies with the session. Without a session (the sign-in
form) it is a double-submit token: a random value in a hidden field and in an HttpOnly,
SameSite=Strict cookie, accepted only when both are there and equal; that closes login CSRF.
Another site can make a browser post to lekstat, but it can neither read the cookies nor make
the browser send them (SameSite), so it cannot fill in the field.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from fastapi import Request
from fastapi.responses import Response

from aggregator.web.session import session_of

CSRF_COOKIE = "lekstat_csrf"
CSRF_FIELD = "csrf_token"
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def session_token(secret: str) -> str:
    """The CSRF token of the session with ``secret``."""
    digest = hmac.new(secret.encode(), b"lekstat-csrf", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def csrf_token(request: Request) -> str:
    """The request's CSRF token: the session's, else the cookie's, else a new one to set."""
    session = session_of(request)
    if session is not None:
        return session_token(session.secret)
    token: str | None = getattr(request.state, "csrf_token", None)
    if token is None:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        token = cookie if _SHAPE.match(cookie) else secrets.token_urlsafe(32)
        request.state.csrf_token = token
        request.state.csrf_new = token != cookie
    return token


def set_csrf_cookie(request: Request, response: Response) -> None:
    """Set the cookie when this request made a new token."""
    if getattr(request.state, "csrf_new", False):
        response.set_cookie(
            CSRF_COOKIE,
            request.state.csrf_token,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )


def drop_csrf_cookie(request: Request, response: Response) -> None:
    """Remove the double-submit cookie (a session's forms no longer use it)."""
    secure = request.url.scheme == "https"
    response.delete_cookie(CSRF_COOKIE, path="/", httponly=True, samesite="strict", secure=secure)


def csrf_valid(request: Request, submitted: object) -> bool:
    """Whether a posted form's token is the session's, or (signed out) matches the cookie."""
    if not isinstance(submitted, str) or not _SHAPE.match(submitted):
        return False
    session = session_of(request)
    if session is not None:
        expected = session_token(session.secret)
    else:
        expected = request.cookies.get(CSRF_COOKIE, "")
        if not _SHAPE.match(expected):
            return False
    return hmac.compare_digest(expected.encode(), submitted.encode())
