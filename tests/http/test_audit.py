"""Every data-changing request leaves one audit line, accepted or refused; never counts."""

from __future__ import annotations

from tests.http.conftest import ROW, Service, body


def test_audit_one_line_per_data_changing_request_with_outcome(service: Service) -> None:
    c, h = service.client, service.headers
    before = len(service.store.audit_entries())
    c.post("/api/v1/submissions", json=body(), headers=h("own"))  # accepted
    c.post("/api/v1/submissions", json=body(count=-1), headers=h("own"))  # refused: invalid
    c.post("/api/v1/submissions", json=body())  # refused: no token
    c.post(
        "/api/v1/submissions",
        content=b"x" * 300_000,
        headers=h("own", **{"Content-Type": "text/csv"}),
    )  # 413
    c.post("/api/v1/periods/2026-Q1/lock", headers=h("analyst"))  # refused: role
    c.post("/api/v1/periods/2026-Q1/lock", headers=h("statistician"))  # accepted
    c.get("/api/v1/submissions", headers=h("own"))  # a read: no line
    entries = service.store.audit_entries()[before:]
    got = [(e.method, e.action, e.status, e.outcome, e.role) for e in entries]
    assert got == [
        ("POST", "submit", 201, "accepted", "municipality"),
        ("POST", "submit", 422, "refused", "municipality"),
        ("POST", "submit", 401, "refused", None),
        ("POST", "POST /api/v1/submissions", 413, "refused", "municipality"),
        ("POST", "lock_period", 403, "refused", "analyst"),
        ("POST", "lock_period", 201, "accepted", "statistician"),
    ]
    first = entries[0]
    assert first.token_id == entries[3].token_id == service.token_ids["own"]
    assert (
        first.target == "GM0363 2026-Q3"
        and first.detail.startswith("sub_")
        and first.detail.endswith("v1")
    )


def test_audit_never_contains_the_counts(service: Service) -> None:
    rows = [{**ROW, "count": 7777}, {**ROW, "stage": "ST02_INTERN_ONDERZOEK", "count": 8888}]
    service.client.post(
        "/api/v1/submissions",
        json={"period": "2026-Q3", "rows": rows},
        headers=service.headers("own"),
    )
    service.client.post(
        "/api/v1/submissions",
        json={"period": "2026-Q3", "rows": [{**ROW, "count": 99999}]},
        headers=service.headers("own"),
    )
    text = repr(service.store.audit_entries())
    for number in ("7777", "8888", "16665", "99999"):
        assert number not in text
    api = service.client.get("/api/v1/audit", headers=service.headers("admin")).json()["entries"]
    assert [e["outcome"] for e in api][-2:] == ["accepted", "refused"]
