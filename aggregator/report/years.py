"""Figures across years: national totals year by year with the change from one year to the
next, and sums over the latest final annual releases for breakdowns one year is too small for.

A year is "higher" or "lower" than another only when the 95% interval of the difference of the
two years' unbiased estimates excludes 0 (:func:`aggregator.dp.multiyear.changes`), never
because two intervals do or do not overlap; a comparison with a provisional release or one made
below the coverage threshold says so. Sums come from :func:`aggregator.dp.multiyear.multiyear_sum`
and use final releases only. All of it is post-processing of published tables: no budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from markupsafe import Markup

from aggregator.clock import parse_moment
from aggregator.dp import multiyear
from aggregator.report import charts
from aggregator.report.data import (
    ReleaseStatus,
    ReportData,
    plan_spec,
    release_status,
    totals_table,
)
from aggregator.report.i18n import Formatter
from aggregator.report.view import Figure, Labels, Record, dimensions, figure
from schemas.tables import STAGE

#: The breakdowns one year is too small for (DEFAULT_PLAN's names): shown summed over years.
MULTIYEAR_TABLES = (
    "signals_by_function_type",
    "arrests_by_function_group",
    "disciplinary_by_function_group",
    "convictions_by_function_group",
)
#: How many final annual releases a sum adds up, at most.
YEARS_SUMMED = 3


@dataclass(frozen=True)
class Point:
    """One annual release as one year of a comparison."""

    year: int
    release: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    status: ReleaseStatus

    @property
    def id(self) -> str:
        """The release id."""
        return str(self.release["id"])


def points(data: ReportData) -> list[Point]:
    """The annual releases of the report, oldest first: earlier years' latest ones and, for an
    annual report, its own release."""
    out = [Point(int(r["year"]), r, t, release_status(r)) for r, t in data.history]
    if data.quarter is None:
        out.append(Point(data.year, data.release, data.tables, data.status))
    return out


def period_of(fmt: Formatter, point: Point) -> str:
    """The year as a table header shows it: ``2025``, or ``2025*`` when provisional."""
    return fmt.period(point.year, point.status.provisional)


# -- changes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """The change of one cell from one year to the next: the 95% interval of the difference
    and whether it excludes 0."""

    low: int
    high: int
    excludes_zero: bool

    @property
    def direction(self) -> int:
        """+1 higher, −1 lower, 0 when no change is shown (the interval holds 0)."""
        if not self.excludes_zero:
            return 0
        return 1 if self.low > 0 else -1


def changes(before: pd.DataFrame, after: pd.DataFrame) -> dict[str, Change] | None:
    """Per cell key (codes joined by ``|``), the change from ``before`` to ``after``; ``None``
    when the tables cannot be compared (other cells, or no unrounded estimate)."""
    try:
        frame = multiyear.changes({0: before, 1: after})
    except multiyear.MultiYearError:
        return None
    dims = dimensions(before)
    return {
        "|".join(str(r[d]) for d in dims): Change(
            int(r["ci_low"]), int(r["ci_high"]), bool(r["excludes_zero"])
        )
        for r in frame.to_dict("records")
    }


#: The comparison sentence of the first stage, per language.
COMPARE = {
    "nl": {
        1: "Het aantal nieuwe zaken is hoger dan in {year} (naar schatting {n}, {between}): het "
        "verschil ligt met 95 procent betrouwbaarheid tussen {low} en {high}.",
        -1: "Het aantal nieuwe zaken is lager dan in {year} (naar schatting {n}, {between}): het "
        "verschil ligt met 95 procent betrouwbaarheid tussen {low} en {high}.",
        0: "Het aantal nieuwe zaken verschilt niet aantoonbaar van dat in {year} (naar schatting "
        "{n}, {between}): het verschil ligt tussen {low} en {high}, en kan dus ook 0 zijn.",
        "provisional": "Let op: de cijfers over {years} zijn voorlopig, en daarmee ook deze "
        "vergelijking.",
        "threshold": "Let op: de publicatie over {years} is gemaakt terwijl te weinig gemeenten "
        "hadden aangeleverd; de cijfers van dat jaar zijn waarschijnlijk te laag.",
        "no_unrounded": "Met {year} is niet te vergelijken: die publicatie vermeldt de "
        "onafgeronde schatting niet.",
        "no_history": "Er is nog geen jaarpublicatie over een eerder jaar om mee te vergelijken.",
        "quarterly": "Een kwartaal is niet te vergelijken met de jaarcijfers van eerdere jaren.",
    },
    "en": {
        1: "The number of new cases is higher than in {year} (an estimated {n}, {between}): with "
        "95% confidence the difference lies between {low} and {high}.",
        -1: "The number of new cases is lower than in {year} (an estimated {n}, {between}): with "
        "95% confidence the difference lies between {low} and {high}.",
        0: "The number of new cases does not differ demonstrably from that in {year} (an "
        "estimated {n}, {between}): the difference lies between {low} and {high}, so it may be "
        "0.",
        "provisional": "Note: the figures for {years} are provisional, and so is this comparison.",
        "threshold": "Note: the release for {years} was made while too few municipalities had "
        "reported; that year's figures are probably too low.",
        "no_unrounded": "No comparison with {year} can be made: that release does not give the "
        "unrounded estimate.",
        "no_history": "There is no annual release of an earlier year to compare with yet.",
        "quarterly": "A quarter cannot be compared with the annual figures of earlier years.",
    },
}


def comparison(data: ReportData, labels: Labels) -> str:
    """How the first stage's national total (the new cases) compares with the latest earlier
    year, in words."""
    fmt = labels.fmt
    words = COMPARE[fmt.lang]
    if data.quarter is not None:
        return words["quarterly"]
    years = [p for p in points(data) if totals_table(p.release, p.tables) is not None]
    if len(years) < 2 or years[-1].year != data.year:
        return words["no_history"]
    before, now = years[-2], years[-1]
    stage = labels.taxonomy.stages[0]
    frames = [p.tables[str(totals_table(p.release, p.tables))] for p in (before, now)]
    found = changes(*frames)
    if found is None or stage not in found:
        return words["no_unrounded"].format(year=before.year)
    change = found[stage]
    r = frames[0][frames[0][STAGE] == stage].to_dict("records")[0]
    text = words[change.direction].format(
        year=before.year,
        n=fmt.integer(int(r["estimate"])),
        between=between(fmt, r),
        low=fmt.signed(change.low),
        high=fmt.signed(change.high),
    )
    provisional = [str(p.year) for p in (before, now) if p.status.provisional]
    if provisional:
        text += " " + words["provisional"].format(years=fmt.join(provisional))
    below = [str(p.year) for p in (before, now) if p.status.below_threshold]
    if below:
        text += " " + words["threshold"].format(years=fmt.join(below))
    return text


def between(fmt: Formatter, r: Record) -> str:
    """``tussen 89 en 104`` in prose, with ``onbetrouwbaar`` when the cell is flagged (prose
    says it in words, never with the table's mark)."""
    text = fmt.between(int(r["ci_low"]), int(r["ci_high"]))
    return f"{text}; {fmt.t('mark_unreliable')}" if bool(r["unreliable"]) else text


# -- trend -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeCell:
    """The change column of the trend table: a word and the interval of the difference."""

    word: str
    interval: str
    direction: int


@dataclass
class Trend:
    """National totals by stage per year, from the annual releases, and the last change."""

    years: list[str] = field(default_factory=list)
    sources: list[tuple[str, str, str]] = field(default_factory=list)  # year, id, date
    rows: list[tuple[str, list[Figure | None], ChangeCell | None]] = field(default_factory=list)
    change_header: str = ""
    chart: Markup | None = None
    sentence: str = ""
    has_unreliable: bool = False
    has_missing: bool = False
    has_provisional: bool = False


def build_trend(data: ReportData, labels: Labels) -> Trend:
    """The totals of the annual releases of earlier years and of this one (none for a
    quarterly release), with the change between the last two years."""
    fmt = labels.fmt
    trend = Trend()
    if data.quarter is not None:
        return trend  # a quarter is not comparable with earlier years' annual figures
    found = [(p, totals_table(p.release, p.tables)) for p in points(data)]
    years = [(p, p.tables[name]) for p, name in found if name is not None]
    if len(years) < 2 or years[-1][0].year != data.year:
        return trend
    years = years[-len(charts.SERIES) :]
    trend.years = [period_of(fmt, p) for p, _ in years]
    trend.has_provisional = any(p.status.provisional for p, _ in years)
    trend.sources = [
        (period_of(fmt, p), p.id, fmt.date(parse_moment(p.release["created_at"]))) for p, _ in years
    ]
    by_year = [{str(r[STAGE]): r for r in frame.to_dict("records")} for _, frame in years]
    last = changes(years[-2][1], years[-1][1])
    if last is not None:
        trend.change_header = fmt.t("trend_change", before=trend.years[-2], after=trend.years[-1])
    chart_rows = []
    for stage in labels.taxonomy.stages:
        figures: list[Figure | None] = []
        for i, rows in enumerate(by_year):
            r = rows.get(stage)
            figures.append(None if r is None else figure(fmt, stage, r, series=i))
        cell = None
        if last is not None and stage in last:
            cell = _change_cell(fmt, last[stage])
        trend.rows.append((labels.code(STAGE, stage), figures, cell))
        chart_rows.append(
            charts.Row(labels.code(STAGE, stage), tuple(f.bar if f else None for f in figures))
        )
    trend.has_unreliable = any(f and f.unreliable for _, fs, _ in trend.rows for f in fs)
    trend.has_missing = any(f is None for _, fs, _ in trend.rows for f in fs)
    title = f"{fmt.t('figure')} 3.1 {fmt.t('trend_totals')}"
    trend.chart = charts.bar_chart(chart_rows, fmt, title=title, series=trend.years)
    trend.sentence = comparison(data, labels)
    return trend


def _change_cell(fmt: Formatter, change: Change) -> ChangeCell:
    word = {1: "change_higher", -1: "change_lower", 0: "change_none"}[change.direction]
    interval = f"{fmt.signed(change.low)} {fmt.t('to')} {fmt.signed(change.high)}"
    return ChangeCell(fmt.t(word), interval, change.direction)


# -- sums over years -------------------------------------------------------------------------


@dataclass
class MultiYearTable:
    """One breakdown summed over years: per row the figure of each year and of the sum."""

    name: str
    number: str
    title: str
    dimension: str
    years: list[str]
    sum_header: str
    rows: list[tuple[str, list[Figure], Figure]]
    has_unreliable: bool = False
    fixed_stage: str | None = None


@dataclass
class MultiYear:
    """The sums over the latest final annual releases, or why there are none."""

    tables: list[MultiYearTable] = field(default_factory=list)
    sources: str = ""
    left_out: str = ""
    none: str = ""
    missing: list[str] = field(default_factory=list)


def build_multiyear(data: ReportData, labels: Labels, titles: dict[str, str]) -> MultiYear:
    """Each breakdown of :data:`MULTIYEAR_TABLES` in the release, summed over the latest
    (at most :data:`YEARS_SUMMED`) final annual releases; ``titles`` are the tables' titles."""
    fmt = labels.fmt
    out = MultiYear()
    if data.quarter is not None:
        return out
    every = points(data)
    final = [p for p in every if p.status.final][-YEARS_SUMMED:]
    if len(final) < 2:
        out.none = fmt.t("multiyear_none", count=fmt.t(f"multiyear_count_{len(final)}"))
        return out
    out.sources = fmt.t(
        "multiyear_sources", sources=fmt.join([f"{p.id} ({p.year})" for p in final])
    )
    skipped = [_left_out(fmt, p) for p in every if not p.status.final and p.year >= final[0].year]
    if skipped:
        out.left_out = fmt.t("multiyear_left_out", releases=fmt.join(skipped))
    names = [n for n in MULTIYEAR_TABLES if n in data.tables]
    if not names:
        out.none = fmt.t("multiyear_no_tables")
        return out
    for i, name in enumerate(names, start=1):
        table = _summed(name, f"3.2.{i}", titles.get(name, name), final, labels)
        if table is None:
            out.missing.append(fmt.t("multiyear_missing", title=titles.get(name, name)))
        else:
            out.tables.append(table)
    return out


def _left_out(fmt: Formatter, p: Point) -> str:
    why = "provisional" if p.status.provisional else "threshold"
    return fmt.t(f"multiyear_left_out_{why}", id=p.id)


def _summed(
    name: str, number: str, title: str, final: Sequence[Point], labels: Labels
) -> MultiYearTable | None:
    fmt = labels.fmt
    if not all(name in p.tables for p in final):
        return None
    frames = {p.year: p.tables[name] for p in final}
    try:
        total = multiyear.multiyear_sum(frames)
        per_year = multiyear.trend(frames)
    except multiyear.MultiYearError:
        return None
    dims = dimensions(total)
    if len(dims) != 1:
        return None  # the fine breakdowns are fixed-stage tables of one dimension
    dim = dims[0]
    spec = plan_spec(final[-1].release, name)
    table = MultiYearTable(
        name=name,
        number=number,
        title=title,
        dimension=labels.dimension(dim),
        years=[str(p.year) for p in final],
        sum_header=fmt.t("multiyear_sum", first=final[0].year, last=final[-1].year),
        rows=[],
        fixed_stage=labels.code(STAGE, spec["stage"]) if spec.get("stage") else None,
    )
    for r in total.to_dict("records"):
        code = str(r[dim])
        yearly = per_year[per_year[dim].astype(str) == code].to_dict("records")
        table.rows.append(
            (
                labels.code(dim, code),
                [figure(fmt, f"{code}|{int(y['year'])}", y) for y in yearly],
                figure(fmt, code, r),
            )
        )
    table.has_unreliable = any(f.unreliable for _, ys, s in table.rows for f in (*ys, s))
    return table
