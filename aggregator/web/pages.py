"""The pages there are now: home, signing in, the accessibility statement."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aggregator.web.csrf import CSRF_FIELD, csrf_valid
from aggregator.web.errors import PageRoute
from aggregator.web.forms import FieldError, token_problem
from aggregator.web.rendering import pages_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/", name="home")
def home(request: Request) -> Response:
    """What lekstat is, and where to go from here."""
    return pages_of(request).render(request, "home.html.j2")


@router.get("/sign-in", name="sign_in")
def sign_in(request: Request) -> Response:
    """The sign-in form."""
    return pages_of(request).render(request, "sign_in.html.j2", errors=[], notice=None)


@router.post("/sign-in", name="sign_in_submit")
async def sign_in_submit(request: Request) -> Response:
    """Check the token's form; an empty or malformed token is shown as a form error (422)."""
    pages = pages_of(request)
    form = await request.form(max_files=0, max_fields=10)
    if not csrf_valid(request, form.get(CSRF_FIELD)):
        return pages.render(
            request,
            "error.html.j2",
            status=403,
            title_key="form_expired_title",
            text_key="form_expired",
            status_code=403,
        )
    token = str(form.get("token") or "").strip()
    problem = token_problem(token)
    if problem is not None:
        errors = [FieldError("token", problem)]
        return pages.render(request, "sign_in.html.j2", status=422, errors=errors, notice=None)
    # The token has the right shape; exchanging it for a session comes with the service layer.
    return pages.render(
        request, "sign_in.html.j2", status=501, errors=[], notice="sign_in_unavailable"
    )


@router.get("/accessibility", name="accessibility")
def accessibility(request: Request) -> Response:
    """The accessibility statement (toegankelijkheidsverklaring)."""
    return pages_of(request).render(request, "accessibility.html.j2")
