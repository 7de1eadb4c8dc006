"""Protection of every form against cross-site requests: a double-submit token.

A page with a form puts a random token in a hidden field and in an HttpOnly, SameSite=Strict
cookie; a POST is accepted only when both are there and equal. Another site can make a browser
post to lekstat, but it can neither read the cookie nor make the browser send it (SameSite), so
it cannot fill in the field. Until there are sessions this also covers the sign-in form (login
CSRF); the session issue can bind the token to the session.
"""

from __future__ import annotations

import hmac
import re
import secrets

from fastapi import Request
from fastapi.responses import Response

CSRF_COOKIE = "lekstat_csrf"
CSRF_FIELD = "csrf_token"
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def csrf_token(request: Request) -> str:
    """The request's CSRF token: the cookie's when it has one, else a new one to set."""
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


def csrf_valid(request: Request, submitted: object) -> bool:
    """Whether a posted form's token matches the cookie."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not isinstance(submitted, str) or not _SHAPE.match(cookie):
        return False
    return hmac.compare_digest(cookie.encode(), submitted.encode())
