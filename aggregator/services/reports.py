"""The yearly report of a release, as HTML or PDF (see :mod:`aggregator.report`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from aggregator.report import PdfUnavailableError, ReportData, ReportError, load_report_data
from aggregator.report import write_report as _write
from aggregator.services import releases
from aggregator.services.auth import Principal
from aggregator.services.context import Context
from aggregator.services.refusals import Kind, Refusal, invalid, not_found

#: The formats a report is written in, by file suffix.
SUFFIXES = (".html", ".pdf")


class VisibleReleases:
    """The store as ``actor`` sees it: only the releases :func:`releases.visible` lets them
    read, so a report (its release and its earlier years alike) shows nothing more."""

    def __init__(self, ctx: Context, actor: Principal) -> None:
        self.ctx, self.actor = ctx, actor

    def list_releases(self, year: int | None = None) -> list[dict[str, Any]]:
        """The releases the caller may read, oldest first."""
        return releases.listing(self.ctx, self.actor, year)

    def get_release(self, release_id: str) -> dict[str, Any] | None:
        """One release the caller may read, else None."""
        release = self.ctx.store.get_release(release_id)
        return release if release and releases.visible(self.ctx, self.actor, release) else None

    def release_table(self, release_id: str, name: str) -> pd.DataFrame | None:
        """A table of a release the caller may read."""
        if self.get_release(release_id) is None:
            return None
        return self.ctx.store.release_table(release_id, name)

    def list_submissions(self, **kwargs: Any) -> list[Any]:
        """The store's submission versions (the report reads only their metadata)."""
        return self.ctx.store.list_submissions(**kwargs)


def data_of(ctx: Context, actor: Principal, year: int, release_id: str | None = None) -> ReportData:
    """What the report of ``year`` shows (by default from the year's latest release), from the
    releases the caller may read: final ones are public, provisional ones for analysts and
    statisticians."""
    try:
        return load_report_data(VisibleReleases(ctx, actor), year, release_id)
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
