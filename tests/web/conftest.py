"""Fixtures for the web pages: the real app on a DuckDB file under tmp_path, and HTML reading."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from aggregator.config import Settings
from aggregator.http.app import create_app

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
