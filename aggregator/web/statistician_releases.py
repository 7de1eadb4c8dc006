"""Previewing a release (spends nothing), its confirmation (what it spends), and making it once.

The preview is :func:`aggregator.services.releases.preview` (reads no data) with who reported
and the coverage threshold from the confirmation's outlook; the confirmation
is :func:`aggregator.services.release_outlook.outlook` (the budget's and the coverage check's
answers for this request, nothing spent); making it is
:func:`aggregator.services.releases.create_once` with the idempotency key the confirmation page
carries, so a double click or a replayed form makes one release and spends once.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from aggregator.services import budget, release_outlook, releases
from aggregator.services.access import may
from aggregator.services.refusals import Kind, Refusal
from aggregator.services.releases import ReleaseRequest
from aggregator.web.csrf import CSRF_FIELD, csrf_valid
from aggregator.web.errors import PageRoute
from aggregator.web.forms import FieldError, form_expired
from aggregator.web.i18n import translator
from aggregator.web.outcomes import refusal_page
from aggregator.web.rendering import page_language
from aggregator.web.session import Session, context_of, note_of, require
from aggregator.web.statistician_format import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

#: The field a service's refusal of a request belongs to (else the ρ field).
FIELD_OF_CODE = {"bad_year": "year", "bad_quarter": "quarter"}
#: The longest ρ text read (a number is short; anything longer is not one).
MAX_RHO_TEXT = 40


@dataclass
class Asked:
    """What the form asked for, as typed, and the request it makes (None with errors)."""

    year: str
    quarter: str
    rho: str
    errors: list[FieldError] = field(default_factory=list)
    request: ReleaseRequest | None = None

    @property
    def query(self) -> str:
        """The same question as a query string (for a link to the next step)."""
        return urlencode({"year": self.year, "quarter": self.quarter, "rho": self.rho})


def parse_rho(text: str) -> float | None:
    """ρ as a person types it (``0,5`` or ``0.5``); None when it is no finite number."""
    if len(text) > MAX_RHO_TEXT:
        return None
    try:
        value = float(text.replace(",", ".").replace(" ", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def asked_of(values: Mapping[str, Any], key: str | None = None, force: bool = False) -> Asked:
    """Read year, quarter and ρ from a form or query; errors at the fields they concern."""
    asked = Asked(
        str(values.get("year") or "").strip()[:MAX_RHO_TEXT],
        str(values.get("quarter") or "").strip()[:MAX_RHO_TEXT],
        str(values.get("rho") or "").strip()[: MAX_RHO_TEXT + 1],
    )
    year = int(asked.year) if asked.year.isdigit() and len(asked.year) <= 4 else None
    if year is None:
        asked.errors.append(FieldError("year", "year_missing"))
    quarter = None
    if asked.quarter:
        if asked.quarter not in ("1", "2", "3", "4"):
            asked.errors.append(FieldError("quarter", "quarter_unknown"))
        else:
            quarter = int(asked.quarter)
    rho = parse_rho(asked.rho)
    if not asked.rho:
        asked.errors.append(FieldError("rho", "rho_empty"))
    elif rho is None:
        asked.errors.append(FieldError("rho", "rho_not_a_number", {"value": asked.rho[:20]}))
    if year is not None and rho is not None and not asked.errors:
        asked.request = ReleaseRequest(year, rho, quarter, force=force, idempotency_key=key)
    return asked


def refused_at_field(asked: Asked, refusal: Refusal, lang: str) -> None:
    """A service's refusal of the request, shown at the field it is about."""
    field_id = FIELD_OF_CODE.get(refusal.code, "rho")
    asked.errors.append(FieldError.refused(field_id, refusal, lang))
    asked.request = None


def _years(today_year: int) -> list[int]:
    return list(range(today_year, budget.FIRST_YEAR - 1, -1))


def preview_page(request: Request, session: Session, asked: Asked, *, status: int) -> Response:
    """The preview form, and per table the expected margins when the question is valid."""
    context = context_of(request)
    tables = None
    view = None
    outlook = None
    if asked.request is not None:
        try:
            tables = releases.preview(context, session.principal, asked.request)
        except Refusal as refusal:
            if refusal.kind is not Kind.INVALID:
                raise
            refused_at_field(asked, refusal, page_language(request))
            status = 422
        else:
            view = budget.show(context, session.principal, asked.request.year)
            if may(session.principal, "create_release"):
                outlook = release_outlook.outlook(context, session.principal, asked.request)
    return render(
        request,
        "statistician/preview.html.j2",
        status=status,
        asked=asked,
        errors=asked.errors,
        tables=tables,
        view=view,
        outlook=outlook,
        epsilon=budget.epsilon(asked.request.rho) if asked.request else None,
        years=_years(context.today().year),
        section="preview",
    )


@router.get("/portal/releases/preview", name="release_preview")
def preview(request: Request) -> Response:
    """Expected margin and smallest reliable count per table at a ρ: nothing is read or spent."""
    session = require(request, "preview_release")
    params = request.query_params
    if not any(params.get(k) for k in ("year", "quarter", "rho")):
        year = str(context_of(request).today().year)
        return preview_page(request, session, Asked(year, "", ""), status=200)
    asked = asked_of(params)
    return preview_page(request, session, asked, status=422 if asked.errors else 200)


def confirm_page(
    request: Request, session: Session, asked: Asked, *, status: int = 200
) -> Response:
    """What the release would spend and say, and the form that makes it (with a fresh key)."""
    assert asked.request is not None
    outlook = release_outlook.outlook(context_of(request), session.principal, asked.request)
    return render(
        request,
        "statistician/release_confirm.html.j2",
        status=status,
        asked=asked,
        errors=asked.errors,
        outlook=outlook,
        label=asked.request.label,
        key=secrets.token_urlsafe(24),
        section="preview",
    )


@router.get("/portal/releases/new", name="release_confirm")
def release_confirm(request: Request) -> Response:
    """The confirmation before a release: ρ, what is left after it, the year's (ε, δ) after it,
    provisional or final, the coverage check, and whether it would have to be forced."""
    session = require(request, "create_release")
    asked = asked_of(request.query_params)
    if asked.request is not None:
        try:
            releases.check_request(asked.request, context_of(request).today())
        except Refusal as refusal:
            refused_at_field(asked, refusal, page_language(request))
    if asked.request is None:
        return preview_page(request, session, asked, status=422)
    return confirm_page(request, session, asked)


@router.post("/portal/releases", name="release_create")
async def release_create(request: Request) -> Response:
    """Make the confirmed release once (its key), then its certificate."""
    session = await run_in_threadpool(require, request, "create_release")
    form = await request.form(max_files=0, max_fields=10)
    if not await run_in_threadpool(csrf_valid, request, form.get(CSRF_FIELD)):
        return form_expired(request)
    key = str(form.get("key") or "")[: releases.MAX_KEY] or None
    asked = asked_of(form, key=key, force=form.get("force") == "yes")
    if asked.request is None:
        return await run_in_threadpool(lambda: preview_page(request, session, asked, status=422))
    context, note, lang = context_of(request), note_of(request), page_language(request)
    try:
        release, replay = await run_in_threadpool(
            releases.create_once, context, session.principal, asked.request, note
        )
    except Refusal as refusal:
        if refusal.code == "coverage_below_threshold":
            asked.errors.append(FieldError.refused("force", refusal, lang))
            return await run_in_threadpool(
                lambda: confirm_page(request, session, asked, status=409)
            )
        back_url = f"{request.app.url_path_for('release_preview')}?{asked.query}"
        back = (back_url, translator(lang)("back_preview"))
        return refusal_page(request, refusal, back=back)
    url = request.app.url_path_for("release_certificate", release_id=release["id"])
    return RedirectResponse(f"{url}?{'replayed' if replay else 'made'}=1", 303)
