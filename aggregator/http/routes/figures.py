"""Published figures as files: a table with its provenance (CSV, its CSV on the Web metadata,
zip, JSON, Parquet), a release in SDMX, and one figure across the years.

Read like the releases: final releases without a token, provisional ones with an analyst's or
statistician's; ``latest`` names the newest final release.
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from aggregator.http.deps import Caller, ContextDep, LangDep
from aggregator.http.models import AUTHENTICATED, errors
from aggregator.services import exports, sdmx, series
from aggregator.services.exports import Download
from schemas.tables import TABLE_DIMENSIONS

router = APIRouter(prefix="/api/v1", tags=["figures"], responses=AUTHENTICATED)

OPTIONAL_TOKEN: dict[str, Any] = {"security": [{}]}
#: ``totals.csv``: a table's name and the format, as the file is called.
FILE_PATTERN = r"^[a-z][a-z0-9_]{0,63}\.(csv|json|parquet|zip|csv-metadata\.json)$"
RELEASE_DESCRIPTION = "A release id (``2025-r1``), or ``latest``: the newest final release"
ReleaseId = Annotated[str, Path(description=RELEASE_DESCRIPTION, max_length=64)]


def send(download: Download, *, link: str | None = None) -> Response:
    """A download as an attachment with its file name; ``link``: the file that describes it."""
    # Release ids and table names are plain ASCII; quote() keeps the header so.
    name = quote(download.filename, safe="-_.")
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
    if link is not None:
        headers["Link"] = f'<{link}>; rel="describedby"; type="application/csvm+json"'
    return Response(download.body, media_type=download.media_type, headers=headers)


def split_file(file: str) -> tuple[str, str]:
    """``totals.csv-metadata.json`` → (``totals``, ``csv-metadata.json``)."""
    table, _, fmt = file.partition(".")
    return table, fmt


@router.get(
    "/figures/{release_id}/{file}",
    summary="A released table as a file with its provenance",
    response_model=None,
    openapi_extra=OPTIONAL_TOKEN,
    responses={
        200: {
            "description": "The file; a CSV names its metadata in the Link header",
            "content": {media: {} for media in exports.MEDIA_TYPES.values()},
        },
        **errors(404),
    },
)
async def get_figures(
    request: Request,
    release_id: ReleaseId,
    file: Annotated[str, Path(pattern=FILE_PATTERN, description="``<table>.<format>``")],
    principal: Caller,
    context: ContextDep,
    lang: LangDep,
    sep: Annotated[str, Query(pattern=r"^[;,]$", description="CSV: `;` (default) or `,`")] = ";",
) -> Response:
    """``totals.csv``: UTF-8 with BOM, ``;`` and a decimal comma (Dutch Excel), or ``,`` and a
    point with ``sep=,``; ``totals.csv-metadata.json``: its W3C CSV on the Web metadata (the
    release, period, status, ρ and (ε, δ), date, taxonomy version, columns and marks);
    ``totals.zip``: both with a note; ``totals.json`` and ``totals.parquet`` carry the same
    metadata inside. Labels in the language of ``Accept-Language``."""
    table, fmt = split_file(file)
    download = await run_in_threadpool(
        exports.export, context, principal, release_id, table, fmt, sep=sep, lang=lang
    )
    link = None
    if download.described_by is not None:
        query = f"?{request.url.query}" if request.url.query else ""
        link = re.sub(r"\.csv$", ".csv-metadata.json", request.url.path) + query
    return send(download, link=link)


@router.get(
    "/sdmx/{release_id}/structure",
    summary="A release's SDMX-ML 3.0 structure (codelists, concepts, DSDs, dataflows)",
    response_model=None,
    openapi_extra=OPTIONAL_TOKEN,
    responses={200: {"content": {sdmx.STRUCTURE_TYPE: {}}}, **errors(404)},
)
def get_sdmx_structure(release_id: ReleaseId, principal: Caller, context: ContextDep) -> Response:
    """Generated from the taxonomy: a codelist per dimension, the concepts, one data structure
    definition per set of dimensions and one dataflow per table."""
    return send(sdmx.structure(context, principal, release_id))


@router.get(
    "/sdmx/{release_id}/data/{table}",
    summary="A released table as SDMX-CSV 2.0",
    response_model=None,
    openapi_extra=OPTIONAL_TOKEN,
    responses={200: {"content": {sdmx.DATA_TYPE: {}}}, **errors(404)},
)
def get_sdmx_data(
    release_id: ReleaseId,
    table: Annotated[str, Path(max_length=64)],
    principal: Caller,
    context: ContextDep,
) -> Response:
    """Observations with OBS_VALUE, the unrounded estimate, standard error, 95% interval,
    OBS_STATUS (A normal, P provisional, U low reliability) and CONF_STATUS F."""
    return send(sdmx.data(context, principal, release_id, table))


CellCode = Annotated[str | None, Query(max_length=64)]


@router.get(
    "/series/{table}",
    summary="One figure across the years (post-processing; spends nothing)",
    openapi_extra=OPTIONAL_TOKEN,
    responses=errors(404),
)
def get_series(
    table: Annotated[str, Path(max_length=64)],
    principal: Caller,
    context: ContextDep,
    stage: CellCode = None,
    function_type: CellCode = None,
    function_group: CellCode = None,
    data_category: CellCode = None,
    employment_type: CellCode = None,
    motive: CellCode = None,
    quarter: CellCode = None,
    province: CellCode = None,
) -> dict[str, Any]:
    """The cell is named by its codes, one query parameter per dimension of the table
    (``?function_group=FG1_PUBLIEKSZAKEN``): per year the newest yearly release's figure
    (final before provisional), the changes between final years and their sum."""
    given = {
        "stage": stage,
        "function_type": function_type,
        "function_group": function_group,
        "data_category": data_category,
        "employment_type": employment_type,
        "motive": motive,
        "quarter": quarter,
        "province": province,
    }
    assert set(given) == set(TABLE_DIMENSIONS)  # a new table dimension needs its parameter
    cell = {d: v for d, v in given.items() if v is not None}
    return series.series(context, principal, table, cell)
