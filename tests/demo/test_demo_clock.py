"""The demo's clock only moves forwards: a release must never be stamped before what it counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from aggregator.demo.run import DemoClock, DemoError


def test_demo_clock_refuses_to_go_back_and_changes_nothing(tmp_path: Path) -> None:
    start = dt.datetime(2026, 2, 14, 9, 0)
    clock = DemoClock(tmp_path / "never-opened.duckdb", start)
    with pytest.raises(DemoError, match="may not go back"):
        clock.move_to(dt.datetime(2026, 2, 1, 9, 0))
    assert clock.now == start
    assert not list(tmp_path.iterdir())  # refused before any server was asked
