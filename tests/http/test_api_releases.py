"""Budgets and releases over the API: the ledger is OpenDP's ρ, never more than the total."""

from __future__ import annotations

import json
import math
import re
import threading
from pathlib import Path

import pandas as pd
import pytest

from aggregator.services.refusals import Refusal
from aggregator.services.releases import ReleaseRequest
from aggregator.store import Store
from schemas.municipalities import load_register
from schemas.tables import DEFAULT_PLAN, VALUE_COLUMNS, table_cells
from tests.http.conftest import NOW, OWN, ROW, Service
from tests.support import make_release

#: Where the release metadata's fields are documented.
ARCHITECTURE = Path(__file__).parents[2] / "docs" / "architecture.md"
DOCUMENTED_FIELDS = re.compile(r"\*\*Release metadata\*\* \(JSON\): `([^`]*)`")


def _submit_some(service: Service) -> None:
    rows = [
        {**ROW, "count": 3},
        {**ROW, "stage": "ST02_INTERN_ONDERZOEK", "count": 2},
        {**ROW, "function_type": "FT08_SOCIAAL", "data_category": "DC05_SOCIAAL_ZORG", "count": 1},
    ]
    for period in ("2025-Q1", "2025-Q3"):
        r = service.client.post(
            "/api/v1/submissions",
            json={"period": period, "rows": rows},
            headers=service.headers("own"),
        )
        assert r.status_code == 201
    service.client.post(
        "/api/v1/submissions",
        json={"period": "2025-Q2", "nil_return": True},
        headers=service.headers("other"),
    )


def _release(service: Service, **body: object) -> object:
    return service.client.post(
        "/api/v1/releases",
        json={"year": 2025, "rho": 0.5, **body},
        headers=service.headers("statistician"),
    )


def test_budget_set_and_show_with_epsilon_from_opendp(service: Service) -> None:
    h = service.headers("statistician")
    empty = service.client.get("/api/v1/budget/2025", headers=h).json()
    assert (empty["total_rho"], empty["spent_rho"], empty["remaining_rho"], empty["ledger"]) == (
        None,
        0.0,
        0.0,
        [],
    )
    r = service.client.put(
        "/api/v1/budget/2025", json={"rho": 1.0}, headers=service.headers("admin")
    )
    assert r.status_code == 200
    view = r.json()
    assert (view["total_rho"], view["remaining_rho"], view["delta"]) == (1.0, 1.0, 1e-9)
    # OpenDP's conversion is at least as tight as the classic rho + 2 sqrt(rho ln(1/delta)) = 10.1
    classic = 1.0 + 2 * math.sqrt(math.log(1e9))
    assert 9.0 < view["total_epsilon"] <= classic
    refused = service.client.put(
        "/api/v1/budget/2025", json={"rho": -1}, headers=service.headers("admin")
    )
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "bad_rho"
    for who in ("analyst", "statistician"):  # the statistician spends; it cannot set
        r = service.client.put("/api/v1/budget/2025", json={"rho": 2}, headers=service.headers(who))
        assert r.status_code == 403, who
    assert service.client.get("/api/v1/budget/2025", headers=h).json()["total_rho"] == 1.0
    assert view["changes"] == [
        {
            "changed_at": "2026-11-29T12:00:00Z",
            "changed_by": service.token_ids["admin"],
            "old_rho": None,
            "new_rho": 1.0,
            "reason": "",
        }
    ]


def test_release_without_a_budget_is_refused_and_spends_nothing(service: Service) -> None:
    r = _release(service)
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_budget"  # type: ignore[attr-defined]
    assert service.store.list_releases() == []


def test_release_metadata_and_ledger(service: Service) -> None:
    _submit_some(service)
    h = service.headers("statistician")
    service.client.put("/api/v1/budget/2025", json={"rho": 1.0}, headers=service.headers("admin"))
    r = _release(service, rho=0.4)
    assert r.status_code == 201, r.text  # type: ignore[attr-defined]
    release = r.json()  # type: ignore[attr-defined]
    assert release["id"] == "2025-r1"
    assert 0.4 - 1e-9 < release["rho"] <= 0.4
    assert release["delta"] == 1e-9 and release["epsilon"] > 0
    assert "OpenDP" in release["mechanism"] and "incident" in release["privacy_unit"]
    assert [t["name"] for t in release["tables"]] == [t.name for t in DEFAULT_PLAN]
    assert abs(sum(t["rho"] for t in release["tables"]) - release["rho"]) < 1e-9
    documented = DOCUMENTED_FIELDS.search(ARCHITECTURE.read_text())  # what the docs promise
    assert documented is not None
    assert sorted(release) == sorted(re.split(r",\s*", documented.group(1)))
    q1 = release["coverage"]["2025-Q1"]
    missing = q1.pop("not_reported_municipalities")
    assert q1 == {"expected": 342, "reported": 1, "not_reported": 341, "ended": True}
    # The codes of the missing municipalities are published, every one but the submitter.
    register = [m.code for m in load_register().valid_in(2025)]
    assert missing == sorted(set(register) - {OWN})
    # A nil return counts as reported, and nothing says which was which.
    assert release["coverage"]["2025-Q2"]["reported"] == 1
    assert "nil" not in json.dumps(release["coverage"])
    assert release["provisional"] is True
    assert release["created_by"] == service.token_ids["statistician"]
    assert release["taxonomy_version"] == "1" and release["package_version"]
    budget = service.client.get("/api/v1/budget/2025", headers=h).json()
    assert budget["ledger"] == [
        {"release_id": "2025-r1", "rho": release["rho"], "created_at": "2026-11-29T12:00:00Z"}
    ]
    assert budget["remaining_rho"] == pytest.approx(1.0 - release["rho"])


def test_release_over_budget_says_what_is_left_and_changes_nothing(service: Service) -> None:
    h = service.headers("statistician")
    service.client.put("/api/v1/budget/2025", json={"rho": 0.5}, headers=service.headers("admin"))
    assert _release(service, rho=0.3).status_code == 201  # type: ignore[attr-defined]
    r = _release(service, rho=0.3)
    assert r.status_code == 409  # type: ignore[attr-defined]
    error = service.client.post(
        "/api/v1/releases", json={"year": 2025, "rho": 0.3}, headers={**h, "Accept-Language": "en"}
    ).json()["error"]
    assert (
        error["code"] == "budget_exceeded"
        and "0.2 left" in error["message"]
        and "nothing was spent" in error["message"]
    )
    assert len(service.store.list_releases()) == 1
    assert len(service.store.get_budget(2025).ledger) == 1
    lower = service.client.put(
        "/api/v1/budget/2025", json={"rho": 0.1}, headers=service.headers("admin")
    )
    assert lower.status_code == 409 and lower.json()["error"]["code"] == "budget_below_spent"


def test_release_tables_are_consistent_non_negative_integers(service: Service) -> None:
    _submit_some(service)
    service.client.put("/api/v1/budget/2025", json={"rho": 5}, headers=service.headers("admin"))
    release = _release(service, rho=1.0).json()  # type: ignore[attr-defined]
    h = service.headers("analyst")
    tables = {}
    for spec in DEFAULT_PLAN:
        payload = service.client.get(
            f"/api/v1/releases/{release['id']}/tables/{spec.name}", headers=h
        ).json()
        frame = pd.DataFrame(payload["rows"])
        assert list(frame.columns) == [*spec.dimensions, *VALUE_COLUMNS]
        assert len(frame) == len(table_cells(spec, year=2025))
        assert (frame["estimate"] >= 0).all() and frame["estimate"].map(
            lambda v: isinstance(v, int)
        ).all()
        assert (
            (frame["ci_low"] <= frame["estimate"]) & (frame["estimate"] <= frame["ci_high"])
        ).all()
        margin = (frame["ci_high"] - frame["ci_low"]).clip(
            lower=2 * 1.959963984540054 * frame["std_error"]
        )
        assert (frame["unreliable"] == (margin > frame["estimate"])).all()
        tables[spec.name] = frame
    totals = tables["totals"].set_index("stage")["estimate"]
    for spec in DEFAULT_PLAN[1:]:  # every stage-fixed table adds up to its stage's total
        assert tables[spec.name]["estimate"].sum() == totals[spec.stage], spec.name


def test_release_table_as_csv_with_labels(service: Service) -> None:
    service.client.put("/api/v1/budget/2025", json={"rho": 1}, headers=service.headers("admin"))
    rid = _release(service).json()["id"]  # type: ignore[attr-defined]
    r = service.client.get(
        f"/api/v1/releases/{rid}/tables/signals_by_motive?format=csv",
        headers=service.headers("analyst", **{"Accept-Language": "en"}),
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.splitlines()
    assert lines[0] == (
        "motive,motive_label,estimate,estimate_unrounded,std_error,ci_low,ci_high,unreliable"
    )
    assert lines[1].startswith("MO01_CRIMINEEL,Leaking to criminals,")
    assert len(lines) == 1 + 4


def test_release_reading_rules(service: Service) -> None:
    service.client.put("/api/v1/budget/2025", json={"rho": 1}, headers=service.headers("admin"))
    rid = _release(service).json()["id"]  # type: ignore[attr-defined]
    c = service.client
    assert (
        c.get("/api/v1/releases", headers=service.headers("analyst")).json()["releases"][0]["id"]
        == rid
    )
    assert c.get(f"/api/v1/releases/{rid}", headers=service.headers("analyst")).json()["id"] == rid
    # A provisional release is for analysts and statisticians: to a municipality it does not
    # exist (a final one would be public).
    assert c.get(f"/api/v1/releases/{rid}", headers=service.headers("own")).status_code == 404
    unknown = c.get(
        f"/api/v1/releases/{rid}/tables/nope",
        headers=service.headers("analyst", **{"Accept-Language": "en"}),
    )
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "no_such_table"
    # The release exists: the refusal says so and lists its tables.
    assert (
        f"release {rid} has no table 'nope'; its tables: totals,"
        in unknown.json()["error"]["message"]
    )
    assert "signals_by_motive" in unknown.json()["error"]["details"][0]["tables"]
    assert c.get("/api/v1/releases/2030-r9", headers=service.headers("analyst")).status_code == 404
    assert _release(service, rho=0.1, year=2025).status_code == 201  # type: ignore[attr-defined]
    assert (
        c.post(
            "/api/v1/releases", json={"year": 2025, "rho": 0.1}, headers=service.headers("analyst")
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"plan": [{"name": "all", "dimensions": ["motive"]}]}, "invalid_plan"),
        ({"plan": []}, "invalid_plan"),
        ({"year": 2027}, "bad_year"),
        # The current quarter has nothing to count yet: refused unless forced.
        ({"year": 2026, "quarter": 4}, "coverage_below_threshold"),
        ({"year": 2026, "quarter": 4, "force": True}, None),
    ],
)
def test_release_requests_are_checked_before_anything_is_spent(
    service: Service, body: dict[str, object], code: str | None
) -> None:
    h = service.headers("statistician")
    for year in (2025, 2026, 2027):
        service.client.put(
            f"/api/v1/budget/{year}", json={"rho": 1}, headers=service.headers("admin")
        )
    r = service.client.post("/api/v1/releases", json={"year": 2025, "rho": 0.2, **body}, headers=h)
    if code is None:
        assert r.status_code == 201 and r.json()["id"] == "2026-Q4-r1"
        assert r.json()["coverage_check"]["forced"] is True and r.json()["provisional"]
    else:
        assert r.status_code in (409, 422) and r.json()["error"]["code"] == code
        assert service.store.list_releases() == []
        assert not service.store.get_budget(2026).ledger


def test_release_custom_plan_with_a_table_fixed_to_one_stage(service: Service) -> None:
    _submit_some(service)
    service.client.put("/api/v1/budget/2025", json={"rho": 1}, headers=service.headers("admin"))
    plan = [
        {"name": "totals", "dimensions": ["stage"]},
        {"name": "signals_by_group", "dimensions": ["function_group"], "stage": "ST01_SIGNAAL"},
    ]
    release = _release(service, plan=plan).json()  # type: ignore[attr-defined]
    meta = {t["name"]: t for t in release["tables"]}
    assert meta["signals_by_group"]["sensitivity_l2"] == 1.0
    assert meta["totals"]["sensitivity_l2"] == pytest.approx(8**0.5)
    rows = service.client.get(
        f"/api/v1/releases/{release['id']}/tables/signals_by_group",
        headers=service.headers("analyst"),
    ).json()["rows"]
    assert len(rows) == 7


def test_release_concurrent_requests_never_overspend(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.duckdb")
    store.set_budget(2025, 0.3, NOW, "t")
    outcomes: list[str] = []
    barrier = threading.Barrier(20)

    def worker() -> None:
        barrier.wait()
        try:
            make_release(store, ReleaseRequest(2025, 0.1), NOW)
            outcomes.append("ok")
        except Refusal as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["budget_exceeded"] * 17 + ["ok"] * 3
    budget = store.get_budget(2025)
    assert len(budget.ledger) == 3 and budget.spent_rho <= 0.3
    assert len(store.list_releases()) == 3
    assert store._rows("SELECT count(DISTINCT release_id) FROM release_tables")[0][0] == 3
    store.close()


def test_release_the_store_itself_never_lets_the_ledger_pass_the_total(tmp_path: Path) -> None:
    # Without the release lock: the check inside the writing transaction is what holds.
    from aggregator.store import BudgetError

    store = Store(tmp_path / "db.duckdb")
    store.set_budget(2025, 0.3, NOW, "t")
    outcomes: list[str] = []
    barrier = threading.Barrier(12)

    def worker() -> None:
        barrier.wait()
        try:
            store.add_release(
                year=2025,
                quarter=None,
                rho=0.1,
                created_at=NOW,
                created_by="t",
                metadata={},
                tables={},
            )
            outcomes.append("ok")
        except BudgetError:
            outcomes.append("refused")

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes).count("ok") == 2  # 0.1 + 0.1 + 0.1 > 0.3 in floating point
    assert store.get_budget(2025).spent_rho <= 0.3
    # a total lowered after a caller checked it: the write is still refused
    store.set_budget(2025, 0.25, NOW, "t")
    with pytest.raises(BudgetError):
        store.add_release(
            year=2025,
            quarter=None,
            rho=0.05 + 1e-9,
            created_at=NOW,
            created_by="t",
            metadata={},
            tables={},
        )
    assert len(store.get_budget(2025).ledger) == 2
    store.close()


def test_release_refused_for_budget_reads_no_counts_and_draws_no_noise(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aggregator.dp.engine as engine

    calls: list[str] = []
    for name in ("exact_tables", "compute_release"):
        real = getattr(engine, name)

        def spy(*a: object, _real: object = real, _name: str = name, **k: object) -> object:
            calls.append(_name)
            return _real(*a, **k)  # type: ignore[operator]

        monkeypatch.setattr(engine, name, spy)
    real_rows = service.store.latest_rows

    def rows_spy(*a: object, **k: object) -> object:
        calls.append("latest_rows")
        return real_rows(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(service.store, "latest_rows", rows_spy)
    _submit_some(service)
    assert _release(service).status_code == 409  # type: ignore[attr-defined]  # no budget
    service.client.put("/api/v1/budget/2025", json={"rho": 0.2}, headers=service.headers("admin"))
    assert _release(service, rho=0.3).status_code == 409  # type: ignore[attr-defined]
    assert calls == []
    assert service.store.list_releases() == [] and not service.store.get_budget(2025).ledger
    assert _release(service, rho=0.2).status_code == 201  # type: ignore[attr-defined]
    assert calls == ["latest_rows", "exact_tables", "compute_release"]  # the spies see a release


def test_budget_release_and_token_bodies_are_strict_and_closed(service: Service) -> None:
    """`true` is not a number and a misspelt field is an error (schemathesis found `rho: true`
    accepted as 1.0); a whole number is still a number."""
    stat, admin = service.headers("statistician"), service.headers("admin")
    c = service.client
    for body in ({"rho": True}, {"rho": "1"}, {"rho": 1, "rh0": 2}):
        r = c.put("/api/v1/budget/2025", json=body, headers=admin)
        assert r.status_code == 422, (body, r.text)
    assert service.store.get_budget(2025).total_rho is None
    assert c.put("/api/v1/budget/2025", json={"rho": 1}, headers=admin).status_code == 200
    for body in (
        {"year": 2025, "rho": 0.5, "quarter": True},
        {"year": 2025, "rho": True},
        {"year": 2025, "rho": 0.5, "plan_file": "x"},
    ):
        r = c.post("/api/v1/releases", json=body, headers=stat)
        assert r.status_code == 422, (body, r.text)
    assert service.store.list_releases() == []
    r = c.post("/api/v1/tokens", json={"role": "analyst", "roles": "admin"}, headers=admin)
    assert r.status_code == 422
