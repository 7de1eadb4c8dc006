"""Running the service with uvicorn: one process that owns the database file."""

from __future__ import annotations

import datetime as dt
import logging
import signal
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING

import uvicorn

from aggregator.app import create_app
from aggregator.clock import SettableClock, parse_moment
from aggregator.config import Settings
from aggregator.operator import socket_path
from aggregator.store import DatabaseLocked, utcnow

if TYPE_CHECKING:
    from aggregator.cli import Context


def serve(ctx: Context, *, host: str, port: int) -> int:
    """Open (or create) the database, make sure an admin exists, and serve until stopped."""
    from aggregator.cli import EXIT_FAILURE, ensure_admin_token

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
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    ctx.print("lekstat stopped")
    return 0
