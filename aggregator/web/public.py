"""The public figures: the releases, a release's tables as charts and tables, its certificate,
the yearly report, the downloads, SDMX, a figure across the years, and the methodology.

Every page asks the services as the page's reader: the signed-in session's principal, or the
public. What each may read is the services' rule (``services.releases.visible``): final
releases for everyone, provisional ones for analysts and statisticians.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from aggregator.report import render_html
from aggregator.report.i18n import Formatter
from aggregator.report.render import write_pdf
from aggregator.services import exports, provenance, releases, reports, sdmx, series
from aggregator.services.auth import PUBLIC, Principal
from aggregator.services.exports import Download
from aggregator.services.refusals import Kind, Refusal
from aggregator.web import public_view
from aggregator.web.errors import PageRoute
from aggregator.web.rendering import page_language, pages_of
from aggregator.web.session import context_of, session_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)

#: The report is one self-contained document with its CSS inline and no script: its own policy.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'"
)
FILE = r"^[a-z][a-z0-9_]{0,63}\.(csv|json|parquet|zip|csv-metadata\.json)$"
ReleaseId = Annotated[str, Path(max_length=64)]
TableName = Annotated[str, Path(max_length=64, pattern=r"^[a-z][a-z0-9_]{0,63}$")]


def reader(request: Request) -> Principal:
    """Who reads this page: the session's principal, or the public."""
    session = session_of(request)
    return session.principal if session else PUBLIC


def send(download: Download, **headers: str) -> Response:
    """A file as an attachment."""
    disposition = f'attachment; filename="{download.filename}"'
    headers = {"Content-Disposition": disposition, **headers}
    return Response(download.body, media_type=download.media_type, headers=headers)


@router.get("/figures", name="public_figures")
def release_list(request: Request) -> Response:
    """Every release the reader may read, newest first."""
    ctx, actor = context_of(request), reader(request)
    listed = list(reversed(releases.listing(ctx, actor)))
    lang = page_language(request)
    rows = [{"release": r, **public_view.release_facts(r, lang)} for r in listed]
    may_see_provisional = releases.visible(ctx, actor, {"provisional": True})
    return pages_of(request).render(
        request,
        "public/releases.html.j2",
        rows=rows,
        may_see_provisional=may_see_provisional,
        provisional_mark=provenance.PROVISIONAL_MARK,
    )


@router.get("/figures/series/{table}", name="series_page")
def series_page(request: Request, table: TableName) -> Response:
    """One figure across the years: each year's value, the changes and the sum."""
    ctx, actor = context_of(request), reader(request)
    cell = {k: v for k, v in request.query_params.items() if k != "lang"}
    found = series.series(ctx, actor, table, cell)
    lang = page_language(request)
    key = "en" if lang == "en" else "nl"
    figure = ", ".join(f"{v[key]}" for v in found["cell_labels"].values())
    title = f"{found['title'][key]}: {figure}"
    return pages_of(request).render(
        request,
        "public/series.html.j2",
        found=found,
        title=title,
        figure=figure,
        points=public_view.series_points(found, lang),
        changes=public_view.series_changes(found, lang),
        total=public_view.series_sum(found, lang),
        chart=public_view.series_chart(found, title, lang),
        provisional_mark=provenance.PROVISIONAL_MARK,
        unreliable_mark=provenance.UNRELIABLE_MARK,
    )


@router.get("/figures/{release_id}", name="release_page")
def release_page(request: Request, release_id: ReleaseId) -> Response:
    """A release: what it is, its downloads, and every table as a chart and a table."""
    ctx, actor = context_of(request), reader(request)
    release = exports.resolve(ctx, actor, release_id)
    lang = page_language(request)
    tables = []
    for meta in release["tables"]:
        _, _, frame = releases.table(ctx, actor, str(release["id"]), str(meta["name"]))
        tables.append(public_view.table_view(release, meta, frame, lang))
    return pages_of(request).render(
        request,
        "public/release.html.j2",
        release=release,
        facts=public_view.release_facts(release, lang),
        tables=tables,
        coverage=sorted(release["coverage"].items()),
        provisional_mark=provenance.PROVISIONAL_MARK,
        unreliable_mark=provenance.UNRELIABLE_MARK,
    )


@router.get("/figures/{release_id}/certificate", name="certificate_page")
def certificate_page(request: Request, release_id: ReleaseId) -> Response:
    """The release's privacy certificate, as it was made with the release."""
    ctx, actor = context_of(request), reader(request)
    release = exports.resolve(ctx, actor, release_id)
    lang = page_language(request)
    fmt = Formatter(lang)
    certificate = releases.certificate(ctx, actor, str(release["id"]))
    facts = public_view.release_facts(release, lang)
    titles = {t["name"]: t["title_en" if lang == "en" else "title_nl"] for t in release["tables"]}
    return pages_of(request).render(
        request,
        "public/certificate.html.j2",
        release=release,
        certificate=certificate,
        period=facts["period"],
        created=facts["created"],
        delta=facts["delta"],
        fmt=fmt,
        lang_key=lang,
        table_rows=[
            (
                titles.get(t["name"], t["name"]),
                fmt.decimal(float(t["sensitivity_l2"]), 3),
                fmt.decimal(float(t["rho"]), 3),
                fmt.decimal(float(t["noise_scale"]), 3),
            )
            for t in certificate["tables"]
        ],
    )


@router.get("/figures/{release_id}/report.{fmt}", name="report_download")
async def report_download(
    request: Request, release_id: ReleaseId, fmt: Annotated[str, Path(pattern="^(html|pdf)$")]
) -> Response:
    """The yearly report of the release, as HTML or PDF, in the page's language."""
    ctx, actor = context_of(request), reader(request)
    release = exports.resolve(ctx, actor, release_id)
    lang = page_language(request)
    data = reports.data_of(ctx, actor, int(release["year"]), str(release["id"]))
    html = await run_in_threadpool(render_html, data, lang)
    name = f"lekstat-{release['id']}-{'rapport' if lang == 'nl' else 'report'}.{fmt}"
    if fmt == "html":
        body, media = html.encode("utf-8"), "text/html; charset=utf-8"
    else:
        body, media = await run_in_threadpool(_pdf, html), "application/pdf"
    return send(Download(name, media, body), **{"Content-Security-Policy": REPORT_CSP})


def _pdf(html: str) -> bytes:
    import tempfile
    from pathlib import Path as FilePath

    from aggregator.report import PdfUnavailableError

    with tempfile.TemporaryDirectory() as folder:
        out = FilePath(folder) / "report.pdf"
        try:
            write_pdf(html, out)
        except PdfUnavailableError as exc:
            raise Refusal(Kind.FAILURE, "pdf_unavailable", exc.message_nl, exc.message_en) from None
        return out.read_bytes()


@router.get("/figures/{release_id}/files/{file}", name="figures_file")
def figures_file(
    request: Request,
    release_id: ReleaseId,
    file: Annotated[str, Path(pattern=FILE)],
    sep: Annotated[str, Query(pattern="^[;,]$")] = ";",
) -> Response:
    """A table as a file with its provenance (the API's ``/api/v1/figures`` for a browser)."""
    table, _, fmt = file.partition(".")
    download = exports.export(
        context_of(request), reader(request), release_id, table, fmt, sep=sep,
        lang=page_language(request),
    )  # fmt: skip
    return send(download)


@router.get("/figures/{release_id}/sdmx/structure.xml", name="sdmx_structure_file")
def sdmx_structure_file(request: Request, release_id: ReleaseId) -> Response:
    """The release's SDMX-ML 3.0 structure message."""
    return send(sdmx.structure(context_of(request), reader(request), release_id))


@router.get("/figures/{release_id}/sdmx/{table}.csv", name="sdmx_data_file")
def sdmx_data_file(request: Request, release_id: ReleaseId, table: TableName) -> Response:
    """One table as SDMX-CSV 2.0."""
    return send(sdmx.data(context_of(request), reader(request), release_id, table))


@router.get("/methodology", name="methodology")
def methodology(request: Request) -> Response:
    """How lekstat counts, protects and publishes, and how to read a figure."""
    ctx, actor = context_of(request), reader(request)
    try:
        latest: dict[str, object] | None = exports.resolve(ctx, actor, exports.LATEST)
    except Refusal:
        latest = None
    return pages_of(request).render(
        request,
        "public/methodology.html.j2",
        latest=latest,
        provisional_mark=provenance.PROVISIONAL_MARK,
        unreliable_mark=provenance.UNRELIABLE_MARK,
    )
