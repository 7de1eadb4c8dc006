"""The guard around every request: rate limit, body-size limit, and the audit line.

A pure ASGI middleware, so an oversized body is refused with 413 before anything parses it
(from ``Content-Length`` when given, else while it streams in), and so every data-changing
request — accepted or refused, also when refused here or when the app fails — leaves exactly
one audit line.

An unexpected exception ends here as a 500 in the one error shape, logged by its type only:
an exception message could quote submitted data, and letting it reach the server would have
uvicorn log the whole traceback.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import anyio.to_thread
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aggregator.api.deps import language_of
from aggregator.errors import ApiError, InternalError, PayloadTooLarge, TooManyRequests
from aggregator.store import AuditEntry, Store, utcnow

log = logging.getLogger("lekstat.guard")

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_TOKEN_ID = re.compile(rb"^bearer\s+lks_([a-z0-9]{12})_", re.IGNORECASE)

#: The audit status of a request whose client went away before it was answered (as nginx).
CLIENT_CLOSED = 499


class RateLimiter:
    """A token bucket per key: ``burst`` requests at once, refilled at ``per_minute``."""

    def __init__(
        self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take one request for ``key``; return 0 when allowed, else seconds to wait."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1.0 - tokens) / self.rate if self.rate > 0 else 60.0
            if len(self._buckets) > 10_000:
                self._prune(now)
        return wait

    def _prune(self, now: float) -> None:
        full = [
            k
            for k, (tok, last) in self._buckets.items()
            if tok + (now - last) * self.rate >= self.burst
        ]
        for key in full:
            del self._buckets[key]


class Guard:
    """ASGI middleware: rate limit → body limit → app → audit line for data-changing requests."""

    def __init__(
        self, app: ASGIApp, *, store: Store, max_body_bytes: int, limiter: RateLimiter
    ) -> None:
        self.app = app
        self.store = store
        self.max_body = max_body_bytes
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        lang = language_of(headers.get(b"accept-language", b"").decode("latin-1"))
        status_holder: dict[str, int] = {}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
            await send(message)

        try:
            self._check_rate(scope, headers)
            self._check_length(headers)
        except ApiError as exc:
            await _send_error(send_wrapper, exc, lang)
        else:
            received = 0

            async def limited_receive() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > self.max_body:
                        raise self._too_large()
                return message

            try:
                await self.app(scope, limited_receive, send_wrapper)
            except ClientDisconnect:
                status_holder.setdefault("status", CLIENT_CLOSED)
            except Exception as exc:
                log.error(
                    "unexpected %s in %s %s", type(exc).__name__, scope["method"], scope["path"]
                )
                if "status" not in status_holder:
                    await _send_error(
                        send_wrapper,
                        InternalError(
                            "er ging iets mis in de service; er is niets opgeslagen",
                            "something went wrong in the service; nothing was stored",
                        ),
                        lang,
                    )
                status_holder["status"] = 500
        if scope["method"] in MUTATING:
            await self._audit(scope, status_holder.get("status", 500))

    def _check_rate(self, scope: Scope, headers: dict[bytes, bytes]) -> None:
        match = _TOKEN_ID.match(headers.get(b"authorization", b""))
        client = scope.get("client") or ("?", 0)
        key = "t:" + match.group(1).decode() if match else "ip:" + str(client[0])
        wait = self.limiter.take(key)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise TooManyRequests(
                f"te veel verzoeken; probeer het over {seconds} s opnieuw",
                f"too many requests; try again in {seconds} s",
                headers={"Retry-After": str(seconds)},
            )

    def _check_length(self, headers: dict[bytes, bytes]) -> None:
        raw = headers.get(b"content-length")
        if raw is None:
            return
        try:
            length = int(raw)
        except ValueError:
            length = -1
        if length < 0 or length > self.max_body:
            raise self._too_large()

    def _too_large(self) -> PayloadTooLarge:
        mb = self.max_body / 1_000_000
        return PayloadTooLarge(
            f"het verzoek is groter dan {mb:g} MB; er is niets opgeslagen",
            f"the request is larger than {mb:g} MB; nothing was stored",
        )

    async def _audit(self, scope: Scope, status: int) -> None:
        state: dict[str, Any] = scope.get("state") or {}
        principal = state.get("principal")
        route = scope.get("route")
        path = getattr(route, "path", None) or scope.get("path", "")
        # Defaults for requests refused before the endpoint ran: the route's name and its
        # path parameters (a period, a token id), or the raw method and path.
        action = getattr(route, "name", None) or f"{scope['method']} {path}"
        target = " ".join(str(v) for v in (scope.get("path_params") or {}).values())
        entry = AuditEntry(
            at=utcnow(),
            token_id=getattr(principal, "token_id", None),
            role=getattr(principal, "role", None),
            method=scope["method"],
            path=str(path)[:200],
            action=str(state.get("audit_action", action))[:100],
            target=str(state.get("audit_target", target))[:200],
            status=status,
            outcome="accepted" if status < 400 else "refused" if status < 500 else "error",
            detail=str(state.get("audit_detail", ""))[:500],
        )
        try:
            await anyio.to_thread.run_sync(self.store.audit, entry)
        except Exception as exc:  # the response is already sent; losing the line must be visible
            log.error(
                "could not write the audit line for %s %s: %s",
                entry.method,
                entry.path,
                type(exc).__name__,
            )


async def _send_error(send: Send, exc: ApiError, lang: str) -> None:
    body = json.dumps(exc.body(lang)).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in exc.headers.items()]
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
