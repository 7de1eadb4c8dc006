from __future__ import annotations

import datetime as dt

import pytest

from schemas.periods import FIRST_PERIOD, Period, PeriodError, quarters_of


@pytest.mark.parametrize(
    "text", ["2026-Q1", "2026-q1", "2026Q1", " 2026 - Q1 ", "2026-K1", "2026k1"]
)
def test_period_parse_accepts_the_usual_spellings(text: str) -> None:
    assert Period.parse(text) == Period(2026, 1)
    assert str(Period.parse(text)) == "2026-Q1"


@pytest.mark.parametrize(
    "text", ["2026-Q5", "2026-Q0", "Q1-2026", "2026-01", "", "26-Q1", "2026-Q1x"]
)
def test_period_parse_refuses_other_forms_and_says_the_right_form(text: str) -> None:
    with pytest.raises(PeriodError) as info:
        Period.parse(text)
    assert "2026-Q1" in info.value.message_en and "YYYY-Qn" in info.value.message_en
    assert "JJJJ-Qn" in info.value.message_nl


def test_period_parse_refuses_non_strings() -> None:
    with pytest.raises(PeriodError):
        Period.parse(20261)  # type: ignore[arg-type]


def test_period_ordering_year_and_dates() -> None:
    q4, q1 = Period.parse("2025-Q4"), Period.parse("2026-Q1")
    assert q4 < q1 and sorted([q1, q4]) == [q4, q1]
    assert q4.next() == q1 and q1.previous() == q4
    assert (q1.year, q1.quarter) == (2026, 1)
    assert q1.start == dt.date(2026, 1, 1) and q1.end == dt.date(2026, 3, 31)
    assert Period(2024, 1).end == dt.date(2024, 3, 31)
    assert q4.end == dt.date(2025, 12, 31)
    assert Period(2026, 2).end == dt.date(2026, 6, 30)


def test_period_future_and_complete_relative_to_today() -> None:
    today = dt.date(2026, 11, 29)
    assert Period(2027, 1).is_future(today)
    assert not Period(2026, 4).is_future(today)  # current quarter has started
    assert not Period(2026, 4).is_complete(today)
    assert Period(2026, 3).is_complete(today)
    assert Period.current(today) == Period(2026, 4)
    assert Period.containing(dt.date(2026, 4, 1)) == Period(2026, 2)


def test_period_quarters_of_a_year_and_first_period() -> None:
    assert [str(p) for p in quarters_of(2025)] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert str(FIRST_PERIOD) == "2024-Q1"
    assert hash(Period(2025, 1)) == hash(Period.parse("2025-Q1"))
