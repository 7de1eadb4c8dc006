"""Keyboard only: the Tab order, the skip link and a visible focus on everything."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import Visit

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

#: The focus order of the sign-in page, from the first Tab.
SIGN_IN_ORDER = [
    ("a", "Direct naar de inhoud"),
    ("a", "lekstat"),
    ("a", "Nederlands"),
    ("a", "English"),
    ("a", "Home"),
    ("a", "Aanmelden"),
    ("input", "Token"),
    ("button", "Aanmelden"),
    ("a", "Toegankelijkheid"),
    ("a", "API-documentatie"),
]


def _tab_through(visit: Visit, count: int) -> list[dict[str, str]]:
    seen = []
    for _ in range(count):
        visit.page.keyboard.press("Tab")
        seen.append(visit.focused())
    return seen


def test_keyboard_tab_order_of_the_sign_in_page(page_check: Callable[..., Visit]) -> None:
    visit = page_check("/sign-in")
    seen = _tab_through(visit, len(SIGN_IN_ORDER))
    assert [(f["tag"], f["text"]) for f in seen] == SIGN_IN_ORDER
    assert seen[6]["id"] == "token"


@pytest.mark.parametrize("path", ["/sign-in", "/", "/accessibility"])
def test_keyboard_focus_is_visible_on_every_stop(
    page_check: Callable[..., Visit], path: str
) -> None:
    visit = page_check(path)
    stops = [f for f in _tab_through(visit, 12) if f["tag"] != "body"]  # body: past the end
    assert len(stops) >= 7
    for focused in stops:
        assert focused["outlineStyle"] == "solid", focused
        assert float(focused["outlineWidth"].removesuffix("px")) >= 3, focused
        assert focused["outlineColor"] == "rgb(0, 0, 0)", focused


def test_keyboard_skip_link_shows_and_moves_to_main(page_check: Callable[..., Visit]) -> None:
    visit = page_check("/sign-in")
    skip = visit.page.locator(".utrecht-skip-link")
    assert skip.bounding_box()["width"] <= 1  # type: ignore[index]
    visit.page.keyboard.press("Tab")
    box = skip.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 20
    visit.page.keyboard.press("Enter")
    assert visit.focused()["id"] == "main"
    visit.page.keyboard.press("Tab")
    assert visit.focused()["id"] == "token"


def test_keyboard_error_summary_link_leads_to_the_field(page_check: Callable[..., Visit]) -> None:
    visit = page_check("/sign-in")
    visit.page.keyboard.press("Tab")
    visit.page.get_by_label("Token").focus()
    visit.page.keyboard.press("Enter")  # submits the form, empty
    visit.page.wait_for_selector(".lk-error-summary")
    visit.page.keyboard.press("Tab")  # from the summary, which has the focus, to its link
    assert visit.focused()["text"] == "Vul uw token in"
    visit.page.keyboard.press("Enter")
    assert visit.focused()["id"] == "token"
