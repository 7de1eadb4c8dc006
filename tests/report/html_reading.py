"""Read the report's HTML back, with the standard library only: a small element tree."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"meta", "link", "br", "hr", "img", "input", "col", "source", "wbr", "area", "base"}
INVISIBLE = {"style", "script", "head"}


@dataclass
class Node:
    """An element: tag, attributes, children (nodes and text) and its parent."""

    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def iter(self, tag: str | None = None) -> Iterator[Node]:
        """This element and every element below it (of ``tag``), in document order."""
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter(tag)

    def find(self, tag: str | None = None, **attrs: str) -> Node | None:
        """The first element below (or at) this one with ``tag`` and these attributes."""
        for node in self.iter(tag):
            if all(node.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                return node
        return None

    def text(self, skip_lang: str | None = None) -> str:
        """The visible text, words separated by single spaces; with ``skip_lang``, text
        inside an element marked with another ``lang`` than ``skip_lang`` is left out."""
        return " ".join(self._texts(skip_lang)).strip()

    def _texts(self, keep: str | None) -> Iterator[str]:
        if self.tag in INVISIBLE:
            return
        lang = self.attrs.get("lang")
        if keep is not None and lang is not None and lang != keep:
            return
        for child in self.children:
            if isinstance(child, Node):
                yield from child._texts(keep)
            elif child.strip():
                yield " ".join(child.split())

    def joined(self) -> str:
        """The text with no whitespace at all (how a cell compares to PDF text)."""
        return "".join(self.text().split())


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Node:
    """The document's element tree."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def table_rows(table: Node) -> list[list[Node]]:
    """The body rows of a table, each as its cells (``th`` and ``td``)."""
    body = table.find("tbody")
    assert body is not None
    return [[c for c in tr.children if isinstance(c, Node)] for tr in body.iter("tr")]
