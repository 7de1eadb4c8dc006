"""The yearly report of a release, as HTML or PDF (see :mod:`aggregator.report`)."""

from __future__ import annotations

from pathlib import Path

from aggregator.report import PdfUnavailableError, ReportData, ReportError, load_report_data
from aggregator.report import write_report as _write
from aggregator.services.access import authorize
from aggregator.services.auth import Principal
from aggregator.services.context import Context
from aggregator.services.refusals import Kind, Refusal, invalid, not_found

#: The formats a report is written in, by file suffix.
SUFFIXES = (".html", ".pdf")


def data_of(ctx: Context, actor: Principal, year: int, release_id: str | None = None) -> ReportData:
    """What the report of ``year`` shows (by default from the year's latest release)."""
    authorize(actor, "read_releases")
    try:
        return load_report_data(ctx.store, year, release_id)
    except ReportError as exc:
        raise not_found("no_release_to_report", exc.message_nl, exc.message_en) from None


def write(
    ctx: Context, actor: Principal, year: int, lang: str, out: Path, release_id: str | None = None
) -> tuple[ReportData, Path]:
    """Write the report to ``out`` (HTML or PDF by its suffix)."""
    if out.suffix.lower() not in SUFFIXES:
        raise invalid(
            "bad_report_format",
            f"{out.name}: het rapport wordt geschreven als .html of .pdf",
            f"{out.name}: the report is written as .html or .pdf",
        )
    data = data_of(ctx, actor, year, release_id)
    try:
        return data, _write(data, lang, out)  # type: ignore[arg-type]
    except PdfUnavailableError as exc:  # the machine lacks a library: a failure, not a refusal
        raise Refusal(Kind.FAILURE, "pdf_unavailable", exc.message_nl, exc.message_en) from None
