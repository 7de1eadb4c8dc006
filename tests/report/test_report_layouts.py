"""Report layouts beyond the default plan: quarterly releases, no history, other tables."""

from __future__ import annotations

from dataclasses import replace

import pytest

from aggregator.demo.synth import generate
from aggregator.report import ReportData, load_report_data, render_html
from aggregator.report.i18n import TEXT
from schemas.tables import TableSpec
from schemas.taxonomy import load_taxonomy
from tests.report.conftest import Scenario
from tests.report.expected import cell_key, estimate_text, interval_text
from tests.report.html_reading import parse
from tests.report.synthetic_release import make_release

#: A plan with a table fixed to one stage, one with two dimensions besides the stage and one
#: without any dimension: the report must show every kind of table a statistician may release.
ODD_PLAN = (
    TableSpec("totals", ("stage",), title_nl="Landelijk totaal", title_en="National totals"),
    TableSpec(
        "arrests_by_group",
        ("function_group",),
        stage="ST05_AANHOUDING",
        title_nl="Aanhoudingen naar functiegroep",
        title_en="Arrests by function group",
    ),
    TableSpec(
        "motive_by_employment",
        ("stage", "motive", "employment_type"),
        title_nl="Fase × motief × dienstverband",
        title_en="Stage × motive × employment type",
    ),
    TableSpec("convictions", (), stage="ST07_VEROORDELING", title_nl="Veroordelingen"),
)


@pytest.fixture(scope="module")
def odd_release() -> ReportData:
    metadata, tables = make_release(generate([2025]), year=2025, rho=2.0, plan=ODD_PLAN)
    metadata.update(id="2025-r9", created_at="2026-02-02T09:30:00Z", coverage={})
    return ReportData(release=metadata, tables=tables)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_render_html_shows_every_kind_of_table(odd_release: ReportData, lang: str) -> None:
    doc = parse(render_html(odd_release, lang))
    for spec in ODD_PLAN:
        frame = odd_release.tables[spec.name]
        section = doc.find("section", id=f"table-{spec.name}")
        assert section is not None, spec.name
        assert spec.title(lang) in section.text()
        cells = {td.attrs["data-key"]: td for td in section.iter("td") if "data-key" in td.attrs}
        assert len(cells) == len(frame)
        for row in frame.to_dict("records"):
            td = cells[cell_key(frame, row) or spec.stage or spec.name]
            assert td.text() == estimate_text(row, lang)
            assert interval_text(row, lang) in td.parent.text()  # type: ignore[union-attr]
    fixed = doc.find("section", id="table-arrests_by_group")
    stage = load_taxonomy().label("stage", "ST05_AANHOUDING", lang)  # type: ignore[arg-type]
    assert fixed is not None and f"5 {stage}" in fixed.text() and fixed.find("svg") is not None
    # 8 × 4 × 5 cells in long form: far too many bars for a chart; the table has them all.
    long = doc.find("section", id="table-motive_by_employment")
    assert long is not None and long.find("svg") is None
    assert len(list(long.iter("tr"))) == 8 * 4 * 5 + 2


def test_render_html_without_history_or_coverage_says_so(odd_release: ReportData) -> None:
    doc = parse(render_html(odd_release, "en"))
    trend = doc.find("section", id="trend")
    assert trend is not None and TEXT["en"]["trend_none"] in trend.text()
    assert trend.find("svg") is None


def test_render_html_of_a_release_without_the_list_of_missing_says_so(
    scenario: Scenario,
) -> None:
    """An older release whose list cannot be derived: its counts, no list, no made-up total."""
    data = load_report_data(scenario.store, 2025)
    unlisted = replace(data.coverage[1], not_reported=None)
    data = replace(data, coverage=[data.coverage[0], unlisted, *data.coverage[2:]])
    doc = parse(render_html(data, "en"))
    coverage = doc.find("section", id="coverage")
    assert coverage is not None
    assert TEXT["en"]["coverage_missing_unlisted"].format(quarters="Q2") in coverage.text()
    assert "in all four quarters" not in coverage.text()
    listed = [row for row in coverage.iter("tr") if "data-code" in row.attrs]
    assert listed, "the other quarters' missing municipalities should still be listed"
    assert all("Q2" not in row.text() for row in listed)
    summary = doc.find("section", id="summary")
    assert summary is not None and "in all four quarters" not in summary.text()


def test_quarterly_report_is_provisional_and_has_no_trend(scenario: Scenario) -> None:
    data = load_report_data(scenario.store, 2025, "2025-Q1-r1")
    assert data.history  # 2024 has an annual release, but a quarter is not comparable with it
    doc = parse(render_html(data, "nl"))
    cover = doc.find("header", id="cover")
    assert cover is not None
    assert "Voorlopige landelijke cijfers over het 1e kwartaal van 2025*" in cover.text()
    assert "* Voorlopige cijfers." in cover.text()
    assert TEXT["nl"]["reason_not_ended_quarter"] in cover.text()
    trend = doc.find("section", id="trend")
    assert trend is not None and TEXT["nl"]["trend_quarterly"] in trend.text()
    assert doc.find("table", data_table="trend") is None
    summary = doc.find("section", id="summary")
    assert summary is not None
    assert "Volgens voorlopige cijfers kwamen in het 1e kwartaal van 2025" in summary.text()
    assert "Een kwartaal is niet te vergelijken" in summary.text()
