"""Static assets served by lekstat itself, each under a URL that carries its content hash.

``/static/<hash>/<name>``: the hash is the start of the file's SHA-256, so a changed file gets a
new URL and every asset can be cached for a year (``immutable``). The API documentation's
Swagger UI and ReDoc bundles come from the ``fastapi-offline`` package, which ships them.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, Response

#: Where our own assets live.
STATIC_DIR = Path(__file__).parent / "static"
#: How long a browser may keep an asset: a year, as the URL changes with the content.
IMMUTABLE = "public, max-age=31536000, immutable"
#: The files of the API documentation, from the package that ships them.
DOCS_BUNDLES = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js")

_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


@dataclass(frozen=True)
class Asset:
    """One served file: its name in URLs, where it is, the hash in its URL, its media type."""

    name: str
    path: Path
    digest: str
    media_type: str

    @property
    def url(self) -> str:
        """The asset's URL path."""
        return f"/static/{self.digest}/{self.name}"


def _asset(name: str, path: Path) -> Asset:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    media_type = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    return Asset(name, path, digest, media_type or "application/octet-stream")


def docs_bundle_dir() -> Path:
    """The folder in which ``fastapi-offline`` ships Swagger UI and ReDoc."""
    return Path(str(files("fastapi_offline") / "static"))


class Assets:
    """The assets lekstat serves, by name; built once when the app is made."""

    def __init__(self, sources: dict[str, Path]) -> None:
        self.by_name = {name: _asset(name, path) for name, path in sorted(sources.items())}

    @classmethod
    def default(cls) -> Assets:
        """Our ``static/`` folder and the API documentation's bundles."""
        sources = {p.name: p for p in STATIC_DIR.iterdir() if p.is_file()}
        bundles = docs_bundle_dir()
        sources.update({name: bundles / name for name in DOCS_BUNDLES})
        return cls(sources)

    def url(self, name: str) -> str:
        """The URL of asset ``name``; an unknown name is a KeyError (a template bug)."""
        return self.by_name[name].url

    def router(self) -> APIRouter:
        """The route that serves the assets."""
        router = APIRouter(include_in_schema=False)

        @router.get("/static/{digest}/{name}", name="static")
        def static(digest: str, name: str) -> Response:
            """The asset, cacheable for a year; 404 for an unknown name or an old hash."""
            asset = self.by_name.get(name)
            if asset is None or asset.digest != digest:
                raise HTTPException(status_code=404)
            return FileResponse(
                asset.path, media_type=asset.media_type, headers={"Cache-Control": IMMUTABLE}
            )

        return router
