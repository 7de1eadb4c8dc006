"""Honest reporting: provisional figures marked the CBS way, a mark for unreliable cells that
does not collide with it, comparisons from the interval of the difference (never from
overlapping intervals), caveats for provisional and under-covered years, and sums over years
from final releases only."""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from typing import Any

import pandas as pd
import pytest

from aggregator.dp import multiyear
from aggregator.report import (
    PROVISIONAL_MARK,
    UNRELIABLE_MARK,
    ReportData,
    release_status,
    render_html,
)
from aggregator.report.i18n import TEXT
from aggregator.report.summary import leader
from aggregator.report.years import MULTIYEAR_TABLES
from tests.report.expected import cell_key, estimate_text, interval_text
from tests.report.html_reading import Node, parse

LANGS = ("nl", "en")


def _release(data: ReportData, **changes: Any) -> ReportData:
    """The report data with its own release's metadata changed."""
    release = copy.deepcopy(data.release)
    release.update(changes)
    return replace(data, release=release)


def _history(data: ReportData, **changes: Any) -> ReportData:
    """The report data with the earlier year's release metadata changed."""
    (before, tables), *rest = data.history
    before = copy.deepcopy(before)
    before.update(changes)
    return replace(data, history=[(before, tables), *rest])


def _style(doc: Node) -> str:
    """The text of the report's stylesheet (the running header and footer are set there)."""
    style = doc.find("style")
    assert style is not None
    return "".join(c for c in style.children if isinstance(c, str))


def _captions(doc: Node) -> list[str]:
    return [tr.text() for tr in doc.iter("tr") if tr.attrs.get("class") == "caption"]


# -- provisional ---------------------------------------------------------------------------


def test_release_status_is_provisional_for_unlocked_periods_running_quarters_and_early_years() -> (
    None
):
    made = {"year": 2025, "created_at": "2026-01-15T10:00:00Z"}
    assert not release_status(made).provisional
    assert release_status({**made, "provisional": True}).reasons == ("unlocked",)
    running = {"2025-Q4": {"ended": False}}
    assert release_status({**made, "coverage": running}).reasons == ("not_ended",)
    early = {"year": 2025, "created_at": "2025-12-31T22:00:00Z"}
    assert release_status(early).reasons == ("not_ended",)
    check = {"threshold": 0.9, "below": ["2025-Q2"], "forced": True}
    below = release_status({**made, "coverage_check": check})
    assert below.below_threshold and below.forced and not below.final


@pytest.mark.parametrize("lang", LANGS)
def test_provisional_release_is_marked_on_cover_summary_and_every_table(
    report_data: ReportData, lang: str
) -> None:
    data = _release(report_data, provisional=True)
    html = render_html(data, lang)
    doc = parse(html)
    cover, summary = doc.find("header", id="cover"), doc.find("section", id="summary")
    assert cover is not None and summary is not None
    mark = PROVISIONAL_MARK
    assert f"2025{mark}" in cover.text()
    note = TEXT[lang]["provisional_note"].split("{reasons}")[0].format(mark=mark).strip()
    assert note in cover.text() and note in summary.text()
    assert TEXT[lang]["reason_unlocked"] in cover.text()
    lead = "Volgens voorlopige cijfers" if lang == "nl" else "According to provisional figures"
    assert lead in cover.text()
    legend = TEXT[lang]["provisional_short"].format(mark=mark)
    for name in data.tables:
        section = doc.find("section", id=f"table-{name}")
        assert section is not None
        (caption,) = [c for c in _captions(section)]
        assert caption.endswith(f"2025{mark}"), caption
        assert legend in section.text(), f"{name}: the mark without its legend"
    assert all(c.endswith(f"2025{mark}") for c in _captions(summary))
    # The running footer of every printed page explains the mark.
    assert f"{mark} {TEXT[lang]['mark_provisional']}" in _style(doc)
    # The trend table marks the provisional year in its header.
    trend = doc.find("table", data_table="trend")
    assert trend is not None and f"2025{mark}" in trend.text()


@pytest.mark.parametrize("lang", LANGS)
def test_final_release_carries_no_provisional_mark(html: dict[str, str], lang: str) -> None:
    doc = parse(html[lang])
    assert not any(PROVISIONAL_MARK in c for c in _captions(doc))
    assert "legend-provisional" not in html[lang]
    assert TEXT[lang]["mark_provisional"] not in _style(doc)
    assert f"{UNRELIABLE_MARK} {TEXT[lang]['mark_unreliable']}" in _style(doc)
    cover = doc.find("header", id="cover")
    assert cover is not None and PROVISIONAL_MARK not in cover.text()


@pytest.mark.parametrize("lang", LANGS)
def test_unreliable_cells_keep_their_own_mark_in_a_provisional_report(
    report_data: ReportData, lang: str
) -> None:
    assert UNRELIABLE_MARK != PROVISIONAL_MARK
    doc = parse(render_html(_release(report_data, provisional=True), lang))
    frame = report_data.tables["signals_by_function_type"]
    section = doc.find("section", id="table-signals_by_function_type")
    assert section is not None and frame["unreliable"].any()
    cells = {td.attrs["data-key"]: td.text() for td in section.iter("td") if "data-key" in td.attrs}
    for row in frame.to_dict("records"):
        assert cells[cell_key(frame, row)] == estimate_text(row, lang)
    legend = TEXT[lang]["unreliable_note"].format(mark=UNRELIABLE_MARK)
    assert legend in section.text()


@pytest.mark.parametrize("lang", LANGS)
def test_release_below_the_coverage_threshold_says_so_where_it_is_read(
    report_data: ReportData, lang: str
) -> None:
    check = {"threshold": 0.9, "below": ["2025-Q2"], "forced": True}
    data = _release(report_data, coverage_check=check)
    doc = parse(render_html(data, lang))
    threshold = "90 procent" if lang == "nl" else "90%"
    for where in (doc.find("header", id="cover"), doc.find("section", id="summary")):
        assert where is not None
        assert threshold in where.text()
        assert TEXT[lang]["threshold_forced"].lstrip("; ") in where.text()


# -- comparisons between years -------------------------------------------------------------


def _set_signals(data: ReportData, year: int, **values: float) -> ReportData:
    """``data`` with the first stage's national total of ``year`` replaced."""

    def changed(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        totals = tables["totals"].copy()
        at = totals.index[totals["stage"] == "ST01_SIGNAAL"][0]
        for column, value in values.items():
            totals.loc[at, column] = value
        return {**tables, "totals": totals}

    if year == data.year:
        return replace(data, tables=changed(data.tables))
    history = [(r, changed(t) if int(r["year"]) == year else t) for r, t in data.history]
    return replace(data, history=history)


def _comparison(data: ReportData, lang: str) -> str:
    doc = parse(render_html(data, lang))
    item = next(li for li in doc.iter("li") if li.attrs.get("data-answer") == "comparison")
    return item.text()


@pytest.mark.parametrize("lang", LANGS)
def test_comparison_says_higher_when_intervals_overlap_but_the_difference_excludes_zero(
    report_data: ReportData, lang: str
) -> None:
    """100 ± 5 against 116 ± 5: the 95% intervals (91–109, 107–125) overlap, the difference
    16 ± 13.9 does not hold 0."""
    data = _set_signals(
        report_data, 2024, estimate=100, estimate_unrounded=100.0, std_error=5.0, ci_low=91,
        ci_high=109,
    )  # fmt: skip
    data = _set_signals(
        data, 2025, estimate=116, estimate_unrounded=116.0, std_error=5.0, ci_low=107,
        ci_high=125,
    )  # fmt: skip
    text = _comparison(data, lang)
    assert ("is hoger dan in 2024" if lang == "nl" else "is higher than in 2024") in text
    joiner = "en" if lang == "nl" else "and"
    assert f"+3 {joiner} +29" in text


@pytest.mark.parametrize("lang", LANGS)
def test_comparison_says_no_difference_when_intervals_do_not_overlap_but_the_difference_holds_0(
    report_data: ReportData, lang: str
) -> None:
    """Published intervals that happen not to overlap (95–99, 101–110) are not the test: the
    difference of the unbiased estimates, 5 ± 27.7, holds 0."""
    data = _set_signals(
        report_data, 2024, estimate=97, estimate_unrounded=97.0, std_error=10.0, ci_low=95,
        ci_high=99,
    )  # fmt: skip
    data = _set_signals(
        data, 2025, estimate=102, estimate_unrounded=102.0, std_error=10.0, ci_low=101,
        ci_high=110,
    )  # fmt: skip
    text = _comparison(data, lang)
    same = "verschilt niet aantoonbaar" if lang == "nl" else "does not differ demonstrably"
    assert same in text
    assert not re.search(r"\b(hoger|lager|higher|lower)\b", text)


@pytest.mark.parametrize("lang", LANGS)
def test_comparison_with_a_provisional_or_under_covered_year_says_so(
    report_data: ReportData, lang: str
) -> None:
    provisional = _comparison(_history(report_data, provisional=True), lang)
    assert ("Let op: de cijfers over 2024 zijn voorlopig" if lang == "nl" else "Note: the figures "
            "for 2024 are provisional") in provisional  # fmt: skip
    check = {"threshold": 0.9, "below": ["2024-Q3"], "forced": True}
    below = _comparison(_history(report_data, coverage_check=check), lang)
    assert ("de publicatie over 2024 is gemaakt terwijl te weinig gemeenten" if lang == "nl"
            else "the release for 2024 was made while too few municipalities") in below  # fmt: skip
    plain = _comparison(report_data, lang)
    assert "Let op" not in plain and "Note:" not in plain


def test_trend_change_column_follows_the_interval_of_the_difference(
    html: dict[str, str], report_data: ReportData
) -> None:
    table = parse(html["nl"]).find("table", data_table="trend")
    assert table is not None
    expected = multiyear.changes(
        {2024: report_data.history[-1][1]["totals"], 2025: report_data.tables["totals"]}
    )
    shown = [td for td in table.iter("td") if "change" in td.attrs.get("class", "")]
    assert len(shown) == len(expected)
    for td, row in zip(shown, expected.to_dict("records"), strict=True):
        word = "hoger" if row["ci_low"] > 0 else "lager" if row["ci_high"] < 0 else "niet"
        assert td.text().startswith(word), (row, td.text())


def test_leader_needs_a_reliable_top_and_every_difference_beyond_its_margin() -> None:
    frame = pd.DataFrame(
        {
            "estimate": [40, 30, 5],
            "estimate_unrounded": [40.0, 30.0, 5.0],
            "std_error": [3.0, 3.0, 3.0],
            "unreliable": [False, False, True],
        }
    )
    # 40 − 30 = 10 < 1.96 × (3 + 3) = 11.8: not shown to be larger, although the intervals
    # 34–46 and 24–36 barely overlap and a test assuming independence would call it.
    assert leader(frame) is None
    assert leader(frame.assign(estimate_unrounded=[43.0, 30.0, 5.0])) is not None
    assert leader(frame.assign(unreliable=[True, False, True])) is None
    assert leader(frame.iloc[:1]) is None


# -- sums over years -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_multiyear_shows_the_sum_of_the_final_annual_releases(
    html: dict[str, str], report_data: ReportData, lang: str
) -> None:
    doc = parse(html[lang])
    part = doc.find("section", id="multiyear")
    assert part is not None
    assert "2024-r1 (2024)" in part.text() and "2025-r1 (2025)" in part.text()
    before = report_data.history[-1][1]
    for name in MULTIYEAR_TABLES:
        total = multiyear.multiyear_sum({2024: before[name], 2025: report_data.tables[name]})
        table = doc.find("table", data_table=f"multiyear-{name}")
        assert table is not None, name
        cells = {td.attrs["data-key"]: td.text() for td in table.iter("td")}
        for row in total.to_dict("records"):
            key = cell_key(total, row)
            assert cells[key] == f"{estimate_text(row, lang)} {interval_text(row, lang)}", name
            for year, frame in ((2024, before[name]), (2025, report_data.tables[name])):
                r = frame[frame[total.columns[0]] == row[total.columns[0]]].iloc[0]
                shown = f"{estimate_text(r, lang)} {interval_text(r, lang)}"
                assert cells[f"{key}|{year}"] == shown


@pytest.mark.parametrize("lang", LANGS)
def test_multiyear_leaves_out_a_provisional_year_and_needs_two_final_ones(
    report_data: ReportData, lang: str
) -> None:
    doc = parse(render_html(_release(report_data, provisional=True), lang))
    part = doc.find("section", id="multiyear")
    assert part is not None
    count = TEXT[lang]["multiyear_count_1"]
    assert TEXT[lang]["multiyear_none"].format(count=count) in part.text()
    assert part.find("table") is None


# -- the standard error, for what it is ------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_std_error_is_labelled_and_the_unrounded_estimate_named_for_analysts(
    html: dict[str, str], report_data: ReportData, lang: str
) -> None:
    doc = parse(html[lang])
    note = TEXT[lang]["std_error_note"]
    for name in report_data.tables:
        section = doc.find("section", id=f"table-{name}")
        assert section is not None and note in section.text(), name
    annex = doc.find("section", id="annex")
    assert annex is not None
    assert "estimate_unrounded" in annex.text() and "std_error" in annex.text()


def test_multiyear_says_so_when_the_release_has_no_fine_breakdown(report_data: ReportData) -> None:
    keep = [t for t in report_data.release["plan"] if t["name"] not in MULTIYEAR_TABLES]
    data = replace(
        _release(report_data, plan=keep),
        tables={t["name"]: report_data.tables[t["name"]] for t in keep},
    )
    part = parse(render_html(data, "en")).find("section", id="multiyear")
    assert part is not None
    assert TEXT["en"]["multiyear_no_tables"] in part.text() and part.find("table") is None
