"""The statistician's pages × who is asking → outcome: the same table (``services/access.py``)
as the API and the command line.

The statistician locks, previews and releases; the admin reads and sets budgets; an analyst
reads completeness as national counts and the releases; a municipality reads its own
completeness line and the public releases. Without a live session every page sends to sign-in.
``test_portal_matrix_names_every_page_route`` fails when a route is in neither matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from aggregator.services import releases, sessions
from aggregator.services.auth import OPERATOR
from aggregator.services.releases import ReleaseRequest
from tests.web.conftest import GOOD_CSV, NOW, Portal, check_and_submit, csrf_of, read

WHO = ("none", "ended", "municipality", "analyst", "statistician", "admin")
SIGN_IN = 303


def _expect(**by_who: int) -> dict[str, int]:
    """Expected statuses; without a live session (none, ended) a page sends to sign-in."""
    return {"none": SIGN_IN, "ended": SIGN_IN, **by_who}


STATISTICIAN = _expect(municipality=403, analyst=403, statistician=200, admin=403)
BUDGET_READERS = _expect(municipality=403, analyst=403, statistician=200, admin=200)
EVERY_ROLE = _expect(municipality=200, analyst=200, statistician=200, admin=200)


@dataclass
class Case:
    """One request: method, path, form (the page's CSRF token is added), expected statuses."""

    method: str
    path: str
    expected: dict[str, int]
    form: dict[str, str] | None = None


#: Route name → the request and its outcome per caller.
STATISTICIAN_MATRIX: dict[str, Case] = {
    # Every role that reads completeness gets its own view of it; the admin does not read it.
    "completeness": Case(
        "GET",
        "/portal/completeness?period=2026-Q3",
        _expect(municipality=200, analyst=200, statistician=200, admin=403),
    ),
    "lock_confirm": Case("GET", "/portal/periods/2026-Q3/lock", STATISTICIAN),
    "lock_submit": Case(
        "POST",
        "/portal/periods/2026-Q3/lock",
        _expect(municipality=403, analyst=403, statistician=303, admin=403),
        form={},
    ),
    "budgets": Case("GET", "/portal/budgets", BUDGET_READERS),
    "budget_year": Case("GET", "/portal/budgets/2026", BUDGET_READERS),
    # Only the admin sets a budget (lowered here to 0.9: 0.3 of 1.0 is spent).
    "budget_change": Case(
        "POST",
        "/portal/budgets/2026",
        _expect(municipality=403, analyst=403, statistician=403, admin=303),
        form={"rho": "0.9"},
    ),
    "release_preview": Case("GET", "/portal/releases/preview?year=2026&rho=0.5", STATISTICIAN),
    "release_confirm": Case("GET", "/portal/releases/new?year=2026&rho=0.2", STATISTICIAN),
    "release_create": Case(
        "POST",
        "/portal/releases",
        _expect(municipality=403, analyst=403, statistician=303, admin=403),
        form={"year": "2026", "quarter": "", "rho": "0.2", "force": "yes", "key": "matrix"},
    ),
    "releases_made": Case("GET", "/portal/releases", EVERY_ROLE),
    # 2026-r1 is provisional: analysts and statisticians read it; for anyone else it is not
    # there (LEKSTAT_PUBLIC_RELEASES=final).
    "release_certificate": Case(
        "GET",
        "/portal/releases/2026-r1/certificate",
        _expect(municipality=404, analyst=200, statistician=200, admin=404),
    ),
}

ROLE_OF = {"municipality": "own", "analyst": "analyst", "statistician": "statistician"}


@pytest.fixture
def year(portal: Portal) -> Portal:
    """A submission for 2026-Q3, the budget of 2026 set by the admin, and one release."""
    check_and_submit(portal.signed_in("own"), "2026-Q3", GOOD_CSV)
    portal.store.set_budget(2026, 1.0, NOW, portal.token_ids["admin"])
    context = portal.app.state.context
    releases.create(context, OPERATOR, ReleaseRequest(2026, 0.3, force=True))
    return portal


def _browser(portal: Portal, who: str) -> TestClient:
    if who == "none":
        return portal.browser()
    browser = portal.signed_in(ROLE_OF.get(who, who) if who != "ended" else "statistician")
    if who == "ended":
        sessions.sign_out(portal.app.state.context, browser.cookies["lekstat_session"])
    return browser


def call(portal: Portal, who: str, case: Case) -> int:
    """The status ``who`` gets for ``case`` (a form with a CSRF token of the same browser)."""
    browser = _browser(portal, who)
    if case.method == "GET":
        return browser.get(case.path).status_code
    page = "/sign-in" if who in ("none", "ended") else "/portal/releases"
    form = {**(case.form or {}), "csrf_token": csrf_of(browser.get(page).text)}
    return browser.post(case.path, data=form).status_code


@pytest.mark.parametrize("route", sorted(STATISTICIAN_MATRIX))
def test_statistician_matrix(year: Portal, route: str) -> None:
    case = STATISTICIAN_MATRIX[route]
    got = {who: call(year, who, case) for who in WHO}
    assert got == case.expected


def test_statistician_matrix_start_page_is_the_statisticians_own(year: Portal) -> None:
    def heading(who: str) -> str:
        return read(year.signed_in(who).get("/portal").text).one("h1").text

    assert heading("statistician") == "Het jaar van de statisticus"
    assert heading("analyst") == heading("admin") == "Mijn lekstat"


def test_statistician_matrix_no_access_says_which_role(year: Portal) -> None:
    response = year.signed_in("admin").get("/portal/periods/2026-Q3/lock")
    assert response.status_code == 403
    page = read(response.text)
    assert page.one("h1").text == "Geen toegang"
    assert "de rol beheerder mag dit niet" in page.one("main").text


def test_statistician_matrix_lock_and_release_by_others_change_nothing(year: Portal) -> None:
    for who in ("none", "ended", "municipality", "analyst", "admin"):
        call(year, who, STATISTICIAN_MATRIX["lock_submit"])
        call(year, who, STATISTICIAN_MATRIX["release_create"])
    for who in ("none", "ended", "municipality", "analyst", "statistician"):
        call(year, who, STATISTICIAN_MATRIX["budget_change"])
    assert year.store.get_lock("2026-Q3") is None
    assert [r["id"] for r in year.store.list_releases()] == ["2026-r1"]
    assert year.store.get_budget(2026).total_rho == 1.0
