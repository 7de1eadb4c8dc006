"""What the public figures pages show of a release: its tables as rows with their marks, and as
charts with interval whiskers (the report's own SVG charts, drawn on the server).

The marks are :mod:`aggregator.services.provenance`'s: ``*`` on the period of a provisional
release (CBS), the unreliable mark after a figure whose interval is wider than itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from markupsafe import Markup

from aggregator.clock import parse_moment
from aggregator.report.charts import Bar, Panel, Row, bar_chart, panel_chart
from aggregator.report.i18n import Formatter
from aggregator.report.render import power_of_ten
from aggregator.services.provenance import PROVISIONAL_MARK, period_of
from schemas.tables import STAGE, code_label, dimension_label


@dataclass(frozen=True)
class Cell:
    """One figure as a table row shows it."""

    labels: tuple[str, ...]
    codes: dict[str, str]
    estimate: str
    unreliable: bool
    interval: str
    std_error: str


@dataclass(frozen=True)
class TableView:
    """One published table on a page: title, anchor, header labels, rows, chart."""

    name: str
    title: str
    anchor: str
    dimensions: tuple[str, ...]
    headers: tuple[str, ...]
    stage_label: str | None
    cells: tuple[Cell, ...]
    chart: Markup | None

    @property
    def any_unreliable(self) -> bool:
        """Whether a figure of the table carries the unreliable mark."""
        return any(c.unreliable for c in self.cells)


def period_label(release: Mapping[str, Any], lang: str) -> str:
    """``2025``, ``2026*`` (provisional) or ``2026 K3`` / ``2026 Q3``."""
    quarter = release.get("quarter")
    text = f"{release['year']}" + (f" {'K' if lang == 'nl' else 'Q'}{quarter}" if quarter else "")
    return text + (PROVISIONAL_MARK if release.get("provisional", True) else "")


def label(dimension: str, code: str, lang: str) -> str:
    """A code's label, or the code itself when this taxonomy does not know it."""
    try:
        return code_label(dimension, code, "en" if lang == "en" else "nl")
    except (KeyError, ValueError):
        return code


def cells(frame: pd.DataFrame, dims: Sequence[str], lang: str) -> list[Cell]:
    """The rows of a published table in the reader's language."""
    fmt = Formatter("en" if lang == "en" else "nl")
    out = []
    for row in frame.to_dict(orient="records"):
        codes = {d: str(row[d]) for d in dims}
        out.append(
            Cell(
                labels=tuple(label(d, codes[d], lang) for d in dims),
                codes=codes,
                estimate=fmt.integer(int(row["estimate"])),
                unreliable=bool(row["unreliable"]),
                interval=fmt.interval(int(row["ci_low"]), int(row["ci_high"])),
                std_error=fmt.decimal(float(row["std_error"]), 2),
            )
        )
    return out


def chart(frame: pd.DataFrame, dims: Sequence[str], title: str, lang: str) -> Markup | None:
    """The table as bars with 95% whiskers: one row per cell, or a panel per stage for a table
    by stage and one other dimension; none for more dimensions (the table is enough)."""
    fmt = Formatter("en" if lang == "en" else "nl")

    def bar(row: Mapping[Any, Any]) -> Bar:
        return Bar(int(row["estimate"]), int(row["ci_low"]), int(row["ci_high"]),
                   bool(row["unreliable"]))  # fmt: skip

    records = frame.to_dict(orient="records")
    if len(dims) == 1:
        rows = [Row(label(dims[0], str(r[dims[0]]), lang), (bar(r),)) for r in records]
        return bar_chart(rows, fmt, title=title)
    if len(dims) == 2 and dims[0] == STAGE:
        other = dims[1]
        codes = list(dict.fromkeys(str(r[other]) for r in records))
        stages = list(dict.fromkeys(str(r[STAGE]) for r in records))
        by = {(str(r[STAGE]), str(r[other])): bar(r) for r in records}
        panels = [
            Panel(label(STAGE, s, lang), tuple(by[(s, code)] for code in codes)) for s in stages
        ]
        return panel_chart([label(other, c, lang) for c in codes], panels, fmt, title=title)
    return None


def table_view(
    release: Mapping[str, Any], meta: Mapping[str, Any], frame: pd.DataFrame, lang: str
) -> TableView:
    """One table of a release, ready for the page."""
    dims = tuple(str(d) for d in meta["dimensions"])
    title = str(meta.get("title_en" if lang == "en" else "title_nl") or meta["name"])
    stage = meta.get("stage")
    return TableView(
        name=str(meta["name"]),
        title=title,
        anchor=f"table-{meta['name']}",
        dimensions=dims,
        headers=tuple(dimension_label(d, "en" if lang == "en" else "nl") for d in dims),
        stage_label=label(STAGE, str(stage), lang) if stage else None,
        cells=tuple(cells(frame, dims, lang)),
        chart=chart(frame, dims, f"{title}, {period_of(release)}", lang),
    )


@dataclass(frozen=True)
class YearPoint:
    """One year of a series as the page shows it."""

    year: str
    release_id: str
    provisional: bool
    estimate: str
    unreliable: bool
    interval: str
    std_error: str


def series_points(found: Mapping[str, Any], lang: str) -> list[YearPoint]:
    """The years of a series, oldest first, with their marks."""
    fmt = Formatter("en" if lang == "en" else "nl")
    return [
        YearPoint(
            year=f"{p['year']}" + (PROVISIONAL_MARK if p["provisional"] else ""),
            release_id=str(p["release_id"]),
            provisional=bool(p["provisional"]),
            estimate=fmt.integer(int(p["estimate"])),
            unreliable=bool(p["unreliable"]),
            interval=fmt.interval(int(p["ci_low"]), int(p["ci_high"])),
            std_error=fmt.decimal(float(p["std_error"]), 2),
        )
        for p in found["points"]
    ]


def series_changes(found: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """The changes between final years: from, to, the change and its interval, and whether
    the interval excludes 0."""
    fmt = Formatter("en" if lang == "en" else "nl")
    return [
        {
            "years": f"{c['from_year']}–{c['to_year']}",
            "change": fmt.decimal(float(c["change"]), 2),
            "interval": f"{fmt.integer(int(c['ci_low']))} – {fmt.integer(int(c['ci_high']))}",
            "excludes_zero": bool(c["excludes_zero"]),
            "up": float(c["change"]) > 0,
        }
        for c in found["changes"]
    ]


def series_sum(found: Mapping[str, Any], lang: str) -> dict[str, Any] | None:
    """The sum over the final years, as the page shows it."""
    total = found.get("sum")
    if not total:
        return None
    fmt = Formatter("en" if lang == "en" else "nl")
    return {
        "years": fmt.join([str(y) for y in total["years"]]),
        "estimate": fmt.integer(int(total["estimate"])),
        "unreliable": bool(total["unreliable"]),
        "interval": fmt.interval(int(total["ci_low"]), int(total["ci_high"])),
        "std_error": fmt.decimal(float(total["std_error"]), 2),
    }


def series_chart(found: Mapping[str, Any], title: str, lang: str) -> Markup | None:
    """The years of a series as bars with their 95% whiskers."""
    fmt = Formatter("en" if lang == "en" else "nl")
    rows = [
        Row(
            f"{p['year']}" + (PROVISIONAL_MARK if p["provisional"] else ""),
            (Bar(int(p["estimate"]), int(p["ci_low"]), int(p["ci_high"]), bool(p["unreliable"])),),
        )
        for p in found["points"]
    ]
    return bar_chart(rows, fmt, title=title) if rows else None


def release_facts(release: Mapping[str, Any], lang: str) -> dict[str, str]:
    """A release's period, date, privacy parameters and coverage, written for the reader."""
    fmt = Formatter("en" if lang == "en" else "nl")
    coverage = list((release.get("coverage") or {}).values())
    reported = min((int(c["reported"]) for c in coverage if c.get("ended")), default=0)
    expected = max((int(c["expected"]) for c in coverage), default=0)
    return {
        "period": period_label(release, lang),
        "created": fmt.date_time(parse_moment(str(release["created_at"]))),
        "created_day": fmt.date(parse_moment(str(release["created_at"]))),
        "rho": fmt.decimal(float(release["rho"]), 3),
        "epsilon": fmt.decimal(float(release["epsilon"]), 3),
        "delta": power_of_ten(float(release["delta"]), fmt),
        "reported": fmt.integer(reported),
        "expected": fmt.integer(expected),
    }
