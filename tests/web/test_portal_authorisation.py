"""The portal's authorisation matrix: every page route × who is asking → outcome.

The same roles and the same table (``services/access.py``) as the API: a municipality sees and
changes only its own quarters, other roles get "no access" on its pages, and without a session
every portal page sends to sign-in. A test fails when a portal route is missing here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute

from aggregator.services import sessions
from aggregator.web.errors import PageRoute
from tests.support import publish_years
from tests.web.conftest import GOOD_CSV, NOW, OWN, Portal, check_and_submit, csrf_of, read
from tests.web.test_statistician_authorisation import STATISTICIAN_MATRIX

WHO = ("none", "ended", "own", "other", "analyst", "statistician", "admin")
SIGN_IN = 303  # to the sign-in page


def _expect(**by_who: int) -> dict[str, int]:
    """Expected statuses; without a live session (none, ended) a portal page sends to sign-in."""
    return {"none": SIGN_IN, "ended": SIGN_IN, **by_who}


PUBLIC = dict.fromkeys(WHO, 200)
MUNICIPALITY = _expect(own=200, other=200, analyst=403, statistician=403, admin=403)
EVERY_ROLE = _expect(own=200, other=200, analyst=200, statistician=200, admin=200)
PROVISIONAL = {**dict.fromkeys(WHO, 404), "analyst": 200, "statistician": 200}


class Case:
    """One request of the matrix: method, path, form (with the page's CSRF token), files."""

    def __init__(
        self,
        method: str,
        path: Callable[[dict[str, str]], str],
        expected: dict[str, int],
        *,
        form: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> None:
        self.method, self.path, self.expected = method, path, expected
        self.form, self.files = form, files


# route name -> the request and the outcome per caller. "own" is the municipality whose data
# the request names (the receipt is of its submission), "other" another municipality.
MATRIX: dict[str, Case] = {
    "home": Case("GET", lambda s: "/", PUBLIC),
    "accessibility": Case("GET", lambda s: "/accessibility", PUBLIC),
    "sign_in": Case(
        "GET",
        lambda s: "/sign-in",
        {**dict.fromkeys(WHO, 303), "none": 200, "ended": 200},  # signed in: to the portal
    ),
    "sign_in_submit": Case(
        "POST", lambda s: "/sign-in", dict.fromkeys(WHO, 422), form={"token": ""}
    ),
    "counting_rules": Case("GET", lambda s: "/portal/counting-rules", PUBLIC),
    "template": Case("GET", lambda s: "/portal/template.xlsx", PUBLIC),
    "portal": Case("GET", lambda s: "/portal", EVERY_ROLE),
    "quarter": Case("GET", lambda s: "/portal/quarters/2026-Q3", MUNICIPALITY),
    "nil_confirm": Case("GET", lambda s: "/portal/quarters/2026-Q3/nil", MUNICIPALITY),
    "nil_submit": Case(
        "POST",
        lambda s: "/portal/quarters/2026-Q2/nil",
        _expect(own=303, other=303, analyst=403, statistician=403, admin=403),
        form={},
    ),
    "upload_check": Case(
        "POST",
        lambda s: "/portal/quarters/2026-Q1/check",
        # The file names Amsterdam in its municipality column: another municipality's rows.
        _expect(own=200, other=422, analyst=403, statistician=403, admin=403),
        form={},
        files={"file": ("a.csv", f"municipality,{'count'}\n".encode(), "text/csv")},
    ),
    "upload_submit": Case(
        "POST",
        lambda s: "/portal/quarters/2026-Q1/submit",
        # No upload was checked in this session: "check again" (409) for a municipality.
        _expect(own=409, other=409, analyst=403, statistician=403, admin=403),
        form={"upload": "nothing", "sha256": "0" * 64},
    ),
    "receipt": Case(
        "GET",
        lambda s: f"/portal/submissions/{s['own_submission']}",
        # Versions are the municipality's alone: the statistician may not read them either.
        _expect(own=200, other=404, analyst=403, statistician=403, admin=403),
    ),
    "sign_out": Case("POST", lambda s: "/sign-out", dict.fromkeys(WHO, 303), form={}),
    # The public figures: final releases for everyone, provisional ones for analysts and
    # statisticians (to anyone else they do not exist).
    "public_figures": Case("GET", lambda s: "/figures", PUBLIC),
    "methodology": Case("GET", lambda s: "/methodology", PUBLIC),
    "release_page": Case("GET", lambda s: f"/figures/{s['provisional']}", PROVISIONAL),
    "certificate_page": Case(
        "GET", lambda s: f"/figures/{s['provisional']}/certificate", PROVISIONAL
    ),
    "report_download": Case("GET", lambda s: f"/figures/{s['final_2025']}/report.html", PUBLIC),
    "figures_file": Case(
        "GET", lambda s: f"/figures/{s['provisional']}/files/totals.csv", PROVISIONAL
    ),
    "sdmx_structure_file": Case(
        "GET", lambda s: f"/figures/{s['provisional']}/sdmx/structure.xml", PROVISIONAL
    ),
    "sdmx_data_file": Case(
        "GET", lambda s: f"/figures/{s['provisional']}/sdmx/totals.csv", PROVISIONAL
    ),
    "series_page": Case("GET", lambda s: "/figures/series/totals?stage=ST01_SIGNAAL", PUBLIC),
}

#: A file with one valid row for Amsterdam, named in its municipality column.
OWN_CSV = (
    "municipality;function_type;data_category;stage;employment_type;motive;count\n"
    f"{OWN};FT01;DC01;ST02;EM01;MO02;1\n"
).encode()
MATRIX["upload_check"].files = {"file": ("a.csv", OWN_CSV, "text/csv")}


@pytest.fixture
def seeded(portal: Portal) -> dict[str, str]:
    """A submission of 'own', by id."""
    receipt = check_and_submit(portal.signed_in("own"), "2026-Q3", GOOD_CSV)
    releases = publish_years(portal.store, NOW)
    return {"own_submission": receipt.split("/")[-1].split("?")[0], **releases}


def _browser(portal: Portal, who: str) -> TestClient:
    if who == "none":
        return portal.browser()
    browser = portal.signed_in("own" if who == "ended" else who)
    if who == "ended":
        sessions.sign_out(portal.app.state.context, browser.cookies["lekstat_session"])
    return browser


def _call(portal: Portal, who: str, case: Case, seeded: dict[str, str]) -> int:
    browser = _browser(portal, who)
    path = case.path(seeded)
    if case.method == "GET":
        return browser.get(path).status_code
    # A form carries the CSRF token a page of the same browser gave: signed in, the sign-out
    # form of any page; signed out, the sign-in form.
    page = "/sign-in" if who in ("none", "ended") else "/portal/counting-rules"
    form = {**(case.form or {}), "csrf_token": csrf_of(browser.get(page).text)}
    return browser.post(path, data=form, files=case.files).status_code


def _routes(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, also inside included routers (FastAPI keeps those as one entry)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        yield from _routes(included.routes) if included is not None else [route]


def test_portal_matrix_names_every_page_route(portal: Portal) -> None:
    pages = {r.name for r in _routes(portal.app.routes) if isinstance(r, PageRoute)}
    assert "receipt" in pages  # the walk finds the routes
    every = set(MATRIX) | set(STATISTICIAN_MATRIX)  # the statistician's pages have their own
    assert pages == every, pages ^ every


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_portal_matrix(portal: Portal, seeded: dict[str, str], route: str) -> None:
    case = MATRIX[route]
    got = {who: _call(portal, who, case, seeded) for who in WHO}
    assert got == case.expected


def test_portal_matrix_no_access_page_says_why(portal: Portal) -> None:
    response = portal.signed_in("statistician").get("/portal/quarters/2026-Q3")
    page = read(response.text)
    assert page.one("h1").text == "Geen toegang"
    assert "de rol statisticus mag dit niet" in page.one("main").text


def test_portal_matrix_another_municipalitys_receipt_is_not_found(
    portal: Portal, seeded: dict[str, str]
) -> None:
    path = f"/portal/submissions/{seeded['own_submission']}"
    response = portal.signed_in("other").get(path)
    assert response.status_code == 404
    page = read(response.text)
    assert page.one("h1").text == "Pagina niet gevonden"
    assert "geen aanlevering met dit id" in page.one("main").text
    assert "Amsterdam" not in page.one("main").text
    unknown = portal.signed_in("own").get("/portal/submissions/sub_0000000000000000")
    assert unknown.status_code == 404
