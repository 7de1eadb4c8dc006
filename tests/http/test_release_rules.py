"""Honest releases: the coverage threshold, what is provisional, and who may read what."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aggregator.config import Settings
from aggregator.http.app import create_app
from tests.http.conftest import NOW, ROW, add_tokens


class World:
    """A service with a token per role and a budget for 2025 and 2026."""

    def __init__(self, client: TestClient, tokens: dict[str, str]) -> None:
        self.client, self.tokens = client, tokens

    def h(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def submit(self, who: str, period: str) -> None:
        r = self.client.post(
            "/api/v1/submissions", json={"period": period, "rows": [ROW]}, headers=self.h(who)
        )
        assert r.status_code == 201, r.text

    def release(self, **body: object) -> object:
        return self.client.post(
            "/api/v1/releases", json={"rho": 0.2, **body}, headers=self.h("statistician")
        )


def _world(tmp_path: Path, **settings: object) -> Iterator[World]:
    app = create_app(Settings(db_path=tmp_path / "db.duckdb", **settings), clock=lambda: NOW)  # type: ignore[arg-type]
    tokens, _ = add_tokens(app.state.store)
    with TestClient(app) as client:
        world = World(client, tokens)
        for year in (2025, 2026):
            assert (
                client.put(
                    f"/api/v1/budget/{year}", json={"rho": 1.0}, headers=world.h("admin")
                ).status_code
                == 200
            )
        yield world


@pytest.fixture
def strict(tmp_path: Path) -> Iterator[World]:
    """The production threshold: 90% of the municipalities in every quarter that ended."""
    yield from _world(tmp_path, min_coverage=0.9)


def test_release_refused_when_too_few_municipalities_reported(strict: World) -> None:
    strict.submit("own", "2025-Q1")
    strict.submit("other", "2025-Q1")
    r = strict.release(year=2025, quarter=1)
    assert r.status_code == 409  # type: ignore[attr-defined]
    error = r.json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == "coverage_below_threshold" and "90%" in error["message"]
    assert error["details"] == [{"period": "2025-Q1", "reported": 2, "expected": 342}]
    # Nothing was spent.
    budget = strict.client.get("/api/v1/budget/2025", headers=strict.h("statistician")).json()
    assert budget["ledger"] == []
    # Forced, it is made and says so.
    forced = strict.release(year=2025, quarter=1, force=True)
    assert forced.status_code == 201  # type: ignore[attr-defined]
    check = forced.json()["coverage_check"]  # type: ignore[attr-defined]
    assert check == {"threshold": 0.9, "below": ["2025-Q1"], "forced": True}


def test_release_at_the_threshold_needs_no_force(tmp_path: Path) -> None:
    # Two of 342 municipalities is 0.58%: above a threshold of 0.5%, so it is not forced.
    for world in _world(tmp_path, min_coverage=0.005):
        world.submit("own", "2025-Q1")
        world.submit("other", "2025-Q1")
        r = world.release(year=2025, quarter=1)
        assert r.status_code == 201, r.text  # type: ignore[attr-defined]
        check = r.json()["coverage_check"]  # type: ignore[attr-defined]
        assert check == {"threshold": 0.005, "below": [], "forced": False}


def test_release_provisional_until_every_quarter_has_ended_and_is_locked(tmp_path: Path) -> None:
    for world in _world(tmp_path, min_coverage=0.0):
        c, stat = world.client, world.h("statistician")
        world.submit("own", "2025-Q2")
        assert world.release(year=2025).json()["provisional"] is True  # type: ignore[attr-defined]
        for q in (1, 2, 3, 4):
            assert c.post(f"/api/v1/periods/2025-Q{q}/lock", headers=stat).status_code == 201
        final = world.release(year=2025).json()  # type: ignore[attr-defined]
        assert final["provisional"] is False
        # 2026 has not ended: its yearly release is provisional even with three quarters locked.
        for q in (1, 2, 3):
            assert c.post(f"/api/v1/periods/2026-Q{q}/lock", headers=stat).status_code == 201
        running = world.release(year=2026).json()  # type: ignore[attr-defined]
        assert running["provisional"] is True
        q4 = running["coverage"]["2026-Q4"]
        assert q4["ended"] is False and q4["not_reported_municipalities"] is None


@pytest.mark.parametrize(
    ("rule", "public_sees"),
    [("final", {"final"}), ("all", {"final", "provisional"}), ("none", set())],
)
def test_release_who_may_read_it_follows_the_setting(
    tmp_path: Path, rule: str, public_sees: set[str]
) -> None:
    for world in _world(tmp_path, min_coverage=0.0, public_releases=rule):
        c, stat = world.client, world.h("statistician")
        for q in (1, 2, 3, 4):
            c.post(f"/api/v1/periods/2025-Q{q}/lock", headers=stat)
        ids = {
            "final": world.release(year=2025).json()["id"],  # type: ignore[attr-defined]
            "provisional": world.release(year=2026).json()["id"],  # type: ignore[attr-defined]
        }
        for who in (None, "own", "admin", "analyst", "statistician"):
            headers = world.h(who) if who else {}
            listed = {
                r["id"] for r in c.get("/api/v1/releases", headers=headers).json()["releases"]
            }
            expected = set(ids) if who in ("analyst", "statistician") else public_sees
            assert listed == {ids[k] for k in expected}, (rule, who)
            for kind, rid in ids.items():
                for path in (f"/api/v1/releases/{rid}", f"/api/v1/releases/{rid}/certificate",
                             f"/api/v1/releases/{rid}/tables/totals"):  # fmt: skip
                    status = c.get(path, headers=headers).status_code
                    assert status == (200 if kind in expected else 404), (rule, who, path)
        bad = c.get("/api/v1/releases", headers={"Authorization": "Bearer lks_nope"})
        assert bad.status_code == 401  # a token that is sent must be valid
