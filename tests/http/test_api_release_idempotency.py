"""A release is made once per idempotency key: a retried or doubled request spends nothing more.

Over HTTP the key is the ``Idempotency-Key`` header of ``POST /api/v1/releases`` (the portal's
confirmation page carries one in its form); the service keeps it in the release's metadata,
under the release lock, and never publishes it.
"""

from __future__ import annotations

import threading
from pathlib import Path

from aggregator.services.refusals import Refusal
from aggregator.services.releases import ReleaseRequest
from aggregator.store import Store
from tests.http.conftest import NOW, ROW, Service
from tests.support import make_release


def _ready(service: Service, rho: float = 1.0) -> None:
    """One submission of 2025 and the year's budget, set by the admin."""
    r = service.client.post(
        "/api/v1/submissions",
        json={"period": "2025-Q1", "rows": [{**ROW, "count": 3}]},
        headers=service.headers("own"),
    )
    assert r.status_code == 201, r.text
    r = service.client.put(
        "/api/v1/budget/2025", json={"rho": rho}, headers=service.headers("admin")
    )
    assert r.status_code == 200, r.text


def _post(service: Service, key: str | None, **body: object) -> object:
    headers = service.headers("statistician")
    if key is not None:
        headers = {**headers, "Idempotency-Key": key}
    return service.client.post(
        "/api/v1/releases", json={"year": 2025, "rho": 0.3, **body}, headers=headers
    )


def test_release_idempotency_key_replayed_returns_the_same_release_and_spends_once(
    service: Service,
) -> None:
    _ready(service)
    first = _post(service, "confirm-7f3a")
    assert first.status_code == 201, first.text  # type: ignore[attr-defined]
    assert "Idempotent-Replayed" not in first.headers  # type: ignore[attr-defined]
    again = _post(service, "confirm-7f3a")
    assert again.status_code == 200, again.text  # type: ignore[attr-defined]
    assert again.headers["Idempotent-Replayed"] == "true"  # type: ignore[attr-defined]
    assert again.json() == first.json()  # type: ignore[attr-defined]
    budget = service.store.get_budget(2025)
    assert [e.release_id for e in budget.ledger] == ["2025-r1"]
    assert abs(budget.spent_rho - 0.3) < 1e-9
    # Stored with the release, never published: not over the API, not in the listing.
    assert service.store.get_release("2025-r1")["idempotency_key"] == "confirm-7f3a"  # type: ignore[index]
    assert "idempotency_key" not in first.json()  # type: ignore[attr-defined]
    listed = service.client.get("/api/v1/releases", headers=service.headers("analyst")).json()
    assert ["idempotency_key" in r for r in listed["releases"]] == [False]


def test_release_idempotency_key_replay_is_answered_even_when_the_budget_is_spent(
    service: Service,
) -> None:
    _ready(service, rho=0.3)
    assert _post(service, "k1").status_code == 201  # type: ignore[attr-defined]
    # The budget is used up: a new request is refused, the retry of the made one is answered.
    refused = _post(service, "k2")
    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert refused.json()["error"]["code"] == "budget_exceeded"  # type: ignore[attr-defined]
    replay = _post(service, "k1")
    assert replay.status_code == 200  # type: ignore[attr-defined]
    assert replay.json()["id"] == "2025-r1"  # type: ignore[attr-defined]


def test_release_without_a_key_or_with_a_new_key_makes_a_new_release(service: Service) -> None:
    _ready(service)
    made = [_post(service, key, rho=0.2).json()["id"] for key in (None, None, "a", "b")]  # type: ignore[attr-defined]
    assert made == ["2025-r1", "2025-r2", "2025-r3", "2025-r4"]
    assert len(service.store.get_budget(2025).ledger) == 4


def test_release_idempotency_key_reused_for_another_request_is_refused(
    service: Service,
) -> None:
    _ready(service)
    assert _post(service, "same").status_code == 201  # type: ignore[attr-defined]
    for other in ({"rho": 0.2}, {"quarter": 1}):
        r = _post(service, "same", **other)
        assert r.status_code == 409, other  # type: ignore[attr-defined]
        error = r.json()["error"]  # type: ignore[attr-defined]
        assert error["code"] == "idempotency_conflict"
        assert "2025-r1" in error["message"]
    assert len(service.store.get_budget(2025).ledger) == 1


def test_release_idempotency_key_too_long_is_refused_before_anything(service: Service) -> None:
    _ready(service)
    r = _post(service, "k" * 201)
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert service.store.list_releases() == []


def test_release_same_key_from_twenty_threads_spends_once(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.duckdb")
    store.set_budget(2025, 1.0, NOW, "t")
    made: list[str] = []
    barrier = threading.Barrier(20)

    def worker() -> None:
        barrier.wait()
        try:
            release = make_release(store, ReleaseRequest(2025, 0.1, idempotency_key="twice"), NOW)
            made.append(release["id"])
        except Refusal as exc:  # the assertion below says which
            made.append(exc.code)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert made == ["2025-r1"] * 20
    assert len(store.get_budget(2025).ledger) == 1
    assert len(store.list_releases()) == 1
    store.close()
