"""Service settings: passed to :func:`aggregator.http.app.create_app`, never read at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

#: Where the database lives unless ``LEKSTAT_DB`` says otherwise.
DEFAULT_DB = "lekstat.duckdb"


@dataclass(frozen=True)
class Settings:
    """Everything the service needs to know; defaults suit a single-machine deployment."""

    db_path: Path = field(default_factory=lambda: Path(DEFAULT_DB))
    #: Request bodies above this size get 413 before they are parsed.
    max_body_bytes: int = 5_000_000
    #: A submission has at most this many rows (there are 19,200 code combinations in v1).
    max_rows: int = 20_000
    #: Requests per minute per token (or per client address without a token), and the burst.
    rate_limit_per_minute: float = 600.0
    rate_limit_burst: int = 120
    #: A quarter's submission is on time when it arrives within this many days after its end.
    deadline_days: int = 30
    #: Demonstrations only: start the service's clock at this moment (ISO date or time) and
    #: let ``lekstat-server demo-clock`` move it. Never set in production.
    demo_clock: str | None = None
    #: Seconds a client has to send a request's line and headers (a slow client is closed).
    header_timeout: float = 10.0
    #: Seconds a client has to send a request's body once its headers are in (else 408).
    body_timeout: float = 60.0

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from ``LEKSTAT_*`` environment variables, then ``overrides``."""
        env = os.environ
        settings = cls(
            db_path=Path(env.get("LEKSTAT_DB", DEFAULT_DB)),
            max_body_bytes=int(env.get("LEKSTAT_MAX_BODY_BYTES", cls.max_body_bytes)),
            max_rows=int(env.get("LEKSTAT_MAX_ROWS", cls.max_rows)),
            rate_limit_per_minute=float(
                env.get("LEKSTAT_RATE_LIMIT_PER_MINUTE", cls.rate_limit_per_minute)
            ),
            rate_limit_burst=int(env.get("LEKSTAT_RATE_LIMIT_BURST", cls.rate_limit_burst)),
            deadline_days=int(env.get("LEKSTAT_DEADLINE_DAYS", cls.deadline_days)),
            demo_clock=env.get("LEKSTAT_DEMO_CLOCK") or None,
            header_timeout=float(env.get("LEKSTAT_HEADER_TIMEOUT", cls.header_timeout)),
            body_timeout=float(env.get("LEKSTAT_BODY_TIMEOUT", cls.body_timeout)),
        )
        return replace(settings, **overrides)  # type: ignore[arg-type]
