"""The page checks can fail: a page with a violation, a foreign request or a blocked inline
script does not pass."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from aggregator.demo.processes import Server
from tests.browser.conftest import Visit, check, serve_html

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

CSP = "default-src 'self'; script-src 'self'"


def _served(
    open_page: Callable[..., Visit], server: Server, html: str, *, policy: bool = True
) -> Visit:
    visit = open_page("")
    headers = {"content-type": "text/html"}
    if policy:
        headers["content-security-policy"] = CSP
    made = httpx.Response(200, headers=headers, text=html)
    serve_html(visit.page, server.url + "/made", made)
    visit.page.route("https://example.org/**", lambda route: route.abort())
    visit.page.goto(server.url + "/made")
    return visit


def test_check_fails_on_an_axe_violation(open_page: Callable[..., Visit], server: Server) -> None:
    visit = _served(open_page, server, "<html><title>x</title><main><input></main></html>")
    with pytest.raises(AssertionError, match="label"):
        check(visit)


def test_check_fails_on_a_foreign_request(open_page: Callable[..., Visit], server: Server) -> None:
    html = (
        '<html lang="nl"><title>x</title><main><h1>x</h1>'
        '<img alt="x" src="https://example.org/x.png"></main></html>'
    )
    visit = _served(open_page, server, html, policy=False)  # the route aborts it, unsent
    assert visit.foreign_requests() == ["https://example.org/x.png"]
    with pytest.raises(AssertionError, match=r"example\.org"):
        check(visit)


def test_check_fails_on_a_blocked_inline_script(
    open_page: Callable[..., Visit], server: Server
) -> None:
    html = '<html lang="nl"><title>x</title><main><h1>x</h1><script>1</script></main></html>'
    visit = _served(open_page, server, html)
    with pytest.raises(AssertionError):
        check(visit)
    assert any("inline script" in m for m in visit.csp_violations()), visit.console
