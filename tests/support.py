"""Small helpers several test folders share: running an operation on a bare store."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aggregator.config import Settings
from aggregator.services import releases
from aggregator.services.auth import OPERATOR, Principal
from aggregator.services.context import Context
from aggregator.services.releases import ReleaseRequest
from aggregator.store import Store


def context(store: Store, now: dt.datetime, **settings: Any) -> Context:
    """The services' context on ``store`` with a clock standing at ``now``."""
    settings.setdefault("min_coverage", 0.0)  # a handful of municipalities report
    return Context(store, Settings(db_path=store.path, **settings), lambda: now)


def make_release(
    store: Store, request: ReleaseRequest, now: dt.datetime, actor: Principal = OPERATOR
) -> dict[str, Any]:
    """Create a release as the service does (the operation itself, no edge)."""
    return releases.create(context(store, now), actor, request)
