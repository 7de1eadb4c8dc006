"""With JavaScript off, every page works: forms, errors and the language switch."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Locator

from tests.browser.conftest import Visit

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def _text(locator: Locator) -> str:
    """The text as a screen reader reads it (the visually hidden part included)."""
    return " ".join((locator.text_content() or "").split())


def test_nojs_sign_in_shows_each_error(open_page: Callable[..., Visit]) -> None:
    visit = open_page("/sign-in", java_script=False)
    page = visit.page
    with page.expect_navigation():
        page.get_by_role("button", name="Aanmelden").click()
    assert page.locator(".lk-error-summary a").inner_text() == "Vul uw token in"
    assert _text(page.locator("#token-error")) == "Fout: Vul uw token in"
    page.get_by_label("Token").fill("lks_not-a-token")
    with page.expect_navigation():
        page.get_by_role("button", name="Aanmelden").click()
    assert _text(page.locator("#token-error")).startswith("Fout: Dit is geen token")
    assert page.title().startswith("Fout: Aanmelden")
    page.locator(".lk-error-summary a").click()
    assert page.url.endswith("#token")
    assert visit.foreign_requests() == []


def test_nojs_language_switch_is_remembered(open_page: Callable[..., Visit]) -> None:
    visit = open_page("/", java_script=False)
    page = visit.page
    with page.expect_navigation():
        page.get_by_role("link", name="English").click()
    assert page.get_attribute("html", "lang") == "en"
    with page.expect_navigation():
        page.get_by_role("link", name="Sign in").first.click()
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h1").inner_text() == "Sign in"
    with page.expect_navigation():
        page.get_by_role("link", name="Nederlands").click()
    assert page.locator("h1").inner_text() == "Aanmelden"
    assert visit.foreign_requests() == []


def test_nojs_every_page_has_its_content(open_page: Callable[..., Visit]) -> None:
    for path, h1 in [
        ("/", "Landelijke cijfers over lekken van persoonsgegevens"),
        ("/accessibility", "Toegankelijkheidsverklaring"),
        ("/nope", "Pagina niet gevonden"),
    ]:
        visit = open_page(path, java_script=False)
        assert visit.page.locator("h1").inner_text() == h1
        assert visit.foreign_requests() == []
