"""Browser tests: Debian's Chromium, driven by Playwright, against the real server process.

Later page tests reuse these fixtures:

- ``server``: ``lekstat-server serve`` on a fresh database (one per test session, at
  ``server_db``); ``issue_token(role, municipality)`` makes a token with the real command line;
- ``page_check(path)``: opens the page in a fresh browser context, runs axe-core (WCAG 2.1 A and
  AA) and asserts no violations, that no request left 127.0.0.1 and that the page's own policy
  blocked nothing; returns the :class:`Visit` for the test to go on with;
- ``open_page(path, java_script=False)``: the same visit without the checks, e.g. with
  JavaScript off (axe itself needs JavaScript);
- ``serve_html(page, path, response)``: answers ``path`` on the server's origin with a
  response made in the test (a TestClient answer), for pages a running server cannot be made to
  show, such as the 500 page.

``make test`` installs Chromium; without it these tests fail and say what to install.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    sync_playwright,
)

from aggregator.demo.processes import Server, run, start_server, stop_server

#: Debian's Chromium; ``make test`` installs it (``LEKSTAT_CHROMIUM`` names another).
CHROMIUM = os.environ.get("LEKSTAT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
#: The axe-core rules of WCAG 2.1 levels A and AA.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LOOPBACK = "127.0.0.1"


@dataclass
class Visit:
    """A page opened in its own context, with every request and console message it made."""

    page: Page
    context: BrowserContext
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    status: int | None = None

    def csp_violations(self) -> list[str]:
        """Console messages that say the Content-Security-Policy blocked something."""
        return [m for m in self.console if "Content Security Policy" in m]

    def foreign_requests(self) -> list[str]:
        """Requests to anything but the loopback server that left the browser.

        data: and blob: stay in the page; a request the page's policy blocked never left
        (Chromium refuses it before the network), and shows in :meth:`csp_violations`.
        """
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in {"data", "blob", "about"}
            and urlsplit(url).hostname != LOOPBACK
            and url not in self.blocked
        ]

    def focused(self) -> dict[str, str]:
        """The focused element: tag, id, accessible text and its computed outline."""
        info: dict[str, str] = self.page.evaluate(
            """() => {
              const e = document.activeElement;
              const s = getComputedStyle(e);
              const label = e.labels && e.labels.length ? e.labels[0].textContent : '';
              return {tag: e.tagName.toLowerCase(), id: e.id,
                      text: (e.textContent || label || '').trim().replace(/\\s+/g, ' '),
                      outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth,
                      outlineColor: s.outlineColor};
            }"""
        )
        return info


def _chromium_or_fail() -> str:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"the browser tests need Debian's Chromium at {CHROMIUM}: run `make test` as root "
            "(it installs it), or `sudo apt-get install chromium`, or set LEKSTAT_CHROMIUM "
            "to a Chromium binary",
            pytrace=False,
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session."""
    path = _chromium_or_fail()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=path, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def server_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database file of the browser tests' server."""
    return tmp_path_factory.mktemp("browser") / "lekstat.duckdb"


@pytest.fixture(scope="session")
def server(server_db: Path) -> Iterator[Server]:
    """The real service on a fresh database, on a free loopback port."""
    running = start_server(server_db)
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def issue_token(server: Server, server_db: Path) -> Callable[..., str]:
    """``issue_token(role, municipality=None)``: a new token, made by the real command line
    (passed to the running server over its operator socket)."""

    def issue(role: str, municipality: str | None = None) -> str:
        args = ["--db", str(server_db), "token", "create", "--role", role, "--label", "browser"]
        if municipality is not None:
            args += ["--municipality", municipality]
        result = run("lekstat-server", *args)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1]

    return issue


def run_axe(page: Page) -> None:
    """axe-core's WCAG 2.1 A and AA rules on ``page``: no violations."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def open_page(browser: Browser, server: Server) -> Iterator[Callable[..., Visit]]:
    """``open_page(path, java_script=True, width=1280)``: a fresh context, the page loaded."""
    contexts: list[BrowserContext] = []

    def open_(
        path: str,
        *,
        java_script: bool = True,
        width: int = 1280,
        context: BrowserContext | None = None,
    ) -> Visit:
        if context is None:
            context = browser.new_context(
                java_script_enabled=java_script,
                viewport={"width": width, "height": 900},
                base_url=server.url,
            )
            contexts.append(context)
        page = context.new_page()
        visit = Visit(page, context)
        page.on("request", lambda request: visit.requests.append(request.url))
        page.on("requestfailed", lambda request: _blocked(visit, request))
        page.on("console", lambda message: visit.console.append(_console_text(message)))
        if path:
            response = page.goto(server.url + path)
            visit.status = response.status if response is not None else None
        return visit

    yield open_
    for context in contexts:
        context.close()


def _blocked(visit: Visit, request: Request) -> None:
    # Chromium names the reason "csp" (net::ERR_BLOCKED_BY_CSP): refused before the network.
    if "csp" in (request.failure or "").lower():
        visit.blocked.append(request.url)


def _console_text(message: ConsoleMessage) -> str:
    return f"{message.type}: {message.text}"


def check(visit: Visit) -> Visit:
    """The checks every page passes: axe, only loopback requests, nothing blocked."""
    run_axe(visit.page)
    assert visit.foreign_requests() == []
    assert visit.csp_violations() == []
    return visit


@pytest.fixture
def page_check(open_page: Callable[..., Visit]) -> Callable[..., Visit]:
    """``page_check(path, **open_page_options)``: open the page and run :func:`check`."""

    def page_check_(path: str, **options: object) -> Visit:
        return check(open_page(path, **options))

    return page_check_


def serve_html(page: Page, url: str, response: httpx.Response) -> None:
    """Answer ``url`` in ``page`` with ``response`` (status, headers and body as made)."""
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    page.route(
        url,
        lambda route: route.fulfill(
            status=response.status_code, headers=headers, body=response.content
        ),
    )
