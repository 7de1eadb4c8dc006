"""Typed dependencies of the routers: the services' context, the caller, language, audit note."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from aggregator.http.errors import Unauthenticated
from aggregator.services.access import authorize
from aggregator.services.audit import Note
from aggregator.services.auth import PUBLIC, Principal, authenticate
from aggregator.services.context import Context

_bearer = HTTPBearer(auto_error=False, description="A lekstat token: `lks_<id>_<secret>`")


def get_context(request: Request) -> Context:
    """The services' context: the store, the settings and the clock."""
    context: Context = request.app.state.context
    return context


def get_lang(request: Request) -> str:
    """``en`` when the caller prefers English, else ``nl``."""
    return language_of(request.headers.get("accept-language", ""))


def language_of(header: str) -> str:
    """The language of an Accept-Language header: ``en`` or (default) ``nl``."""
    first = header.split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "nl"


def get_note(request: Request) -> Note:
    """The audit note of this request: the operation fills it, the guard writes it."""
    note = getattr(request.state, "audit", None)
    if note is None:
        note = request.state.audit = Note()
    return note


def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    context: Annotated[Context, Depends(get_context)],
) -> Principal:
    """The caller behind the bearer token; 401 without a valid one."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated(
            "geen token: stuur 'Authorization: Bearer <token>'",
            "no token: send 'Authorization: Bearer <token>'",
        )
    token = credentials.credentials
    seen = getattr(request.state, "authenticated", None)  # the guard's answer for this token
    principal = (
        seen[1]
        if seen is not None and seen[0] == token
        else authenticate(context.store, token, context.now())
    )
    if principal is None:
        raise Unauthenticated("ongeldig of ingetrokken token", "invalid or revoked token")
    request.state.principal = principal
    return principal


def get_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    context: Annotated[Context, Depends(get_context)],
) -> Principal:
    """The caller behind a bearer token, or the public when there is none (a token that is
    sent must be valid: 401 otherwise)."""
    if credentials is None:
        return PUBLIC
    return get_principal(request, credentials, context)


def allowed(operation: str) -> Callable[..., Principal]:
    """A dependency that admits the roles that may run ``operation`` (403 for the others).

    The refusal comes before a body is read; the operation checks the same table again.
    """

    def dependency(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        authorize(principal, operation)
        return principal

    return dependency


ContextDep = Annotated[Context, Depends(get_context)]
LangDep = Annotated[str, Depends(get_lang)]
NoteDep = Annotated[Note, Depends(get_note)]
AnyPrincipal = Annotated[Principal, Depends(get_principal)]
#: Anyone, with or without a token (what they may read, the operation decides).
Caller = Annotated[Principal, Depends(get_caller)]
