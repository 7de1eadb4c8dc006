"""The public figures pages in Chromium: axe-core on every page, the keyboard, without JavaScript,
and a provisional release only for a signed-in analyst."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from aggregator.demo.processes import Server
from tests.browser.conftest import Visit, check
from tests.browser.publishing import publish

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture(scope="module")
def published(server: Server, server_db: Path) -> dict[str, str]:
    """A final and a provisional release on the browser tests' server."""
    return publish(server, server_db)


@pytest.mark.parametrize(
    "path",
    [
        "/figures",
        "/figures/{final}",
        "/figures/{final}?lang=en",
        "/figures/{final}/certificate",
        "/figures/series/totals?stage=ST01_SIGNAAL",
        "/figures/series/signals_by_motive?motive=MO01_CRIMINEEL&lang=en",
        "/methodology",
    ],
)
def test_public_pages_pass_axe(
    page_check: Callable[..., Visit], published: dict[str, str], path: str
) -> None:
    visit = page_check(path.format(**published))
    assert visit.status == 200
    assert visit.page.locator("h1").count() == 1


def test_public_release_page_on_a_phone_passes_axe(
    page_check: Callable[..., Visit], published: dict[str, str]
) -> None:
    visit = page_check(f"/figures/{published['final']}", width=375)
    # The charts and tables keep a legible size and scroll in their own (focusable) regions.
    width = visit.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    chart = visit.page.locator("figure.lk-chart").first
    assert chart.evaluate("e => e.scrollWidth > e.clientWidth")
    assert chart.get_attribute("aria-label") == "Grafiek: Landelijk totaal naar fase"
    assert chart.locator("svg.chart").bounding_box()["width"] >= 36 * 16  # type: ignore[index]


def test_public_provisional_release_only_for_a_signed_in_analyst(
    open_page: Callable[..., Visit], browser: Browser, server: Server, published: dict[str, str]
) -> None:
    path = f"/figures/{published['provisional']}"
    assert open_page(path).status == 404
    context = browser.new_context(base_url=server.url)
    try:
        page = context.new_page()
        page.goto(server.url + "/sign-in")
        page.get_by_label("Token").fill(published["analyst"])
        page.get_by_role("button", name="Aanmelden").click()
        page.wait_for_url("**/portal")
        visit = check(open_page(path, context=context))
        assert visit.status == 200
        assert "Voorlopige cijfers" in visit.page.locator("main").inner_text()
    finally:
        context.close()


def test_public_keyboard_reaches_a_table_and_its_download(
    open_page: Callable[..., Visit], published: dict[str, str]
) -> None:
    visit = open_page(f"/figures/{published['final']}")
    page = visit.page
    page.keyboard.press("Tab")
    assert visit.focused()["text"] == "Direct naar de inhoud"
    page.keyboard.press("Enter")
    contents = page.locator(".lk-contents a").first
    for _ in range(40):  # through the release's facts and documents to the contents
        page.keyboard.press("Tab")
        if visit.focused()["text"] == contents.inner_text():
            break
    focused = visit.focused()
    assert focused["text"] == "Landelijk totaal naar fase"
    assert focused["outlineStyle"] == "solid" and focused["outlineWidth"] == "3px"
    page.keyboard.press("Enter")
    assert page.url.endswith("#table-totals")


def test_public_pages_without_javascript_show_charts_tables_and_download(
    open_page: Callable[..., Visit], published: dict[str, str], tmp_path: Path
) -> None:
    visit = open_page(f"/figures/{published['final']}", java_script=False)
    page = visit.page
    assert page.locator("svg.chart").count() >= 10  # drawn on the server
    assert page.locator("table.lk-figures tbody tr").count() > 50
    link = page.get_by_role("link", name="CSV voor Nederlandse Excel (;)").first
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"lekstat-{published['final']}-totals.csv"
    assert saved.read_bytes().startswith(b"\xef\xbb\xbfstage;stage_label;estimate;")
    assert visit.foreign_requests() == []
