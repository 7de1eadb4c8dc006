"""The statistician's pages, mounted on the app by :func:`include_statistician`."""

from __future__ import annotations

from fastapi import FastAPI

from aggregator.web.statistician import router as year_router
from aggregator.web.statistician_budget import router as budget_router
from aggregator.web.statistician_releases import router as releases_router


def include_statistician(app: FastAPI) -> None:
    """Mount the statistician's routers (the preview's path before a release's own paths)."""
    for router in (year_router, releases_router, budget_router):
        app.include_router(router)
