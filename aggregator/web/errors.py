"""Error pages in the house style for people; the API keeps its one JSON error shape.

An HTTP error (404, 405, …) gets a page when the request is not for the API (``/api/``) and
the browser asks for HTML; anything else goes to the handler the app had. In a page route
(:class:`PageRoute`) a refusal becomes its page (:mod:`aggregator.web.outcomes`), a page that
needs a session and has none sends to sign-in, and an unexpected exception becomes the 500
page, logged by its type only (as the guard does: a message could quote submitted data).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from aggregator.services.refusals import Refusal
from aggregator.web.outcomes import refusal_page
from aggregator.web.rendering import pages_of
from aggregator.web.session import SignInRequired, sign_in_redirect

log = logging.getLogger("lekstat.web")

API_PREFIX = "/api/"


def wants_html(request: Request) -> bool:
    """A person's browser asking for a page outside the API."""
    accept = request.headers.get("accept", "")
    return not request.url.path.startswith(API_PREFIX) and "text/html" in accept.lower()


def error_page(request: Request, status: int) -> Response:
    """The page for HTTP status ``status``."""
    if status == 404:
        title, text = "not_found_title", "not_found_text"
    elif status >= 500:
        title, text = "server_error_title", "server_error_text"
    else:
        title, text = "http_error_title", "http_error_text"
    return pages_of(request).render(
        request, "error.html.j2", status=status, title_key=title, text_key=text, status_code=status
    )


def install_html_errors(app: FastAPI) -> None:
    """Answer HTTP errors with a page for browsers, and with the app's handler otherwise."""
    previous = app.exception_handlers[StarletteHTTPException]

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if wants_html(request):
            response = error_page(request, exc.status_code)
            response.headers.update(exc.headers or {})
            return response
        answer = previous(request, exc)
        return await answer if isinstance(answer, Awaitable) else answer

    app.add_exception_handler(StarletteHTTPException, http_error)


class PageRoute(APIRoute):
    """A route whose refusals become their page, and whose unexpected exceptions the 500 page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler, with the 500 page around it."""
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as exc:
                return sign_in_redirect(request, exc)
            except Refusal as exc:
                return refusal_page(request, exc)
            except Exception as exc:
                handled = request.app.exception_handlers
                if any(isinstance(k, type) and isinstance(exc, k) for k in handled):
                    raise
                log.error(
                    "unexpected %s in %s %s", type(exc).__name__, request.method, request.url.path
                )
                return error_page(request, 500)

        return guarded
