"""The FastAPI application, built in one place from its settings (no import-time state).

``OPTIONS`` on any route answers 204 with ``Allow`` naming every method of that path, and a
method the path does not have answers 405 with the same ``Allow`` (not only the method of the
first route that matched the path).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, Protocol

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from aggregator import package_version
from aggregator.clock import utcnow
from aggregator.config import Settings
from aggregator.http.deps import get_lang
from aggregator.http.errors import ApiError, from_refusal
from aggregator.http.guard import CostGate, Guard, RateLimiter, RefusalTally
from aggregator.http.routes import (
    budget,
    completeness,
    figures,
    health,
    periods,
    reference,
    releases,
    submissions,
    tokens,
)
from aggregator.services.context import Context
from aggregator.services.refusals import Refusal
from aggregator.store import Store
from aggregator.store.crypto import keys_of
from aggregator.web import install_web


class Companion(Protocol):
    """Something that runs beside the service for its lifetime (the operator channel)."""

    async def start(self, context: Context) -> None:
        """Start, with the service's context."""

    async def stop(self) -> None:
        """Stop and clean up."""


def create_app(
    settings: Settings,
    *,
    store: Store | None = None,
    clock: Callable[[], dt.datetime] = utcnow,
    companion: Companion | None = None,
) -> FastAPI:
    """The lekstat service on ``settings.db_path`` (or on an open ``store``).

    A ``companion`` (the ``lekstat-server`` operator channel) is started and stopped with the
    service; the application itself knows nothing of the command line.
    """
    owns_store = store is None
    the_store = (
        store
        if store is not None
        else Store(
            settings.db_path,
            journal=settings.journal_path,
            keys=keys_of(settings.key, settings.key_file),
        )
    )
    context = Context(the_store, settings, clock)
    tally = RefusalTally(the_store, settings.audit_window)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if companion is not None:
            await companion.start(context)
        try:
            yield
        finally:
            if companion is not None:
                await companion.stop()
            tally.flush()
            if owns_store:
                the_store.close()

    app = FastAPI(
        title="lekstat",
        version=package_version(),
        description=(
            "National statistics on personal-data leaks by municipal civil servants: "
            "municipalities submit quarterly counts; the service publishes differentially "
            "private national figures. Every error has the shape "
            '`{"error": {"code", "message", "details"}}`; send `Accept-Language: en` for '
            "English messages (default Dutch)."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = the_store
    app.state.clock = clock
    app.state.context = context
    app.state.refusal_tally = tally

    _install_error_handlers(app)
    for module in (health, reference, submissions, completeness, periods, budget, releases, tokens):
        app.include_router(module.router)
    app.include_router(figures.router)
    app.add_middleware(
        Guard,
        store=the_store,
        max_body_bytes=settings.max_body_bytes,
        limiter=RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst),
        body_timeout=settings.body_timeout,
        gate=CostGate(settings.heavy_per_token, settings.heavy_total, settings.heavy_wait),
        heavy_bytes=settings.heavy_bytes,
        tally=tally,
        clock=clock,
    )
    install_web(app)  # last: its headers middleware wraps the guard
    return app


#: The methods a route may have (HEAD comes with GET).
_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route of the app answers on ``path`` (with OPTIONS), sorted: asked of
    the router itself, so included routers and mounts answer as they route."""
    methods = {
        method
        for method in _METHODS
        for route in app.router.routes
        if route.matches({"type": "http", "path": path, "method": method, "root_path": ""})[0]
        is Match.FULL
    }
    return sorted(methods | {"OPTIONS"}) if methods else []


def _error(exc: ApiError, request: Request) -> JSONResponse:
    return JSONResponse(exc.body(get_lang(request)), status_code=exc.status, headers=exc.headers)


def _install_error_handlers(app: FastAPI) -> None:
    # An unexpected exception is answered (500, the one shape) and logged by its type in the
    # guard (aggregator/http/guard.py), which sits around the router.
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc, request)

    @app.exception_handler(Refusal)
    async def refusal(request: Request, exc: Refusal) -> JSONResponse:
        return _error(from_refusal(exc), request)

    @app.exception_handler(RequestValidationError)
    async def request_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        details: list[dict[str, Any]] = [
            {"location": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        error = ApiError(
            "het verzoek klopt niet: zie details",
            "the request is not valid: see details",
            details,
            code="invalid_request",
        )
        error.status = 422
        return _error(error, request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed"}
        dutch = {404: "niet gevonden", 405: "deze methode is hier niet toegestaan"}
        english = {404: "not found", 405: "this method is not allowed here"}
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # The router names only the methods of the first route it matched.
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
            if request.method == "OPTIONS":  # what may be done here: an answer, not an error
                return Response(status_code=204, headers={"Allow": headers["Allow"]})
        error = ApiError(
            dutch.get(exc.status_code, str(exc.detail)),
            english.get(exc.status_code, str(exc.detail)),
            code=codes.get(exc.status_code, "http_error"),
            headers=headers,
        )
        error.status = exc.status_code
        return _error(error, request)
