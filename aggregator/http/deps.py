"""Typed dependencies shared by the routers: the store, the caller, the language, the clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from aggregator.config import Settings
from aggregator.http.errors import Unauthenticated, Unprocessable, forbidden
from aggregator.services.auth import Principal, authenticate
from aggregator.store import Store
from schemas.issues import short_value
from schemas.periods import Period, PeriodError

#: A period parameter longer than this is not one (and is not quoted back in full).
_MAX_PERIOD_TEXT = 40

_bearer = HTTPBearer(auto_error=False, description="A lekstat token: `lks_<id>_<secret>`")


def get_store(request: Request) -> Store:
    """The application's store."""
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    """The application's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_clock(request: Request) -> Callable[[], dt.datetime]:
    """The application's clock (UTC, naive); tests inject their own."""
    clock: Callable[[], dt.datetime] = request.app.state.clock
    return clock


def get_lang(request: Request) -> str:
    """``en`` when the caller prefers English, else ``nl``."""
    return language_of(request.headers.get("accept-language", ""))


def language_of(header: str) -> str:
    """The language of an Accept-Language header: ``en`` or (default) ``nl``."""
    first = header.split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "nl"


def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    store: Annotated[Store, Depends(get_store)],
) -> Principal:
    """The caller behind the bearer token; 401 without a valid one."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated(
            "geen token: stuur 'Authorization: Bearer <token>'",
            "no token: send 'Authorization: Bearer <token>'",
        )
    token = credentials.credentials
    seen = getattr(request.state, "authenticated", None)  # the guard's answer for this token
    principal = seen[1] if seen is not None and seen[0] == token else authenticate(store, token)
    if principal is None:
        raise Unauthenticated(
            "ongeldig of ingetrokken token",
            "invalid or revoked token",
        )
    request.state.principal = principal
    return principal


def require(*roles: str) -> Callable[..., Principal]:
    """A dependency that admits only ``roles``; 403 for the others."""

    def dependency(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if principal.role not in roles:
            raise forbidden(principal.role)
        return principal

    return dependency


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ClockDep = Annotated[Callable[[], dt.datetime], Depends(get_clock)]
LangDep = Annotated[str, Depends(get_lang)]
AnyPrincipal = Annotated[Principal, Depends(get_principal)]
Municipality = Annotated[Principal, Depends(require("municipality"))]
Statistician = Annotated[Principal, Depends(require("statistician"))]
Admin = Annotated[Principal, Depends(require("admin"))]
Reader = Annotated[Principal, Depends(require("analyst", "statistician"))]
SubmissionReader = Annotated[Principal, Depends(require("municipality", "statistician"))]


def audit(request: Request, action: str, target: str = "", detail: str = "") -> None:
    """Describe a data-changing request for the audit line (never counts)."""
    request.state.audit_action = action
    request.state.audit_target = target
    request.state.audit_detail = detail


def parse_period(text: str | None) -> Period:
    """A period parameter, or 422 that says the right form (and never quotes a huge value)."""
    if not text:
        raise Unprocessable(
            "geef de periode op, bijvoorbeeld ?period=2026-Q1",
            "give the period, for example ?period=2026-Q1",
            code="missing_period",
        )
    if len(text) > _MAX_PERIOD_TEXT:
        # Not a period, and not something to quote back in full.
        shown = short_value(text, 20)
        raise Unprocessable(
            f"'{shown}' is geen geldig kwartaal: schrijf het als JJJJ-Qn, bijvoorbeeld 2026-Q1",
            f"'{shown}' is not a valid quarter: write it as YYYY-Qn, for example 2026-Q1",
            code="bad_period",
        )
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise Unprocessable(exc.message_nl, exc.message_en, code="bad_period") from None
