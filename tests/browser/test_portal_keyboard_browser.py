"""The upload form with the keyboard alone: a sensible order, a visible focus on every stop,
choosing the file, checking it, and from the problems back to the field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser.conftest import Visit, check
from tests.browser.test_keyboard_browser import _tab_through
from tests.browser.test_portal_browser import LAST, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

#: The focus order of a quarter's page (nothing submitted yet), from the first Tab.
QUARTER_ORDER = [
    ("a", "Direct naar de inhoud"),
    ("a", "lekstat"),
    ("a", "Mijn lekstat"),
    ("button", "Afmelden"),
    ("a", "Nederlands"),
    ("a", "English"),
    ("a", "Home"),
    ("a", "Mijn lekstat"),
    ("a", f"Kwartaal {LAST}"),
    ("a", "Excel-sjabloon (.xlsx)"),
    ("a", "CSV-sjabloon (.csv)"),
    ("a", "Telregels"),
    ("input", "Bestand met aantallen"),
    ("button", "Bestand controleren"),
    ("a", "Nulmelding doen"),
]


def test_portal_keyboard_uploads_a_file_and_reaches_each_problem(
    page_check: Callable[..., Visit], issue_token: Callable[..., str], tmp_path: Path
) -> None:
    visit = page_check("/sign-in")
    page = visit.page
    sign_in(page, issue_token("municipality", "GM0307"))
    page.goto(page.url + f"/quarters/{LAST}")
    check(visit)
    seen = _tab_through(visit, len(QUARTER_ORDER))
    assert [(f["tag"], f["text"]) for f in seen] == QUARTER_ORDER
    for focused in seen:
        assert focused["outlineStyle"] == "solid", focused
        assert float(focused["outlineWidth"].removesuffix("px")) >= 3, focused
    # Back to the file field; Space opens the file chooser, as a mouse click would.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert visit.focused()["id"] == "file"
    bad = tmp_path / "fout.csv"
    bad.write_text(
        "function_type;data_category;stage;employment_type;motive;count\n"
        "FT01;DC01;ST01;EM01;MO02;twee\n",
        encoding="utf-8",
    )
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(bad)
    page.keyboard.press("Tab")
    assert visit.focused()["text"] == "Bestand controleren"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check(visit)
    # The error summary has the focus; its link leads to the field; the table is reachable.
    assert page.evaluate("document.activeElement.className") == "lk-error-summary"
    page.keyboard.press("Tab")
    assert visit.focused()["text"].startswith("fout.csv heeft 1 probleem")
    page.keyboard.press("Enter")
    assert visit.focused()["id"] == "file"
    assert page.locator(".lk-problems tbody tr").count() == 1
