"""Rendering a page: the Jinja2 templates with the page's language, texts, assets and forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.routing import NoMatchFound

from aggregator.web.assets import Assets
from aggregator.web.csrf import CSRF_FIELD, csrf_token, set_csrf_cookie
from aggregator.web.formats import format_date, format_day, format_int, format_moment
from aggregator.web.i18n import (
    LANG_COOKIE,
    LANG_COOKIE_MAX_AGE,
    LANGS,
    Lang,
    language_from,
    parse_lang,
    translator,
)
from aggregator.web.session import account_name, session_of


@dataclass(frozen=True)
class LanguageLink:
    """One entry of the language switch."""

    lang: Lang
    href: str
    current: bool


def page_language(request: Request) -> Lang:
    """The language of the page for this request."""
    return language_from(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def language_links(request: Request, lang: Lang) -> list[LanguageLink]:
    """This page in each language: the same path and query, with ``lang`` set."""
    links = []
    for other in LANGS:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
        query = urlencode([*params, ("lang", other)])
        links.append(LanguageLink(other, f"{request.url.path}?{query}", other == lang))
    return links


def make_environment() -> Environment:
    """The templates of :mod:`aggregator.web`, autoescaped, failing on any undefined name."""
    return Environment(
        loader=PackageLoader("aggregator.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


class Pages:
    """Renders templates into HTML answers; one per app, at ``app.state.web``."""

    def __init__(self, assets: Assets) -> None:
        self.assets = assets
        self.env = make_environment()

    def render(
        self, request: Request, template: str, *, status: int = 200, **context: Any
    ) -> HTMLResponse:
        """``template`` as the answer, in the request's language, with ``context``.

        Remembers a language chosen with ``?lang=`` in a cookie, and sets the CSRF cookie
        when the page drew a form's token. Signed in, the header names who and offers to sign
        out.
        """
        lang = page_language(request)
        session = session_of(request)

        def has_page(name: str) -> bool:
            try:
                request.app.url_path_for(name)
            except NoMatchFound:
                return False
            return True

        values = {
            "lang": lang,
            "t": translator(lang),
            "asset": self.assets.url,
            "languages": language_links(request, lang),
            "csrf_token": lambda: csrf_token(request),
            "csrf_field_name": CSRF_FIELD,
            "has_page": has_page,
            "url": lambda name, **params: request.app.url_path_for(name, **params),
            "session": session,
            "account": account_name(session.principal, lang) if session else None,
            "date": lambda day: format_date(day, lang),
            "moment": lambda moment: format_moment(moment, lang),
            "day": lambda moment: format_day(moment, lang),
            "number": lambda n: format_int(n, lang),
            **context,
        }
        html = self.env.get_template(template).render(values)
        response = HTMLResponse(html, status_code=status)
        if parse_lang(request.query_params.get("lang")) is not None:
            response.set_cookie(
                LANG_COOKIE,
                lang,
                max_age=LANG_COOKIE_MAX_AGE,
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
                path="/",
            )
        set_csrf_cookie(request, response)
        return response


def pages_of(request: Request) -> Pages:
    """The app's page renderer."""
    pages: Pages = request.app.state.web
    return pages
