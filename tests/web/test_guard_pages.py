"""The guard's own refusals (too large, too many) as pages for a browser, JSON for the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from aggregator.config import Settings
from aggregator.http.app import create_app
from aggregator.services.auth import new_token
from tests.web.conftest import BROWSER, NOW, OWN, csrf_of, read, sign_in


def _app(tmp_path: Path, **settings: Any) -> FastAPI:
    return create_app(Settings(db_path=tmp_path / "g.duckdb", **settings), clock=lambda: NOW)


def test_guard_pages_too_large_upload_is_a_page_and_stores_nothing(tmp_path: Path) -> None:
    app = _app(tmp_path, max_body_bytes=3_000)
    token, record = new_token("municipality", OWN, "t", NOW)
    app.state.store.add_token(record)
    with TestClient(app, headers=BROWSER, follow_redirects=False) as browser:
        assert sign_in(browser, token).status_code == 303
        csrf = csrf_of(browser.get("/portal/quarters/2026-Q3").text)
        big = b"x" * 5_000
        response = browser.post(
            "/portal/quarters/2026-Q3/check",
            data={"csrf_token": csrf},
            files={"file": ("groot.xlsx", big, "application/octet-stream")},
        )
        assert response.status_code == 413
        assert response.headers["content-type"].startswith("text/html")
        assert "Content-Security-Policy" in response.headers  # still under the headers
        page = read(response.text)
        assert page.one("h1").text == "Het bestand is te groot"
        assert "groter dan 0.003 MB" in page.one("main").text
        assert app.state.store.list_submissions() == []
        # The guard refused it before any route ran; its audit line still names who.
        [line] = [e for e in app.state.store.audit_entries() if e.status == 413]
        assert (line.path, line.token_id, line.role, line.outcome) == (
            "/portal/quarters/2026-Q3/check",
            record.id,
            "municipality",
            "refused",
        )
        # The API keeps its one JSON shape, also for a browser.
        api = browser.post("/api/v1/submissions", content=big, headers={"Accept": "text/html"})
        assert api.status_code == 413
        assert api.json()["error"]["code"] == "payload_too_large"


def test_guard_pages_too_many_requests_is_a_page_with_retry_after(tmp_path: Path) -> None:
    app = _app(tmp_path, rate_limit_per_minute=1, rate_limit_burst=2)
    with TestClient(app, headers=BROWSER) as browser:
        statuses = [browser.get("/?lang=en").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        response = browser.get("/?lang=en")
        assert response.status_code == 429 and int(response.headers["retry-after"]) > 0
        assert read(response.text).one("h1").text == "Too much at once"
    with TestClient(app) as program:  # no HTML asked for: the API's shape
        assert program.get("/").json()["error"]["code"] == "rate_limited"
