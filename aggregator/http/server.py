"""Running the service with uvicorn: one process that owns the database file."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
import socket
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from aggregator.cli.channel import socket_path
from aggregator.clock import SettableClock, parse_moment, utcnow
from aggregator.config import Settings
from aggregator.http.app import create_app
from aggregator.store import DatabaseLocked

if TYPE_CHECKING:
    from aggregator.cli.main import Context


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


def guarded_protocol(head_timeout: float) -> type[GuardedH11Protocol]:
    """The protocol class with ``head_timeout`` (uvicorn takes a class, not an instance)."""
    return type("GuardedH11Protocol", (GuardedH11Protocol,), {"head_timeout": head_timeout})


def _port_problem(host: str, port: int) -> str | None:
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


def serve(ctx: Context, *, host: str, port: int) -> int:
    """Open (or create) the database, make sure an admin exists, and serve until stopped."""
    from aggregator.cli.main import EXIT_FAILURE, ensure_admin_token

    # Before anything is created: a busy port should not leave a new database and a first
    # admin token behind whose message nobody saw.
    problem = _port_problem(host, port)
    if problem:
        ctx.err.write(f"lekstat-server: cannot listen on {host}:{port}: {problem}\n")
        return EXIT_FAILURE
    try:
        store = ctx.store()
    except DatabaseLocked:
        ctx.err.write(f"lekstat-server: {ctx.db_path} is already served by another process\n")
        return EXIT_FAILURE
    ensure_admin_token(ctx)
    settings = Settings.from_env(db_path=ctx.db_path)
    clock: Callable[[], dt.datetime] = utcnow
    if settings.demo_clock:
        clock = SettableClock(parse_moment(settings.demo_clock))
        ctx.print(f"demo clock: the service's time starts at {clock():%Y-%m-%d %H:%M} UTC")
    app = create_app(settings, store=store, clock=clock, operator_socket=socket_path(ctx.db_path))
    ctx.print(
        f"lekstat serving {ctx.db_path} on http://{host}:{port} (API docs at /docs); Ctrl+C stops"
    )
    ctx.out.flush()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
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
            http=guarded_protocol(settings.header_timeout),
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    ctx.print("lekstat stopped")
    return 0
