"""Small helpers several test folders share: running an operation on a bare store."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aggregator.config import Settings
from aggregator.services import releases
from aggregator.services.auth import OPERATOR, Principal
from aggregator.services.context import Context
from aggregator.services.releases import ReleaseRequest
from aggregator.store import Store


def context(store: Store, now: dt.datetime, **settings: Any) -> Context:
    """The services' context on ``store`` with a clock standing at ``now``."""
    settings.setdefault("min_coverage", 0.0)  # a handful of municipalities report
    return Context(store, Settings(db_path=store.path, **settings), lambda: now)


def make_release(
    store: Store, request: ReleaseRequest, now: dt.datetime, actor: Principal = OPERATOR
) -> dict[str, Any]:
    """Create a release as the service does (the operation itself, no edge)."""
    return releases.create(context(store, now), actor, request)


#: Rows a municipality submits in every quarter of the published years (as a CSV would be read).
YEAR_ROWS = [
    {
        "function_type": "FT04_PARKEREN",
        "data_category": "DC03_KENTEKEN",
        "stage": "ST01_SIGNAAL",
        "employment_type": "EM03_INHUUR",
        "motive": "MO01_CRIMINEEL",
        "count": "3",
    },
    {
        "function_type": "FT01_BRP",
        "data_category": "DC01_BRP_ADRES",
        "stage": "ST02_INTERN_ONDERZOEK",
        "employment_type": "EM01_VAST",
        "motive": "MO02_PRIVE",
        "count": "1",
    },
]


def publish_years(store: Store, now: dt.datetime) -> dict[str, str]:
    """Final yearly releases of 2024 and 2025 (every quarter submitted, ended and locked) and a
    provisional one of the running year 2026: their ids, by ``final_2024``, ``final_2025`` and
    ``provisional``."""
    from aggregator.services import submissions
    from schemas.periods import quarters_of
    from schemas.reading import from_records

    ctx = context(store, now)
    municipality = Principal("publish", "municipality", "GM0363")
    for year in (2024, 2025, 2026):
        store.set_budget(year, 5.0, now, "admin")
        for period in quarters_of(year):
            if period.is_complete(ctx.today()):
                table = from_records(YEAR_ROWS)
                submissions.accept(ctx, municipality, period_text=str(period), table=table)
                if year < 2026:
                    store.lock_period(str(period), now, "statistician")
    ids = {}
    for year in (2024, 2025):
        ids[f"final_{year}"] = make_release(store, ReleaseRequest(year, 1.0), now)["id"]
    ids["provisional"] = make_release(store, ReleaseRequest(2026, 1.0), now)["id"]
    return ids
