"""The guard around every request: rate limit, cost admission, body-size limit, body timeout,
the audit line.

The rate limit is per valid token, else per client address. Heavy work — a request whose body
is larger than ``heavy_bytes`` (a large file to validate, also as a dry run) — is admitted by
cost (:class:`CostGate`): at most ``heavy_per_token`` at once for one token (or address) and
``heavy_total`` at once in all, the others wait their turn without holding a worker thread, and
are refused with 429 after ``heavy_wait`` seconds. So one municipality sending many large files
at the deadline queues behind itself, and the others' requests keep their pace.

Refusals of requests without a valid token are not written one line each (a flood would bury
real lines): :class:`RefusalTally` writes the first of each route and status at once and then
one counted line per window.

A pure ASGI middleware, so an oversized body is refused with 413 before anything parses it
(from ``Content-Length`` when given, else while it streams in), a body that trickles in is
refused with 408, and every data-changing request — accepted or refused, also when refused
here or when the app fails — leaves exactly one audit line.

An unexpected exception ends here as a 500 in the one error shape, logged by its type only:
an exception message could quote submitted data, and letting it reach the server would have
uvicorn log the whole traceback.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import math
import re
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field, replace
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


class CostGate:
    """Admission of heavy work: at most ``per_key`` at once per key, ``total`` at once in all;
    the rest wait (asynchronously, in order of arrival) for at most ``wait`` seconds."""

    def __init__(self, per_key: int, total: int, wait: float) -> None:
        self.per_key, self.total, self.wait = per_key, total, wait
        self._running: dict[str, int] = {}
        self._cond: asyncio.Condition | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _condition(self) -> asyncio.Condition:
        loop = asyncio.get_running_loop()
        if self._cond is None or self._loop is not loop:  # a test client runs its own loop
            self._cond, self._loop, self._running = asyncio.Condition(), loop, {}
        return self._cond

    def _free(self, key: str) -> bool:
        return self._running.get(key, 0) < self.per_key and sum(self._running.values()) < self.total

    @asynccontextmanager
    async def admit(self, key: str) -> AsyncIterator[None]:
        """Hold a place for heavy work of ``key``; :class:`TooManyRequests` after the wait."""
        cond = self._condition()
        async with cond:
            try:
                await asyncio.wait_for(cond.wait_for(lambda: self._free(key)), self.wait)
            except TimeoutError:
                seconds = max(1, math.ceil(self.wait))
                raise TooManyRequests(
                    "er wordt al een groot bestand van u verwerkt (of van velen tegelijk); "
                    f"probeer het over {seconds} s opnieuw",
                    "a large file of yours is already being processed (or many at once); "
                    f"try again in {seconds} s",
                    code="busy",
                    headers={"Retry-After": str(seconds)},
                ) from None
            self._running[key] = self._running.get(key, 0) + 1
        try:
            yield
        finally:
            async with cond:
                self._running[key] -= 1
                if not self._running[key]:
                    del self._running[key]
                cond.notify_all()


@dataclass
class _Tally:
    first: float
    entry: AuditEntry
    count: int = 0
    addresses: set[str] = field(default_factory=set)


class RefusalTally:
    """Refusals of requests without a valid token, counted per method, route and status.

    The first of a kind in a window is written at once; the rest of the window becomes one line
    with its count (``count``) and how many addresses sent them, written when the next one comes
    after the window, or at :meth:`flush` (on shutdown and before the audit log is read).
    """

    def __init__(self, store: Store, window: float, clock: Callable[[], float] = time.monotonic):
        self.store, self.window, self.clock = store, window, clock
        self._open: dict[tuple[str, str, int], _Tally] = {}
        self._lock = threading.Lock()

    def add(self, entry: AuditEntry, address: str) -> None:
        """Count an anonymous refusal; write what is due."""
        now = self.clock()
        key = (entry.method, entry.path, entry.status)
        due: list[AuditEntry] = []
        with self._lock:
            for k, open_ in list(self._open.items()):
                if now - open_.first >= self.window:
                    due.extend(self._close(k))
            tally = self._open.get(key)
            if tally is None:
                self._open[key] = _Tally(now, entry)
                due.append(replace(entry, detail=f"{entry.detail} from {address}".strip()))
            else:
                tally.count += 1
                tally.addresses.add(address)
        for line in due:
            self.store.audit(line)

    def _close(self, key: tuple[str, str, int]) -> list[AuditEntry]:
        tally = self._open.pop(key)
        if not tally.count:
            return []
        sample = ", ".join(sorted(tally.addresses)[:3])
        detail = (
            f"{tally.count} more in {self.window:g} s from {len(tally.addresses)} "
            f"address(es): {sample}"
        )
        return [replace(tally.entry, at=utcnow(), count=tally.count, detail=detail)]

    def flush(self) -> None:
        """Write every open count."""
        with self._lock:
            due = [line for k in list(self._open) for line in self._close(k)]
        for line in due:
            self.store.audit(line)


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
        gate: CostGate | None = None,
        heavy_bytes: int = 100_000,
        tally: RefusalTally | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.app = app
        self.store = store
        self.max_body = max_body_bytes
        self.limiter = limiter
        self.body_timeout = body_timeout
        self.gate = gate
        self.heavy_bytes = heavy_bytes
        self.tally = tally
        self.clock = clock

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
            key = await self._check_rate(scope, headers, client)
            self._check_length(headers)
            async with self._admitted(scope, headers, key):
                with suppress(_Answered):
                    await self.app(scope, self._limited(receive, answer), send_wrapper)
        except ApiError as exc:
            await answer(exc)
        except ClientDisconnect:
            state["status"] = state["status"] or CLIENT_CLOSED
        except Exception as exc:
            log.error("unexpected %s in %s %s", type(exc).__name__, scope["method"], scope["path"])
            await answer(
                InternalError(
                    "er ging iets mis in de service; er is niets opgeslagen",
                    "something went wrong in the service; nothing was stored",
                )
            )
            state["status"] = 500
        status = int(state["status"]) or 500
        if scope["method"] in MUTATING:
            await self._audit(scope, status, client)

    def _heavy(self, scope: Scope, headers: dict[bytes, bytes]) -> bool:
        """Whether a request is heavy work: a large (or unannounced) body to process."""
        if scope["method"] not in MUTATING or self.gate is None:
            return False
        raw = headers.get(b"content-length")
        if raw is None:
            return b"transfer-encoding" in headers
        try:
            return int(raw) > self.heavy_bytes
        except ValueError:
            return False

    @asynccontextmanager
    async def _admitted(
        self, scope: Scope, headers: dict[bytes, bytes], key: str
    ) -> AsyncIterator[None]:
        if not self._heavy(scope, headers):
            yield
            return
        assert self.gate is not None
        async with self.gate.admit(key):
            yield

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

    async def _check_rate(self, scope: Scope, headers: dict[bytes, bytes], client: str) -> str:
        """Take one request from its bucket; return the bucket's key (the token or address)."""
        # The bucket is the token's only when the token is valid: a bucket chosen by the id a
        # request merely claims would give an outsider a fresh bucket per invented id, and let
        # anyone who knows a token's id (it is not secret) use up its holder's bucket.
        match = _BEARER.match(headers.get(b"authorization", b""))
        principal = None
        if match is not None:
            token = match.group(1).decode("ascii", errors="replace")
            principal = await anyio.to_thread.run_sync(
                authenticate, self.store, token, self.clock()
            )
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
        return key

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

    async def _audit(self, scope: Scope, status: int, client: str) -> None:
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
            subject=(note.subject if note else None) or getattr(principal, "municipality", None),
        )
        try:
            if principal is None and status >= 400 and self.tally is not None:
                await anyio.to_thread.run_sync(self.tally.add, entry, client.removeprefix("ip:"))
            else:
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
