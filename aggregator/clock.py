"""Clocks: the service reads "now" through a callable, so tests and the demo can set it.

Production uses :func:`utcnow`. The demo replays a whole year in a minute: it
starts the server with ``LEKSTAT_DEMO_CLOCK`` and moves the clock through the operator socket
(``lekstat-server demo-clock``), so deadlines and late submissions behave as in that year.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utcnow() -> dt.datetime:
    """Now in UTC, without tzinfo (how timestamps are stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def iso(moment: dt.datetime | None) -> str | None:
    """A stored UTC timestamp as ISO 8601 with ``Z``."""
    return None if moment is None else moment.replace(microsecond=0).isoformat() + "Z"


class SettableClock:
    """A clock that runs from a moment that can be set; for demonstrations only."""

    def __init__(self, start: dt.datetime) -> None:
        self._lock = threading.Lock()
        self._base = start
        self._since = time.monotonic()

    def __call__(self) -> dt.datetime:
        with self._lock:
            return self._base + dt.timedelta(seconds=time.monotonic() - self._since)

    def set(self, moment: dt.datetime) -> None:
        """Make ``moment`` the current time (the clock keeps running from there)."""
        with self._lock:
            self._base = moment
            self._since = time.monotonic()


def parse_moment(text: str) -> dt.datetime:
    """``2025-04-08``, ``2025-04-08T09:00`` or ``…Z``/``…+02:00`` as a naive UTC datetime.

    Naive UTC is how the store keeps time; ValueError for anything else.

    >>> parse_moment("2026-01-15T10:00:00Z"), parse_moment("2026-01-15T12:00+02:00")
    (datetime.datetime(2026, 1, 15, 10, 0), datetime.datetime(2026, 1, 15, 10, 0))
    """
    moment = dt.datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _amsterdam() -> dt.tzinfo:
    try:
        return ZoneInfo("Europe/Amsterdam")
    except ZoneInfoNotFoundError:  # a system without time-zone data: UTC is an hour or two off
        return dt.UTC


_LOCAL = _amsterdam()
#: Whether Dutch time is known here (else :func:`local_time` gives UTC).
HAS_ZONE = _LOCAL is not dt.UTC


def local_time(moment: dt.datetime) -> dt.datetime:
    """A stored UTC moment (naive or aware) in Dutch time."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(_LOCAL)


def local_date(moment: dt.datetime) -> dt.date:
    """The Dutch calendar date of a stored UTC moment (quarters and deadlines are Dutch days).

    >>> local_date(dt.datetime(2026, 3, 31, 23, 30))  # half past midnight on 1 April in NL
    datetime.date(2026, 4, 1)
    """
    return moment.replace(tzinfo=dt.UTC).astimezone(_LOCAL).date()
