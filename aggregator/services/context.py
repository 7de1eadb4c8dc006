"""What every operation runs in: the store, the settings and the clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from aggregator.clock import local_date, utcnow
from aggregator.config import Settings
from aggregator.store import Store


@dataclass(frozen=True)
class Context:
    """The service's state, handed to every operation (no globals)."""

    store: Store
    settings: Settings
    clock: Callable[[], dt.datetime] = field(default=utcnow)

    def now(self) -> dt.datetime:
        """Now, in naive UTC (how the store keeps time)."""
        return self.clock()

    def today(self) -> dt.date:
        """Today's date in the Netherlands (quarters and deadlines are Dutch days)."""
        return local_date(self.clock())
