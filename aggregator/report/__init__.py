"""The yearly report to Parliament, in Dutch and English, as HTML and PDF.

Built from one release and nothing else: :func:`load_report_data` reads the release, its tables,
earlier years' releases (for the trend) and the coverage from the store; :func:`render_html`
makes one self-contained HTML document; :func:`write_report` writes it as ``.html`` or as a
``.pdf`` laid out from the same HTML by WeasyPrint.

    from aggregator.report import load_report_data, write_report

    data = load_report_data(store, 2025)            # the year's latest (annual) release
    write_report(data, "nl", Path("jaarrapportage-2025.pdf"))
    write_report(data, "en", Path("annual-report-2025.html"))
"""

from aggregator.report.data import (
    NonReporter,
    PdfUnavailableError,
    QuarterCoverage,
    ReleaseStatus,
    ReportData,
    ReportError,
    load_report_data,
    release_status,
    select_release,
)
from aggregator.report.i18n import PROVISIONAL_MARK, UNRELIABLE_MARK, Lang
from aggregator.report.render import render_html, write_report

__all__ = [
    "PROVISIONAL_MARK",
    "UNRELIABLE_MARK",
    "Lang",
    "NonReporter",
    "PdfUnavailableError",
    "QuarterCoverage",
    "ReleaseStatus",
    "ReportData",
    "ReportError",
    "load_report_data",
    "release_status",
    "render_html",
    "select_release",
    "write_report",
]
