"""Fixtures for API tests: an app on a DuckDB file under tmp_path, tokens for every role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aggregator.config import Settings
from aggregator.http.app import create_app
from aggregator.services.auth import new_token
from aggregator.store import Store

#: The service's clock in these tests (UTC): late in 2026-Q4.
NOW = dt.datetime(2026, 11, 29, 12, 0, 0)

OWN = "GM0363"  # Amsterdam
OTHER = "GM0344"  # Utrecht


@dataclass
class Service:
    """A test client with a token per role."""

    client: TestClient
    store: Store
    tokens: dict[str, str]
    token_ids: dict[str, str]

    def headers(self, who: str | None, **extra: str) -> dict[str, str]:
        """Headers for ``who`` (a key of ``tokens``; None = no token)."""
        h = dict(extra)
        if who is not None:
            h["Authorization"] = f"Bearer {self.tokens[who]}"
        return h


def add_tokens(store: Store) -> tuple[dict[str, str], dict[str, str]]:
    """One token per role, two municipalities."""
    tokens, ids = {}, {}
    for who, role, municipality in [
        ("own", "municipality", OWN),
        ("other", "municipality", OTHER),
        ("analyst", "analyst", None),
        ("statistician", "statistician", None),
        ("admin", "admin", None),
    ]:
        token, record = new_token(role, municipality, who, NOW)
        store.add_token(record)
        tokens[who], ids[who] = token, record.id
    return tokens, ids


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a fresh database file, with limits the tests can reach."""
    return Settings(
        db_path=tmp_path / "lekstat.duckdb",
        max_body_bytes=200_000,
        max_rows=500,
        rate_limit_per_minute=6000,
        rate_limit_burst=1000,
        max_year_rho=50.0,  # the budgets of these tests are generous; the ceiling has its own
        min_coverage=0.0,  # a handful of municipalities report; the threshold has its own tests
    )


@pytest.fixture
def service(settings: Settings) -> Iterator[Service]:
    """The app with its own store and a token per role."""
    app = create_app(settings, clock=lambda: NOW)
    store: Store = app.state.store
    tokens, ids = add_tokens(store)
    with TestClient(app) as client:
        yield Service(client, store, tokens, ids)


ROW = {
    "function_type": "FT04_PARKEREN",
    "data_category": "DC03_KENTEKEN",
    "stage": "ST01_SIGNAAL",
    "employment_type": "EM03_INHUUR",
    "motive": "MO01_CRIMINEEL",
    "count": 2,
}


def body(period: str = "2026-Q3", count: int = 2, **extra: object) -> dict[str, object]:
    """A valid JSON submission with one row."""
    return {"period": period, "rows": [{**ROW, "count": count}], **extra}


CSV = (
    "function_type;data_category;stage;employment_type;motive;count\n"
    "FT01_BRP;DC01_BRP_ADRES;ST01_SIGNAAL;EM01_VAST;MO02_PRIVE;1\n"
    "FT01_BRP;DC01_BRP_ADRES;ST02_INTERN_ONDERZOEK;EM01_VAST;MO02_PRIVE;1\n"
)
