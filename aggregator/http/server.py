"""Running an app with uvicorn, with the timeouts uvicorn's HTTP/1.1 protocol lacks, an access
log that never holds a secret, and ``X-Forwarded-For`` believed only from configured proxies."""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import socket
from types import FrameType
from urllib.parse import parse_qsl, urlencode

import h11
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol


class GuardedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with the two timeouts it lacks.

    - The request head (request line and headers) must arrive within ``head_timeout`` seconds
      of the connection opening or of the previous answer: a client that connects and says
      nothing, or trickles its headers in byte by byte (slowloris), is disconnected.
    - After an answer sent before the request's body was read (413 from ``Content-Length``,
      401, 429, 408), the rest of the body is discarded for at most ``head_timeout`` seconds,
      then the connection is closed: a client cannot keep it busy by sending on.

    A body that trickles in while the service reads it is refused by the guard (408).
    """

    head_timeout = 10.0
    _deadline: asyncio.TimerHandle | None = None
    _lingering = False
    _lingered: object = None  # the request cycle whose body is being discarded

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the clock for the first request head."""
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        """Stop the clock once a whole request head has arrived."""
        super().data_received(data)
        if self._lingering:
            if self.cycle is self._lingered and self.conn.their_state is h11.SEND_BODY:
                return  # still discarding the body that was answered early
            self._arm()  # that body has ended: the clock runs for the next request head
        if self.conn.their_state in (h11.SEND_BODY, h11.DONE):
            self._disarm()

    def on_response_complete(self) -> None:
        """Linger on an unread body, or start the clock for the next request head."""
        super().on_response_complete()
        if self.transport.is_closing():
            self._disarm()
        elif self.cycle is not None and self.cycle.response_complete:
            if self.conn.their_state is h11.SEND_BODY:
                self._lingered = self.cycle
                self._arm(lingering=True)
            elif self.conn.their_state is h11.IDLE:
                self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the clock."""
        self._disarm()
        super().connection_lost(exc)

    def _arm(self, *, lingering: bool = False) -> None:
        self._disarm()
        self._lingering = lingering
        self._deadline = self.loop.call_later(self.head_timeout, self._expire)

    def _disarm(self) -> None:
        self._lingering = False
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()


#: A lekstat token anywhere in a line (the secret is never logged).
_TOKEN = re.compile(r"lks_[A-Za-z0-9]+_[A-Za-z0-9_-]+")
#: A query value that is logged as it is: short and plain (a period, a flag, a format).
_PLAIN_VALUE = re.compile(r"^[A-Za-z0-9._-]{0,20}$")
REDACTED = "[redacted]"


def redact_target(target: str) -> str:
    """A request target as the access log may show it: tokens and long or unusual query values
    (a session secret, a token sent the wrong way) replaced by ``[redacted]``."""
    path, sep, query = target.partition("?")
    path = _TOKEN.sub(REDACTED, path)
    if not sep:
        return path
    pairs = [
        (k, v if _PLAIN_VALUE.match(v) and not _TOKEN.search(v) else REDACTED)
        for k, v in parse_qsl(query, keep_blank_values=True)
    ]
    return f"{path}?{urlencode(pairs, safe='[]')}"


class RedactingFilter(logging.Filter):
    """Rewrites uvicorn's access-log records (client, method, target, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the request target of an access-log record; keep the record."""
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_target(args[2]), *args[3:])
        return True


def guarded_protocol(head_timeout: float) -> type[GuardedH11Protocol]:
    """The protocol class with ``head_timeout`` (uvicorn takes a class, not an instance)."""
    return type("GuardedH11Protocol", (GuardedH11Protocol,), {"head_timeout": head_timeout})


def port_problem(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on, or None."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        return str(exc)
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def run(
    app: FastAPI, *, host: str, port: int, header_timeout: float, trusted_proxies: str = ""
) -> None:
    """Serve ``app`` with uvicorn until SIGINT or SIGTERM, then return (the caller closes).

    ``X-Forwarded-For`` is believed only from ``trusted_proxies`` (comma-separated addresses);
    with none, the connection's own address is the client's, whatever a header says.
    """
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # On the logger, not a handler: uvicorn's logging setup replaces handlers, keeps filters.
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactingFilter) for f in access.filters):
        access.addFilter(RedactingFilter())
    proxies = [p.strip() for p in trusted_proxies.split(",") if p.strip()]
    # uvicorn shuts down gracefully on SIGINT/SIGTERM and then raises the signal again; our
    # handlers take that second signal so that the caller can close (checkpoint) the database.
    received: list[int] = []

    def note(sig: int, frame: FrameType | None) -> None:
        received.append(sig)

    previous = {sig: signal.signal(sig, note) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="info",
            timeout_keep_alive=5,
            timeout_graceful_shutdown=10,
            h11_max_incomplete_event_size=64 * 1024,
            http=guarded_protocol(header_timeout),
            proxy_headers=bool(proxies),
            forwarded_allow_ips=proxies or None,
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
