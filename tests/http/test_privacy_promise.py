"""The privacy promise around the mechanism: no side channel, a budget that is a commitment.

Tried as an attacker would: two services whose submissions differ only in whether one
municipality sent counts or a nil return must look the same to everyone but that municipality,
apart from noise, ids and times.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aggregator.config import Settings
from aggregator.http.app import create_app
from tests.http.conftest import NOW, OTHER, OWN, ROW, Service, add_tokens

#: Keys whose values are ids, times or noise: they may differ between the two worlds.
_VOLATILE = {
    "id",
    "release_id",
    "created_at",
    "created_by",
    "journal_prev",
    "widened_intervals",
    "at",
    "token_id",
    "set_by",
    "changed_by",
}
_ID = re.compile(r"\b(sub|aud)_[0-9a-f]+\b|\b[0-9a-f]{12}\b")


def _scrub(value: Any) -> Any:
    """``value`` without its ids and times (what may differ between two runs)."""
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, str):
        return _ID.sub("<id>", value)
    return value


def _world(tmp_path: Path, name: str, own_sends_counts: bool) -> dict[str, Any]:
    """Run the same year in a fresh service; return everything others than OWN can see."""
    app = create_app(
        Settings(db_path=tmp_path / f"{name}.duckdb", max_year_rho=5.0, min_coverage=0.0),
        clock=lambda: NOW,
    )
    tokens, _ = add_tokens(app.state.store)
    seen: dict[str, Any] = {}
    with TestClient(app) as c:

        def h(who: str) -> dict[str, str]:
            return {"Authorization": f"Bearer {tokens[who]}"}

        for period in ("2026-Q1", "2026-Q2"):
            assert (
                c.post(
                    "/api/v1/submissions",
                    json={"period": period, "rows": [{**ROW, "count": 2}]},
                    headers=h("other"),
                ).status_code
                == 201
            )
        own = (
            {"period": "2026-Q1", "rows": [{**ROW, "count": 1}]}
            if own_sends_counts
            else {"period": "2026-Q1", "nil_return": True}
        )
        assert c.post("/api/v1/submissions", json=own, headers=h("own")).status_code == 201
        assert (
            c.put("/api/v1/budget/2026", json={"rho": 1.0}, headers=h("admin")).status_code == 200
        )
        release = c.post(
            "/api/v1/releases",
            json={"year": 2026, "quarter": 1, "rho": 0.5},
            headers=h("statistician"),
        )
        assert release.status_code == 201, release.text
        meta = release.json()
        assert c.get(f"/api/v1/releases/{meta['id']}", headers=h("analyst")).json() == meta
        for who in ("statistician", "analyst", "other"):
            for period in ("2026-Q1", "2026-Q2"):
                seen[f"completeness {who} {period}"] = c.get(
                    f"/api/v1/completeness?period={period}", headers=h(who)
                ).json()
        seen["releases"] = c.get("/api/v1/releases", headers=h("analyst")).json()
        seen["certificate"] = c.get(
            f"/api/v1/releases/{meta['id']}/certificate", headers=h("analyst")
        ).json()
        seen["budget"] = c.get("/api/v1/budget/2026", headers=h("statistician")).json()
        seen["audit"] = c.get("/api/v1/audit", headers=h("admin")).json()
        seen["statistician submissions"] = c.get(
            "/api/v1/submissions", headers=h("statistician")
        ).status_code
        seen["own completeness"] = c.get(
            "/api/v1/completeness?period=2026-Q1", headers=h("own")
        ).json()
    seen["metadata"] = meta
    return seen


def test_privacy_counts_or_nil_return_look_the_same_to_everyone_but_the_municipality(
    tmp_path: Path,
) -> None:
    counts = _world(tmp_path, "counts", own_sends_counts=True)
    nil = _world(tmp_path, "nil", own_sends_counts=False)
    own_counts, own_nil = counts.pop("own completeness"), nil.pop("own completeness")
    # Everything others see is the same apart from ids, times and noise ...
    assert _scrub(counts) == _scrub(nil)
    # ... and the comparison is not empty: the release published its coverage.
    q1 = counts["metadata"]["coverage"]["2026-Q1"]
    assert (q1["reported"], q1["not_reported"]) == (2, 340)
    assert OWN not in q1["not_reported_municipalities"]
    assert OTHER not in q1["not_reported_municipalities"]
    # The municipality itself sees its own receipts (versions), in both worlds alike here.
    assert own_counts["own"]["versions"] == own_nil["own"]["versions"] == 1


def test_privacy_the_scrub_keeps_what_would_tell_the_worlds_apart() -> None:
    """The comparison above would fail on the old coverage (counts versus nil returns)."""
    old = {"coverage": {"2026-Q1": {"expected": 342, "submitted": 2, "nil_return": 0}}}
    other = copy.deepcopy(old)
    other["coverage"]["2026-Q1"].update(submitted=1, nil_return=1)
    assert _scrub(old) != _scrub(other)
    assert _scrub({"id": "a", "x": "sub_12ab"}) == _scrub({"id": "b", "x": "sub_99ff"})


def test_budget_the_statistician_cannot_raise_a_spent_year(service: Service) -> None:
    c, stat, admin = service.client, service.headers("statistician"), service.headers("admin")
    assert c.put("/api/v1/budget/2026", json={"rho": 1.0}, headers=admin).status_code == 200
    assert (
        c.post("/api/v1/releases", json={"year": 2026, "rho": 0.4}, headers=stat).status_code == 201
    )
    before = c.get("/api/v1/budget/2026", headers=stat).json()
    # The spender cannot set or raise it, with or without a reason.
    assert c.put("/api/v1/budget/2026", json={"rho": 2.0}, headers=stat).status_code == 403
    raise_body = {"rho": 2.0, "reason": "we would like more precise figures this year"}
    assert c.post("/api/v1/budget/2026/raise", json=raise_body, headers=stat).status_code == 403
    # The admin cannot raise it as a plain change either: a raise after spending needs a reason.
    quiet = c.put("/api/v1/budget/2026", json={"rho": 2.0}, headers=admin)
    assert quiet.status_code == 409 and quiet.json()["error"]["code"] == "raise_needs_reason"
    short = c.post("/api/v1/budget/2026/raise", json={"rho": 2.0, "reason": "more"}, headers=admin)
    assert short.status_code == 422 and short.json()["error"]["code"] == "reason_required"
    assert c.get("/api/v1/budget/2026", headers=stat).json() == before  # nothing changed
    # Lowering down to what was spent is always possible.
    assert c.put("/api/v1/budget/2026", json={"rho": 0.8}, headers=admin).status_code == 200


def test_budget_a_raise_is_audited_and_in_every_later_certificate(service: Service) -> None:
    c, stat, admin = service.client, service.headers("statistician"), service.headers("admin")
    c.put("/api/v1/budget/2026", json={"rho": 1.0}, headers=admin)
    first = c.post("/api/v1/releases", json={"year": 2026, "rho": 0.9}, headers=stat).json()
    reason = "Parliament asked for a second release on the same year"
    raised = c.post("/api/v1/budget/2026/raise", json={"rho": 1.5, "reason": reason}, headers=admin)
    assert raised.status_code == 200, raised.text
    assert [(x["old_rho"], x["new_rho"], x["reason"]) for x in raised.json()["changes"]] == [
        (None, 1.0, ""),
        (1.0, 1.5, reason),
    ]
    second = c.post("/api/v1/releases", json={"year": 2026, "rho": 0.5}, headers=stat).json()
    cert = c.get(f"/api/v1/releases/{second['id']}/certificate", headers=stat).json()
    assert cert["year"]["budget_changes"][-1]["reason"] == reason
    assert [r["id"] for r in cert["year"]["releases"]] == [first["id"], second["id"]]
    assert cert["year"]["cumulative_rho"] == pytest.approx(first["rho"] + second["rho"])
    assert cert["release"]["rho"] == second["rho"]
    # The first certificate was made before the raise and says nothing of it.
    assert len(first["certificate"]["year"]["budget_changes"]) == 1
    audit = c.get("/api/v1/audit", headers=admin).json()["entries"]
    line = next(e for e in audit if e["action"] == "raise_budget")
    assert (
        line["outcome"] == "accepted" and "1 -> 1.5" in line["detail"] and reason in line["detail"]
    )


def test_budget_the_ceiling_holds_over_http(tmp_path: Path) -> None:
    app = create_app(Settings(db_path=tmp_path / "db.duckdb"), clock=lambda: NOW)  # ceiling 1
    tokens, _ = add_tokens(app.state.store)
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    with TestClient(app) as c:
        over = c.put("/api/v1/budget/2026", json={"rho": 1.01}, headers=admin)
        assert over.status_code == 422 and over.json()["error"]["code"] == "above_ceiling"
        assert c.put("/api/v1/budget/2026", json={"rho": 1.0}, headers=admin).status_code == 200
        raise_body = {"rho": 3.0, "reason": "the figures are too noisy to use this year"}
        over = c.post("/api/v1/budget/2026/raise", json=raise_body, headers=admin)
        assert over.status_code == 422 and over.json()["error"]["code"] == "above_ceiling"
        assert c.get("/api/v1/budget/2026", headers=admin).json()["total_rho"] == 1.0


def test_release_a_plan_cannot_publish_a_nearly_exact_table(service: Service) -> None:
    service.client.put("/api/v1/budget/2026", json={"rho": 1.0}, headers=service.headers("admin"))
    plan = [{"name": "one", "dimensions": [], "stage": "ST01_SIGNAAL"}]
    for path in ("/api/v1/releases/preview", "/api/v1/releases"):
        r = service.client.post(
            path,
            json={"year": 2026, "rho": 0.8, "plan": plan},
            headers=service.headers("statistician"),
        )
        assert r.status_code == 422 and r.json()["error"]["code"] == "table_too_precise", path
    assert service.store.list_releases() == [] and not service.store.get_budget(2026).ledger
    ok = service.client.post(
        "/api/v1/releases",
        json={"year": 2026, "rho": 0.5, "plan": plan},
        headers=service.headers("statistician"),
    )
    assert ok.status_code == 201  # at rho 0.5 the noise is one incident's worth: allowed
