"""The authorisation matrix: every endpoint × role × own/other municipality → status."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.service.conftest import Service, body

WHO = ("none", "own", "other", "analyst", "statistician", "admin", "revoked", "malformed")


def _call(service: Service, who: str, method: str, path: str, **kw: object) -> int:
    headers: dict[str, str] = {}
    if who == "revoked":
        headers["Authorization"] = f"Bearer {service.tokens['revoked']}"
    elif who == "malformed":
        headers["Authorization"] = "Bearer lks_not-a-token"
    elif who != "none":
        headers["Authorization"] = f"Bearer {service.tokens[who]}"
    response = service.client.request(method, path, headers=headers, **kw)  # type: ignore[arg-type]
    return response.status_code


@pytest.fixture
def matrix_service(service: Service) -> Service:
    """A service with one submission of 'own' and a revoked token."""
    own = service.client.post(
        "/api/v1/submissions", json=body(), headers=service.headers("own")
    ).json()
    service.tokens["own_submission"] = own["id"]
    from aggregator.auth import new_token
    from tests.service.conftest import NOW

    token, record = new_token("statistician", None, "revoked", NOW)
    service.store.add_token(record)
    service.store.revoke_token(record.id, NOW)
    service.tokens["revoked"] = token
    return service


# endpoint -> (method, path builder, kwargs, expected status per caller)
MATRIX: dict[str, tuple[str, Callable[[Service], str], dict[str, object], dict[str, int]]] = {
    "healthz": ("GET", lambda s: "/healthz", {}, dict.fromkeys(WHO, 200)),
    "taxonomy": ("GET", lambda s: "/api/v1/taxonomy", {}, dict.fromkeys(WHO, 200)),
    "municipalities": ("GET", lambda s: "/api/v1/municipalities", {}, dict.fromkeys(WHO, 200)),
    "me": (
        "GET",
        lambda s: "/api/v1/me",
        {},
        {
            "none": 401,
            "own": 200,
            "other": 200,
            "analyst": 200,
            "statistician": 200,
            "admin": 200,
            "revoked": 401,
            "malformed": 401,
        },
    ),
    "submit": (
        "POST",
        lambda s: "/api/v1/submissions?dry_run=true",
        {"json": body()},
        {
            "none": 401,
            "own": 200,
            "other": 200,
            "analyst": 403,
            "statistician": 403,
            "admin": 403,
            "revoked": 401,
            "malformed": 401,
        },
    ),
    "list submissions": (
        "GET",
        lambda s: "/api/v1/submissions",
        {},
        {
            "none": 401,
            "own": 200,
            "other": 200,
            "analyst": 403,
            "statistician": 200,
            "admin": 403,
            "revoked": 401,
            "malformed": 401,
        },
    ),
    "get own submission": (
        "GET",
        lambda s: f"/api/v1/submissions/{s.tokens['own_submission']}",
        {},
        {
            "none": 401,
            "own": 200,
            "other": 404,
            "analyst": 403,
            "statistician": 200,
            "admin": 403,
            "revoked": 401,
            "malformed": 401,
        },
    ),
    "completeness": (
        "GET",
        lambda s: "/api/v1/completeness?period=2026-Q3",
        {},
        {
            "none": 401,
            "own": 403,
            "other": 403,
            "analyst": 200,
            "statistician": 200,
            "admin": 403,
            "revoked": 401,
            "malformed": 401,
        },
    ),
    "lock": (
        "POST",
        lambda s: "/api/v1/periods/2026-Q1/lock",
        {},
        {
            "none": 401,
            "own": 403,
            "other": 403,
            "analyst": 403,
            "statistician": 201,
            "admin": 403,
            "revoked": 401,
            "malformed": 401,
        },
    ),
    "locks": (
        "GET",
        lambda s: "/api/v1/periods/locks",
        {},
        {
            "none": 401,
            "own": 403,
            "other": 403,
            "analyst": 200,
            "statistician": 200,
            "admin": 403,
            "revoked": 401,
            "malformed": 401,
        },
    ),
    "list tokens": (
        "GET",
        lambda s: "/api/v1/tokens",
        {},
        {
            "none": 401,
            "own": 403,
            "other": 403,
            "analyst": 403,
            "statistician": 403,
            "admin": 200,
            "revoked": 401,
            "malformed": 401,
        },
    ),
    "create token": (
        "POST",
        lambda s: "/api/v1/tokens",
        {"json": {"role": "analyst"}},
        {
            "none": 401,
            "own": 403,
            "other": 403,
            "analyst": 403,
            "statistician": 403,
            "admin": 201,
            "revoked": 401,
            "malformed": 401,
        },
    ),
    "audit": (
        "GET",
        lambda s: "/api/v1/audit",
        {},
        {
            "none": 401,
            "own": 403,
            "other": 403,
            "analyst": 403,
            "statistician": 403,
            "admin": 200,
            "revoked": 401,
            "malformed": 401,
        },
    ),
}


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_authorisation_matrix(matrix_service: Service, endpoint: str) -> None:
    method, path, kwargs, expected = MATRIX[endpoint]
    got = {}
    for who in WHO:
        if endpoint == "lock" and who == "statistician":
            continue  # checked last: a lock is a one-time change
        got[who] = _call(matrix_service, who, method, path(matrix_service), **kwargs)
    if endpoint == "lock":
        got["statistician"] = _call(matrix_service, "statistician", method, path(matrix_service))
    assert got == expected


def test_authorisation_revoking_a_token_over_the_api_stops_it_at_once(service: Service) -> None:
    h = service.headers("own")
    assert service.client.get("/api/v1/me", headers=h).status_code == 200
    r = service.client.delete(
        f"/api/v1/tokens/{service.token_ids['own']}", headers=service.headers("admin")
    )
    assert r.status_code == 200 and r.json()["revoked_at"] is not None
    assert service.client.get("/api/v1/me", headers=h).status_code == 401
    again = service.client.delete(
        f"/api/v1/tokens/{service.token_ids['own']}", headers=service.headers("admin")
    )
    assert again.status_code == 404


def test_authorisation_a_token_with_a_wrong_secret_is_refused(service: Service) -> None:
    token = service.tokens["own"]
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    r = service.client.get("/api/v1/me", headers={"Authorization": f"Bearer {wrong}"})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"


def test_authorisation_tokens_are_stored_hashed_and_never_listed(service: Service) -> None:
    listed = service.client.get("/api/v1/tokens", headers=service.headers("admin")).text
    for token in service.tokens.values():
        secret = token.split("_", 2)[2]
        assert secret not in listed
        assert all(secret not in (t.hash, t.label) for t in service.store.list_tokens())


def test_authorisation_admin_creates_a_municipality_token_shown_once(service: Service) -> None:
    r = service.client.post(
        "/api/v1/tokens",
        json={"role": "municipality", "municipality": "gm0518"},
        headers=service.headers("admin"),
    )
    assert r.status_code == 201
    token = r.json()["token"]
    me = service.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert (me["role"], me["municipality"], me["municipality_name"]) == (
        "municipality",
        "GM0518",
        "'s-Gravenhage",
    )
    bad = service.client.post(
        "/api/v1/tokens", json={"role": "municipality"}, headers=service.headers("admin")
    )
    assert bad.status_code == 422
    unknown = service.client.post(
        "/api/v1/tokens",
        json={"role": "municipality", "municipality": "GM9999"},
        headers=service.headers("admin"),
    )
    assert unknown.status_code == 422
