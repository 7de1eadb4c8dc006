"""The sign-in form: labels, hints, CSRF, and the error pattern for an empty or bad token."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from aggregator.services.auth import new_token
from aggregator.web.csrf import CSRF_COOKIE, CSRF_FIELD
from aggregator.web.forms import token_problem
from tests.web.conftest import Page, read


def _form(client: TestClient, path: str = "/sign-in") -> tuple[Page, str]:
    response = client.get(path)
    page = read(response.text)
    return page, page.one("input", name=CSRF_FIELD).attrs["value"]


def test_sign_in_form_has_label_hint_and_csrf(client: TestClient) -> None:
    response = client.get("/sign-in")
    page = read(response.text)
    field = page.one("input", id="token")
    assert page.one("label", for_="token").text == "Token"
    assert field.attrs["type"] == "password"
    assert field.attrs["aria-describedby"] == "token-hint"
    assert "aria-invalid" not in field.attrs
    assert page.one("div", id="token-hint").text.startswith("Het token begint met lks_")
    form = page.one("form")
    assert (form.attrs["method"], form.attrs["action"]) == ("post", "/sign-in")
    token = page.one("input", name=CSRF_FIELD).attrs["value"]
    cookie = response.headers["set-cookie"]
    assert f"{CSRF_COOKIE}={token}" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert page.all("div", class_="lk-error-summary") == []


def test_sign_in_keeps_the_csrf_cookie_it_set(client: TestClient) -> None:
    _, first = _form(client)
    again = client.get("/sign-in")
    assert read(again.text).one("input", name=CSRF_FIELD).attrs["value"] == first
    assert CSRF_COOKIE not in again.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "Vul uw token in"),
        ("   ", "Vul uw token in"),
        ("lks_abc", "Dit is geen token van lekstat"),
        ("lks_" + "A" * 12 + "_" + "b" * 43, "Dit is geen token van lekstat"),
        ("Bearer lks_" + "a" * 12 + "_" + "b" * 43, "Dit is geen token van lekstat"),
    ],
)
def test_sign_in_bad_token_shows_the_error_above_and_at_the_field(
    client: TestClient, token: str, message: str
) -> None:
    _, csrf = _form(client)
    response = client.post("/sign-in", data={"token": token, CSRF_FIELD: csrf})
    assert response.status_code == 422
    page = read(response.text)
    assert page.one("title").text.startswith("Fout: Aanmelden")
    summary = page.one("div", class_="lk-error-summary")
    assert summary.attrs["role"] == "alert" and "autofocus" in summary.attrs
    link = page.one("a", href="#token")
    assert link.text.startswith(message)
    error = page.one("p", id="token-error")
    assert error.text.startswith("Fout: " + message)
    field = page.one("input", id="token")
    assert field.attrs["aria-invalid"] == "true"
    assert field.attrs["aria-describedby"] == "token-hint token-error"
    assert "value" not in field.attrs  # a secret is never sent back
    # The summary comes before the form, outside it.
    order = [e.tag for e in page.elements if e.tag == "form" or e is summary]
    assert order == ["div", "form"]


def test_sign_in_error_in_english(client: TestClient) -> None:
    _, csrf = _form(client, "/sign-in?lang=en")
    response = client.post("/sign-in", data={"token": "", CSRF_FIELD: csrf})
    page = read(response.text)
    assert page.one("html").attrs["lang"] == "en"
    assert page.one("a", href="#token").text == "Enter your token"


def test_sign_in_unknown_well_formed_token_is_refused_at_the_field(client: TestClient) -> None:
    _, csrf = _form(client)
    token, _ = new_token("analyst", None, "x", dt.datetime(2026, 1, 1))  # never stored
    response = client.post("/sign-in", data={"token": token, CSRF_FIELD: csrf})
    assert response.status_code == 422
    page = read(response.text)
    assert page.one("a", href="#token").text == (
        "Dit token is onbekend, ingetrokken of verkeerd overgenomen"
    )
    assert token not in response.text


@pytest.mark.parametrize("csrf", [None, "", "x" * 43, "wrong"])
def test_sign_in_without_the_right_csrf_token_is_refused(
    client: TestClient, csrf: str | None
) -> None:
    _form(client)  # the cookie is set
    data = {"token": ""} if csrf is None else {"token": "", CSRF_FIELD: csrf}
    response = client.post("/sign-in", data=data)
    assert response.status_code == 403
    assert read(response.text).one("h1").text == "Formulier verlopen"


def test_sign_in_csrf_needs_the_cookie(client: TestClient) -> None:
    _, csrf = _form(client)
    client.cookies.clear()
    response = client.post("/sign-in", data={"token": "", CSRF_FIELD: csrf})
    assert response.status_code == 403


def test_token_shape_accepts_what_the_service_makes() -> None:
    for role, municipality in [("municipality", "GM0363"), ("admin", None)]:
        for _ in range(50):
            token, _ = new_token(role, municipality, "x", dt.datetime(2026, 1, 1))
            assert token_problem(token) is None, token
