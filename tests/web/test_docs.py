"""The API documentation works offline: nothing from another host, assets from lekstat."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aggregator.web.docs import REDOC_CSP
from aggregator.web.security import CSP
from tests.web.conftest import read


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_refer_to_no_other_host_and_their_assets_answer(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert "cdn" not in response.text and "http" not in response.text
    page = read(response.text)
    urls = [e.attrs[a] for e in page.elements for a in ("src", "href") if a in e.attrs]
    assert len(urls) >= 2
    for url in urls:
        assert url.startswith("/static/"), url
        assert client.get(url).status_code == 200, url
    assert all("src" in s.attrs for s in page.all("script")), "an inline script"
    root = page.one("main")
    assert root.attrs["data-openapi-url"] == "/openapi.json"
    assert client.get(root.attrs["data-openapi-url"]).status_code == 200


def test_docs_swagger_runs_under_the_strict_policy(client: TestClient) -> None:
    assert client.get("/docs").headers["content-security-policy"] == CSP


def test_docs_redoc_policy_loosens_styles_only(client: TestClient) -> None:
    policy = client.get("/redoc").headers["content-security-policy"]
    assert policy == REDOC_CSP
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["worker-src"] == "'self' blob:"
    assert directives["default-src"] == "'self'"


def test_docs_fastapi_cdn_pages_are_gone(client: TestClient) -> None:
    assert client.get("/docs/oauth2-redirect").status_code == 404
    app = client.app
    assert app.url_path_for("api_docs") == "/docs"  # type: ignore[attr-defined]
    assert app.url_path_for("api_redoc") == "/redoc"  # type: ignore[attr-defined]


def test_docs_pages_stay_out_of_the_api_description(client: TestClient) -> None:
    described = client.get("/openapi.json").json()["paths"]
    assert not {"/", "/sign-in", "/accessibility", "/docs", "/redoc"} & set(described)
    assert not any(p.startswith("/static") for p in described)
