"""From report data to what the template shows: labelled, formatted, in one language.

Every figure shown is a value of the release (an estimate, an interval bound, a count of the
coverage, a privacy parameter) or, where the text says so, a share computed from released
estimates. Nothing is recomputed from raw data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from markupsafe import Markup

from aggregator.clock import parse_moment
from aggregator.report import charts
from aggregator.report.data import ReportData, plan_spec, table_meta, table_names, totals_table
from aggregator.report.i18n import Formatter, Lang
from schemas.municipalities import load_register
from schemas.tables import PROVINCE, QUARTER, STAGE, VALUE_COLUMNS, dimension_label
from schemas.taxonomy import GROUP_DIMENSION, Taxonomy, TaxonomyError

#: One row of a published table, as ``DataFrame.to_dict("records")`` gives it.
Record = Mapping[Any, Any]

#: A table with more cells than this in long form gets no chart: it would not be readable.
MAX_CHART_BARS = 40
#: The motive the summary sets against all others: leaking to criminals.
CRIMINAL_MOTIVE = "MO01_CRIMINEEL"


@dataclass(frozen=True)
class Figure:
    """One published cell, formatted."""

    key: str
    estimate: str
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


def _figure(fmt: Formatter, key: str, row: Record, series: int = 0) -> Figure:
    estimate, low, high = int(row["estimate"]), int(row["ci_low"]), int(row["ci_high"])
    unreliable = bool(row["unreliable"])
    return Figure(
        key=key,
        estimate=fmt.estimate(estimate, unreliable),
        interval=fmt.interval(low, high),
        std_error=fmt.decimal(float(row["std_error"]), 2),
        unreliable=unreliable,
        bar=charts.Bar(estimate, low, high, unreliable, series),
    )


def _dimensions(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in VALUE_COLUMNS]


def build_section(
    name: str,
    number: str,
    spec: Mapping[str, Any],
    frame: pd.DataFrame,
    labels: Labels,
) -> Section:
    """The chart and table of one released table."""
    fmt = labels.fmt
    title = str(spec.get(f"title_{fmt.lang}") or name)
    dims = _dimensions(frame)
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
    )
    chart_title = f"{fmt.t('figure')} {number} {title}"
    if len(dims) <= 1:
        dim = dims[0] if dims else None
        for r in records:
            code = str(r[dim]) if dim else str(fixed or name)
            label = labels.code(dim, code) if dim else (section.fixed_stage or title)
            section.rows.append(TableRow((label,), (_figure(fmt, code, r),)))
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
            figures = tuple(_figure(fmt, f"{s}|{code}", by_key[(s, code)]) for s in stages)
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
                    (_figure(fmt, "|".join(codes), r),),
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


# -- summary -------------------------------------------------------------------------------


@dataclass
class Summary:
    """The one-page summary: a lead, stage figures, function groups, motives, response."""

    lead: str = ""
    stages: list[TableRow] = field(default_factory=list)
    groups: str = ""
    groups_caveat: str = ""
    motives: str = ""
    share: str = ""
    response: str = ""
    has_unreliable: bool = False


def _at_stage(data: ReportData, dim: str, stage: str) -> pd.DataFrame | None:
    """The release's figures of ``stage`` by ``dim``, with a ``stage`` column: from a table
    fixed to that stage (the default plan's), else the stage's rows of a stage × ``dim`` table."""
    by_stage = None
    for name in table_names(data.release):
        frame = data.tables.get(name)
        if frame is None:
            continue
        dims = _dimensions(frame)
        if dims == [dim] and plan_spec(data.release, name).get("stage") == stage:
            return frame.assign(**{STAGE: stage})
        if dims == [STAGE, dim] and by_stage is None:
            by_stage = frame[frame[STAGE] == stage]
    return by_stage


def _in_words(fmt: Formatter, label: str, r: Record, first: bool = False) -> str:
    """``Publiekszaken (naar schatting 40, tussen 33 en 47)``."""
    estimate = fmt.estimate(int(r["estimate"]), bool(r["unreliable"]))
    between = fmt.between(int(r["ci_low"]), int(r["ci_high"]))
    about = ("naar schatting " if fmt.lang == "nl" else "an estimated ") if first else ""
    return f"{label} ({about}{estimate}, {between})"


def build_summary(data: ReportData, labels: Labels) -> Summary:
    """The summary, from the totals, function-group and motive tables where the plan has them."""
    fmt = labels.fmt
    out = Summary()
    period = _period_phrase(data, fmt)
    name = totals_table(data.release, data.tables)
    first_stage = labels.taxonomy.stages[0]
    if name is not None:
        totals = data.tables[name]
        out.stages = [
            TableRow((labels.code(STAGE, str(r[STAGE])),), (_figure(fmt, str(r[STAGE]), r),))
            for r in totals.to_dict("records")
        ]
        out.has_unreliable = any(row.figures[0].unreliable for row in out.stages)
        lead = totals[totals[STAGE] == first_stage]
        if len(lead):
            r = lead.iloc[0]
            n = fmt.estimate(int(r["estimate"]), bool(r["unreliable"]))
            between = fmt.between(int(r["ci_low"]), int(r["ci_high"]))
            if fmt.lang == "nl":
                out.lead = (
                    f"{period[0].upper()}{period[1:]} kwamen bij gemeenten naar schatting {n} "
                    "incidenten aan het licht waarbij een ambtenaar persoonsgegevens lekte of "
                    "onrechtmatig raadpleegde (fase "
                    f"‘{labels.stage_plain(first_stage).lower()}’). Het werkelijke aantal ligt "
                    f"met 95 procent betrouwbaarheid {between}."
                )
            else:
                out.lead = (
                    f"{period[0].upper()}{period[1:]}, municipalities identified an estimated "
                    f"{n} incidents in which a civil servant leaked or unlawfully consulted "
                    f"personal data (stage ‘{labels.stage_plain(first_stage).lower()}’). With "
                    f"95% confidence the true number lies {between}."
                )
    groups = _at_stage(data, GROUP_DIMENSION, first_stage)
    if groups is not None:
        part = groups.sort_values(["estimate", "ci_high"], ascending=False, kind="stable")
        top = part.head(3).to_dict("records")
        if top:
            # Quoted: group names such as "Public space and enforcement" contain "and".
            names = [f"‘{labels.code(GROUP_DIMENSION, str(r[GROUP_DIMENSION]))}’" for r in top]
            items = [
                _in_words(fmt, n, r, i == 0)
                for i, (n, r) in enumerate(zip(names, top, strict=True))
            ]
            if fmt.lang == "nl":
                out.groups = (
                    "De meeste signalen kwamen uit de functiegroepen " + fmt.join(items) + "."
                )
            else:
                out.groups = "Most signals came from the function groups " + fmt.join(items) + "."
            overlaps = [
                (names[i], names[i + 1])
                for i in range(len(top) - 1)
                if int(top[i + 1]["ci_high"]) >= int(top[i]["ci_low"])
            ]
            if overlaps:
                a, b = overlaps[0]
                if fmt.lang == "nl":
                    out.groups_caveat = (
                        f"De intervallen van {a} en {b} overlappen: met deze cijfers is niet te "
                        "zeggen welke van die twee groter is."
                    )
                else:
                    out.groups_caveat = (
                        f"The intervals of {a} and {b} overlap: these figures cannot tell which "
                        "of the two is larger."
                    )
    motives = _at_stage(data, "motive", first_stage)
    if motives is not None:
        _motive_summary(out, motives, labels)
    if data.coverage:
        out.response = _response_sentence(data, fmt)
    return out


def _motive_summary(out: Summary, part: pd.DataFrame, labels: Labels) -> None:
    fmt = labels.fmt
    codes = labels.taxonomy.codes("motive")
    rows = {str(r["motive"]): r for r in part.to_dict("records")}
    if CRIMINAL_MOTIVE not in rows:
        return
    criminal = CRIMINAL_MOTIVE
    c = rows[criminal]
    others = [rows[m] for m in codes if m in rows and m != criminal]
    other_words = [
        _in_words(fmt, labels.code("motive", str(r["motive"])).lower(), r) for r in others
    ]
    estimate = fmt.estimate(int(c["estimate"]), bool(c["unreliable"]))
    between = fmt.between(int(c["ci_low"]), int(c["ci_high"]))
    if fmt.lang == "nl":
        out.motives = (
            f"Bij naar schatting {estimate} signalen ({between}) ging het om lekken aan "
            f"criminelen. Voor de andere motieven zijn de schattingen: {fmt.join(other_words)}."
        )
    else:
        out.motives = (
            f"An estimated {estimate} signals ({between}) concerned leaking to criminals. For the "
            f"other motives the estimates are: {fmt.join(other_words)}."
        )
    total = int(c["estimate"]) + sum(int(r["estimate"]) for r in others)
    if total <= 0:
        return
    share = int(c["estimate"]) / total
    low_total = int(c["ci_low"]) + sum(int(r["ci_high"]) for r in others)
    high_total = int(c["ci_high"]) + sum(int(r["ci_low"]) for r in others)
    low = int(c["ci_low"]) / low_total if low_total else 0.0
    high = int(c["ci_high"]) / high_total if high_total else 1.0
    low, high = round(100 * low), round(100 * min(high, 1.0))
    if fmt.lang == "nl":
        out.share = (
            f"Het aandeel lekken aan criminelen is daarmee ongeveer {fmt.percent(share)} van de "
            "signalen "
            "(berekend uit de schattingen hierboven). Met de marges meegerekend ligt dat aandeel "
            f"ruwweg tussen {fmt.integer(low)} en {fmt.integer(high)} procent."
        )
    else:
        out.share = (
            f"Leaking to criminals is thus about {fmt.percent(share)} of the signals (computed "
            "from the estimates above). Taking the margins into account, that share lies "
            f"roughly between {fmt.integer(low)}% and {fmt.integer(high)}%."
        )


def _period_phrase(data: ReportData, fmt: Formatter) -> str:
    if data.quarter:
        q = fmt.quarter(data.quarter)
        return f"in het {q} van {data.year}" if fmt.lang == "nl" else f"in the {q} of {data.year}"
    return f"in {data.year}"


def _response_sentence(data: ReportData, fmt: Formatter) -> str:
    n, k = data.expected_municipalities, data.reported_every_quarter
    if k is None:  # the release does not say who was missing in some quarter
        return ""
    quarters = len(data.coverage)
    if fmt.lang == "nl":
        when = "in alle vier kwartalen" if quarters == 4 else "in het kwartaal"
        return (
            f"{fmt.integer(k)} van de {fmt.integer(n)} gemeenten leverden {when} gegevens aan "
            "(ook een nulmelding telt als aanlevering)."
        )
    when = "in all four quarters" if quarters == 4 else "for the quarter"
    return (
        f"{fmt.integer(k)} of the {fmt.integer(n)} municipalities reported {when} (a nil return "
        "counts as a report)."
    )


# -- trend -----------------------------------------------------------------------------------


@dataclass
class Trend:
    """National totals by stage per year, from the annual releases."""

    years: list[str] = field(default_factory=list)
    sources: list[tuple[str, str, str]] = field(default_factory=list)  # year, id, date
    rows: list[tuple[str, list[Figure | None]]] = field(default_factory=list)
    chart: Markup | None = None
    sentence: str = ""
    has_unreliable: bool = False
    has_missing: bool = False


def build_trend(data: ReportData, labels: Labels) -> Trend:
    """The totals of the annual releases of earlier years and of this one (none for a
    quarterly release)."""
    fmt = labels.fmt
    trend = Trend()
    points: list[tuple[dict[str, Any], pd.DataFrame]] = []
    if data.quarter is not None:
        return trend  # a quarter is not comparable with earlier years' annual figures
    for release, tables in data.history:
        name = totals_table(release, tables)
        if name is not None:
            points.append((release, tables[name]))
    if not points:
        return trend
    name = totals_table(data.release, data.tables)
    if name is not None:
        points.append((data.release, data.tables[name]))
    points = points[-len(charts.SERIES) :]
    trend.years = [str(r["year"]) for r, _ in points]
    trend.sources = [
        (str(r["year"]), str(r["id"]), fmt.date(parse_moment(r["created_at"]))) for r, _ in points
    ]
    by_year = [{str(r[STAGE]): r for r in frame.to_dict("records")} for _, frame in points]
    chart_rows = []
    for stage in labels.taxonomy.stages:
        figures: list[Figure | None] = []
        for i, rows in enumerate(by_year):
            r = rows.get(stage)
            figures.append(None if r is None else _figure(fmt, stage, r, series=i))
        trend.rows.append((labels.code(STAGE, stage), figures))
        chart_rows.append(
            charts.Row(labels.code(STAGE, stage), tuple(f.bar if f else None for f in figures))
        )
    trend.has_unreliable = any(f and f.unreliable for _, fs in trend.rows for f in fs)
    trend.has_missing = any(f is None for _, fs in trend.rows for f in fs)
    title = f"{fmt.t('figure')} {fmt.t('trend')}"
    trend.chart = charts.bar_chart(chart_rows, fmt, title=title, series=trend.years)
    if len(points) >= 2:
        trend.sentence = _trend_sentence(by_year, trend.years, labels)
    return trend


def _short(fmt: Formatter, r: Record) -> str:
    """``112, tussen 101 en 122``."""
    estimate = fmt.estimate(int(r["estimate"]), bool(r["unreliable"]))
    return f"{estimate}, {fmt.between(int(r['ci_low']), int(r['ci_high']))}"


def _trend_sentence(by_year: list[dict[str, Any]], years: list[str], labels: Labels) -> str:
    fmt = labels.fmt
    stage = labels.taxonomy.stages[0]
    now, before = by_year[-1].get(stage), by_year[-2].get(stage)
    if now is None or before is None:
        return ""
    a, b = _short(fmt, now), _short(fmt, before)
    overlap = int(now["ci_low"]) <= int(before["ci_high"]) and int(before["ci_low"]) <= int(
        now["ci_high"]
    )
    what = labels.stage_plain(stage).lower()
    if fmt.lang == "nl":
        head = f"Het aantal incidenten in de fase ‘{what}’ in {years[-1]} ({a})"
        if overlap:
            return (
                f"{head} verschilt niet aantoonbaar van {years[-2]} ({b}): de intervallen "
                "overlappen."
            )
        word = "hoger" if int(now["estimate"]) > int(before["estimate"]) else "lager"
        return f"{head} is {word} dan in {years[-2]} ({b}): de intervallen overlappen niet."
    head = f"The number of incidents at the stage ‘{what}’ in {years[-1]} ({a})"
    if overlap:
        return f"{head} does not differ demonstrably from {years[-2]} ({b}): the intervals overlap."
    word = "higher" if int(now["estimate"]) > int(before["estimate"]) else "lower"
    return f"{head} is {word} than in {years[-2]} ({b}): the intervals do not overlap."


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


def build_annex(data: ReportData, fmt: Formatter) -> list[tuple[str, str, str, str, str, str]]:
    """Per table: title, cells, ρ, sensitivity, noise scale, expected standard error."""
    meta = table_meta(data.release)
    out = []
    for name in table_names(data.release):
        m = meta.get(name, {})
        title = str(m.get(f"title_{fmt.lang}") or name)

        def num(key: str, digits: int = 3, m: Mapping[str, Any] = m) -> str:
            value = m.get(key)
            return fmt.decimal(float(value), digits) if value is not None else "–"

        cells = m.get("cells")
        out.append(
            (
                title,
                fmt.integer(int(cells)) if cells is not None else "–",
                num("rho"),
                num("sensitivity_l2"),
                num("noise_scale"),
                num("expected_std_error"),
            )
        )
    return out
