"""Errors of the service: each class has its status and a stable code; one handler renders
them all in the one error shape ``{"error": {"code", "message", "details"}}``.

Messages are given in Dutch and English; the response uses the request's language.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """Base class: an error with an HTTP status, a stable code and a message in two languages."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message_nl: str,
        message_en: str,
        details: list[Any] | None = None,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.message_nl = message_nl
        self.message_en = message_en
        self.details = details or []
        if code is not None:
            self.code = code
        self.headers = headers or {}

    def message(self, lang: str) -> str:
        """The message in ``lang`` (``nl`` or ``en``)."""
        return self.message_nl if lang == "nl" else self.message_en

    def body(self, lang: str) -> dict[str, Any]:
        """The error body."""
        return {
            "error": {"code": self.code, "message": self.message(lang), "details": self.details}
        }


class BadRequest(ApiError):
    """The request is malformed (400)."""

    status, code = 400, "bad_request"


class Unauthenticated(ApiError):
    """No valid token (401)."""

    status, code = 401, "unauthenticated"

    def __init__(self, message_nl: str, message_en: str) -> None:
        super().__init__(message_nl, message_en, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(ApiError):
    """The token's role may not do this (403)."""

    status, code = 403, "forbidden"


class NotFound(ApiError):
    """No such resource, or not one this token may see (404)."""

    status, code = 404, "not_found"


class Conflict(ApiError):
    """The request conflicts with the state: a locked period, a reused key (409)."""

    status, code = 409, "conflict"


class RequestTimeout(ApiError):
    """The request body did not arrive in time (408)."""

    status, code = 408, "request_timeout"


class PayloadTooLarge(ApiError):
    """The body or the number of rows is over the limit (413)."""

    status, code = 413, "payload_too_large"


class UnsupportedMediaType(ApiError):
    """A content type the endpoint does not take (415)."""

    status, code = 415, "unsupported_media_type"


class Unprocessable(ApiError):
    """Well-formed but invalid: invalid data, a bad period, a bad plan (422)."""

    status, code = 422, "unprocessable"


class TooManyRequests(ApiError):
    """Over the rate limit (429)."""

    status, code = 429, "rate_limited"


class ServiceUnavailable(ApiError):
    """The service cannot do its work now, e.g. the database does not answer (503)."""

    status, code = 503, "unavailable"


class InternalError(ApiError):
    """Something unexpected; details are logged, never shown (500)."""

    status, code = 500, "internal_error"


def forbidden(role: str) -> Forbidden:
    """The standard refusal for a role that may not use an endpoint."""
    return Forbidden(
        f"de rol {role} mag dit niet",
        f"the role {role} may not do this",
    )
