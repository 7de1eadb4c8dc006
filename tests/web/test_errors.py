"""Error pages for people; the API's one JSON error shape for everything else."""

from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.testclient import TestClient

from aggregator.web.errors import PageRoute
from tests.web.conftest import BROWSER, read


def test_error_page_404_for_a_browser(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = read(response.text)
    assert page.one("h1").text == "Pagina niet gevonden"
    assert page.one("html").attrs["lang"] == "nl"
    assert page.one("a", class_="utrecht-link", href="/").text == "Naar de startpagina"


def test_error_page_404_in_english(client: TestClient) -> None:
    page = read(client.get("/no/such/page?lang=en").text)
    assert page.one("h1").text == "Page not found"


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/api/v1/no/such", BROWSER["Accept"]),  # the API keeps its shape, even for a browser
        ("/no/such/page", "*/*"),  # a program that does not ask for HTML
        ("/no/such/page", "application/json"),
    ],
)
def test_error_json_shape_outside_pages(client: TestClient, path: str, accept: str) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_error_page_405_keeps_status_and_allow(client: TestClient) -> None:
    response = client.delete("/sign-in")
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]
    page = read(response.text)
    assert page.one("h1").text == "Dit lukte niet"
    text = page.one("main").text
    assert text.startswith("Dit lukte niet De pagina kon niet worden getoond (status 405).")


def _failing(app: FastAPI) -> None:
    secret = "GM0363 had 7 leaks"

    def boom(request: Request) -> Response:
        raise RuntimeError(secret)

    app.router.routes.insert(0, PageRoute("/boom", boom, methods=["GET"], name="boom"))


def test_error_page_500_for_an_unexpected_exception(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    _failing(app)
    with caplog.at_level(logging.ERROR), TestClient(app, headers=BROWSER) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    page = read(response.text)
    assert page.one("h1").text == "Er ging iets mis"
    assert "7 leaks" not in response.text
    assert "unexpected RuntimeError in GET /boom" in caplog.text
    assert "7 leaks" not in caplog.text
