"""One error shape for every error path."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from aggregator.config import Settings
from aggregator.http.app import create_app
from tests.http.conftest import NOW, Service, add_tokens, body


def _assert_shape(response: object, status: int, code: str | None = None) -> None:
    r = response
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    payload = r.json()  # type: ignore[attr-defined]
    assert set(payload) == {"error"}
    assert set(payload["error"]) == {"code", "message", "details"}
    assert isinstance(payload["error"]["message"], str) and payload["error"]["message"]
    assert isinstance(payload["error"]["details"], list)
    if code is not None:
        assert payload["error"]["code"] == code


def test_errors_every_path_has_the_one_shape(service: Service) -> None:
    c, h = service.client, service.headers
    _assert_shape(
        c.post(
            "/api/v1/submissions",
            content=b"{",
            headers=h("own", **{"Content-Type": "application/json"}),
        ),
        400,
        "invalid_json",
    )
    _assert_shape(c.get("/api/v1/me"), 401, "unauthenticated")
    _assert_shape(c.get("/api/v1/me", headers={"Authorization": "Basic abc"}), 401)
    _assert_shape(c.get("/api/v1/tokens", headers=h("own")), 403, "forbidden")
    _assert_shape(c.get("/api/v1/submissions/sub_nope", headers=h("own")), 404, "not_found")
    _assert_shape(c.get("/no/such/path"), 404, "not_found")
    _assert_shape(c.delete("/api/v1/taxonomy"), 405, "method_not_allowed")
    c.post("/api/v1/periods/2026-Q2/lock", headers=h("statistician"))
    _assert_shape(
        c.post("/api/v1/periods/2026-Q2/lock", headers=h("statistician")),
        409,
        "period_already_locked",
    )
    _assert_shape(
        c.post("/api/v1/submissions", json=body(period="2026-Q2"), headers=h("own")),
        409,
        "period_locked",
    )
    _assert_shape(
        c.post(
            "/api/v1/submissions",
            content=b"x" * 300_000,
            headers=h("own", **{"Content-Type": "text/csv"}),
        ),
        413,
        "payload_too_large",
    )
    _assert_shape(
        c.post(
            "/api/v1/submissions", content=b"x", headers=h("own", **{"Content-Type": "image/png"})
        ),
        415,
    )
    _assert_shape(
        c.post("/api/v1/submissions", json=body(count=-1), headers=h("own")),
        422,
        "invalid_submission",
    )
    _assert_shape(
        c.get("/api/v1/completeness?period=nope", headers=h("analyst")), 422, "bad_period"
    )
    _assert_shape(c.get("/api/v1/municipalities?year=abc"), 422, "invalid_request")
    _assert_shape(
        c.post("/api/v1/tokens", json={"role": 5}, headers=h("admin")), 422, "invalid_request"
    )


def test_errors_rate_limit_is_429_with_retry_after(tmp_path: Path) -> None:
    settings = Settings(
        db_path=tmp_path / "db.duckdb", rate_limit_per_minute=60, rate_limit_burst=3
    )
    app = create_app(settings, clock=lambda: NOW)
    tokens, _ = add_tokens(app.state.store)
    with TestClient(app) as c:
        h = {"Authorization": f"Bearer {tokens['own']}"}
        statuses = [c.get("/api/v1/me", headers=h).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        r = c.get("/api/v1/me", headers=h)
        _assert_shape(r, 429, "rate_limited")
        assert 1 <= int(r.headers["Retry-After"]) <= 2
        # another token is not slowed down by this one
        other = {"Authorization": f"Bearer {tokens['other']}"}
        assert c.get("/api/v1/me", headers=other).status_code == 200


def test_errors_messages_follow_accept_language(service: Service) -> None:
    nl = service.client.get("/api/v1/me").json()["error"]["message"]
    en = service.client.get("/api/v1/me", headers={"Accept-Language": "en-GB,en;q=0.9"}).json()[
        "error"
    ]["message"]
    assert nl.startswith("geen token") and en.startswith("no token")


def test_errors_an_unexpected_failure_is_500_without_details(
    service: Service, monkeypatch: object
) -> None:
    def boom(*a: object, **k: object) -> object:
        raise RuntimeError("secret count 7777 in the message")

    monkeypatch.setattr(service.store, "list_tokens", boom)  # type: ignore[attr-defined]
    client = TestClient(service.client.app, raise_server_exceptions=False)
    r = client.get("/api/v1/tokens", headers=service.headers("admin"))
    _assert_shape(r, 500, "internal_error")
    assert "7777" not in r.text


def test_errors_healthz_without_a_database_is_503_in_the_one_shape(service: Service) -> None:
    assert service.client.get("/healthz").json()["status"] == "ok"
    service.store.close()  # the database stops answering
    _assert_shape(service.client.get("/healthz"), 503, "database_unreachable")
