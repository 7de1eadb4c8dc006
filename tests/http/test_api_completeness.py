from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient

from aggregator.config import Settings
from aggregator.http.app import create_app
from tests.http.conftest import OTHER, OWN, ROW, Service, add_tokens, body


def _status(payload: dict[str, object], code: str) -> dict[str, object]:
    return next(m for m in payload["municipalities"] if m["code"] == code)  # type: ignore[attr-defined, index]


def test_completeness_each_role_sees_what_it_may(service: Service) -> None:
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

    def get(who: str) -> dict[str, object]:
        answer = c.get("/api/v1/completeness?period=2026-Q3", headers=service.headers(who))
        assert answer.status_code == 200, (who, answer.text)
        return answer.json()  # type: ignore[no-any-return]

    summary = {"expected": 342, "reported": 2, "not_reported": 340, "late": 342}
    # The statistician: per municipality reported / not reported and late; no versions, times
    # or nil returns.
    stat = get("statistician")
    assert stat["period"] == "2026-Q3" and stat["deadline"] == "2026-10-30"
    assert stat["summary"] == summary and stat["view"] == "per_municipality"
    assert stat["own"] is None and stat["locked"] is None
    assert _status(stat, OWN) == {
        "code": OWN,
        "name": "Amsterdam",
        "province": "PV27",
        "status": "reported",
        "late": True,
    }
    assert _status(stat, OTHER)["status"] == "reported"  # a nil return is "reported" too
    assert _status(stat, "GM0014") == {**_status(stat, "GM0014"), "status": "not_reported"}
    # An analyst: the national counts only.
    analyst = get("analyst")
    assert analyst["summary"] == summary and analyst["view"] == "national"
    assert analyst["municipalities"] == [] and analyst["own"] is None
    # A municipality: the national counts and its own line with its versions.
    own = get("own")
    assert own["summary"] == summary and own["municipalities"] == []
    assert own["own"]["code"] == OWN and own["own"]["versions"] == 2  # type: ignore[index]
    assert get("other")["own"]["versions"] == 1  # type: ignore[index]
    assert (
        c.get("/api/v1/completeness?period=2026-Q3", headers=service.headers("admin")).status_code
        == 403
    )


def test_completeness_late_before_and_after_the_deadline(tmp_path: Path) -> None:
    clock = {"now": dt.datetime(2026, 10, 5, 9, 0)}
    app = create_app(Settings(db_path=tmp_path / "db.duckdb"), clock=lambda: clock["now"])
    tokens, _ = add_tokens(app.state.store)
    with TestClient(app) as c:
        h = {"Authorization": f"Bearer {tokens['own']}"}
        stat = {"Authorization": f"Bearer {tokens['statistician']}"}
        assert (
            c.post("/api/v1/submissions", json=body(period="2026-Q3"), headers=h).json()["late"]
            is False
        )
        before = c.get("/api/v1/completeness?period=2026-Q3", headers=stat).json()
        clock["now"] = dt.datetime(2026, 11, 2, 9, 0)  # after the deadline: a correction
        assert (
            c.post("/api/v1/submissions", json=body(period="2026-Q3", count=4), headers=h).json()[
                "late"
            ]
            is True
        )
        payload = c.get("/api/v1/completeness?period=2026-Q3", headers=stat).json()
    assert _status(before, "GM0014")["late"] is None  # not yet due
    assert _status(payload, OWN)["late"] is False  # the first version was on time
    assert _status(payload, "GM0014")["late"] is True  # missing after the deadline
    assert payload["summary"] == {"expected": 342, "reported": 1, "not_reported": 341, "late": 341}


def test_completeness_a_file_of_zeros_is_refused_and_counts_as_nothing(service: Service) -> None:
    zero = {"period": "2026-Q3", "rows": [{**ROW, "count": 0}]}
    answer = service.client.post("/api/v1/submissions", json=zero, headers=service.headers("own"))
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["code"] == "all_zero"
    payload = service.client.get(
        "/api/v1/completeness?period=2026-Q3", headers=service.headers("statistician")
    ).json()
    assert _status(payload, OWN)["status"] == "not_reported"


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
