"""Security over the API: reads of raw rows audited and shown to the municipality, its own
tokens, expiring tokens, a flood of anonymous refusals counted, the audit log paged and
chained, versions bounded and paged, caching headers, OPTIONS and 405."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from aggregator.config import Settings
from aggregator.http.app import create_app
from aggregator.services.auth import new_token
from aggregator.store import AuditEntry, Store
from tests.http.conftest import NOW, OTHER, OWN, Service, add_tokens, body


def _audit(service: Service, who: str = "admin", **params: object) -> dict[str, object]:
    r = service.client.get("/api/v1/audit", headers=service.headers(who), params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_security_every_read_of_rows_is_audited_and_shown_to_the_municipality(
    service: Service,
) -> None:
    receipt = service.client.post(
        "/api/v1/submissions", json=body(count=7), headers=service.headers("own")
    ).json()
    other = service.client.post(
        "/api/v1/submissions", json=body(count=3), headers=service.headers("other")
    ).json()
    for _ in range(2):
        r = service.client.get(
            f"/api/v1/submissions/{receipt['id']}", headers=service.headers("own")
        )
        assert r.status_code == 200
    service.client.get(f"/api/v1/submissions/{other['id']}", headers=service.headers("other"))
    reads = [e for e in _audit(service)["entries"] if e["action"] == "read_rows"]  # type: ignore[attr-defined]
    assert [(e["token_id"], e["subject"], e["detail"]) for e in reads] == [
        (service.token_ids["own"], OWN, f"{receipt['id']} v1"),
        (service.token_ids["own"], OWN, f"{receipt['id']} v1"),
        (service.token_ids["other"], OTHER, f"{other['id']} v1"),
    ]
    own = service.client.get("/api/v1/me/audit", headers=service.headers("own")).json()
    assert {e["subject"] for e in own["entries"]} == {OWN}
    assert [e["action"] for e in own["entries"]] == ["submit", "read_rows", "read_rows"]
    assert "7" not in {e["detail"] for e in own["entries"]}  # the line names, never counts


def test_security_a_municipality_sees_its_tokens_and_who_made_or_revoked_them(
    service: Service,
) -> None:
    from aggregator.services import tokens
    from aggregator.services.auth import OPERATOR

    context = service.client.app.state.context  # type: ignore[attr-defined]
    _, second = tokens.issue(context, OPERATOR, "municipality", OWN, "spare laptop")
    r = service.client.delete(f"/api/v1/tokens/{second.id}", headers=service.headers("admin"))
    assert r.status_code == 200
    listed = service.client.get("/api/v1/me/tokens", headers=service.headers("own")).json()
    assert {(t["id"], t["revoked_at"] is not None) for t in listed["tokens"]} == {
        (service.token_ids["own"], False),
        (second.id, True),
    }
    assert all(t["municipality"] == OWN for t in listed["tokens"])
    own = service.client.get("/api/v1/me/audit", headers=service.headers("own")).json()
    revoked = [e for e in own["entries"] if e["action"] == "revoke_token"]
    assert [(e["role"], e["target"]) for e in revoked] == [("admin", second.id)]


def test_security_an_expired_token_no_longer_works(service: Service) -> None:
    token, record = new_token(
        "analyst", None, "short", NOW - dt.timedelta(days=10), NOW - dt.timedelta(seconds=1)
    )
    service.store.add_token(record)
    r = service.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    listed = service.client.get("/api/v1/tokens", headers=service.headers("admin")).json()
    shown = {t["id"]: t["expires_at"] for t in listed["tokens"]}
    assert shown[record.id] == "2026-11-29T11:59:59Z"


def test_security_token_expiry_has_a_default_and_a_maximum(service: Service) -> None:
    h = service.headers("admin")
    made = service.client.post("/api/v1/tokens", json={"role": "analyst"}, headers=h).json()
    assert made["expires_at"] == "2027-11-29T12:00:00Z"  # LEKSTAT_TOKEN_DAYS = 365
    short = service.client.post("/api/v1/tokens", json={"role": "analyst", "days": 7}, headers=h)
    assert short.json()["expires_at"] == "2026-12-06T12:00:00Z"
    long = service.client.post("/api/v1/tokens", json={"role": "analyst", "days": 731}, headers=h)
    assert long.status_code == 422 and long.json()["error"]["code"] == "invalid_token_days"
    me = service.client.get("/api/v1/me", headers={"Authorization": f"Bearer {made['token']}"})
    assert me.json()["expires_at"] == made["expires_at"]


def test_security_a_flood_of_anonymous_refusals_is_counted_not_listed(settings: Settings) -> None:
    # A bucket that does not refill during the flood and a window longer than it, so that what
    # is counted does not depend on how fast this machine sends: the first 1,000 are 401, the
    # rest 429, each kind one line at once and one counted line.
    flood = replace(settings, rate_limit_per_minute=1, rate_limit_burst=1000, audit_window=86_400)
    app = create_app(flood, clock=lambda: NOW)
    tokens, ids = add_tokens(app.state.store)
    with TestClient(app) as client:
        service = Service(client, app.state.store, tokens, ids)
        before = _audit(service, limit=10_000)["entries"]
        statuses = set()
        for i in range(3000):
            r = service.client.post("/api/v1/submissions", json=body(), headers={"X-N": str(i)})
            statuses.add(r.status_code)
        assert statuses == {401, 429}
        app.state.refusal_tally.flush()
        lines = _audit(service, limit=10_000)["entries"][len(before) :]  # type: ignore[index]
        assert len(lines) == 4, lines
        assert sum(e["count"] for e in lines) == 3000
        assert {(e["status"], e["role"]) for e in lines} == {(401, None), (429, None)}
        # A valid token's refusal is still one line of its own.
        service.client.post("/api/v1/periods/2026-Q1/lock", headers=service.headers("own"))
        last = _audit(service, limit=1)["entries"][0]  # type: ignore[index]
        assert (last["token_id"], last["status"], last["count"]) == (ids["own"], 403, 1)


def test_security_the_audit_log_is_paged_and_every_line_is_reachable(service: Service) -> None:
    store = service.store
    for i in range(2500):
        store.audit(AuditEntry(NOW, None, None, "CLI", "x", "a", str(i), 0, "accepted"))
    seen: list[int] = []
    cursor = None
    while True:
        page = _audit(service, limit=1000, **({"cursor": cursor} if cursor else {}))
        seen = [e["seq"] for e in page["entries"]] + seen  # type: ignore[attr-defined]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(range(1, len(seen) + 1)) and len(seen) >= 2500


def test_security_the_audit_chain_shows_a_changed_or_removed_line(service: Service) -> None:
    store = service.store
    for i in range(5):
        store.audit(AuditEntry(NOW, None, None, "CLI", "x", "a", str(i), 0, "accepted"))
    assert store.verify_audit()[2] is None
    with store.transaction() as cur:
        cur.execute("UPDATE audit_log SET outcome = 'refused' WHERE seq = 3")
    assert store.verify_audit()[2] == 3
    with store.transaction() as cur:
        cur.execute("UPDATE audit_log SET outcome = 'accepted' WHERE seq = 3")
        cur.execute("DELETE FROM audit_log WHERE seq = 2")
    assert store.verify_audit()[2] == 2


def test_security_versions_of_a_quarter_are_bounded_and_paged(settings: Settings) -> None:
    app = create_app(replace(settings, max_versions=5), clock=lambda: NOW)
    tokens, _ = add_tokens(app.state.store)
    own = {"Authorization": f"Bearer {tokens['own']}"}
    with TestClient(app) as c:
        for n in range(1, 6):
            r = c.post(
                "/api/v1/submissions",
                json=body(count=n),
                headers={**own, "Idempotency-Key": str(n)},
            )
            assert r.status_code == 201
        over = c.post("/api/v1/submissions", json=body(count=9), headers=own)
        assert over.status_code == 409 and over.json()["error"]["code"] == "too_many_versions"
        replay = c.post(
            "/api/v1/submissions", json=body(count=5), headers={**own, "Idempotency-Key": "5"}
        )
        assert replay.status_code == 200  # a retry of a stored version still gets its receipt
        versions, cursor = [], None
        while True:
            page = c.get(
                "/api/v1/submissions",
                params={"limit": 2, **({"cursor": cursor} if cursor else {})},
                headers=own,
            ).json()
            versions += [s["version"] for s in page["submissions"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert versions == [1, 2, 3, 4, 5]


def test_security_secrets_and_raw_counts_are_never_cached(service: Service) -> None:
    made = service.client.post(
        "/api/v1/tokens", json={"role": "analyst"}, headers=service.headers("admin")
    )
    receipt = service.client.post(
        "/api/v1/submissions", json=body(), headers=service.headers("own")
    ).json()
    rows = service.client.get(
        f"/api/v1/submissions/{receipt['id']}", headers=service.headers("own")
    )
    for r in (made, rows):
        assert r.headers["Cache-Control"] == "no-store"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/api/v1/tokens", "GET, OPTIONS, POST"),
        ("/api/v1/tokens/abc", "DELETE, OPTIONS"),
        ("/api/v1/submissions", "GET, OPTIONS, POST"),
    ],
)
def test_security_options_and_405_name_every_method_of_the_path(
    service: Service, path: str, methods: str
) -> None:
    options = service.client.options(path)
    assert options.status_code == 204 and options.headers["Allow"] == methods
    wrong = service.client.request("PATCH", path, headers=service.headers("admin"))
    assert wrong.status_code == 405 and wrong.headers["Allow"] == methods
    assert service.client.options("/no/such/path").status_code == 404


def test_security_the_store_chains_lines_written_by_several_threads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import threading

    store = Store(tmp_path / "db.duckdb")
    threads = [
        threading.Thread(
            target=lambda: [
                store.audit(AuditEntry(NOW, None, None, "CLI", "x", "a", "t", 0, "accepted"))
                for _ in range(50)
            ]
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines, _, broken = store.verify_audit()
    assert (lines, broken) == (200, None)
    store.close()
