"""The FastAPI application, built in one place from its settings (no import-time state)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from aggregator import package_version
from aggregator.cli.channel import serve_operator
from aggregator.cli.main import run_captured
from aggregator.clock import utcnow
from aggregator.config import Settings
from aggregator.http.deps import get_lang
from aggregator.http.errors import ApiError
from aggregator.http.guard import Guard, RateLimiter
from aggregator.http.routes import (
    budget,
    completeness,
    health,
    periods,
    reference,
    releases,
    submissions,
    tokens,
)
from aggregator.store import Store
from aggregator.web import install_web


def create_app(
    settings: Settings,
    *,
    store: Store | None = None,
    clock: Callable[[], dt.datetime] = utcnow,
    operator_socket: Path | None = None,
) -> FastAPI:
    """The lekstat service on ``settings.db_path`` (or on an open ``store``).

    With ``operator_socket``, ``lekstat-server`` commands can run in the service while it
    holds the database (see :mod:`aggregator.cli.channel`).
    """
    owns_store = store is None
    the_store = store if store is not None else Store(settings.db_path)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        channel = None
        if operator_socket is not None:
            channel = await serve_operator(
                operator_socket, lambda argv, cwd: run_captured(argv, cwd, the_store, clock)
            )
        try:
            yield
        finally:
            if channel is not None:
                channel.close()
                await channel.wait_closed()
                operator_socket.unlink(missing_ok=True)  # type: ignore[union-attr]
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

    _install_error_handlers(app)
    for module in (health, reference, submissions, completeness, periods, budget, releases, tokens):
        app.include_router(module.router)
    app.add_middleware(
        Guard,
        store=the_store,
        max_body_bytes=settings.max_body_bytes,
        limiter=RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst),
        body_timeout=settings.body_timeout,
    )
    install_web(app)  # last: its headers middleware wraps the guard
    return app


def _error(exc: ApiError, request: Request) -> JSONResponse:
    return JSONResponse(exc.body(get_lang(request)), status_code=exc.status, headers=exc.headers)


def _install_error_handlers(app: FastAPI) -> None:
    # An unexpected exception is answered (500, the one shape) and logged by its type in the
    # guard (aggregator/guard.py), which sits around the router.
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc, request)

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
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed"}
        dutch = {404: "niet gevonden", 405: "deze methode is hier niet toegestaan"}
        english = {404: "not found", 405: "this method is not allowed here"}
        error = ApiError(
            dutch.get(exc.status_code, str(exc.detail)),
            english.get(exc.status_code, str(exc.detail)),
            code=codes.get(exc.status_code, "http_error"),
            headers=dict(exc.headers or {}),
        )
        error.status = exc.status_code
        return _error(error, request)
