"""Which release a report shows, its history and its coverage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from aggregator.report import (
    ReportData,
    ReportError,
    load_report_data,
    select_release,
)
from aggregator.services.releases import ReleaseRequest
from aggregator.store import Store
from schemas.municipalities import load_register
from schemas.periods import Period
from schemas.submission import Submission
from schemas.tables import DEFAULT_PLAN
from tests.report.conftest import Scenario
from tests.support import make_release


def test_load_report_data_prefers_the_annual_release(report_data: ReportData) -> None:
    assert report_data.release["id"] == "2025-r1"
    assert report_data.quarter is None
    assert list(report_data.tables) == [t.name for t in DEFAULT_PLAN]


def test_load_report_data_reads_the_tables_as_published(
    scenario: Scenario, report_data: ReportData
) -> None:
    for name, frame in report_data.tables.items():
        stored = scenario.store.release_table("2025-r1", name)
        assert stored is not None
        pd.testing.assert_frame_equal(frame, stored)


def test_load_report_data_takes_a_named_quarterly_release(scenario: Scenario) -> None:
    data = load_report_data(scenario.store, 2025, "2025-Q1-r1")
    assert data.release["id"] == "2025-Q1-r1"
    assert data.quarter == 1
    assert [c.quarter for c in data.coverage] == [1]


def test_load_report_data_refuses_a_year_without_releases(scenario: Scenario) -> None:
    with pytest.raises(ReportError, match="no release for 2023"):
        load_report_data(scenario.store, 2023)


def test_load_report_data_refuses_a_release_of_another_year(scenario: Scenario) -> None:
    with pytest.raises(ReportError, match="not a release of 2025"):
        load_report_data(scenario.store, 2025, "2024-r1")


def test_select_release_falls_back_to_the_latest_quarterly_release() -> None:
    releases = [
        {"id": "2026-Q1-r1", "year": 2026, "quarter": 1},
        {"id": "2026-Q2-r1", "year": 2026, "quarter": 2},
    ]
    assert select_release(releases, 2026)["id"] == "2026-Q2-r1"


def test_history_holds_the_annual_releases_of_earlier_years(report_data: ReportData) -> None:
    assert [r["id"] for r, _ in report_data.history] == ["2024-r1"]
    assert "totals" in report_data.history[0][1]


def test_coverage_counts_are_the_release_counts(report_data: ReportData) -> None:
    published = report_data.release["coverage"]
    for c in report_data.coverage:
        p = published[c.period]
        assert (c.expected, c.reported, c.missing) == (
            p["expected"],
            p["reported"],
            p["not_reported"],
        )
        assert c.reported + c.missing == c.expected == 342 and c.ended


def test_coverage_lists_who_had_not_reported_when_the_release_was_made(
    scenario: Scenario, report_data: ReportData
) -> None:
    register = load_register()
    for c in report_data.coverage:
        planned = scenario.data.plan(c.period).missing
        assert c.not_reported is not None
        assert {m.code for m in c.not_reported} == set(planned)
        assert len(c.not_reported) == c.missing
        for m in c.not_reported:
            assert (m.name, m.province) == (
                register.get(m.code, 2025).name,
                register.get(m.code, 2025).province_name,
            )
    # The municipality that submitted 2025-Q2 three days after the release still counts as
    # missing in it: the store has its submission now.
    late = sorted(scenario.data.plan("2025-Q2").missing)[0]
    assert scenario.store.list_submissions(municipality=late, period="2025-Q2")
    assert late in {m.code for m in report_data.coverage[1].not_reported or ()}


def test_reported_every_quarter_counts_municipalities_missing_no_quarter(
    scenario: Scenario, report_data: ReportData
) -> None:
    missed = set().union(*(scenario.data.plan(f"2025-Q{q}").missing for q in range(1, 5)))
    assert report_data.reported_every_quarter == 342 - len(missed)
    assert {m.code for m, _ in report_data.not_reported} == missed


ONE_ROW = pd.DataFrame(
    [["FT01_BRP", "DC01_BRP_ADRES", "ST01_SIGNAAL", "EM01_VAST", "MO01_CRIMINEEL", 1]],
    columns=["function_type", "data_category", "stage", "employment_type", "motive", "count"],
)


def _submit(
    store: Store, code: str, rows: pd.DataFrame, at: dt.datetime, period: str = "2025-Q1"
) -> None:
    the_period = Period.parse(period)
    submission = Submission.from_rows(
        rows, period=the_period, municipality=code, nil_return=rows.empty
    )
    store.add_submission(
        submission,
        municipality=code,
        token_id="tok",
        idempotency_key=None,
        received_at=at,
        late=False,
    )


def test_report_lists_exactly_the_municipalities_the_release_counted_as_missing(
    tmp_path: Path,
) -> None:
    """Counts and list come from the release: a submission stored before the release but
    stamped after its ``created_at`` (a clock set back, or one arriving while the release is
    made) is counted as reported in both, and one stored after the release in neither."""
    a, b, c, d = [m.code for m in load_register().valid_in(2025)][:4]
    made = dt.datetime(2025, 4, 20, 12)
    with Store(tmp_path / "db.duckdb") as store:
        _submit(store, a, ONE_ROW, made - dt.timedelta(days=10))
        _submit(store, b, ONE_ROW.iloc[:0], made - dt.timedelta(days=9))  # a nil return
        _submit(store, c, ONE_ROW, made + dt.timedelta(hours=1))
        store.set_budget(2025, 1.0, made, "statistician")
        make_release(store, ReleaseRequest(2025, 0.5, quarter=1), made)
        _submit(store, d, ONE_ROW, made + dt.timedelta(hours=2))  # after the release
        data = load_report_data(store, 2025)
    (q1,) = data.coverage
    assert (q1.expected, q1.reported, q1.missing) == (342, 3, 339)  # the nil return counts
    assert q1.not_reported is not None and len(q1.not_reported) == q1.missing
    listed = {m.code for m in q1.not_reported}
    assert {a, b, c}.isdisjoint(listed) and d in listed
    assert data.reported_every_quarter == 3
    assert data.release["coverage"]["2025-Q1"]["not_reported_municipalities"] == sorted(listed)


def test_coverage_of_a_quarter_still_running_lists_nobody_as_missing(tmp_path: Path) -> None:
    made = dt.datetime(2025, 11, 20, 12)  # 2025-Q4 is still running
    a = load_register().valid_in(2025)[0].code
    with Store(tmp_path / "db.duckdb") as store:
        _submit(store, a, ONE_ROW, made - dt.timedelta(days=1), period="2025-Q3")
        store.set_budget(2025, 1.0, made, "admin")
        make_release(store, ReleaseRequest(2025, 0.5), made)
        data = load_report_data(store, 2025)
    running = [c for c in data.coverage if not c.ended]
    assert [c.period for c in running] == ["2025-Q4"] and running[0].not_reported is None
    assert data.unlisted_quarters == [4]
    assert all(c.not_reported is not None for c in data.coverage if c.ended)
