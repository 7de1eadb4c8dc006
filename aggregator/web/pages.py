"""The public pages: home and the accessibility statement."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aggregator.web.errors import PageRoute
from aggregator.web.rendering import pages_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/", name="home")
def home(request: Request) -> Response:
    """What lekstat is, and where to go from here."""
    return pages_of(request).render(request, "home.html.j2")


@router.get("/accessibility", name="accessibility")
def accessibility(request: Request) -> Response:
    """The accessibility statement (toegankelijkheidsverklaring)."""
    return pages_of(request).render(request, "accessibility.html.j2")
