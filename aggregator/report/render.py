"""Render the report: one self-contained HTML document, and a PDF made from it by WeasyPrint.

The HTML carries its CSS and its charts (SVG) inline and refers to nothing outside itself; the
PDF is the same HTML laid out with CSS paged media (A4, running header and footer, page
numbers in the contents, the marks the report uses explained in every page's footer).
WeasyPrint gets a URL fetcher that refuses every URL, so the PDF can never depend on the
network either, and its loggers are kept at WARNING: a report is not worth hundreds of INFO
lines in the server's log.
"""

from __future__ import annotations

import logging
import math
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

import jinja2
from markupsafe import Markup

from aggregator.clock import parse_moment
from aggregator.report import summary, view, years
from aggregator.report.data import (
    NOT_ENDED,
    UNLOCKED,
    PdfUnavailableError,
    ReleaseStatus,
    ReportData,
    plan_spec,
    table_meta,
    table_names,
    totals_table,
)
from aggregator.report.i18n import (
    NOT_AVAILABLE_MARK,
    PROVISIONAL_MARK,
    UNRELIABLE_MARK,
    Formatter,
    Lang,
)
from schemas.taxonomy import load_taxonomy

#: The loggers of the PDF layout: WeasyPrint's (with its per-step progress at INFO) and
#: fontTools' (font subsetting). Kept at WARNING, so their warnings still reach the log.
PDF_LOGGERS = ("weasyprint", "weasyprint.progress", "fontTools")

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
#: Characters that could end a CSS string or the <style> element; dropped from header words.
_CSS_UNSAFE = str.maketrans("", "", '\\"<>\n')


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("aggregator.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def _stylesheet() -> str:
    return (resources.files("aggregator.report") / "report.css").read_text(encoding="utf-8")


def power_of_ten(x: float, fmt: Formatter) -> str:
    """``1e-09`` as ``10⁻⁹``; other numbers as decimals.

    >>> power_of_ten(1e-9, Formatter("nl")), power_of_ten(2.5e-6, Formatter("en"))
    ('10⁻⁹', '0.0000025')
    """
    if x > 0:
        exponent = math.log10(x)
        if abs(exponent - round(exponent)) < 1e-9:
            return "10" + str(round(exponent)).translate(_SUPERSCRIPT)
    return fmt.decimal(x, 3)


def _provisional_note(fmt: Formatter, status: ReleaseStatus, quarterly: bool) -> str:
    """Why the figures are provisional, after CBS's mark; empty for a final release."""
    if not status.provisional:
        return ""
    keys = {
        UNLOCKED: "reason_unlocked",
        NOT_ENDED: "reason_not_ended_quarter" if quarterly else "reason_not_ended",
    }
    reasons = " ".join(fmt.t(keys[r]) for r in status.reasons)
    return fmt.t("provisional_note", mark=PROVISIONAL_MARK, reasons=reasons)


def _threshold_note(fmt: Formatter, status: ReleaseStatus) -> str:
    """That the release was made below the coverage threshold (and forced); else empty."""
    if not status.below_threshold:
        return ""
    value = ""
    if status.threshold is not None:
        x = status.threshold
        shown = fmt.percent(x) if 0 < x <= 1 else fmt.integer(round(x))
        value = fmt.t("threshold_value", value=shown)
    forced = fmt.t("threshold_forced") if status.forced else ""
    return fmt.t("threshold_note", threshold=value, forced=forced)


def _context(data: ReportData, lang: Lang) -> dict[str, Any]:
    fmt = Formatter(lang)
    release = data.release
    status = data.status
    taxonomy = load_taxonomy(str(release.get("taxonomy_version") or "1"))
    labels = view.Labels(fmt, taxonomy)
    meta = table_meta(release)
    period = fmt.period(data.year, status.provisional, data.quarter)
    sections = []
    for i, name in enumerate(table_names(release), start=1):
        spec = {**meta.get(name, {}), **plan_spec(release, name)}
        sections.append(
            view.build_section(
                name,
                f"2.{i}",
                spec,
                data.tables[name],
                labels,
                period=period,
                provisional=status.provisional,
            )
        )
    numbers = {s.name: s.number for s in sections}
    totals = totals_table(release, data.tables)
    totals_number = numbers.get(totals or "", "")
    created = data.created_at
    year = fmt.period(data.year, status.provisional)
    if data.quarter:
        subtitle = fmt.t("subtitle_quarter", quarter=fmt.quarter(data.quarter), year=year)
    else:
        subtitle = fmt.t("subtitle_year", year=year)
    stages = taxonomy.stages
    year_guarantee = release["certificate"]["year"]
    the_summary = summary.build_summary(data, labels, numbers)
    trend = years.build_trend(data, labels)
    multi = years.build_multiyear(data, labels, {s.name: s.title for s in sections})
    marks = _marks_used(fmt, status, sections, the_summary, trend, multi)
    return {
        "lang": lang,
        "t": fmt.t,
        "fmt": fmt,
        "mark": UNRELIABLE_MARK,
        "provisional_mark": PROVISIONAL_MARK,
        "na_mark": NOT_AVAILABLE_MARK,
        "status": status,
        "period": period,
        "provisional_note": _provisional_note(fmt, status, data.quarter is not None),
        "threshold_note": _threshold_note(fmt, status),
        "marks": marks,
        "css": Markup(_stylesheet()),  # noqa: S704 - our own stylesheet, shipped in the package
        # Built from fixed words of our own; quoted() drops what could end a CSS string.
        "page_css": Markup(_page_css(fmt, release, subtitle, marks)),  # noqa: S704
        "release": release,
        "release_id": str(release["id"]),
        "year": data.year,
        "quarter": data.quarter,
        "subtitle": subtitle,
        "created_date": fmt.date(created),
        "created_full": fmt.date_time(created),
        "created_iso": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "rho": fmt.decimal(float(release["rho"]), 3),
        "epsilon": fmt.decimal(float(release["epsilon"]), 3),
        "certificate": release["certificate"],
        "year_total": fmt.decimal(float(year_guarantee["total_rho"] or 0), 3),
        "year_ceiling": fmt.decimal(float(year_guarantee["ceiling_rho"]), 3),
        "year_rho": fmt.decimal(float(year_guarantee["cumulative_rho"]), 3),
        "year_epsilon": fmt.decimal(float(year_guarantee["cumulative_epsilon"]), 3),
        "delta": power_of_ten(float(release["delta"]), fmt),
        "stage_count": len(stages),
        "sqrt_stages": fmt.decimal(math.sqrt(len(stages)), 3),
        "stage_names": [labels.code("stage", s) for s in stages],
        "summary": the_summary,
        "sections": sections,
        "totals_number": totals_number,
        "trend": trend,
        "multiyear": multi,
        "coverage": data.coverage,
        "not_reported": data.not_reported,
        "reported_every_quarter": data.reported_every_quarter,
        "unlisted_quarters": fmt.join([fmt.quarter_short(q) for q in data.unlisted_quarters]),
        "expected": data.expected_municipalities,
        "taxonomy": view.build_taxonomy(labels),
        "taxonomy_version": taxonomy.version,
        "package_version": str(release.get("package_version") or ""),
        "annex": view.build_annex(data, fmt),
        "year_releases": [
            (str(r["id"]), fmt.date_time(parse_moment(r["created_at"])), float(r["rho"]))
            for r in year_guarantee["releases"]
        ],
        "budget_changes": [
            (fmt.date_time(parse_moment(c["changed_at"])), c)
            for c in year_guarantee["budget_changes"]
        ],
        "any_unreliable": any(s.has_unreliable for s in sections),
    }


def _marks_used(
    fmt: Formatter,
    status: ReleaseStatus,
    sections: list[view.Section],
    the_summary: summary.Summary,
    trend: years.Trend,
    multi: years.MultiYear,
) -> list[tuple[str, str]]:
    """The marks the report uses, each with its meaning (CBS's order: *, then the others)."""
    out = []
    if status.provisional or trend.has_provisional:
        out.append((PROVISIONAL_MARK, fmt.t("mark_provisional")))
    unreliable = (
        any(s.has_unreliable for s in sections)
        or the_summary.has_unreliable
        or trend.has_unreliable
        or any(t.has_unreliable for t in multi.tables)
    )
    if unreliable:
        out.append((UNRELIABLE_MARK, fmt.t("mark_unreliable")))
    if trend.has_missing:
        out.append((NOT_AVAILABLE_MARK, fmt.t("mark_not_available")))
    return out


def marks_legend(fmt: Formatter, marks: list[tuple[str, str]]) -> str:
    """``Tekens: * voorlopig cijfer · u onbetrouwbaar`` (empty without marks)."""
    if not marks:
        return ""
    return f"{fmt.t('marks')}: " + " · ".join(f"{m} {meaning}" for m, meaning in marks)


def _page_css(
    fmt: Formatter, release: dict[str, Any], subtitle: str, marks: list[tuple[str, str]]
) -> str:
    """The running header and footer need words of the report's language; the footer explains
    the marks on every page, so a table split over two pages has its legend on both."""

    def quoted(text: str) -> str:
        return '"' + text.translate(_CSS_UNSAFE) + '"'

    head = quoted(f"{fmt.t('doc_short')} · {subtitle}")
    release_id = quoted(f"{fmt.t('annex_release')} {release['id']}")
    page, of = quoted(f"{fmt.t('page')} "), quoted(f" {fmt.t('of')} ")
    legend = marks_legend(fmt, marks)
    footer = f"@bottom-center {{ content: {quoted(legend)}; }} " if legend else ""
    return (
        f"@page main {{ @top-left {{ content: {head}; }} @top-right {{ content: {release_id}; }} "
        f"{footer}@bottom-right {{ content: {page} counter(page) {of} counter(pages); }} }}"
    )


def render_html(data: ReportData, lang: Lang) -> str:
    """The report as one self-contained HTML document (CSS and SVG charts inline)."""
    Formatter(lang)  # refuses an unknown language before any work
    return _environment().get_template("report.html.j2").render(**_context(data, lang))


def _refuse(url: str, timeout: int = 10, ssl_context: Any = None) -> NoReturn:
    raise ValueError(f"the report refers to nothing outside itself; refused {url!r}")


def write_pdf(html: str, out: Path) -> Path:
    """Lay out ``html`` as an A4 PDF with WeasyPrint."""
    quiet_pdf_loggers()  # before the import: importing parses stylesheets, and logs it
    try:
        import weasyprint  # imported here: loading pango takes a moment and HTML does not need it
    except OSError as exc:  # WeasyPrint loads the system's Pango library when imported
        raise PdfUnavailableError(
            "het PDF-rapport heeft de bibliotheek Pango nodig (Debian/Ubuntu: apt-get install "
            f"libpango-1.0-0 libpangoft2-1.0-0); het HTML-rapport werkt zonder ({exc})",
            "the PDF report needs the Pango library (Debian/Ubuntu: apt-get install "
            f"libpango-1.0-0 libpangoft2-1.0-0); the HTML report works without it ({exc})",
        ) from None

    weasyprint.HTML(string=html, url_fetcher=_refuse).write_pdf(out)
    return out


def quiet_pdf_loggers() -> None:
    """Keep WeasyPrint's and fontTools' loggers at WARNING (four reports logged 764 INFO lines
    into the server's log); a logger set to ERROR or above is left as it is."""
    for name in PDF_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)


def write_report(data: ReportData, lang: Lang, out: Path) -> Path:
    """Write the report to ``out``: HTML or PDF by its suffix; return the path."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise ValueError(f"{out.name}: the report is written as .html or .pdf")
    html = render_html(data, lang)
    if suffix == ".pdf":
        return write_pdf(html, out)
    out.write_text(html, encoding="utf-8")
    return out
