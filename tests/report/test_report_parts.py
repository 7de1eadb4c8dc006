"""The report's building blocks: words in two languages, number formats, charts."""

from __future__ import annotations

import datetime as dt

import pytest

from aggregator.clock import parse_moment
from aggregator.report.charts import (
    HALO,
    INK,
    SERIES,
    Bar,
    Panel,
    Row,
    bar_chart,
    panel_chart,
    text_width,
    wrap,
)
from aggregator.report.i18n import TEXT, Formatter
from tests.report.html_reading import Node, parse


def test_text_has_the_same_keys_in_both_languages() -> None:
    assert set(TEXT["nl"]) == set(TEXT["en"])
    for key in TEXT["nl"]:
        assert TEXT["nl"][key] != TEXT["en"][key] or key in {"annex_rho", "code"}, key


def test_formatter_writes_numbers_the_dutch_and_the_english_way() -> None:
    nl, en = Formatter("nl"), Formatter("en")
    assert (nl.integer(1234567), en.integer(1234567)) == ("1.234.567", "1,234,567")
    assert (nl.decimal(2.8284), en.decimal(2.8284)) == ("2,83", "2.83")
    assert (nl.decimal(1234.5, 5), en.decimal(1234.5, 5)) == ("1.234,5", "1,234.5")
    assert (nl.interval(0, 1200), en.between(0, 1200)) == ("0–1.200", "between 0 and 1,200")
    assert (nl.percent(0.333), en.percent(0.333)) == ("33 procent", "33%")
    assert nl.estimate(7, True) == "7\u00a0u" and en.estimate(7, False) == "7"
    assert (nl.signed(12), nl.signed(-1234), en.signed(0)) == ("+12", "−1.234", "0")
    assert (nl.period(2025, True), en.period(2025, False, 2)) == ("2025*", "Q2 2025")


def test_formatter_shows_times_in_dutch_time_with_translated_months() -> None:
    moment = parse_moment("2026-07-01T10:05:00Z")  # summer time: UTC+2
    assert Formatter("nl").date_time(moment) == "1 juli 2026 om 12.05 uur Nederlandse tijd"
    assert Formatter("en").date_time(moment) == "1 July 2026 at 12:05 Amsterdam time"
    assert parse_moment("2026-01-15 10:00:00") == dt.datetime(2026, 1, 15, 10)
    assert (
        Formatter("en")
        .date_time(parse_moment("2026-01-15 10:00:00"))
        .endswith("11:00 Amsterdam time")
    )


def test_formatter_refuses_other_languages() -> None:
    with pytest.raises(ValueError, match="language"):
        Formatter("de")  # type: ignore[arg-type]


@pytest.mark.parametrize("width", [40, 80, 131])
def test_wrap_keeps_every_line_within_its_width(width: float) -> None:
    labels = [
        "Disciplinaire maatregel, ontslag of einde inhuur",
        "Informatiebeheer, DIV/archief, basisregistraties",
        "Referred to the Rijksrecherche or reported to the police",
        "Intern (integriteits)onderzoek",
        "Onoverzichtelijkheidsbeginselbewakingsmedewerkersfunctie",
    ]
    for label in labels:
        lines = wrap(label, width, 7.0, max_lines=3)
        assert 1 <= len(lines) <= 3
        assert all(text_width(line, 7.0) <= width for line in lines), lines
        shown = " ".join(lines).replace("…", "")
        assert shown.replace(" ", "") in label.replace(" ", "") or lines[-1].endswith("…")


def test_wrap_breaks_inside_a_word_only_after_a_bracket_hyphen_or_slash() -> None:
    assert wrap("2 Intern (integriteits)onderzoek", 76, 6.8, 4, bold=True) == [
        "2 Intern (integriteits)",
        "onderzoek",
    ]


def test_charts_escape_labels_and_carry_the_unit() -> None:
    rows = [Row("<b>Parkeren & kentekens</b>", (Bar(12, 3, 21, True),))]
    svg = bar_chart(rows, Formatter("nl"), title="Figuur <1>")
    assert "<b>" not in svg and "&lt;b&gt;Parkeren &amp; kentekens&lt;/b&gt;" in svg
    text = parse(str(svg)).text()
    assert "aantal incidenten" in text and "12 u" in text
    panels = [Panel("1 Signal or suspicion", (Bar(0, 0, 4),)), Panel("2 Other", (Bar(5, 1, 9),))]
    svg = panel_chart(["Public services"], panels, Formatter("en"), title="Figure")
    text = parse(str(svg)).text()
    assert "number of incidents" in text and "Public services" in text and "unreliable" in text


def test_bar_chart_draws_an_unreliable_estimate_hollow() -> None:
    solid = bar_chart([Row("a", (Bar(10, 5, 15, False),))], Formatter("en"), title="t")
    hollow = bar_chart([Row("a", (Bar(10, 0, 25, True),))], Formatter("en"), title="t")
    bars = [parse(str(s)).find("rect") for s in (solid, hollow)]
    assert bars[0] is not None and bars[0].attrs["fill"] != "#ffffff"
    assert bars[1] is not None and bars[1].attrs["fill"] == "#ffffff" and "stroke" in bars[1].attrs


def _solid_bars(svg: str) -> list[Node]:
    return [r for r in parse(svg).iter("rect") if r.attrs.get("fill") == SERIES[-1]]


def test_panel_chart_panels_share_one_axis() -> None:
    """The same number is the same bar length in every panel, however large the others."""
    small = Panel("1 Signaal", (Bar(10, 6, 14), Bar(2, 0, 5)))
    large = Panel("2 Onderzoek", (Bar(10, 6, 14), Bar(90, 80, 100)))
    svg = str(panel_chart(["a", "b"], [small, large], Formatter("nl"), title="t"))
    # The legend's swatch is solid too; the four bars come first, in panel order.
    widths = [float(r.attrs["width"]) for r in _solid_bars(svg)][:4]
    assert widths[0] == widths[2] > 0
    assert widths[3] == pytest.approx(9 * widths[0], rel=0.02)
    ticks = [t.text() for t in parse(svg).iter("text") if t.text().isdigit()]
    assert ticks.count("100") == 2, "each panel's axis runs to the shared maximum"


def test_whiskers_are_drawn_over_a_light_outline() -> None:
    svg = bar_chart([Row("a", (Bar(40, 30, 50),))], Formatter("en"), title="t")
    paths = [p for p in parse(str(svg)).iter("path")]
    ink = [i for i, p in enumerate(paths) if p.attrs["stroke"] == INK and "H" in p.attrs["d"]]
    assert ink, "no whisker"
    for i in ink[:1]:
        under = paths[i - 1]
        assert under.attrs["d"] == paths[i].attrs["d"]
        assert under.attrs["stroke"] == HALO
        assert float(under.attrs["stroke-width"]) > 2 * float(paths[i].attrs["stroke-width"])


def test_charts_are_images_with_a_title_and_their_figures_in_words() -> None:
    rows = [Row("Publiekszaken", (Bar(48, 34, 68),)), Row("Veiligheid", (Bar(12, 3, 29, True),))]
    svg = parse(str(bar_chart(rows, Formatter("nl"), title="Figuur 2.2 Signalen")))
    root = svg.find("svg")
    assert root is not None and root.attrs["role"] == "img"
    title, desc = root.find("title"), root.find("desc")
    assert title is not None and desc is not None
    assert root.attrs["aria-labelledby"].split() == [title.attrs["id"], desc.attrs["id"]]
    assert title.text() == "Figuur 2.2 Signalen"
    assert desc.text() == "Publiekszaken: 48 (34–68); Veiligheid: 12 u (3–29)"
