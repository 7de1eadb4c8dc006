"""lekstat's web pages: the shared layout, the public pages, signing in, the municipality's
portal, static assets, the API docs offline.

:func:`install_web` mounts it all on the app and installs the security headers middleware.
"""

from __future__ import annotations

from fastapi import FastAPI

from aggregator.web.account import router as account_router
from aggregator.web.assets import Assets
from aggregator.web.docs import replace_docs
from aggregator.web.errors import install_html_errors
from aggregator.web.guard_pages import GuardPages
from aggregator.web.pages import router as pages_router
from aggregator.web.pending import PendingUploads
from aggregator.web.public import router as public_router
from aggregator.web.quarters import router as quarters_router
from aggregator.web.reference import router as reference_router
from aggregator.web.rendering import Pages
from aggregator.web.security import SecurityHeaders
from aggregator.web.statistician_routes import include_statistician
from aggregator.web.uploads import router as uploads_router

__all__ = ["install_web"]


def install_web(app: FastAPI) -> None:
    """Add the pages, assets and documentation to ``app``, HTML error pages for browsers and
    the security headers around everything.

    Call it last in ``create_app``: the headers middleware is then the outermost, so it also
    covers the guard's own answers, and the HTML error handler wraps the API's.
    """
    assets = Assets.default()
    app.state.web = Pages(assets)
    app.state.pending_uploads = PendingUploads()
    replace_docs(app)
    app.include_router(assets.router())
    for router in (pages_router, account_router, quarters_router, uploads_router, reference_router):
        app.include_router(router)
    app.include_router(public_router)
    include_statistician(app)
    install_html_errors(app)
    app.add_middleware(GuardPages)  # between the guard and the headers: its answers as pages
    app.add_middleware(SecurityHeaders)
