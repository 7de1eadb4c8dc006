"""Security headers on every answer, as a small ASGI middleware.

- Every answer: ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``.
- HTML: a strict Content-Security-Policy (:data:`CSP`: no inline script or style, nothing from
  another host) and ``X-Frame-Options: DENY`` for browsers that predate ``frame-ancestors``.
  A route that needs another policy (the API documentation) sets its own header, which is kept.
- Everything but ``/static/``: ``Cache-Control: no-store`` unless the route set its own, so a
  page or answer with private data never lands in a shared or browser cache.

A pure ASGI middleware (like the guard), so it also covers answers that the guard gives itself
(413, 429, the 500 in the one error shape) when it is installed outside it.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The policy of every HTML page.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

ALWAYS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
HTML_ONLY = {"Content-Security-Policy": CSP, "X-Frame-Options": "DENY"}
NO_STORE = "no-store"


class SecurityHeaders:
    """ASGI middleware that adds the headers above to each HTTP answer."""

    def __init__(self, app: ASGIApp, *, static_prefix: str = "/static/") -> None:
        self.app = app
        self.static_prefix = static_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith(self.static_prefix)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers") or [])
                headers = MutableHeaders(scope=message)
                for name, value in ALWAYS.items():
                    headers[name] = value
                if headers.get("content-type", "").startswith("text/html"):
                    for name, value in HTML_ONLY.items():
                        headers.setdefault(name, value)
                if not static:
                    headers.setdefault("Cache-Control", NO_STORE)
            await send(message)

        await self.app(scope, receive, send_with_headers)
