"""Fixtures for the reliability tests: an in-process service with production limits, and
helpers shared by the files that attack it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aggregator.config import Settings
from aggregator.http.app import create_app
from aggregator.store import Store
from tests.http.conftest import NOW, Service, add_tokens

CSV_HEADER = "function_type,data_category,stage,employment_type,motive,count\n"
CSV_ROW = "FT01_BRP,DC01_BRP_ADRES,ST01_SIGNAAL,EM01_VAST,MO01_CRIMINEEL,{count}\n"


@pytest.fixture
def production(tmp_path: Path) -> Iterator[Service]:
    """The app with the default (production) body and row limits; the rate limit out of the way."""
    settings = Settings(
        db_path=tmp_path / "lekstat.duckdb",
        rate_limit_per_minute=1e6,
        rate_limit_burst=100_000,
        min_coverage=0.0,
    )
    app = create_app(settings, clock=lambda: NOW)
    store: Store = app.state.store
    tokens, ids = add_tokens(store)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Service(client, store, tokens, ids)


def assert_error_shape(payload: Any) -> dict[str, Any]:
    """The one error shape, with a non-empty message; returns the inner error."""
    assert set(payload) == {"error"}, payload
    error = payload["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"].strip()
    assert isinstance(error["details"], list)
    return dict(error)
