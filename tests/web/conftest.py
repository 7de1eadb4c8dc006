"""Fixtures for the web pages: the real app on a DuckDB file under tmp_path, and HTML reading."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response  # what the TestClient answers with

from aggregator.config import Settings
from aggregator.http.app import create_app
from aggregator.services.auth import new_token
from aggregator.store import Store

#: What a browser sends when it asks for a page.
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    """The service on a fresh database."""
    return create_app(Settings(db_path=tmp_path / "web.duckdb"))


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client of the service, as a browser asks (HTML first)."""
    with TestClient(app, headers=BROWSER) as c:
        yield c


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Element:
    """A start tag, its attributes and its text content (whitespace collapsed)."""

    tag: str
    attrs: dict[str, str]
    raw_text: str = ""

    @property
    def text(self) -> str:
        """The element's text, as a person reads it."""
        return " ".join(self.raw_text.split())


@dataclass
class Page(HTMLParser):
    """The elements of an HTML document in order (a small reader; enough for these tests)."""

    elements: list[Element] = field(default_factory=list)
    open: list[Element] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                break

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.raw_text += data

    def all(self, tag: str, **attrs: str) -> list[Element]:
        """The elements ``tag`` with ``attrs`` (``aria_current`` for ``aria-current``;
        ``class_`` matches one of the element's classes)."""
        want = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}

        def matches(e: Element, name: str, value: str) -> bool:
            if name == "class":
                return value in e.attrs.get("class", "").split()
            return e.attrs.get(name) == value

        return [
            e
            for e in self.elements
            if e.tag == tag and all(matches(e, k, v) for k, v in want.items())
        ]

    def one(self, tag: str, **attrs: str) -> Element:
        """The only element ``tag`` with ``attrs``."""
        found = self.all(tag, **attrs)
        assert len(found) == 1, f"{len(found)} <{tag} {attrs}> elements"
        return found[0]


def read(html: str) -> Page:
    """The elements of ``html``."""
    page = Page()
    page.feed(html)
    page.close()
    return page


# -- the portal: a service with a token per role, and browsers that sign in ------------------

#: The service's clock in the portal tests (UTC): late in 2026-Q4, as in tests/http.
NOW = dt.datetime(2026, 11, 29, 12, 0, 0)
OWN = "GM0363"  # Amsterdam
OTHER = "GM0344"  # Utrecht
ROLES = {
    "own": ("municipality", OWN),
    "other": ("municipality", OTHER),
    "analyst": ("analyst", None),
    "statistician": ("statistician", None),
    "admin": ("admin", None),
}
HEADER = "function_type;data_category;stage;employment_type;motive;count\n"
#: A valid CSV with two rows (3 incidents) and one with three problems.
GOOD_CSV = (
    HEADER
    + "FT04_PARKEREN;DC03_KENTEKEN;ST01_SIGNAAL;EM03_INHUUR;MO01_CRIMINEEL;2\n"
    + "FT01;DC01;ST02;EM01;MO02;1\n"
).encode()
BAD_CSV = (
    HEADER
    + "FT04_PARKEREN;DC03_KENTEKEN;ST01_SIGNAAL;EM03_INHUUR;MO01_CRIMINEEL;-1\n"
    + "FT77;DC01;ST02;EM01;MO02;1\n"
    + "FT01;DC01;ST02;EM01;MO02;2.5\n"
).encode()


@dataclass
class Portal:
    """The app on its own database, its clock, and a token per role."""

    app: FastAPI
    store: Store
    clock: dict[str, dt.datetime]
    tokens: dict[str, str]
    token_ids: dict[str, str]

    def browser(self, *, https: bool = False) -> TestClient:
        """A new browser (its own cookies), not signed in."""
        base = "https://testserver" if https else "http://testserver"
        return TestClient(self.app, headers=BROWSER, base_url=base, follow_redirects=False)

    def signed_in(self, who: str, **options: bool) -> TestClient:
        """A new browser signed in with ``who``'s token."""
        browser = self.browser(**options)
        response = sign_in(browser, self.tokens[who])
        assert response.status_code == 303, response.text
        return browser


def csrf_of(html: str) -> str:
    """The CSRF token of the (first) form on a page."""
    return read(html).all("input", name="csrf_token")[0].attrs["value"]


def sign_in(browser: TestClient, token: str) -> Response:
    """Sign in through the form, as a person does."""
    csrf = csrf_of(browser.get("/sign-in").text)
    return browser.post("/sign-in", data={"token": token, "csrf_token": csrf})


def check(browser: TestClient, period: str, name: str, data: bytes) -> Response:
    """Upload a file to a quarter's check."""
    csrf = csrf_of(browser.get(f"/portal/quarters/{period}").text)
    files = {"file": (name, data, "application/octet-stream")}
    return browser.post(f"/portal/quarters/{period}/check", data={"csrf_token": csrf}, files=files)


def check_and_submit(browser: TestClient, period: str, data: bytes, name: str = "a.csv") -> str:
    """Check a valid file and submit it; the receipt's path."""
    checked = check(browser, period, name, data)
    assert checked.status_code == 200, checked.text
    page = read(checked.text)
    form = {
        "csrf_token": csrf_of(checked.text),
        "upload": page.one("input", name="upload").attrs["value"],
        "sha256": page.one("input", name="sha256").attrs["value"],
    }
    submitted = browser.post(f"/portal/quarters/{period}/submit", data=form)
    assert submitted.status_code == 303, submitted.text
    return submitted.headers["location"]


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    """The service with a token per role and a clock the test may move."""
    clock = {"now": NOW}
    settings = Settings(
        db_path=tmp_path / "portal.duckdb",
        rate_limit_per_minute=60_000,
        rate_limit_burst=10_000,
        contact="helpdesk@lekstat.example",
    )
    app = create_app(settings, clock=lambda: clock["now"])
    store: Store = app.state.store
    tokens, ids = {}, {}
    for who, (role, municipality) in ROLES.items():
        token, record = new_token(role, municipality, who, NOW)
        store.add_token(record)
        tokens[who], ids[who] = token, record.id
    with TestClient(app):  # runs the lifespan: the store is closed at the end
        yield Portal(app, store, clock, tokens, ids)


class _Tables(HTMLParser):
    """The body rows of one table, as the text of each cell (as a screen reader reads it:
    without what is ``aria-hidden``)."""

    def __init__(self, css_class: str) -> None:
        super().__init__(convert_charrefs=True)
        self.css_class = css_class
        self.depth = 0  # > 0 inside the wanted table
        self.in_body = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.hidden: list[str] = []  # the open aria-hidden elements' tags

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.hidden or dict(attrs).get("aria-hidden") == "true":
            if tag not in VOID:
                self.hidden.append(tag)
            return
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and (self.depth or self.css_class in classes):
            self.depth += 1
        elif self.depth and tag == "tbody":
            self.in_body = True
        elif self.depth and self.in_body and tag == "tr":
            self.rows.append([])
        elif self.depth and self.in_body and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if self.hidden:
            if self.hidden[-1] == tag:
                self.hidden.pop()
            return
        if not self.depth:
            return
        if tag == "table":
            self.depth -= 1
        elif tag == "tbody":
            self.in_body = False
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None and not self.hidden:
            self.cell.append(data)


def table_rows(html: str, css_class: str) -> list[list[str]]:
    """The body rows of the table with ``css_class``: per row the text of each cell."""
    parser = _Tables(css_class)
    parser.feed(html)
    parser.close()
    assert parser.rows or f'"{css_class}' in html or f" {css_class}" in html, css_class
    return parser.rows


def facts(page: Page) -> dict[str, str]:
    """A page's data list(s) as term → description."""
    terms, values = page.all("dt"), page.all("dd")
    assert len(terms) == len(values)
    return {t.text: v.text for t, v in zip(terms, values, strict=True)}
