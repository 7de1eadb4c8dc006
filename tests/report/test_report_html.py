"""The HTML report: every figure from the release, marked, translated and self-contained."""

from __future__ import annotations

import re

import pytest

from aggregator.report import UNRELIABLE_MARK, ReportData, render_html
from aggregator.report.data import table_names
from aggregator.report.i18n import TEXT
from tests.report.expected import (
    DUTCH_ONLY,
    ENGLISH_ONLY,
    cell_key,
    estimate_text,
    interval_text,
)
from tests.report.html_reading import Node, parse, table_rows

LANGS = ("nl", "en")


def _doc(html: dict[str, str], lang: str) -> Node:
    return parse(html[lang])


def _has_interval(td: Node) -> bool:
    return any(n.attrs.get("class") == "ci" for n in td.iter("span"))


def _figure_text(td: Node) -> str:
    """A figure's estimate and interval: in one cell (stages as columns) or in the cell and
    the one after it (one figure per row)."""
    text = td.text()
    if not _has_interval(td) and td.parent is not None:
        cells = [c for c in td.parent.children if isinstance(c, Node)]
        text += " " + cells[cells.index(td) + 1].text()
    return text


def _estimate_of(td: Node) -> str:
    """The estimate of a figure's cell, with its mark, without the interval."""
    for span in td.iter("span"):
        if span.attrs.get("class") == "est":
            return span.text()
    return td.text()


@pytest.mark.parametrize("lang", LANGS)
def test_html_has_a_section_for_every_table_of_the_plan(
    html: dict[str, str], report_data: ReportData, lang: str
) -> None:
    doc = _doc(html, lang)
    toc = doc.find("nav")
    assert toc is not None
    links = {a.attrs["href"] for a in toc.iter("a")}
    for name in table_names(report_data.release):
        section = doc.find("section", id=f"table-{name}")
        assert section is not None, name
        assert section.find("svg") is not None, f"{name} has no chart"
        assert section.find("table", data_table=name) is not None
        assert f"#table-{name}" in links
        spec = next(t for t in report_data.release["plan"] if t["name"] == name)
        heading = section.find("h3")
        assert heading is not None and spec[f"title_{lang}"] in heading.text()


@pytest.mark.parametrize("lang", LANGS)
def test_html_table_figures_equal_the_release(
    html: dict[str, str], report_data: ReportData, lang: str
) -> None:
    doc = _doc(html, lang)
    for name, frame in report_data.tables.items():
        table = doc.find("table", data_table=name)
        assert table is not None
        shown = {td.attrs["data-key"]: td for td in table.iter("td") if "data-key" in td.attrs}
        assert len(shown) == len(frame), name
        for row in frame.to_dict("records"):
            text = _figure_text(shown[cell_key(frame, row)])
            expected = f"{estimate_text(row, lang)} {interval_text(row, lang)}"
            assert text.startswith(expected), (name, text, expected)


@pytest.mark.parametrize("lang", LANGS)
def test_html_marks_unreliable_cells_and_explains_the_mark(
    html: dict[str, str], report_data: ReportData, lang: str
) -> None:
    doc = _doc(html, lang)
    legend = TEXT[lang]["unreliable_note"].format(mark=UNRELIABLE_MARK)
    assert any(frame["unreliable"].any() for frame in report_data.tables.values())
    for name, frame in report_data.tables.items():
        section = doc.find("section", id=f"table-{name}")
        assert section is not None
        cells = {td.attrs["data-key"]: td for td in section.iter("td") if "data-key" in td.attrs}
        for row in frame.to_dict("records"):
            first = _estimate_of(cells[cell_key(frame, row)])
            assert first.endswith(f" {UNRELIABLE_MARK}") == bool(row["unreliable"]), (name, first)
        if frame["unreliable"].any():
            assert legend in section.text(), f"{name}: marks without a legend"


@pytest.mark.parametrize("lang", LANGS)
def test_html_names_the_release_and_its_date(html: dict[str, str], lang: str) -> None:
    doc = _doc(html, lang)
    cover = doc.find("header", id="cover")
    assert cover is not None
    date = "15 januari 2026" if lang == "nl" else "15 January 2026"
    assert "2025-r1" in cover.text() and date in cover.text()


@pytest.mark.parametrize("lang", LANGS)
def test_html_coverage_lists_the_municipalities_that_did_not_report(
    html: dict[str, str], report_data: ReportData, lang: str
) -> None:
    doc = _doc(html, lang)
    listed = doc.find("table", data_table="not-reported")
    assert listed is not None
    shown = {row[0].text(): (row[1].text(), row[2].text()) for row in table_rows(listed)}
    expected = {m.code: (m.name, m.province) for m, _ in report_data.not_reported}
    assert shown == expected and len(shown) > 0
    # Each quarter's count of missing municipalities is the number listed as missing it.
    short = {q: TEXT[lang]["quarter_short"].format(n=q) for q in range(1, 5)}
    for c in report_data.coverage:
        listed_missing = [row for row in table_rows(listed) if short[c.quarter] in row[3].text()]
        assert len(listed_missing) == c.missing > 0
    counts = doc.find("table", data_table="coverage")
    assert counts is not None
    for c, row in zip(report_data.coverage, table_rows(counts), strict=True):
        assert [int(cell.text()) for cell in row[1:]] == [c.expected, c.reported, c.missing]


@pytest.mark.parametrize("lang", LANGS)
def test_html_trend_shows_each_year_from_its_annual_release(
    html: dict[str, str], report_data: ReportData, lang: str
) -> None:
    table = _doc(html, lang).find("table", data_table="trend")
    assert table is not None
    before = report_data.history[0][1]["totals"]
    now = report_data.tables["totals"]
    for tr, b, n in zip(table_rows(table), before.to_dict("records"), now.to_dict("records")):
        assert [c.text() for c in tr[1:3]] == [
            f"{estimate_text(b, lang)} {interval_text(b, lang)}",
            f"{estimate_text(n, lang)} {interval_text(n, lang)}",
        ]


def test_html_speaks_one_language(html: dict[str, str]) -> None:
    for lang, foreign in (("nl", ENGLISH_ONLY), ("en", DUTCH_ONLY)):
        text = parse(html[lang]).text(skip_lang=lang)
        leftovers = [w for w in foreign if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)]
        assert not leftovers, f"{lang}: {leftovers}"


def test_html_formats_numbers_and_dates_per_language(
    html: dict[str, str], report_data: ReportData
) -> None:
    nl, en = parse(html["nl"]).text(), parse(html["en"]).text()
    epsilon = f"{report_data.release['epsilon']:.3g}"
    assert f"ε = {epsilon.replace('.', ',')}" in nl and f"ε = {epsilon}" in en
    assert "δ = 10⁻⁹" in nl and "δ = 10⁻⁹" in en
    assert "15 januari 2026" in nl and "15 January 2026" in en
    assert "1e kwartaal 2025" in nl and "First quarter 2025" in en


@pytest.mark.parametrize("lang", LANGS)
def test_html_is_self_contained(html: dict[str, str], lang: str) -> None:
    text = html[lang]
    assert "://" not in text
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", text, re.I)
    assert not re.search(r"\b(src|srcset|xlink:href)\s*=", text, re.I)
    assert not re.search(r"@import|url\(", text, re.I)
    hrefs = re.findall(r"\bhref\s*=\s*\"([^\"]*)\"", text)
    assert hrefs and all(h.startswith("#") for h in hrefs)
    doc = parse(text)
    ids = {n.attrs["id"] for n in doc.iter() if "id" in n.attrs}
    assert {h[1:] for h in hrefs} <= ids, "a link to a missing anchor"
    assert doc.find("style") is not None


def test_render_html_refuses_an_unknown_language(report_data: ReportData) -> None:
    with pytest.raises(ValueError, match="language"):
        render_html(report_data, "de")  # type: ignore[arg-type]
