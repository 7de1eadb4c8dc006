"""Liveness: the service answers and the database is reachable."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from aggregator.http.deps import ContextDep
from aggregator.http.errors import ServiceUnavailable
from aggregator.http.models import COMMON, Health, errors

router = APIRouter(tags=["health"], responses=COMMON)


@router.get(
    "/healthz",
    response_model=None,
    summary="Liveness and database reachability",
    responses={
        200: {"model": Health},
        **errors(503, s503="The database does not answer"),
    },
)
def healthz(context: ContextDep) -> Any:
    """``{"status": "ok"}`` when the database answers, else 503 in the error shape."""
    try:
        ok = context.store.ping()
        schema = context.store.schema_version()
    except Exception:
        ok = False
    if not ok:
        raise ServiceUnavailable(
            "de database antwoordt niet",
            "the database does not answer",
            code="database_unreachable",
        )
    return {"status": "ok", "database": "ok", "schema_version": schema}
