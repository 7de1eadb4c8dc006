"""The guard around every request: rate limit, body-size limit, body timeout, the audit line.

The rate limit is per valid token, else per client address.

A pure ASGI middleware, so an oversized body is refused with 413 before anything parses it
(from ``Content-Length`` when given, else while it streams in), a body that trickles in is
refused with 408, and every data-changing request — accepted or refused, also when refused
here or when the app fails — leaves exactly one audit line.

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

import anyio
import anyio.to_thread
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aggregator.clock import utcnow
from aggregator.http.deps import language_of
from aggregator.http.errors import (
    ApiError,
    InternalError,
    PayloadTooLarge,
    RequestTimeout,
    TooManyRequests,
)
from aggregator.services.auth import authenticate
from aggregator.store import AuditEntry, Store

log = logging.getLogger("lekstat.guard")

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_BEARER = re.compile(rb"^bearer\s+(lks_[a-z0-9]{12}_\S{1,100})\s*$", re.IGNORECASE)

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


class _Answered(Exception):
    """The guard has answered the request itself; unwinds the app that was reading the body."""


class Guard:
    """ASGI middleware: rate limit → body limit → app (body limit and timeout while it reads)
    → audit line for data-changing requests."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        store: Store,
        max_body_bytes: int,
        limiter: RateLimiter,
        body_timeout: float = 60.0,
    ) -> None:
        self.app = app
        self.store = store
        self.max_body = max_body_bytes
        self.limiter = limiter
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        lang = language_of(headers.get(b"accept-language", b"").decode("latin-1"))
        client = "ip:" + str((scope.get("client") or ("?", 0))[0])
        state = {"status": 0, "answered": False}

        async def send_wrapper(message: Message) -> None:
            if state["answered"]:
                return  # the guard has answered (413, 408); the app's answer goes nowhere
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
            await send(message)

        async def answer(exc: ApiError) -> None:
            if not state["status"]:
                await _send_error(send_wrapper, exc, lang)
            state["answered"] = True

        try:
            await self._check_rate(scope, headers, client)
            self._check_length(headers)
        except ApiError as exc:
            await answer(exc)
        else:
            try:
                await self.app(scope, self._limited(receive, answer), send_wrapper)
            except _Answered:
                pass
            except ClientDisconnect:
                state["status"] = state["status"] or CLIENT_CLOSED
            except Exception as exc:
                log.error(
                    "unexpected %s in %s %s", type(exc).__name__, scope["method"], scope["path"]
                )
                await answer(
                    InternalError(
                        "er ging iets mis in de service; er is niets opgeslagen",
                        "something went wrong in the service; nothing was stored",
                    )
                )
                state["status"] = 500
        status = int(state["status"]) or 500
        if scope["method"] in MUTATING:
            await self._audit(scope, status)

    def _limited(self, receive: Receive, answer: Callable[[ApiError], Any]) -> Receive:
        """``receive`` that refuses a body over the limit (413) or slower than the timeout (408)."""
        received = 0
        complete = False
        deadline = time.monotonic() + self.body_timeout

        async def limited_receive() -> Message:
            nonlocal received, complete
            if complete:  # waiting for a disconnect, not for the body: no deadline
                return await receive()
            try:
                with anyio.fail_after(max(0.0, deadline - time.monotonic())):
                    message = await receive()
            except TimeoutError:
                await answer(self._too_slow())
                raise _Answered from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    await answer(self._too_large())
                    raise _Answered
                complete = not message.get("more_body", False)
            return message

        return limited_receive

    async def _check_rate(self, scope: Scope, headers: dict[bytes, bytes], client: str) -> None:
        # The bucket is the token's only when the token is valid: a bucket chosen by the id a
        # request merely claims would give an outsider a fresh bucket per invented id, and let
        # anyone who knows a token's id (it is not secret) use up its holder's bucket.
        match = _BEARER.match(headers.get(b"authorization", b""))
        principal = None
        if match is not None:
            token = match.group(1).decode("ascii", errors="replace")
            principal = await anyio.to_thread.run_sync(authenticate, self.store, token)
            # The endpoint's authentication reuses this answer instead of asking the store again.
            scope.setdefault("state", {})["authenticated"] = (token, principal)
        key = f"t:{principal.token_id}" if principal is not None else client
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

    def _too_slow(self) -> RequestTimeout:
        return RequestTimeout(
            f"het verzoek kwam niet binnen {self.body_timeout:g} s binnen; er is niets opgeslagen",
            f"the request did not arrive within {self.body_timeout:g} s; nothing was stored",
        )

    async def _audit(self, scope: Scope, status: int) -> None:
        state: dict[str, Any] = scope.get("state") or {}
        principal = state.get("principal")  # set by the endpoint's authentication
        if principal is None and "authenticated" in state:
            # Refused by the guard before the endpoint ran (413, 408, 429): the token the guard
            # authenticated for the rate limit still says who.
            principal = state["authenticated"][1]
        route = scope.get("route")
        path = getattr(route, "path", None) or scope.get("path", "")
        # Requests refused before an operation described itself (413, 408, 429, 401, 403) are
        # named by the route and its path parameters (a period, a token id), or the raw method
        # and path.
        note = state.get("audit")
        action = (note.action if note else "") or getattr(route, "name", None)
        target = (note.target if note else "") or " ".join(
            str(v) for v in (scope.get("path_params") or {}).values()
        )
        entry = AuditEntry(
            at=utcnow(),
            token_id=getattr(principal, "token_id", None),
            role=getattr(principal, "role", None),
            method=scope["method"],
            path=str(path)[:200],
            action=str(action or f"{scope['method']} {path}")[:100],
            target=str(target)[:200],
            status=status,
            outcome="accepted" if status < 400 else "refused" if status < 500 else "error",
            detail=str(note.detail if note else "")[:500],
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
