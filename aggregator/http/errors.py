"""Errors over HTTP: each class has its status and a stable code; one handler renders them all
in the one error shape ``{"error": {"code", "message", "details"}}``.

The services' refusals reach HTTP through one table, :data:`STATUS_OF_KIND`; the classes below
are for what only HTTP can get wrong (a body that is not JSON, a missing token, a rate limit).
Messages are given in Dutch and English; the response uses the request's language.
"""

from __future__ import annotations

from typing import Any

from aggregator.services.refusals import Kind, Refusal


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


#: A refusal's HTTP status, by its kind: the one table of the HTTP edge.
STATUS_OF_KIND: dict[Kind, int] = {
    Kind.INVALID: 422,
    Kind.NOT_FOUND: 404,
    Kind.CONFLICT: 409,
    Kind.FORBIDDEN: 403,
    Kind.TOO_LARGE: 413,
    Kind.BUSY: 429,
    Kind.FAILURE: 503,
}


def from_refusal(refusal: Refusal) -> ApiError:
    """A service's refusal as an HTTP error, with the status of its kind."""
    error = ApiError(refusal.message_nl, refusal.message_en, refusal.details, code=refusal.code)
    error.status = STATUS_OF_KIND[refusal.kind]
    return error
