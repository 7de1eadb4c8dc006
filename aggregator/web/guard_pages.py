"""The portal's side of the guard: who a data-changing page request is, and the guard's own
refusals as pages.

The HTTP guard writes the audit line of every data-changing request, naming the principal the
request authenticated as. A portal request authenticates with its session cookie, and the
guard may refuse it before any route runs (a body over the size limit, 413; too slow, 408;
too many requests, 429; its last-resort 500). This ASGI middleware, between the security
headers and the guard, therefore

- looks up the session of a data-changing page request first, so that the audit line names
  its principal also when the guard refuses it (the route reuses the lookup);
- replaces the guard's JSON answer to a page request (outside ``/api/``, asking for HTML) with
  the page for it, with the same status.
"""

from __future__ import annotations

import anyio.to_thread
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aggregator.web.errors import wants_html
from aggregator.web.rendering import pages_of
from aggregator.web.session import SESSION_COOKIE, session_of

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})

#: Status → the message keys of its page's title and text.
PAGES = {
    408: ("too_slow_title", "too_slow_text"),
    413: ("too_large_title", "too_large_text"),
    429: ("too_many_title", "too_many_text"),
    500: ("server_error_title", "server_error_text"),
}


class GuardPages:
    """ASGI middleware: the guard's JSON answers above as HTML pages for browsers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if scope["method"] in MUTATING and SESSION_COOKIE in request.cookies:
            await anyio.to_thread.run_sync(session_of, request)
        if not wants_html(request):
            await self.app(scope, receive, send)
            return
        replaced = False

        async def send_or_replace(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start":
                headers = Headers(raw=message.get("headers") or [])
                status = int(message["status"])
                json = headers.get("content-type", "").startswith("application/json")
                if status in PAGES and json:
                    replaced = True
                    await _page(scope, status, headers.get("retry-after"))(scope, receive, send)
                    return
            if not replaced:
                await send(message)

        await self.app(scope, receive, send_or_replace)


def _page(scope: Scope, status: int, retry_after: str | None) -> Response:
    """The page of the guard's answer ``status``."""
    request = Request(scope)
    title, text = PAGES[status]
    settings = request.app.state.settings
    response = pages_of(request).render(
        request,
        "error.html.j2",
        status=status,
        title_key=title,
        text_key=text,
        status_code=status,
        text_values={"mb": f"{settings.max_body_bytes / 1_000_000:g}"},
    )
    if retry_after:
        response.headers["Retry-After"] = retry_after
    return response
