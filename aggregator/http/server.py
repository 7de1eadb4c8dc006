"""Running an app with uvicorn, with the timeouts uvicorn's HTTP/1.1 protocol lacks."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
from types import FrameType

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


def run(app: FastAPI, *, host: str, port: int, header_timeout: float) -> None:
    """Serve ``app`` with uvicorn until SIGINT or SIGTERM, then return (the caller closes)."""
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
            http=guarded_protocol(header_timeout),
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
