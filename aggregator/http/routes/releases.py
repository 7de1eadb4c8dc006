"""Releases: created once by a statistician, immutable, read freely by analysts."""

from __future__ import annotations

import io
from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from aggregator.dp.privacy import PrivacyError
from aggregator.http.deps import ClockDep, LangDep, Reader, Statistician, StoreDep, audit
from aggregator.http.errors import Conflict, NotFound, Unprocessable
from aggregator.http.models import AUTHENTICATED, WITH_BODY, errors
from aggregator.services.releases import (
    MAX_RHO,
    MIN_RHO,
    ReleaseError,
    ReleaseRequest,
    create_release,
)
from schemas.safe_cells import write_csv
from schemas.tables import DEFAULT_PLAN, PlanError, parse_plan, with_labels

router = APIRouter(prefix="/api/v1", tags=["releases"], responses=AUTHENTICATED)


class ReleaseCreate(BaseModel):
    """A release request: a data year (or one quarter of it), ρ, and optionally a plan."""

    # Strict and closed: `true` is no number and a misspelt field is an error, not ignored.
    model_config = ConfigDict(strict=True, extra="forbid")

    year: int = Field(ge=2024, le=2100, examples=[2026])
    quarter: int | None = Field(None, ge=1, le=4)
    rho: float = Field(ge=MIN_RHO, le=MAX_RHO, examples=[0.5])
    plan: list[dict[str, Any]] | None = Field(
        None, description="Tables: [{name, dimensions, stage?, weight?}]; default plan if absent"
    )


def _not_found() -> NotFound:
    return NotFound("geen publicatie met dit id", "no release with this id")


@router.post(
    "/releases",
    status_code=201,
    summary="Create a release (spends budget)",
    responses={**WITH_BODY, **errors(409, s409="No budget, or not enough left; nothing spent")},
)
async def post_release(
    body: ReleaseCreate, request: Request, principal: Statistician, store: StoreDep, clock: ClockDep
) -> JSONResponse:
    """Measure the plan's tables with OpenDP, spend ρ from the year's budget, store the release."""
    target = f"{body.year}" + (f"-Q{body.quarter}" if body.quarter else "")
    audit(request, "create_release", target, f"rho={body.rho:g}")
    try:
        plan = parse_plan(body.plan) if body.plan is not None else DEFAULT_PLAN
    except PlanError as exc:
        raise Unprocessable(
            f"het publicatieplan is ongeldig: {exc}", str(exc), code="invalid_plan"
        ) from None
    release_request = ReleaseRequest(body.year, body.rho, body.quarter, plan)
    try:
        release = await run_in_threadpool(
            create_release, store, release_request, created_by=principal.token_id, now=clock()
        )
    except (PlanError, PrivacyError) as exc:
        raise Unprocessable(
            f"het publicatieplan is ongeldig: {exc}", str(exc), code="invalid_plan"
        ) from None
    except ReleaseError as exc:
        cls = Conflict if exc.code in ("budget_exceeded", "no_budget") else Unprocessable
        raise cls(exc.message_nl, exc.message_en, code=exc.code) from None
    audit(request, "create_release", target, f"{release['id']} rho={release['rho']:g}")
    return JSONResponse(release, status_code=201)


@router.get("/releases", summary="Every release (metadata)")
def list_releases(
    principal: Reader, store: StoreDep, year: int | None = Query(None, ge=2024, le=2100)
) -> dict[str, Any]:
    """Release metadata, oldest first."""
    return {"releases": store.list_releases(year)}


@router.get("/releases/{release_id}", summary="One release's metadata", responses=errors(404))
def get_release(release_id: str, principal: Reader, store: StoreDep) -> dict[str, Any]:
    """Mechanism, ρ per table and in total, (ε, δ), noise scales, plan, coverage, versions."""
    release = store.get_release(release_id)
    if release is None:
        raise _not_found()
    return release


@router.get(
    "/releases/{release_id}/tables/{table}",
    summary="A released table with intervals and flags",
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}, **errors(404)},
)
def get_table(
    release_id: str,
    table: str,
    principal: Reader,
    store: StoreDep,
    lang: LangDep,
    format: Literal["json", "csv"] = Query("json"),
) -> Any:
    """JSON rows (codes) or CSV with labels; reading a release spends nothing."""
    release = store.get_release(release_id)
    frame = store.release_table(release_id, table) if release is not None else None
    if release is None or frame is None:
        raise _not_found()
    meta = next(t for t in release["tables"] if t["name"] == table)
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
    return {
        "release_id": release_id,
        "table": table,
        "title_nl": meta["title_nl"],
        "title_en": meta["title_en"],
        "dimensions": dims,
        "stage": meta.get("stage"),
        "rows": frame.to_dict(orient="records"),
    }
