"""A municipality's quarters at a glance: deadlines, versions, locks, and who may ask."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from aggregator.services import overview, submissions
from aggregator.services.auth import Principal, new_token
from aggregator.services.context import Context
from aggregator.services.refusals import Kind, Refusal
from aggregator.store import Store
from schemas.periods import FIRST_PERIOD, Period
from schemas.reading import from_records
from tests.support import context

#: 12:00 UTC on 29 November 2026: 2026-Q4 has started, 2026-Q3's deadline (30 October) passed.
NOW = dt.datetime(2026, 11, 29, 12, 0)
ROW = {
    "function_type": "FT04_PARKEREN",
    "data_category": "DC03_KENTEKEN",
    "stage": "ST01_SIGNAAL",
    "employment_type": "EM03_INHUUR",
    "motive": "MO01_CRIMINEEL",
    "count": 2,
}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "db.duckdb") as s:
        yield s


def _principal(store: Store, role: str = "municipality", code: str | None = "GM0363") -> Principal:
    _, record = new_token(role, code, "t", NOW)
    store.add_token(record)
    return Principal(record.id, role, code)


def _submit(ctx: Context, who: Principal, period: str, *, count: int | None = 2) -> None:
    rows = [] if count is None else [{**ROW, "count": count}]
    submissions.accept(
        ctx, who, period_text=period, table=from_records(rows), nil_return=count is None
    )


def test_overview_lists_every_started_quarter_newest_first(store: Store) -> None:
    ctx = context(store, NOW, deadline_days=30)
    quarters = overview.quarters(ctx, _principal(store))
    assert [str(q.period) for q in quarters][:3] == ["2026-Q4", "2026-Q3", "2026-Q2"]
    assert quarters[-1].period == FIRST_PERIOD
    assert len(quarters) == 12  # 2024-Q1 … 2026-Q4
    q3 = quarters[1]
    assert q3.deadline == dt.date(2026, 10, 30)
    assert (q3.reported, q3.overdue, q3.locked, q3.ended) == (False, True, False, True)
    q4 = quarters[0]
    assert (q4.overdue, q4.ended, q4.deadline) == (False, False, dt.date(2027, 1, 30))


def test_overview_deadline_follows_the_setting(store: Store) -> None:
    ctx = context(store, NOW, deadline_days=60)
    q3 = overview.quarter(ctx, _principal(store), "2026-q3")
    assert q3.deadline == dt.date(2026, 11, 29) and not q3.overdue


def test_overview_shows_own_versions_and_locks_only(store: Store) -> None:
    ctx = context(store, NOW)
    own, other = _principal(store), _principal(store, code="GM0344")
    _submit(ctx, own, "2026-Q2")
    _submit(ctx, own, "2026-Q2", count=None)  # corrected to a nil return
    _submit(ctx, other, "2026-Q1")
    store.lock_period("2026-Q2", NOW, "operator")
    by_period = {str(q.period): q for q in overview.quarters(ctx, own)}
    q2 = by_period["2026-Q2"]
    assert [v.version for v in q2.versions] == [1, 2]
    assert q2.current is not None and q2.current.nil_return and q2.current.version == 2
    assert q2.locked and q2.lock is not None and q2.lock.locked_by == "operator"
    assert not by_period["2026-Q1"].reported  # the other municipality's version is not ours
    assert overview.quarter(ctx, own, "2026-Q2") == q2


@pytest.mark.parametrize("period", ["2027-Q1", "2023-Q4"])
def test_overview_quarter_outside_the_started_quarters_is_not_found(
    store: Store, period: str
) -> None:
    with pytest.raises(Refusal) as refused:
        overview.quarter(context(store, NOW), _principal(store), period)
    assert (refused.value.kind, refused.value.code) == (Kind.NOT_FOUND, "no_such_quarter")


def test_overview_bad_period_is_refused_in_both_languages(store: Store) -> None:
    with pytest.raises(Refusal) as refused:
        overview.quarter(context(store, NOW), _principal(store), "Q3-2026")
    assert refused.value.kind is Kind.INVALID
    assert "JJJJ-Qn" in refused.value.message("nl") and "YYYY-Qn" in refused.value.message("en")


@pytest.mark.parametrize("role", ["analyst", "statistician", "admin"])
def test_overview_is_for_municipalities_only(store: Store, role: str) -> None:
    who = _principal(store, role, None)
    for call in (
        lambda: overview.quarters(context(store, NOW), who),
        lambda: overview.quarter(context(store, NOW), who, "2026-Q3"),
    ):
        with pytest.raises(Refusal) as refused:
            call()
        assert refused.value.kind is Kind.FORBIDDEN


def test_overview_started_quarters_end_with_the_current_one() -> None:
    assert overview.started_quarters(dt.date(2024, 1, 1)) == [Period(2024, 1)]
    assert overview.started_quarters(dt.date(2024, 7, 1))[0] == Period(2024, 3)
