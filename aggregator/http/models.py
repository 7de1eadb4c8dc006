"""What the OpenAPI document promises about answers: the one error body, the status codes every
operation can give, and the shapes of the main answers.

These models only document (``responses=`` on the routes); the endpoints build their answers
themselves. Objects that a role must not see more of are closed (``additionalProperties:
false``), so a schema check of the answers also catches a field that should not be there (a
total in a statistician's view, a token's secret in a listing).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.taxonomy import load_taxonomy


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorInner(_Closed):
    """The inside of every error answer."""

    code: str = Field(examples=["invalid_submission"])
    message: str
    details: list[Any] = Field(
        description="For invalid data: {row, column, value, message, code} per problem"
    )


class ErrorBody(_Closed):
    """Every error, whatever its status: ``{"error": {"code", "message", "details"}}``."""

    error: ErrorInner


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


#: Statuses the guard can give any request: an oversized body, the rate limit, a failure.
COMMON: dict[int | str, dict[str, Any]] = {
    413: _error("Body over the size limit (refused before it is read)"),
    422: _error("A parameter or the body is not valid"),
    429: _error("Rate limit; see Retry-After"),
    500: _error("Unexpected failure; nothing was stored"),
}
#: Statuses of every operation that needs a token.
AUTHENTICATED: dict[int | str, dict[str, Any]] = {
    **COMMON,
    401: _error("No valid token"),
    403: _error("The token's role may not do this"),
}
#: Statuses of every operation that reads a request body.
WITH_BODY: dict[int | str, dict[str, Any]] = {
    400: _error("The body cannot be read (not JSON, not UTF-8)"),
    408: _error("The body did not arrive in time"),
}

#: A period as the service reads it: ``2026-Q1``, also ``2026Q1``, ``2026 - q1``, ``2026-K1``.
PERIOD_PATTERN = r"^\s*(19[0-9]{2}|[2-9][0-9]{3})\s*-?\s*[QqKk]\s*[1-4]\s*$"
#: For parameters: documents the form without changing how the service checks it.
PERIOD_SCHEMA: dict[str, Any] = {"pattern": PERIOD_PATTERN, "maxLength": 40}


def errors(*statuses: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """Error answers for ``statuses``; ``descriptions`` as ``s409="..."``."""
    return {s: _error(descriptions.get(f"s{s}", "See the error code")) for s in statuses}


# -- submissions ------------------------------------------------------------------------------


class Receipt(_Closed):
    """The receipt of a stored version, as the submitting municipality sees it."""

    id: str
    municipality: str
    period: str
    version: int = Field(ge=1)
    nil_return: bool
    rows: int = Field(ge=0, description="Non-zero combinations")
    total: int = Field(ge=0)
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    taxonomy_version: str
    received_at: str
    late: bool


class DryRun(_Closed):
    """What a submission would get as receipt; nothing is stored."""

    dry_run: Literal[True]
    municipality: str
    period: str
    version: int = Field(ge=1)
    nil_return: bool
    rows: int = Field(ge=0)
    total: int = Field(ge=0)
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    taxonomy_version: str
    late: bool


class Row(_Closed):
    """One non-zero combination of a stored version."""

    function_type: str
    data_category: str
    stage: str
    employment_type: str
    motive: str
    count: int = Field(ge=1, le=10_000)


class ReceiptWithData(Receipt):
    """The owning municipality's view of a version: the receipt and its rows."""

    data: list[Row]


class SubmissionMetadata(_Closed):
    """A statistician's view of a version: no total, no row count, no rows."""

    id: str
    municipality: str
    period: str
    version: int = Field(ge=1)
    nil_return: bool
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    taxonomy_version: str
    received_at: str
    late: bool


class SubmissionList(_Closed):
    """Receipts (a municipality's own) or metadata (a statistician's)."""

    submissions: list[Receipt] | list[SubmissionMetadata]


# -- periods, tokens, audit -------------------------------------------------------------------


class Lock(_Closed):
    """A locked period."""

    period: str
    locked_at: str
    locked_by: str


class LockList(_Closed):
    """Every locked period."""

    locks: list[Lock]


class Me(_Closed):
    """Who a token belongs to."""

    token_id: str
    role: str
    municipality: str | None
    municipality_name: str | None


class TokenPublic(_Closed):
    """A token's public fields: never its secret or hash."""

    id: str
    role: str
    municipality: str | None
    label: str
    created_at: str
    revoked_at: str | None


class TokenCreated(TokenPublic):
    """A new token: the only answer that ever holds the secret."""

    token: str


class TokenList(_Closed):
    """Every token."""

    tokens: list[TokenPublic]


class AuditLine(_Closed):
    """One audit line: who did what, when, with what outcome; never counts."""

    at: str
    token_id: str | None
    role: str | None
    method: str
    path: str
    action: str
    target: str
    status: int
    outcome: Literal["accepted", "refused", "error"]
    detail: str


class AuditLog(_Closed):
    """The most recent audit lines."""

    entries: list[AuditLine]


class Health(_Closed):
    """Liveness."""

    status: Literal["ok"]
    database: Literal["ok"]
    schema_version: int


def submission_body() -> dict[str, Any]:
    """The request body of ``POST /submissions``: JSON or CSV, with the taxonomy's codes.

    The codes are listed in their canonical form; the service also takes them in lower case,
    as a unique prefix (``FT01``) or followed by their label, as the client's CSV reader does.
    """
    taxonomy = load_taxonomy()
    row: dict[str, Any] = {
        "type": "object",
        "required": [*taxonomy.dimension_names, "count"],
        "properties": {
            **{
                name: {"type": "string", "enum": list(taxonomy.codes(name))}
                for name in taxonomy.dimension_names
            },
            "count": {"type": "integer", "minimum": 0, "maximum": 10_000, "example": 1},
        },
        "additionalProperties": False,
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["period"],
                        "properties": {
                            "period": {"type": "string", **PERIOD_SCHEMA, "example": "2026-Q1"},
                            "municipality": {"type": "string", "example": "GM0363"},
                            "nil_return": {"type": "boolean", "default": False},
                            "rows": {"type": "array", "items": row, "maxItems": 20_000},
                        },
                    }
                },
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    }
