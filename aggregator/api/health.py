"""Liveness: the service answers and the database is reachable."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from aggregator.api.deps import StoreDep

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness and database reachability")
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
