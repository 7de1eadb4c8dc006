"""Releases: previewed and created by a statistician, immutable, read freely by analysts."""

from __future__ import annotations

import io
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from aggregator.http.deps import Caller, ContextDep, LangDep, NoteDep, allowed
from aggregator.http.models import (
    AUTHENTICATED,
    WITH_BODY,
    Certificate,
    JsonInt,
    Preview,
    ReleaseList,
    ReleaseMeta,
    ReleaseTable,
    errors,
)
from aggregator.http.routes.budget import RHO_RANGE, YEAR_RANGE
from aggregator.services import budget, releases
from aggregator.services.auth import Principal
from aggregator.services.releases import ReleaseRequest
from schemas.safe_cells import write_csv
from schemas.tables import DEFAULT_PLAN, PlanError, parse_plan, with_labels

router = APIRouter(prefix="/api/v1", tags=["releases"], responses=AUTHENTICATED)

#: Releases are read by anyone: final ones are public (LEKSTAT_PUBLIC_RELEASES), provisional
#: ones are for analysts and statisticians; the operation decides what each caller sees.
Reader = Caller
#: In the OpenAPI document: a token is optional on these operations.
OPTIONAL_TOKEN: dict[str, Any] = {"security": [{}]}  # FastAPI adds the bearer beside it


class ReleaseCreate(BaseModel):
    """A release request: a data year (or one quarter of it), ρ, and optionally a plan."""

    # Strict and closed: `true` is no number and a misspelt field is an error, not ignored.
    model_config = ConfigDict(strict=True, extra="forbid")

    year: JsonInt = Field(examples=[2026], json_schema_extra=YEAR_RANGE)
    quarter: JsonInt | None = Field(None, json_schema_extra={"minimum": 1, "maximum": 4})
    rho: float = Field(examples=[0.5], json_schema_extra=RHO_RANGE)
    plan: list[dict[str, Any]] | None = Field(
        None, description="Tables: [{name, dimensions, stage?, weight?}]; default plan if absent"
    )
    force: bool = Field(
        False,
        description="Release even when fewer municipalities reported than the threshold (the "
        "release then says so)",
    )

    def request(self, idempotency_key: str | None = None) -> ReleaseRequest:
        """The service's request, with the plan checked."""
        try:
            plan = parse_plan(self.plan) if self.plan is not None else DEFAULT_PLAN
        except PlanError as exc:
            raise releases.invalid_plan(exc) from None
        return ReleaseRequest(self.year, self.rho, self.quarter, plan, self.force, idempotency_key)


@router.post(
    "/releases/preview",
    response_model=Preview,
    summary="Expected margins per table at a rho (reads no data, spends nothing)",
    responses=WITH_BODY,
)
def post_preview(
    body: ReleaseCreate,
    principal: Annotated[Principal, Depends(allowed("preview_release"))],
    context: ContextDep,
) -> Preview:
    """The expected standard error and 95% margin of every table of the plan at ρ."""
    request = body.request()
    return Preview.of(request, releases.preview(context, principal, request))


@router.post(
    "/releases",
    status_code=201,
    response_model=ReleaseMeta,
    summary="Create a release (spends budget)",
    responses={
        **WITH_BODY,
        **errors(
            409,
            s409="No budget, or not enough left; nothing spent. Or the Idempotency-Key was used "
            "for another request",
        ),
        200: {"description": "Made before with this Idempotency-Key: that release, nothing spent"},
    },
)
async def post_release(
    body: ReleaseCreate,
    principal: Annotated[Principal, Depends(allowed("create_release"))],
    context: ContextDep,
    note: NoteDep,
    response: Response,
    idempotency_key: str | None = Header(
        None,
        max_length=releases.MAX_KEY,
        description="Sent again (a retry), it answers with the release it made: never twice",
    ),
) -> ReleaseMeta:
    """Measure the plan's tables with OpenDP, spend ρ from the year's budget, store the release."""
    note.set("create_release", f"{body.year}" + (f"-Q{body.quarter}" if body.quarter else ""))
    request = body.request(idempotency_key)
    release, replay = await run_in_threadpool(
        releases.create_once, context, principal, request, note
    )
    if replay:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return ReleaseMeta(**release)


@router.get(
    "/releases",
    response_model=ReleaseList,
    summary="Every release (metadata)",
    openapi_extra=OPTIONAL_TOKEN,
)
def list_releases(
    principal: Reader,
    context: ContextDep,
    year: int | None = Query(None, ge=budget.FIRST_YEAR, le=budget.LAST_YEAR),
) -> ReleaseList:
    """Release metadata, oldest first."""
    return ReleaseList(
        releases=[ReleaseMeta(**r) for r in releases.listing(context, principal, year)]
    )


@router.get(
    "/releases/{release_id}",
    response_model=ReleaseMeta,
    summary="One release's metadata",
    openapi_extra=OPTIONAL_TOKEN,
    responses=errors(404),
)
def get_release(release_id: str, principal: Reader, context: ContextDep) -> ReleaseMeta:
    """Mechanism, ρ per table and in total, (ε, δ), noise scales, plan, coverage, versions."""
    return ReleaseMeta(**releases.get(context, principal, release_id))


@router.get(
    "/releases/{release_id}/certificate",
    response_model=Certificate,
    summary="A release's privacy certificate",
    openapi_extra=OPTIONAL_TOKEN,
    responses=errors(404),
)
def get_certificate(release_id: str, principal: Reader, context: ContextDep) -> Certificate:
    """Privacy unit, mechanism, ρ per table, the release's and the year's (ε, δ), the year's
    releases and budget changes, what the guarantee does not cover; made with the release."""
    return Certificate(**releases.certificate(context, principal, release_id))


@router.get(
    "/releases/{release_id}/tables/{table}",
    summary="A released table with intervals and flags",
    response_model=None,
    openapi_extra=OPTIONAL_TOKEN,
    responses={
        200: {
            "content": {
                "application/json": {"schema": ReleaseTable.model_json_schema()},
                "text/csv": {},
            }
        },
        **errors(404),
    },
)
def get_table(
    release_id: str,
    table: str,
    principal: Reader,
    context: ContextDep,
    lang: LangDep,
    format: Literal["json", "csv"] = Query("json"),
) -> Any:
    """JSON rows (codes) or CSV with labels; reading a release spends nothing."""
    release, meta, frame = releases.table(context, principal, release_id, table)
    dims = list(meta["dimensions"])
    if format == "csv":
        buffer = io.StringIO()
        write_csv(with_labels(frame, dims, "en" if lang == "en" else "nl"), buffer)
        # Release ids and table names are checked to be plain ASCII; quote() keeps it so.
        filename = quote(f"lekstat-{release_id}-{table}.csv", safe="-_.")
        return Response(
            buffer.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"},
        )
    return ReleaseTable(
        release_id=release_id,
        table=table,
        title_nl=meta["title_nl"],
        title_en=meta["title_en"],
        dimensions=dims,
        stage=meta.get("stage"),
        provisional=bool(release["provisional"]),
        rows=[{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")],
    ).model_dump()
