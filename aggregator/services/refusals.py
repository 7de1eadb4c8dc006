"""Refusals: what an operation says when it will not do what was asked.

A refusal carries a :class:`Kind` (what sort of "no" it is), a stable ``code`` (the same on every
edge), its message in Dutch and English, and details. Each edge maps kinds through one table:
the HTTP status in :mod:`aggregator.http.errors`, the exit code in :mod:`aggregator.cli.main`,
the page message in the portal. The services never know which edge called them.

>>> r = Refusal(Kind.CONFLICT, "period_already_locked", "al vergrendeld", "already locked")
>>> r.kind.value, r.code, r.message("en")
('conflict', 'period_already_locked', 'already locked')
"""

from __future__ import annotations

import enum
from typing import Any


class Kind(enum.Enum):
    """What sort of refusal: each edge has one table from kind to its own answer."""

    #: Well-formed but not acceptable: a bad period, an invalid file, a plan that cannot be used.
    INVALID = "invalid"
    #: No such thing, or not one the caller may see.
    NOT_FOUND = "not_found"
    #: The state does not allow it: a locked period, a spent budget, a reused key.
    CONFLICT = "conflict"
    #: The caller's role may not do this.
    FORBIDDEN = "forbidden"
    #: The request is larger than the service takes (rows, cells).
    TOO_LARGE = "too_large"
    #: Too much at once: wait and try again.
    BUSY = "busy"
    #: The service cannot do it on this machine or now (a missing library, a failed check).
    FAILURE = "failure"


class Refusal(Exception):
    """An operation's refusal: kind, stable code, Dutch and English message, details."""

    def __init__(
        self,
        kind: Kind,
        code: str,
        message_nl: str,
        message_en: str,
        details: list[Any] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.kind = kind
        self.code = code
        self.message_nl = message_nl
        self.message_en = message_en
        self.details = details or []

    def message(self, lang: str) -> str:
        """The message in ``lang`` (``nl`` or ``en``)."""
        return self.message_nl if lang == "nl" else self.message_en


def invalid(code: str, nl: str, en: str, details: list[Any] | None = None) -> Refusal:
    """A refusal of kind :attr:`Kind.INVALID`."""
    return Refusal(Kind.INVALID, code, nl, en, details)


def conflict(code: str, nl: str, en: str, details: list[Any] | None = None) -> Refusal:
    """A refusal of kind :attr:`Kind.CONFLICT`."""
    return Refusal(Kind.CONFLICT, code, nl, en, details)


def not_found(code: str, nl: str, en: str, details: list[Any] | None = None) -> Refusal:
    """A refusal of kind :attr:`Kind.NOT_FOUND`."""
    return Refusal(Kind.NOT_FOUND, code, nl, en, details)
