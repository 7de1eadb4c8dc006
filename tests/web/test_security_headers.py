"""Security headers: a strict policy for HTML, nosniff and no referrer everywhere, no-store
except for assets; and no page refers to another host or carries inline script or style."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aggregator.web.assets import IMMUTABLE
from aggregator.web.security import CSP
from tests.web.conftest import read

PAGES = ["/", "/?lang=en", "/sign-in", "/accessibility", "/no/such/page"]


def test_csp_is_the_strict_policy() -> None:
    directives = dict(d.split(" ", 1) for d in CSP.split("; "))
    assert directives == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "object-src": "'none'",
    }


@pytest.mark.parametrize("path", PAGES)
def test_page_has_every_security_header(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", PAGES)
def test_page_refers_to_no_other_host_and_has_no_inline_code(client: TestClient, path: str) -> None:
    page = read(client.get(path).text)
    for element in page.elements:
        for name, value in element.attrs.items():
            assert not name.startswith("on"), f"inline handler {name} on <{element.tag}>"
            assert name != "style", f"inline style on <{element.tag}>"
            if name in {"href", "src", "action", "formaction", "srcset"}:
                assert value.startswith(("/", "#", "?")) and not value.startswith("//"), value
    assert page.all("style") == []
    assert all("src" in s.attrs for s in page.all("script"))
    assert len(page.all("link", rel="stylesheet")) == 1


def test_api_answer_has_nosniff_referrer_and_no_store_but_no_csp(client: TestClient) -> None:
    response = client.get("/api/v1/taxonomy", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    assert "content-security-policy" not in response.headers


def test_guard_answers_get_the_headers_too(client: TestClient) -> None:
    """The middleware is outside the guard, so the guard's own 413 carries them."""
    response = client.post(
        "/api/v1/submissions",
        content=b"x",
        headers={"Content-Length": "999999999", "Content-Type": "text/csv"},
    )
    assert response.status_code == 413
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_static_asset_is_immutable_not_no_store(client: TestClient) -> None:
    href = read(client.get("/").text).one("link", rel="stylesheet").attrs["href"]
    response = client.get(href)
    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE
    assert response.headers["x-content-type-options"] == "nosniff"
