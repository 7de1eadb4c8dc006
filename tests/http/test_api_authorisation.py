"""The authorisation matrix: every endpoint × role × own/other municipality → status."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from aggregator.services.auth import new_token
from aggregator.services.releases import ReleaseRequest
from tests.http.conftest import NOW, OWN, ROW, Service, body
from tests.support import make_release

WHO = ("none", "own", "other", "analyst", "statistician", "admin", "revoked", "malformed")
CSV_OWN = f"municipality,{','.join(ROW)}\n{OWN},{','.join(map(str, ROW.values()))}\n"


def _call(service: Service, who: str, method: str, path: str, **kw: object) -> int:
    headers = dict(kw.pop("headers", {}))  # type: ignore[call-overload]
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
    """A service with a submission of 'own', a budget, a release, a spare and a revoked token."""
    own = service.client.post(
        "/api/v1/submissions", json=body(), headers=service.headers("own")
    ).json()
    service.tokens["own_submission"] = own["id"]
    service.store.set_budget(2026, 10.0, NOW, service.token_ids["statistician"])
    release = make_release(service.store, ReleaseRequest(2026, 0.5), NOW)
    service.tokens["release"] = release["id"]
    _, spare = new_token("analyst", None, "spare", NOW)
    service.store.add_token(spare)
    service.tokens["spare_id"] = spare.id
    token, record = new_token("statistician", None, "revoked", NOW)
    service.store.add_token(record)
    service.store.revoke_token(record.id, NOW)
    service.tokens["revoked"] = token
    return service


def _expect(
    *, own: int, other: int | None = None, analyst: int, statistician: int, admin: int
) -> dict[str, int]:
    """Expected statuses: no, revoked and malformed tokens always get 401."""
    return {
        "none": 401,
        "own": own,
        "other": own if other is None else other,
        "analyst": analyst,
        "statistician": statistician,
        "admin": admin,
        "revoked": 401,
        "malformed": 401,
    }


PUBLIC = dict.fromkeys(WHO, 200)
#: Readable without a token; a token that is sent must be valid.
OPEN = {**dict.fromkeys(WHO, 200), "revoked": 401, "malformed": 401}
#: A provisional release: analysts and statisticians only; to anyone else it does not exist.
PROVISIONAL = {**OPEN, "none": 404, "own": 404, "other": 404, "admin": 404}
EVERY_ROLE = _expect(own=200, analyst=200, statistician=200, admin=200)
STATISTICIAN = _expect(own=403, analyst=403, statistician=200, admin=403)
READER = _expect(own=403, analyst=200, statistician=200, admin=403)
ADMIN = _expect(own=403, analyst=403, statistician=403, admin=200)

# endpoint -> (method, path builder, kwargs, expected status per caller). "own" is the token of
# the municipality whose data the request names, "other" that of another municipality.
MATRIX: dict[str, tuple[str, Callable[[Service], str], dict[str, object], dict[str, int]]] = {
    "healthz": ("GET", lambda s: "/healthz", {}, PUBLIC),
    "taxonomy": ("GET", lambda s: "/api/v1/taxonomy", {}, PUBLIC),
    "municipalities": ("GET", lambda s: "/api/v1/municipalities", {}, PUBLIC),
    "me": ("GET", lambda s: "/api/v1/me", {}, EVERY_ROLE),
    "submit for own municipality": (
        "POST",
        lambda s: "/api/v1/submissions?dry_run=true",
        {"json": body(municipality=OWN)},
        _expect(own=200, other=403, analyst=403, statistician=403, admin=403),
    ),
    "submit csv for own municipality": (
        "POST",
        lambda s: "/api/v1/submissions?period=2026-Q3&dry_run=true",
        {"content": CSV_OWN, "headers": {"Content-Type": "text/csv"}},
        # In a file the municipality column is data: another's code is a row error (422).
        _expect(own=200, other=422, analyst=403, statistician=403, admin=403),
    ),
    # Versions (their number and times) are the municipality's alone.
    "list submissions": (
        "GET",
        lambda s: "/api/v1/submissions",
        {},
        _expect(own=200, analyst=403, statistician=403, admin=403),
    ),
    "get own submission": (
        "GET",
        lambda s: f"/api/v1/submissions/{s.tokens['own_submission']}",
        {},
        _expect(own=200, other=404, analyst=403, statistician=403, admin=403),
    ),
    # Every role but the admin sees completeness, each as much as it may (its own view).
    "completeness": (
        "GET",
        lambda s: "/api/v1/completeness?period=2026-Q3",
        {},
        _expect(own=200, analyst=200, statistician=200, admin=403),
    ),
    "lock": (
        "POST",
        lambda s: "/api/v1/periods/2026-Q1/lock",
        {},
        _expect(own=403, analyst=403, statistician=201, admin=403),
    ),
    "locks": ("GET", lambda s: "/api/v1/periods/locks", {}, READER),
    "calendar": ("GET", lambda s: "/api/v1/periods", {}, EVERY_ROLE),
    # The role that spends a budget (statistician) may read it, not set or raise it.
    "get budget": (
        "GET",
        lambda s: "/api/v1/budget/2026",
        {},
        _expect(own=403, analyst=403, statistician=200, admin=200),
    ),
    "set budget": ("PUT", lambda s: "/api/v1/budget/2026", {"json": {"rho": 5.0}}, ADMIN),
    "raise budget": (
        "POST",
        lambda s: "/api/v1/budget/2026/raise",
        {"json": {"rho": 20.0, "reason": "the minister asked for quarterly figures"}},
        ADMIN,
    ),
    "preview release": (
        "POST",
        lambda s: "/api/v1/releases/preview",
        {"json": {"year": 2026, "rho": 0.5}},
        STATISTICIAN,
    ),
    "create release": (
        "POST",
        lambda s: "/api/v1/releases",
        {"json": {"year": 2026, "rho": 0.5}},
        _expect(own=403, analyst=403, statistician=201, admin=403),
    ),
    # The fixture's release is provisional (2026 has not ended): final ones are public.
    "list releases": ("GET", lambda s: "/api/v1/releases", {}, OPEN),
    "get release": ("GET", lambda s: f"/api/v1/releases/{s.tokens['release']}", {}, PROVISIONAL),
    "get certificate": (
        "GET",
        lambda s: f"/api/v1/releases/{s.tokens['release']}/certificate",
        {},
        PROVISIONAL,
    ),
    "get release table": (
        "GET",
        lambda s: f"/api/v1/releases/{s.tokens['release']}/tables/totals?format=csv",
        {},
        PROVISIONAL,
    ),
    "download figures": (
        "GET",
        lambda s: f"/api/v1/figures/{s.tokens['release']}/totals.csv",
        {},
        PROVISIONAL,
    ),
    "sdmx structure": (
        "GET",
        lambda s: f"/api/v1/sdmx/{s.tokens['release']}/structure",
        {},
        PROVISIONAL,
    ),
    "sdmx data": (
        "GET",
        lambda s: f"/api/v1/sdmx/{s.tokens['release']}/data/totals",
        {},
        PROVISIONAL,
    ),
    # The only yearly release is provisional: to the public there is no such figure yet.
    "series": ("GET", lambda s: "/api/v1/series/totals?stage=ST01_SIGNAAL", {}, PROVISIONAL),
    "list tokens": ("GET", lambda s: "/api/v1/tokens", {}, ADMIN),
    # A municipality sees the tokens made for it and who read its data; nobody else these.
    "own tokens": (
        "GET",
        lambda s: "/api/v1/me/tokens",
        {},
        _expect(own=200, analyst=403, statistician=403, admin=403),
    ),
    "own audit": (
        "GET",
        lambda s: "/api/v1/me/audit",
        {},
        _expect(own=200, analyst=403, statistician=403, admin=403),
    ),
    "create token": (
        "POST",
        lambda s: "/api/v1/tokens",
        {"json": {"role": "analyst"}},
        _expect(own=403, analyst=403, statistician=403, admin=201),
    ),
    # A municipality's token reads its rows: nobody issues one over the API, not the admin.
    "create municipality token": (
        "POST",
        lambda s: "/api/v1/tokens",
        {"json": {"role": "municipality"}},
        _expect(own=403, analyst=403, statistician=403, admin=403),
    ),
    "revoke token": ("DELETE", lambda s: f"/api/v1/tokens/{s.tokens['spare_id']}", {}, ADMIN),
    "audit": ("GET", lambda s: "/api/v1/audit", {}, ADMIN),
}


def test_authorisation_matrix_names_every_route_of_the_api(matrix_service: Service) -> None:
    document = matrix_service.client.get("/openapi.json").json()
    routes = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    covered = {
        (method, path(matrix_service).split("?")[0]) for method, path, _, _ in MATRIX.values()
    }
    placeholders = {
        matrix_service.tokens["own_submission"]: "{submission_id}",
        matrix_service.tokens["release"]: "{release_id}",
        matrix_service.tokens["spare_id"]: "{token_id}",
        "2026-Q1": "{period}",
        "2026": "{year}",
        "totals": "{table}",
        "totals.csv": "{file}",
    }

    def template(path: str) -> str:
        for value, name in placeholders.items():
            path = re.sub(rf"/{re.escape(value)}(?=/|$)", "/" + name, path)
        return path

    assert {(m, template(p)) for m, p in covered} == routes


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_authorisation_matrix(matrix_service: Service, endpoint: str) -> None:
    method, path, kwargs, expected = MATRIX[endpoint]
    # A change that succeeds may happen once (a lock, a revocation): its caller goes last.
    order = sorted(WHO, key=lambda who: method != "GET" and expected[who] < 300)
    got = {who: _call(matrix_service, who, method, path(matrix_service), **kwargs) for who in order}
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


def test_authorisation_admin_cannot_issue_a_municipality_token(service: Service) -> None:
    """An admin with a municipality's token could read its rows: the API refuses every way of
    asking for one, and stores nothing."""
    before = len(service.store.list_tokens())
    for request in (
        {"role": "municipality"},
        {"role": "municipality", "municipality": "GM0518"},
        {"role": "analyst", "municipality": "GM0518"},
    ):
        r = service.client.post("/api/v1/tokens", json=request, headers=service.headers("admin"))
        assert r.status_code in (403, 422), (request, r.status_code)
        assert "token" not in r.json()
    assert len(service.store.list_tokens()) == before


def test_authorisation_operator_issues_a_municipality_token_shown_once(service: Service) -> None:
    from aggregator.services import tokens
    from aggregator.services.auth import OPERATOR

    context = service.client.app.state.context  # type: ignore[attr-defined]
    token, record = tokens.issue(context, OPERATOR, "municipality", "gm0518", "GM0518 integrity")
    me = service.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert (me["role"], me["municipality"], me["municipality_name"]) == (
        "municipality",
        "GM0518",
        "'s-Gravenhage",
    )
    assert me["expires_at"] == "2027-11-29T12:00:00Z"  # the default: a year after NOW
    own = service.client.get(
        "/api/v1/me/tokens", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert [t["id"] for t in own["tokens"]] == [record.id]
    assert own["tokens"][0]["expires_at"] == me["expires_at"]
