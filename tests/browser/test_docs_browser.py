"""The API documentation renders offline: Swagger UI and ReDoc from lekstat itself."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import Visit

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def test_docs_swagger_renders_with_no_other_host(open_page: Callable[..., Visit]) -> None:
    visit = open_page("/docs")
    visit.page.wait_for_selector(".opblock-summary-path")
    paths = visit.page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/submissions" in paths
    visit.page.wait_for_load_state("networkidle")
    assert visit.foreign_requests() == []
    assert visit.csp_violations() == []


def test_docs_redoc_renders_with_no_other_host(open_page: Callable[..., Visit]) -> None:
    visit = open_page("/redoc")
    visit.page.wait_for_selector("h1")
    assert visit.page.locator("h1").first.inner_text().startswith("lekstat")
    visit.page.wait_for_load_state("networkidle")
    assert visit.foreign_requests() == []
    # ReDoc's one attempt at another host, its logo, is refused by the policy: never sent.
    assert visit.blocked == ["https://cdn.redoc.ly/redoc/logo-mini.svg"]
    blocked = visit.csp_violations()
    assert blocked and all("cdn.redoc.ly" in message for message in blocked), blocked
