"""The first page answers the question, and claims nothing the intervals do not support:
how many new cases, from which function groups, what data, and against the year before."""

from __future__ import annotations

import math
from statistics import NormalDist

import pandas as pd
import pytest

from aggregator.report import ReportData
from schemas.taxonomy import load_taxonomy
from tests.report.expected import integers_in, release_numbers, thousands
from tests.report.html_reading import parse

LANGS = ("nl", "en")
Z95 = NormalDist().inv_cdf(0.975)
BREAKDOWNS = {
    "function_group": "signals_by_function_group",
    "data_category": "signals_by_data_category",
}
ANSWER = {"function_group": "groups", "data_category": "data"}


def _key(html: dict[str, str], lang: str) -> dict[str, str]:
    """The first page's answers by what they answer (lead, groups, data, comparison)."""
    cover = parse(html[lang]).find("header", id="cover")
    assert cover is not None
    key = cover.find("section", id="key")
    assert key is not None
    return {li.attrs["data-answer"]: li.text() for li in key.iter("li")}


def _between(lang: str, low: int, high: int) -> str:
    word, joiner = ("tussen", "en") if lang == "nl" else ("between", "and")
    return f"{word} {thousands(low, lang)} {joiner} {thousands(high, lang)}"


def _signed(n: int, lang: str) -> str:
    return ("+" if n > 0 else "−" if n < 0 else "") + thousands(abs(n), lang)


def _label(dim: str, code: str, lang: str) -> str:
    return f"‘{load_taxonomy().label(dim, code, lang)}’"  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", LANGS)
def test_first_page_states_the_new_cases_with_their_interval(
    html: dict[str, str], report_data: ReportData, lang: str
) -> None:
    answers = _key(html, lang)
    assert list(answers) == ["lead", "groups", "data", "comparison"]
    lead = answers["lead"]
    signal = report_data.tables["totals"].set_index("stage").loc["ST01_SIGNAAL"]
    assert thousands(int(signal["estimate"]), lang) in lead
    assert _between(lang, int(signal["ci_low"]), int(signal["ci_high"])) in lead
    assert ("nieuwe zaken" if lang == "nl" else "new cases") in lead


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("dim", list(BREAKDOWNS))
def test_first_page_names_the_reliable_cells_in_taxonomy_order_and_counts_the_rest(
    html: dict[str, str], report_data: ReportData, lang: str, dim: str
) -> None:
    frame = report_data.tables[BREAKDOWNS[dim]]
    item = _key(html, lang)[ANSWER[dim]]
    reliable = frame[~frame["unreliable"]].to_dict("records")
    flagged = frame[frame["unreliable"]].to_dict("records")
    assert reliable and flagged, "the scenario should have both kinds of cells"
    positions = []
    for r in reliable:
        label = _label(dim, r[dim], lang)
        assert label in item, label
        assert _between(lang, int(r["ci_low"]), int(r["ci_high"])) in item
        positions.append(item.index(label))
    assert positions == sorted(positions), "reliable cells in the taxonomy's order, not by size"
    for r in flagged:
        assert _label(dim, r[dim], lang) not in item, "an unreliable cell is only counted"
    assert (f"andere {len(flagged)} " if lang == "nl" else f"other {len(flagged)} ") in item


def _leader_exists(frame: pd.DataFrame) -> bool:
    """Whether one reliable cell exceeds every other by more than the margin of the difference,
    with the standard error of the difference at its largest possible value."""
    top = frame.loc[frame["estimate_unrounded"].idxmax()]
    if top["unreliable"]:
        return False
    others = frame.drop(index=top.name)
    d = top["estimate_unrounded"] - others["estimate_unrounded"]
    bound = top["std_error"] + others["std_error"]
    return bool(all(math.ceil(x) > 0 for x in d - Z95 * bound - 1e-9))


@pytest.mark.parametrize("lang", LANGS)
def test_first_page_calls_a_group_largest_only_when_every_difference_supports_it(
    html: dict[str, str], report_data: ReportData, lang: str
) -> None:
    frame = report_data.tables["signals_by_function_group"]
    item = _key(html, lang)["groups"]
    largest = "met de meeste nieuwe zaken" if lang == "nl" else "with the most new cases"
    unknown = "niet te zeggen" if lang == "nl" else "cannot be told"
    if _leader_exists(frame):
        top = frame.loc[frame["estimate_unrounded"].idxmax()]
        assert f"{_label('function_group', top['function_group'], lang)} is" in item
        assert largest in item and unknown not in item
    else:
        assert unknown in item and largest not in item


@pytest.mark.parametrize("lang", LANGS)
def test_first_page_compares_with_the_year_before_by_the_interval_of_the_difference(
    html: dict[str, str], report_data: ReportData, lang: str
) -> None:
    before = report_data.history[-1][1]["totals"].set_index("stage").loc["ST01_SIGNAAL"]
    now = report_data.tables["totals"].set_index("stage").loc["ST01_SIGNAAL"]
    d = now["estimate_unrounded"] - before["estimate_unrounded"]
    se = math.hypot(now["std_error"], before["std_error"])
    low, high = math.ceil(d - Z95 * se - 1e-9), math.floor(d + Z95 * se + 1e-9)
    text = _key(html, lang)["comparison"]
    words = {"nl": ("hoger", "lager", "niet aantoonbaar"), "en": ("higher", "lower", "not differ")}
    higher, lower, same = words[lang]
    expected = higher if low > 0 else lower if high < 0 else same
    assert expected in text and "2024" in text
    assert all(w not in text for w in (higher, lower, same) if w != expected)
    joiner = "en" if lang == "nl" else "and"
    assert f"{_signed(low, lang)} {joiner} {_signed(high, lang)}" in text


@pytest.mark.parametrize("lang", LANGS)
def test_first_page_states_no_share_and_only_release_figures(
    html: dict[str, str], report_data: ReportData, lang: str
) -> None:
    """Every whole number is a released figure, a change bound, a count of other cells, a
    stage number, a year or the 95 of 95%; no share is computed."""
    text = " ".join(_key(html, lang).values())
    assert not any(w in text for w in ("aandeel", "share", "procent van", "% of"))
    assert text.count("%") == text.count("95%")
    allowed = release_numbers(report_data) | {2024, 2025, 95, *range(1, 9)}
    before = report_data.history[-1][1]["totals"].set_index("stage").loc["ST01_SIGNAAL"]
    now = report_data.tables["totals"].set_index("stage").loc["ST01_SIGNAAL"]
    d = now["estimate_unrounded"] - before["estimate_unrounded"]
    se = math.hypot(now["std_error"], before["std_error"])
    allowed |= {abs(math.ceil(d - Z95 * se - 1e-9)), abs(math.floor(d + Z95 * se + 1e-9))}
    for name in BREAKDOWNS.values():
        allowed.add(int(report_data.tables[name]["unreliable"].sum()))
    stray = [n for n in integers_in(text, lang) if n not in allowed]
    assert not stray, stray


@pytest.mark.parametrize("lang", LANGS)
def test_summary_chapter_repeats_the_first_page_with_the_stage_table(
    html: dict[str, str], lang: str
) -> None:
    summary = parse(html[lang]).find("section", id="summary")
    assert summary is not None
    text = summary.text()
    assert all(sentence in text for sentence in _key(html, lang).values())
    assert summary.find("table", data_table="summary") is not None
