"""Liveness: the service answers and the database is reachable."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from aggregator.api.deps import StoreDep
from aggregator.api.openapi import COMMON, Health

router = APIRouter(tags=["health"], responses=COMMON)


@router.get(
    "/healthz",
    response_model=None,
    summary="Liveness and database reachability",
    responses={
        200: {"model": Health},
        503: {"model": Health, "description": "The database does not answer"},
    },
)
def healthz(store: StoreDep) -> Any:
    """``{"status": "ok"}`` when the database answers, else 503."""
    try:
        ok = store.ping()
        schema = store.schema_version()
    except Exception:
        ok, schema = False, None
    body = {
        "status": "ok" if ok else "unavailable",
        "database": "ok" if ok else "unreachable",
        "schema_version": schema,
    }
    return JSONResponse(body, status_code=200 if ok else 503)
