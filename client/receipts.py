"""What the server answers about submissions and tokens, as plain data the client can show.

Kept apart from :mod:`client.api` so that showing a receipt needs neither httpx nor pandas.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Identity:
    """Who a token belongs to (``GET /api/v1/me``)."""

    token_id: str
    role: str
    municipality: str | None
    municipality_name: str | None

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> Identity:
        """Build from the server's JSON."""
        return cls(
            token_id=str(body["token_id"]),
            role=str(body["role"]),
            municipality=_optional_str(body.get("municipality")),
            municipality_name=_optional_str(body.get("municipality_name")),
        )


@dataclass(frozen=True)
class Receipt:
    """The server's receipt for a submission (or, for a dry run, what it would have been).

    ``replayed`` is true when the server returned the original receipt for a retried upload;
    ``sent_sha256`` is the SHA-256 the client computed, so ``verified`` can compare the two.
    ``records`` holds the submitted rows when the receipt came from ``Client.submission``.
    """

    id: str | None
    municipality: str | None
    period: str
    version: int | None
    nil_return: bool
    rows: int
    total: int
    sha256: str
    taxonomy_version: str | None
    received_at: str | None
    late: bool
    replayed: bool = False
    dry_run: bool = False
    records: tuple[dict[str, Any], ...] | None = None
    sent_sha256: str | None = None
    #: The encoding the file was read in (``'windows-1252'``…): the server's, else the client's.
    encoding: str | None = None
    #: Whom to ask about this submission (the operator's contact), when the server names one.
    contact: str | None = None

    @property
    def verified(self) -> bool | None:
        """Whether the server's SHA-256 equals the client's (``None`` if not known)."""
        return None if self.sent_sha256 is None else self.sent_sha256 == self.sha256

    @classmethod
    def from_json(cls, body: Mapping[str, Any], *, replayed: bool = False) -> Receipt:
        """Build from the server's JSON: ``rows`` is the row count, ``data`` the rows (if sent)."""
        data = body.get("data")
        records = tuple(dict(r) for r in data) if isinstance(data, list) else None
        return cls(
            id=_optional_str(body.get("id")),
            municipality=_optional_str(body.get("municipality")),
            period=str(body["period"]),
            version=None if body.get("version") is None else int(body["version"]),
            nil_return=bool(body.get("nil_return", False)),
            rows=int(body.get("rows", 0)),
            total=int(body.get("total", 0)),
            sha256=str(body["sha256"]),
            taxonomy_version=_optional_str(body.get("taxonomy_version")),
            received_at=_optional_str(body.get("received_at")),
            late=bool(body.get("late", False)),
            replayed=replayed,
            dry_run=bool(body.get("dry_run", False)),
            records=records,
            encoding=_optional_str(body.get("encoding")),
            contact=_optional_str(body.get("contact")) or None,
        )


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)
