"""Shared fixtures: a fixed 'today' so period rules do not drift with the calendar."""

from __future__ import annotations

import datetime as dt

import pytest

#: The date the tests pretend it is; far enough after the periods they use.
TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def today() -> dt.date:
    """The fixed date of the tests."""
    return TODAY
