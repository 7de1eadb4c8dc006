"""Shared fixtures: a fixed 'today' so period rules do not drift with the calendar, and the
release coverage threshold out of the way of tests whose data is a handful of municipalities."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

#: The date the tests pretend it is; far enough after the periods they use.
TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def today() -> dt.date:
    """The fixed date of the tests."""
    return TODAY


@pytest.fixture(autouse=True, scope="session")
def _coverage_threshold_off() -> Iterator[None]:
    """Most tests release a year in which two or three municipalities reported; the 90%
    threshold (``LEKSTAT_MIN_COVERAGE``) has tests of its own, which set it explicitly. For the
    whole session, so that servers started by session fixtures inherit it too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEKSTAT_MIN_COVERAGE", "0")
        yield
