"""The yearly report reads only the releases its caller may: final ones for the public,
provisional ones too for analysts and statisticians (``services.releases.visible``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from aggregator.services import reports
from aggregator.services.auth import PUBLIC, Principal
from aggregator.services.refusals import Kind, Refusal
from aggregator.store import Store
from tests.support import context, publish_years

NOW = dt.datetime(2026, 11, 29, 12, 0)
ANALYST = Principal("a", "analyst")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "db.duckdb") as s:
        yield s


@pytest.fixture
def years(store: Store) -> dict[str, str]:
    """Final releases of 2024 and 2025, a provisional one of 2026."""
    return publish_years(store, NOW)


def test_reports_data_of_the_running_year_is_the_provisional_release_for_an_analyst(
    store: Store, years: dict[str, str]
) -> None:
    data = reports.data_of(context(store, NOW), ANALYST, 2026)
    assert data.release["id"] == years["provisional"]
    assert [r["id"] for r, _ in data.history] == [years["final_2024"], years["final_2025"]]


def test_reports_data_of_a_provisional_release_does_not_exist_for_the_public(
    store: Store, years: dict[str, str]
) -> None:
    ctx = context(store, NOW)
    for release_id in (None, years["provisional"]):
        with pytest.raises(Refusal) as refused:
            reports.data_of(ctx, PUBLIC, 2026, release_id)
        assert refused.value.kind == Kind.NOT_FOUND
        assert refused.value.code == "no_release_to_report"
    assert reports.data_of(ctx, PUBLIC, 2025).release["id"] == years["final_2025"]


def test_reports_data_of_follows_the_public_releases_setting(
    store: Store, years: dict[str, str]
) -> None:
    everything = context(store, NOW, public_releases="all")
    assert reports.data_of(everything, PUBLIC, 2026).release["id"] == years["provisional"]
    with pytest.raises(Refusal):
        reports.data_of(context(store, NOW, public_releases="none"), PUBLIC, 2025)
