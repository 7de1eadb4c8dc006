from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient

from aggregator.config import Settings
from aggregator.http.app import create_app
from tests.http.conftest import OTHER, OWN, ROW, Service, add_tokens, body


def _status(payload: dict[str, object], code: str) -> dict[str, object]:
    return next(m for m in payload["municipalities"] if m["code"] == code)  # type: ignore[attr-defined, index]


def test_completeness_submitted_nil_and_missing_with_versions(service: Service) -> None:
    c = service.client
    c.post("/api/v1/submissions", json=body(period="2026-Q3"), headers=service.headers("own"))
    c.post(
        "/api/v1/submissions", json=body(period="2026-Q3", count=5), headers=service.headers("own")
    )
    c.post(
        "/api/v1/submissions",
        json={"period": "2026-Q3", "nil_return": True},
        headers=service.headers("other"),
    )
    payload = c.get(
        "/api/v1/completeness?period=2026-Q3", headers=service.headers("analyst")
    ).json()
    assert payload["period"] == "2026-Q3" and payload["deadline"] == "2026-10-30"
    assert payload["summary"] == {
        "expected": 342,
        "submitted": 1,
        "nil_return": 1,
        "missing": 340,
        "late": 2,
    }
    own, other = _status(payload, OWN), _status(payload, OTHER)
    assert (own["status"], own["versions"], own["on_time"]) == ("submitted", 2, False)
    assert (other["status"], other["versions"]) == ("nil_return", 1)
    missing = _status(payload, "GM0014")
    assert (missing["status"], missing["versions"], missing["on_time"]) == ("missing", 0, False)
    assert payload["locked"] is None


def test_completeness_on_time_before_the_deadline(tmp_path: Path) -> None:
    clock = {"now": dt.datetime(2026, 10, 5, 9, 0)}
    app = create_app(Settings(db_path=tmp_path / "db.duckdb"), clock=lambda: clock["now"])
    tokens, _ = add_tokens(app.state.store)
    with TestClient(app) as c:
        h = {"Authorization": f"Bearer {tokens['own']}"}
        assert (
            c.post("/api/v1/submissions", json=body(period="2026-Q3"), headers=h).json()["late"]
            is False
        )
        clock["now"] = dt.datetime(2026, 11, 2, 9, 0)  # after the deadline: a correction
        assert (
            c.post("/api/v1/submissions", json=body(period="2026-Q3", count=4), headers=h).json()[
                "late"
            ]
            is True
        )
        payload = c.get(
            "/api/v1/completeness?period=2026-Q3",
            headers={"Authorization": f"Bearer {tokens['statistician']}"},
        ).json()
    own = _status(payload, OWN)
    assert (own["on_time"], own["versions"]) == (True, 2)  # the first version was on time
    assert payload["summary"]["late"] == 0  # the first version was on time; missing apart
    assert payload["summary"]["missing"] == 341
    assert _status(payload, "GM0014")["on_time"] is False  # missing after the deadline


def test_completeness_a_file_of_zeros_is_refused_and_counts_as_nothing(service: Service) -> None:
    zero = {"period": "2026-Q3", "rows": [{**ROW, "count": 0}]}
    answer = service.client.post("/api/v1/submissions", json=zero, headers=service.headers("own"))
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["code"] == "all_zero"
    payload = service.client.get(
        "/api/v1/completeness?period=2026-Q3", headers=service.headers("statistician")
    ).json()
    assert _status(payload, OWN)["status"] == "missing"


def test_completeness_shows_the_lock(service: Service) -> None:
    service.client.post("/api/v1/periods/2026-Q3/lock", headers=service.headers("statistician"))
    payload = service.client.get(
        "/api/v1/completeness?period=2026-Q3", headers=service.headers("analyst")
    ).json()
    assert payload["locked"]["period"] == "2026-Q3"
    assert (
        service.client.get("/api/v1/periods/locks", headers=service.headers("analyst")).json()[
            "locks"
        ][0]["period"]
        == "2026-Q3"
    )


def test_completeness_needs_a_valid_period(service: Service) -> None:
    assert (
        service.client.get("/api/v1/completeness", headers=service.headers("analyst")).status_code
        == 422
    )


def test_lock_a_future_period_is_refused(service: Service) -> None:
    r = service.client.post("/api/v1/periods/2027-Q2/lock", headers=service.headers("statistician"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "period_in_future"


def test_lock_a_running_quarter_is_refused(service: Service) -> None:
    r = service.client.post("/api/v1/periods/2026-Q4/lock", headers=service.headers("statistician"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "period_not_ended"
    early = service.client.post(
        "/api/v1/periods/2023-Q4/lock", headers=service.headers("statistician")
    )
    assert early.status_code == 422
    assert service.store.list_locks() == []
