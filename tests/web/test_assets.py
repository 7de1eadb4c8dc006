"""Assets are served by lekstat itself under URLs that change with their content."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aggregator.web.assets import STATIC_DIR, Assets


def test_assets_url_carries_the_content_hash(tmp_path: Path) -> None:
    f = tmp_path / "a.css"
    f.write_text("p { color: black; }")
    before = Assets({"a.css": f}).url("a.css")
    assert before == f"/static/{hashlib.sha256(f.read_bytes()).hexdigest()[:16]}/a.css"
    f.write_text("p { color: navy; }")
    assert Assets({"a.css": f}).url("a.css") != before


def test_assets_unknown_name_is_an_error() -> None:
    with pytest.raises(KeyError):
        Assets({}).url("nope.css")


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("lekstat.css", "text/css; charset=utf-8"),
        ("favicon.svg", "image/svg+xml"),
        ("docs-swagger.js", "text/javascript; charset=utf-8"),
        ("swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
        ("swagger-ui.css", "text/css; charset=utf-8"),
        ("redoc.standalone.js", "text/javascript; charset=utf-8"),
    ],
)
def test_static_serves_each_asset(client: TestClient, name: str, media_type: str) -> None:
    asset = client.app.state.web.assets.by_name[name]  # type: ignore[attr-defined]
    response = client.get(asset.url)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.content == asset.path.read_bytes()


def test_static_every_file_in_the_folder_is_served(client: TestClient) -> None:
    served = set(client.app.state.web.assets.by_name)  # type: ignore[attr-defined]
    assert {p.name for p in STATIC_DIR.iterdir()} <= served


@pytest.mark.parametrize(
    "path",
    [
        "/static/0000000000000000/lekstat.css",  # an old hash
        "/static/x/nope.css",
        "/static/x/..%2F..%2Fconfig.py",
        "/static/lekstat.css",
    ],
)
def test_static_refuses_unknown_paths(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/css"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
