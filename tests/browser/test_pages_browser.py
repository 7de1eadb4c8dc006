"""Every page type in a real Chromium: axe-core finds no WCAG 2.1 A/AA violation, nothing is
loaded from another host, and the strict policy blocks nothing of our own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import Request
from fastapi.responses import Response
from fastapi.testclient import TestClient
from jinja2 import ChoiceLoader, DictLoader

from aggregator.config import Settings
from aggregator.demo.processes import Server
from aggregator.http.app import create_app
from aggregator.web.errors import PageRoute
from aggregator.web.rendering import Pages, pages_of
from tests.browser.conftest import Visit, check, serve_html

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

BROWSER_ACCEPT = {"Accept": "text/html,application/xhtml+xml"}


@pytest.mark.parametrize(
    ("path", "status", "lang", "h1"),
    [
        ("/", 200, "nl", "Landelijke cijfers over lekken van persoonsgegevens"),
        ("/?lang=en", 200, "en", "National figures on leaks of personal data"),
        ("/sign-in", 200, "nl", "Aanmelden"),
        ("/sign-in?lang=en", 200, "en", "Sign in"),
        ("/accessibility", 200, "nl", "Toegankelijkheidsverklaring"),
        ("/accessibility?lang=en", 200, "en", "Accessibility statement"),
        ("/no/such/page", 404, "nl", "Pagina niet gevonden"),
        ("/no/such/page?lang=en", 404, "en", "Page not found"),
    ],
)
def test_page_passes_axe_and_stays_on_loopback(
    page_check: Callable[..., Visit], path: str, status: int, lang: str, h1: str
) -> None:
    visit = page_check(path)
    assert visit.status == status
    assert visit.page.get_attribute("html", "lang") == lang
    assert visit.page.locator("h1").inner_text() == h1
    # The house style is applied: the stylesheet came from lekstat and styles the header.
    ribbon = visit.page.locator(".lk-logo__ribbon")
    assert ribbon.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(21, 66, 115)"


@pytest.mark.parametrize("width", [1280, 360])
def test_sign_in_errors_pass_axe_at_every_width(
    page_check: Callable[..., Visit], width: int
) -> None:
    visit = page_check("/sign-in", width=width)
    visit.page.get_by_role("button", name="Aanmelden").click()
    visit.page.wait_for_selector(".lk-error-summary")
    check(visit)
    # The error summary took the focus, so a keyboard user lands on it.
    assert visit.page.evaluate("document.activeElement.className") == "lk-error-summary"
    # No horizontal scrolling on a phone.
    assert visit.page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(
    ("reason", "kind", "text"),
    [
        ("required", "info", "Sign in to see this page."),
        ("ended", "warning", "Your session has expired or was ended"),
        ("signed_out", "success", "You have signed out."),
    ],
)
def test_sign_in_notice_passes_axe(
    page_check: Callable[..., Visit], reason: str, kind: str, text: str
) -> None:
    visit = page_check(f"/sign-in?lang=en&reason={reason}")
    assert text in visit.page.locator(f".utrecht-alert--{kind}").inner_text()


def test_sign_in_unknown_token_passes_axe(page_check: Callable[..., Visit]) -> None:
    visit = page_check("/sign-in?lang=en")
    visit.page.get_by_label("Token").fill("lks_" + "a" * 12 + "_" + "b" * 43)
    visit.page.get_by_role("button", name="Sign in").click()
    visit.page.wait_for_selector(".lk-error-summary")
    check(visit)
    assert "this token is unknown" in visit.page.locator("#token-error").inner_text().lower()


def _made_app(tmp_path: Path) -> TestClient:
    """The app as the server makes it, plus what a running server cannot be made to show: a
    page route that fails, and a page with every component."""
    app = create_app(Settings(db_path=tmp_path / "made.duckdb"))
    pages: Pages = app.state.web
    pages.env.loader = ChoiceLoader([DictLoader({"gallery.html.j2": GALLERY}), pages.env.loader])

    def boom(request: Request) -> Response:
        raise RuntimeError("a failure")

    def gallery(request: Request) -> Response:
        return pages_of(request).render(request, "gallery.html.j2")

    app.router.routes.insert(0, PageRoute("/boom", boom, methods=["GET"], name="boom"))
    app.router.routes.insert(0, PageRoute("/gallery", gallery, methods=["GET"], name="gallery"))
    return TestClient(app, headers=BROWSER_ACCEPT)


GALLERY = """{% extends "base.html.j2" %}
{% block title %}Componenten{% endblock %}
{% block breadcrumb %}{{ c.breadcrumb([("Home", "/"), ("Componenten", "/gallery")]) }}{% endblock %}
{% block main %}
{{ c.heading(1, "Componenten") }}
{% for kind in ["info", "warning", "error", "success"] %}
{% call c.alert(kind) %}
<p class="utrecht-paragraph">Een melding van de soort {{ kind }}.</p>
{% endcall %}
{% endfor %}
{{ c.heading(2, "Tabel") }}
{{ c.table("Incidenten per kwartaal",
  [("Kwartaal", false), ("Schatting", true), ("Interval", true)],
  [["2026-Q1", "12", "8–16"], ["2026-Q2", "1.204", "1.190–1.218"]]) }}
{{ c.heading(2, "Gegevens") }}
{{ c.data_list([("Periode", "2026-Q1"), ("Versie", "2")]) }}
{{ c.heading(2, "Formulier") }}
<form method="post" action="/sign-in" novalidate>
  {{ c.csrf_field() }}
  {{ c.text_field("period", "Periode", hint="Bijvoorbeeld 2026-Q1") }}
  {{ c.button("Verder") }} {{ c.button("Annuleren", variant="secondary-action") }}
  {{ c.button_link("/", "Naar de start", variant="subtle") }}
</form>
{% endblock %}
"""


@pytest.mark.parametrize(
    ("path", "status", "h1"), [("/boom", 500, "Er ging iets mis"), ("/gallery", 200, "Componenten")]
)
def test_made_page_passes_axe(
    open_page: Callable[..., Visit], server: Server, tmp_path: Path, path: str, status: int, h1: str
) -> None:
    with _made_app(tmp_path) as client:
        made = client.get(path)
    assert made.status_code == status
    visit = open_page("")
    serve_html(visit.page, server.url + path, made)
    response = visit.page.goto(server.url + path)
    assert response is not None and response.status == status
    assert visit.page.locator("h1").inner_text() == h1
    check(visit)
