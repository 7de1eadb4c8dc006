"""Every error the client raises on purpose, and the command line's exit code for each.

The tree::

    LekstatError                   anything below; .message is fit to show a person
    ├── ConfigError                the client is not set up: no token, bad URL, broken config file
    ├── InvalidDataError           the data is invalid (offline, or the server's 422
    │                              invalid_submission); .issues holds every record
    │                              {row, column, value, message, code}
    ├── ResponseError              the server answered with an error:
    │                              .status .code .message .details
    │   ├── AuthenticationError    401: no token, or an unknown or revoked one
    │   ├── PermissionDeniedError  403: the token's role may not do this
    │   ├── RefusedError           any other 4xx: 404 not found, 409 period_locked or
    │   │   │                      idempotency_conflict, 413 too large, 415, 422 not about the data
    │   │   ├── UnknownReleaseError  no such release for this caller; .releases: the readable ones
    │   │   └── UnknownTableError    the release has no such table; .tables: the ones it has
    │   └── ServerError            5xx, or 429 still after the retries; or an answer that is not
    │                              the JSON the API promises
    └── NetworkError               timeouts and connection errors, after the retries

Retried before anything is raised: connection errors, timeouts, 5xx and 429. Never retried: every
other 4xx, because sending the same request again cannot change the answer.

Exit codes of the command line: 1 :class:`InvalidDataError`, 2 :class:`ConfigError`, 3 every
other error (a refusal is a server failure in the user's terms; the message says which), 70 a
bug in lekstat.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

#: Exit codes of ``lekstat`` (those of the issue and DESIGN.md, plus 70 for a bug in lekstat,
#: please report); each error class says which one it ends the command with.
EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_SERVER_OR_NETWORK = 3
EXIT_INTERNAL = 70


class LekstatError(Exception):
    """Base class of every error the client raises on purpose."""

    exit_code = EXIT_SERVER_OR_NETWORK

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(LekstatError):
    """The client is not set up: no token, a bad URL or an unreadable config file."""

    exit_code = EXIT_USAGE


class InvalidDataError(LekstatError):
    """The data is invalid; ``issues`` holds every problem as ``{row, column, value, message}``."""

    exit_code = EXIT_INVALID

    def __init__(
        self, message: str, issues: Sequence[Mapping[str, Any]], *, by_server: bool = False
    ) -> None:
        super().__init__(message)
        self.issues = [dict(issue) for issue in issues]
        #: True when the server refused the data (it was sent, and nothing was stored).
        self.by_server = by_server


class ResponseError(LekstatError):
    """The server answered with an error body ``{"error": {"code", "message", "details"}}``."""

    def __init__(
        self, status: int, code: str, message: str, details: Sequence[Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.details = list(details or [])

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


class AuthenticationError(ResponseError):
    """401: the server does not know the token (missing, mistyped or revoked)."""


class PermissionDeniedError(ResponseError):
    """403: the token is valid but its role may not do this."""


class RefusedError(ResponseError):
    """Any other 4xx: not found, period locked, idempotency conflict, too large, …"""


class UnknownReleaseError(RefusedError):
    """404: no release with this id that the caller may read; ``releases``: the ones they may."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Sequence[Any] | None = None,
        releases: Sequence[str] = (),
    ) -> None:
        super().__init__(status, code, message, details)
        self.releases = list(releases)


class UnknownTableError(RefusedError):
    """404: the release exists but has no such table; ``tables``: the ones it has."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Sequence[Any] | None = None,
        tables: Sequence[str] = (),
    ) -> None:
        super().__init__(status, code, message, details)
        self.tables = list(tables)


class ServerError(ResponseError):
    """5xx (or 429) still after the retries, or an answer that is not the API's JSON."""


class NetworkError(LekstatError):
    """The server could not be reached or did not answer in time, after the retries."""
