"""Signing in and out: the session cookie, CSRF bound to the session, expiry, revocation,
and the audit line of every data-changing portal request."""

from __future__ import annotations

import datetime as dt

import pytest

from aggregator.services import sessions
from aggregator.web.csrf import CSRF_COOKIE, CSRF_FIELD
from aggregator.web.session import SESSION_COOKIE
from tests.web.conftest import GOOD_CSV, OWN, Portal, check, csrf_of, read, sign_in


def _cookie_header(response: object, name: str) -> str:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    found = [h for h in headers if h.startswith(f"{name}=")]
    assert len(found) == 1, headers
    return str(found[0])


def test_session_no_session_sends_to_sign_in_and_back(portal: Portal) -> None:
    browser = portal.browser()
    response = browser.get("/portal/quarters/2026-Q3")
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?reason=required&next=/portal/quarters/2026-Q3"
    page = read(browser.get(response.headers["location"]).text)
    assert "Meld u aan om deze pagina te zien" in page.one("div", class_="utrecht-alert").text
    assert page.one("input", name="next").attrs["value"] == "/portal/quarters/2026-Q3"
    csrf = page.one("input", name=CSRF_FIELD).attrs["value"]
    signed = browser.post(
        "/sign-in",
        data={"token": portal.tokens["own"], CSRF_FIELD: csrf, "next": "/portal/quarters/2026-Q3"},
    )
    assert signed.headers["location"] == "/portal/quarters/2026-Q3"
    assert read(browser.get("/portal/quarters/2026-Q3").text).one("h1").text == "Kwartaal 2026-Q3"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example", "/docs", "/x", "/portal/../docs"]
)
def test_session_sign_in_goes_back_only_to_a_portal_page(portal: Portal, target: str) -> None:
    browser = portal.browser()
    csrf = csrf_of(browser.get("/sign-in").text)
    signed = browser.post(
        "/sign-in", data={"token": portal.tokens["own"], CSRF_FIELD: csrf, "next": target}
    )
    assert signed.headers["location"] == "/portal"


def test_session_cookie_is_httponly_strict_and_lasts_the_session(portal: Portal) -> None:
    browser = portal.browser()
    response = sign_in(browser, portal.tokens["own"])
    assert response.headers["location"] == "/portal"
    cookie = _cookie_header(response, SESSION_COOKIE)
    parts = {p.strip().split("=")[0].lower(): p.strip() for p in cookie.split(";")}
    assert "httponly" in parts and parts["samesite"] == "SameSite=strict"
    assert parts["path"] == "Path=/" and parts["max-age"] == "Max-Age=28800"  # 8 hours
    assert "secure" not in parts  # plain http on loopback: a Secure cookie would never return
    https = portal.browser(https=True)
    secure = _cookie_header(sign_in(https, portal.tokens["own"]), SESSION_COOKIE)
    assert "Secure" in secure


def test_session_signed_in_header_names_the_municipality_and_offers_sign_out(
    portal: Portal,
) -> None:
    page = read(portal.signed_in("own").get("/portal").text)
    assert page.one("p", class_="lk-account__who").text == "Aangemeld: Amsterdam"
    form = page.one("form", class_="lk-account__form")
    assert (form.attrs["method"], form.attrs["action"]) == ("post", "/sign-out")
    english = read(portal.signed_in("statistician").get("/portal?lang=en").text)
    assert english.one("p", class_="lk-account__who").text == "Signed in: Statistician"


def test_session_signed_in_sign_in_page_goes_to_the_portal(portal: Portal) -> None:
    response = portal.signed_in("own").get("/sign-in")
    assert (response.status_code, response.headers["location"]) == (303, "/portal")


def test_session_unknown_token_is_a_field_error_and_not_echoed(portal: Portal) -> None:
    browser = portal.browser()
    token = portal.tokens["own"][:-1] + ("A" if portal.tokens["own"][-1] != "A" else "B")
    response = sign_in(browser, token)
    assert response.status_code == 422
    page = read(response.text)
    assert page.one("p", id="token-error").text.startswith("Fout: Dit token is onbekend")
    assert token not in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_session_csrf_token_is_rotated_at_sign_in(portal: Portal) -> None:
    browser = portal.browser()
    before = csrf_of(browser.get("/sign-in").text)
    response = browser.post("/sign-in", data={"token": portal.tokens["own"], CSRF_FIELD: before})
    assert f'{CSRF_COOKIE}=""' in _cookie_header(response, CSRF_COOKIE)  # dropped
    after = csrf_of(browser.get("/portal").text)
    assert after != before
    # A form from before signing in is refused: its token is not the session's.
    stale = browser.post("/portal/quarters/2026-Q3/nil", data={CSRF_FIELD: before})
    assert stale.status_code == 403
    assert portal.store.list_submissions() == []
    # Each session has its own token.
    assert csrf_of(portal.signed_in("own").get("/portal").text) != after


def test_session_sign_in_needs_the_csrf_token(portal: Portal) -> None:
    browser = portal.browser()
    browser.get("/sign-in")
    response = browser.post("/sign-in", data={"token": portal.tokens["own"]})
    assert response.status_code == 403
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    assert browser.get("/portal").status_code == 303


def test_session_a_planted_session_is_not_taken_over(portal: Portal) -> None:
    attacker = portal.signed_in("other")
    planted = attacker.cookies[SESSION_COOKIE]
    victim = portal.browser()
    victim.cookies.set(SESSION_COOKIE, planted, domain="testserver.local")
    csrf = csrf_of(victim.get("/portal/counting-rules").text)
    response = victim.post("/sign-in", data={"token": portal.tokens["own"], CSRF_FIELD: csrf})
    assert response.status_code == 303
    assert victim.cookies[SESSION_COOKIE] != planted
    ctx = portal.app.state.context
    assert sessions.resolve(ctx, planted) is None  # the planted one was ended
    now = sessions.resolve(ctx, victim.cookies[SESSION_COOKIE])
    assert now is not None and now.municipality == OWN


def test_session_sign_out_ends_the_session(portal: Portal) -> None:
    browser = portal.signed_in("own")
    secret = browser.cookies[SESSION_COOKIE]
    csrf = csrf_of(browser.get("/portal").text)
    response = browser.post("/sign-out", data={CSRF_FIELD: csrf})
    assert response.headers["location"] == "/sign-in?reason=signed_out"
    assert f'{SESSION_COOKIE}=""' in _cookie_header(response, SESSION_COOKIE)
    assert sessions.resolve(portal.app.state.context, secret) is None
    notice = read(browser.get("/sign-in?reason=signed_out").text).one("div", class_="utrecht-alert")
    assert "U bent afgemeld" in notice.text
    # The old cookie, sent again, opens nothing.
    again = portal.browser()
    again.cookies.set(SESSION_COOKIE, secret, domain="testserver.local")
    assert again.get("/portal").headers["location"].startswith("/sign-in?reason=ended")


def test_session_sign_out_without_the_csrf_token_keeps_the_session(portal: Portal) -> None:
    browser = portal.signed_in("own")
    for data in ({}, {CSRF_FIELD: "x" * 43}):
        assert browser.post("/sign-out", data=data).status_code == 403
    assert browser.get("/portal").status_code == 200


def test_session_revoking_the_token_ends_its_session(portal: Portal) -> None:
    browser = portal.signed_in("own")
    assert browser.get("/portal").status_code == 200
    portal.store.revoke_token(portal.token_ids["own"], portal.clock["now"])
    response = browser.get("/portal/quarters/2026-Q3")
    assert response.status_code == 303
    location = response.headers["location"]
    assert location == "/sign-in?reason=ended&next=/portal/quarters/2026-Q3"
    assert f'{SESSION_COOKIE}=""' in _cookie_header(response, SESSION_COOKIE)
    notice = read(browser.get(location).text).one("div", class_="utrecht-alert")
    assert "Uw sessie is verlopen of beëindigd" in notice.text
    # Signing in with the revoked token is refused too.
    assert sign_in(portal.browser(), portal.tokens["own"]).status_code == 422


def test_session_expires_after_the_session_hours(portal: Portal) -> None:
    browser = portal.signed_in("own")
    portal.clock["now"] += dt.timedelta(hours=7, minutes=59)
    assert browser.get("/portal").status_code == 200
    portal.clock["now"] += dt.timedelta(minutes=2)
    assert browser.get("/portal").headers["location"] == "/sign-in?reason=ended&next=/portal"


@pytest.mark.parametrize("csrf", [None, "", "x" * 43])
def test_session_forged_csrf_on_every_form_is_refused_and_stores_nothing(
    portal: Portal, csrf: str | None
) -> None:
    browser = portal.signed_in("own")
    data = {} if csrf is None else {CSRF_FIELD: csrf}
    upload = {"file": ("a.csv", GOOD_CSV, "text/csv")}
    for path, files in [
        ("/portal/quarters/2026-Q3/check", upload),
        ("/portal/quarters/2026-Q3/submit", None),
        ("/portal/quarters/2026-Q3/nil", None),
    ]:
        response = browser.post(path, data=data, files=files)
        assert response.status_code == 403, path
        assert read(response.text).one("h1").text == "Formulier verlopen"
    assert portal.store.list_submissions() == []


def test_session_a_form_of_another_session_is_refused(portal: Portal) -> None:
    first, second = portal.signed_in("own"), portal.signed_in("own")
    csrf = csrf_of(first.get("/portal").text)
    assert second.post("/portal/quarters/2026-Q3/nil", data={CSRF_FIELD: csrf}).status_code == 403
    assert portal.store.list_submissions() == []


def test_session_portal_posts_are_audited_with_their_principal(portal: Portal) -> None:
    browser = portal.signed_in("own")
    check(browser, "2026-Q3", "a.csv", GOOD_CSV)
    csrf = csrf_of(browser.get("/portal").text)
    assert browser.post("/portal/quarters/2026-Q2/nil", data={CSRF_FIELD: csrf}).status_code == 303
    browser.post("/portal/quarters/2026-Q2/nil", data={})  # refused: no CSRF token
    browser.post("/sign-out", data={CSRF_FIELD: csrf})
    stored = portal.store.list_submissions()
    lines = [
        (e.method, e.path, e.action, e.target, e.token_id, e.role, e.status, e.detail)
        for e in portal.store.audit_entries()
    ]
    own, role = portal.token_ids["own"], "municipality"
    assert lines == [
        ("POST", "/sign-in", "sign_in", role, own, role, 303, own),
        (
            "POST",
            "/portal/quarters/{period}/check",
            "dry_run",
            f"{OWN} 2026-Q3",
            own,
            role,
            200,
            "",
        ),
        (
            "POST",
            "/portal/quarters/{period}/nil",
            "submit",
            f"{OWN} 2026-Q2",
            own,
            role,
            303,
            f"{stored[0].id} v1",
        ),
        ("POST", "/portal/quarters/{period}/nil", "nil_submit", "2026-Q2", own, role, 403, ""),
        ("POST", "/sign-out", "sign_out", role, own, role, 303, own),
    ]
    assert [e.outcome for e in portal.store.audit_entries()][-2:] == ["refused", "accepted"]


def test_session_a_refused_sign_in_is_audited_without_a_principal(portal: Portal) -> None:
    sign_in(portal.browser(), "lks_" + "a" * 12 + "_" + "b" * 43)
    [line] = portal.store.audit_entries()
    assert (line.action, line.token_id, line.status, line.outcome) == (
        "sign_in",
        None,
        422,
        "refused",
    )
