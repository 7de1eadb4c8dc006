"""From report data to what the template shows: labelled, formatted, in one language.

Every figure shown is a value of the release (an estimate, an interval bound, a count of the
coverage, a privacy parameter) or a figure computed from released ones by a function of
:mod:`aggregator.dp.multiyear` (sums and changes over years). Nothing is recomputed from raw
data. The summary is in :mod:`aggregator.report.summary`, figures across years in
:mod:`aggregator.report.years`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from markupsafe import Markup

from aggregator.report import charts
from aggregator.report.data import ReportData, plan_spec, table_meta, table_names
from aggregator.report.i18n import Formatter, Lang
from schemas.municipalities import load_register
from schemas.tables import PROVINCE, QUARTER, STAGE, VALUE_COLUMNS, dimension_label
from schemas.taxonomy import GROUP_DIMENSION, Taxonomy, TaxonomyError

#: One row of a published table, as ``DataFrame.to_dict("records")`` gives it.
Record = Mapping[Any, Any]

#: A table with more cells than this in long form gets no chart: it would not be readable.
MAX_CHART_BARS = 40


@dataclass(frozen=True)
class Figure:
    """One published cell, formatted."""

    key: str
    #: The estimate with its mark (``12 u``), for text; tables set ``number`` and the mark apart.
    estimate: str
    number: str
    interval: str
    std_error: str
    unreliable: bool
    bar: charts.Bar


@dataclass(frozen=True)
class TableRow:
    """A row of a shown table: its label(s) and one figure per column."""

    labels: tuple[str, ...]
    figures: tuple[Figure, ...]


@dataclass
class Section:
    """One released table: chart and table."""

    name: str
    number: str
    title: str
    anchor: str
    layout: str  # "list" (one figure per row), "matrix" (stages as columns) or "long"
    header: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]  # matrix: (number, label) of each stage column
    rows: list[TableRow]
    chart: Markup | None
    fixed_stage: str | None = None
    has_unreliable: bool = False
    #: In print, keep the table and its notes on one page: it is short enough.
    keep_together: bool = False
    #: The period the figures are of, with the provisional mark when they are (``2025*``).
    period: str = ""
    provisional: bool = False


class Labels:
    """Labels of table dimensions and codes for one language and taxonomy version."""

    def __init__(self, fmt: Formatter, taxonomy: Taxonomy) -> None:
        self.fmt = fmt
        self.taxonomy = taxonomy
        self.register = load_register()
        self.stage_number = {c: i for i, c in enumerate(taxonomy.stages, start=1)}

    def dimension(self, name: str) -> str:
        """The label of a dimension."""
        return dimension_label(name, self.fmt.lang, self.taxonomy)

    def code(self, dimension: str, code: str) -> str:
        """The label of a code; an unknown code shows as itself."""
        if dimension == QUARTER:
            digits = str(code).lstrip("QK")
            return self.fmt.quarter(int(digits), capital=True) if digits.isdigit() else str(code)
        if dimension == PROVINCE:
            try:
                return self.register.province(str(code)).name
            except KeyError:
                return str(code)
        try:
            label = self.taxonomy.label(dimension, str(code), self.fmt.lang)
        except TaxonomyError:
            return str(code)
        if dimension == STAGE:
            return f"{self.stage_number[str(code)]} {label}"
        return label

    def stage_plain(self, code: str) -> str:
        """A stage's label without its number."""
        try:
            return self.taxonomy.label(STAGE, code, self.fmt.lang)
        except TaxonomyError:
            return code


def figure(fmt: Formatter, key: str, row: Record, series: int = 0) -> Figure:
    """One published cell, formatted, with its bar for a chart."""
    estimate, low, high = int(row["estimate"]), int(row["ci_low"]), int(row["ci_high"])
    unreliable = bool(row["unreliable"])
    return Figure(
        key=key,
        estimate=fmt.estimate(estimate, unreliable),
        number=fmt.integer(estimate),
        interval=fmt.interval(low, high),
        std_error=fmt.decimal(float(row["std_error"]), 2),
        unreliable=unreliable,
        bar=charts.Bar(estimate, low, high, unreliable, series),
    )


def dimensions(frame: pd.DataFrame) -> list[str]:
    """The code columns of a published table, in order."""
    return [c for c in frame.columns if c not in VALUE_COLUMNS]


def build_section(
    name: str,
    number: str,
    spec: Mapping[str, Any],
    frame: pd.DataFrame,
    labels: Labels,
    *,
    period: str = "",
    provisional: bool = False,
) -> Section:
    """The chart and table of one released table; ``period`` names its period in the caption
    (with the provisional mark when ``provisional``)."""
    fmt = labels.fmt
    title = str(spec.get(f"title_{fmt.lang}") or name)
    dims = dimensions(frame)
    records = frame.to_dict("records")
    fixed = spec.get("stage")
    section = Section(
        name=name,
        number=number,
        title=title,
        anchor=f"table-{name}",
        layout="list",
        header=(),
        columns=(),
        rows=[],
        chart=None,
        fixed_stage=labels.code(STAGE, fixed) if fixed else None,
        period=period,
        provisional=provisional,
    )
    chart_title = f"{fmt.t('figure')} {number} {title}"
    if len(dims) <= 1:
        dim = dims[0] if dims else None
        for r in records:
            code = str(r[dim]) if dim else str(fixed or name)
            label = labels.code(dim, code) if dim else (section.fixed_stage or title)
            section.rows.append(TableRow((label,), (figure(fmt, code, r),)))
        section.header = (
            labels.dimension(dim) if dim else labels.dimension(STAGE),
            fmt.t("estimate"),
            fmt.t("interval"),
            fmt.t("std_error"),
        )
        chart_rows = [charts.Row(row.labels[0], (row.figures[0].bar,)) for row in section.rows]
        section.chart = charts.bar_chart(chart_rows, fmt, title=chart_title)
    elif len(dims) == 2 and dims[0] == STAGE:
        other = dims[1]
        stages = list(dict.fromkeys(str(s) for s in frame[STAGE]))
        codes = list(dict.fromkeys(str(c) for c in frame[other]))
        by_key = {(str(r[STAGE]), str(r[other])): r for r in records}
        section.layout = "matrix"
        section.header = (labels.dimension(other),)
        section.columns = tuple(
            (str(labels.stage_number.get(s, s)), labels.stage_plain(s)) for s in stages
        )
        for code in codes:
            figures = tuple(figure(fmt, f"{s}|{code}", by_key[(s, code)]) for s in stages)
            section.rows.append(TableRow((labels.code(other, code),), figures))
        panels = [
            charts.Panel(labels.code(STAGE, s), tuple(row.figures[i].bar for row in section.rows))
            for i, s in enumerate(stages)
        ]
        section.chart = charts.panel_chart(
            [row.labels[0] for row in section.rows], panels, fmt, title=chart_title
        )
    else:
        section.layout = "long"
        section.header = (
            *(labels.dimension(d) for d in dims),
            fmt.t("estimate"),
            fmt.t("interval"),
            fmt.t("std_error"),
        )
        for r in records:
            codes = [str(r[d]) for d in dims]
            section.rows.append(
                TableRow(
                    tuple(labels.code(d, c) for d, c in zip(dims, codes, strict=True)),
                    (figure(fmt, "|".join(codes), r),),
                )
            )
        if len(section.rows) <= MAX_CHART_BARS:
            chart_rows = [
                charts.Row(" · ".join(row.labels), (row.figures[0].bar,)) for row in section.rows
            ]
            section.chart = charts.bar_chart(chart_rows, fmt, title=chart_title)
    section.has_unreliable = any(f.unreliable for row in section.rows for f in row.figures)
    section.keep_together = _fits_a_page(section)
    return section


#: The height of the text block of an A4 page with the report's margins, in points.
PAGE_HEIGHT = 708.0


def _fits_a_page(section: Section) -> bool:
    """Whether the table with its header and notes fits on one page (estimated in points):
    then it is kept whole, on the next page if need be, rather than split after a few rows.
    A longer table splits anyway, with its header repeated on every page."""
    row = 24.0 if section.layout == "matrix" else 16.0
    return 48.0 + row * len(section.rows) + 70.0 < PAGE_HEIGHT


def at_stage(data: ReportData, dim: str, stage: str) -> tuple[str, pd.DataFrame] | None:
    """The release's figures of ``stage`` by ``dim`` and the table they are from: a table
    fixed to that stage (the default plan's), else the stage's rows of a stage × ``dim``
    table."""
    by_stage = None
    for name in table_names(data.release):
        frame = data.tables.get(name)
        if frame is None:
            continue
        dims = dimensions(frame)
        if dims == [dim] and plan_spec(data.release, name).get("stage") == stage:
            return name, frame.assign(**{STAGE: stage})
        if dims == [STAGE, dim] and by_stage is None:
            by_stage = name, frame[frame[STAGE] == stage]
    return by_stage


# -- taxonomy and annex --------------------------------------------------------------------


@dataclass(frozen=True)
class TaxonomyTable:
    """One dimension of the taxonomy: its codes with labels and descriptions."""

    anchor: str
    title: str
    description: str
    show_group: bool
    rows: tuple[tuple[str, str, str, str, str], ...]  # code, label, other label, group, descr.


def build_taxonomy(labels: Labels) -> list[TaxonomyTable]:
    """Every dimension of the taxonomy with all its codes, in the report's language."""
    fmt, tax = labels.fmt, labels.taxonomy
    other: Lang = "nl" if fmt.lang == "en" else "en"
    names = [*tax.dimension_names]
    if GROUP_DIMENSION in tax.dimensions:
        at = names.index("function_type") + 1 if "function_type" in names else len(names)
        names.insert(at, GROUP_DIMENSION)
    out = []
    for name in names:
        dim = tax.dimension(name)
        show_group = name == "function_type" and GROUP_DIMENSION in tax.dimensions
        rows = tuple(
            (
                c.code,
                c.label(fmt.lang),
                c.label(other) if fmt.lang == "en" else "",
                tax.label(GROUP_DIMENSION, c.group, fmt.lang) if show_group and c.group else "",
                c.description(fmt.lang),
            )
            for c in dim.entries
        )
        out.append(
            TaxonomyTable(
                f"tax-{name}", dim.label(fmt.lang), dim.description(fmt.lang), show_group, rows
            )
        )
    return out


def build_annex(data: ReportData, fmt: Formatter) -> list[tuple[str, str, str, str, str, str, str]]:
    """Per table: title, cells, ρ, sensitivity, noise scale, expected standard error and the
    smallest count every cell publishes as reliable."""
    meta = table_meta(data.release)
    out = []
    for name in table_names(data.release):
        m = meta.get(name, {})
        title = str(m.get(f"title_{fmt.lang}") or name)

        def num(key: str, digits: int = 3, m: Mapping[str, Any] = m) -> str:
            value = m.get(key)
            return fmt.decimal(float(value), digits) if value is not None else "–"

        cells, smallest = m.get("cells"), m.get("smallest_reliable")
        out.append(
            (
                title,
                fmt.integer(int(cells)) if cells is not None else "–",
                num("rho"),
                num("sensitivity_l2"),
                num("noise_scale"),
                num("expected_std_error"),
                fmt.integer(int(smallest)) if smallest is not None else "–",
            )
        )
    return out
