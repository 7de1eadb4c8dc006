"""The API documentation, offline: Swagger UI at ``/docs`` and ReDoc at ``/redoc``.

FastAPI's own pages load both from a CDN and start them with an inline script. These pages load
the bundles that ``fastapi-offline`` ships, from lekstat (see :mod:`aggregator.web.assets`), and
start them from a served file, so they work without internet under a policy without inline
script. FastAPI's OAuth2 redirect page is dropped: lekstat's API uses bearer tokens only.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from starlette.routing import Route

from aggregator.web.rendering import pages_of
from aggregator.web.security import CSP

#: ReDoc injects its styles as ``<style>`` elements (styled-components), which the strict
#: policy blocks: its page alone allows inline styles (never inline script), and a ``blob:``
#: worker for its search. Swagger UI works under the strict policy of every page.
REDOC_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'") + (
    "; worker-src 'self' blob:"
)


def replace_docs(app: FastAPI) -> None:
    """Swap FastAPI's CDN-loading documentation pages for the offline ones."""
    if app.docs_url is not None:
        drop = {app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url}
        app.router.routes[:] = [
            r for r in app.router.routes if not (isinstance(r, Route) and r.path in drop)
        ]
    app.include_router(router)


router = APIRouter(include_in_schema=False)


def _docs_page(request: Request, template: str) -> Response:
    return pages_of(request).render(
        request, template, openapi_url=request.app.openapi_url, title=request.app.title
    )


@router.get("/docs", name="api_docs")
def swagger(request: Request) -> Response:
    """Swagger UI on the service's OpenAPI description."""
    return _docs_page(request, "docs_swagger.html.j2")


@router.get("/redoc", name="api_redoc")
def redoc(request: Request) -> Response:
    """ReDoc on the service's OpenAPI description."""
    response = _docs_page(request, "docs_redoc.html.j2")
    response.headers["Content-Security-Policy"] = REDOC_CSP
    return response
