"""Who am I, and token administration for the operator (the admin role)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from aggregator.clock import iso
from aggregator.http.deps import Admin, AnyPrincipal, ClockDep, StoreDep, audit
from aggregator.http.errors import NotFound, Unprocessable
from aggregator.http.models import (
    AUTHENTICATED,
    WITH_BODY,
    AuditLog,
    Me,
    TokenCreated,
    TokenList,
    TokenPublic,
    errors,
)
from aggregator.services.auth import ROLES, TokenError, new_token
from aggregator.store import TokenRecord
from schemas.municipalities import load_register

router = APIRouter(prefix="/api/v1", tags=["tokens"], responses=AUTHENTICATED)


class TokenCreate(BaseModel):
    """A request for a new token."""

    # Strict and closed: `true` is no number and a misspelt field is an error, not ignored.
    model_config = ConfigDict(strict=True, extra="forbid")

    role: str = Field(examples=["municipality"], json_schema_extra={"enum": list(ROLES)})
    municipality: str | None = Field(
        None,
        examples=["GM0363"],
        json_schema_extra={"pattern": r"^\s*[Gg][Mm][0-9]{4}\s*$"},
        description="Only for the municipality role",
    )
    label: str = Field("", max_length=200)


def token_public(record: TokenRecord) -> dict[str, Any]:
    """A token's public fields: never its secret or hash."""
    return {
        "id": record.id,
        "role": record.role,
        "municipality": record.municipality,
        "label": record.label,
        "created_at": iso(record.created_at),
        "revoked_at": iso(record.revoked_at),
    }


@router.get(
    "/me",
    response_model=None,
    summary="The caller's token, role and municipality",
    responses={200: {"model": Me}},
)
def me(principal: AnyPrincipal, clock: ClockDep) -> dict[str, Any]:
    """Who the token belongs to."""
    name = None
    if principal.municipality is not None:
        try:
            name = load_register().get(principal.municipality).name
        except KeyError:
            name = None
    return {
        "token_id": principal.token_id,
        "role": principal.role,
        "municipality": principal.municipality,
        "municipality_name": name,
    }


@router.get(
    "/tokens",
    response_model=None,
    summary="Every token (never the secret)",
    responses={200: {"model": TokenList}},
)
def list_tokens(principal: Admin, store: StoreDep) -> dict[str, Any]:
    """Tokens with role, municipality, label, creation and revocation."""
    return {"tokens": [token_public(t) for t in store.list_tokens()]}


@router.post(
    "/tokens",
    status_code=201,
    response_model=None,
    summary="Issue a token (shown once)",
    responses={201: {"model": TokenCreated}, **WITH_BODY},
)
def create_token(
    body: TokenCreate, request: Request, principal: Admin, store: StoreDep, clock: ClockDep
) -> JSONResponse:
    """A new token; the response is the only place its secret ever appears."""
    audit(request, "create_token", body.role)
    municipality = body.municipality.strip().upper() if body.municipality else None
    if municipality is not None and not load_register().is_valid(municipality, clock().year):
        raise Unprocessable(
            f"{municipality} is geen gemeente",
            f"{municipality} is not a municipality",
            code="unknown_municipality",
        )
    try:
        token, record = new_token(body.role, municipality, body.label, clock())
    except TokenError as exc:
        raise Unprocessable(
            f"dit token kan niet worden gemaakt: {exc}", str(exc), code="invalid_token_request"
        ) from None
    store.add_token(record)
    audit(request, "create_token", f"{record.role} {record.municipality or ''}".strip(), record.id)
    return JSONResponse({**token_public(record), "token": token}, status_code=201)


@router.delete(
    "/tokens/{token_id}",
    response_model=None,
    summary="Revoke a token",
    responses={200: {"model": TokenPublic}, **errors(404, s404="No active token with this id")},
)
def revoke_token(
    token_id: str, request: Request, principal: Admin, store: StoreDep, clock: ClockDep
) -> dict[str, Any]:
    """Revoke; the token stops working at once."""
    audit(request, "revoke_token", token_id)
    if not store.revoke_token(token_id, clock()):
        raise NotFound("geen actief token met dit id", "no active token with this id")
    record = store.get_token(token_id)
    assert record is not None
    return token_public(record)


@router.get(
    "/audit",
    response_model=None,
    summary="The audit log (most recent lines)",
    responses={200: {"model": AuditLog}},
)
def audit_log(
    principal: Admin, store: StoreDep, limit: int = Query(200, ge=1, le=10_000)
) -> dict[str, Any]:
    """Who did what, when, with what outcome."""
    return {
        "entries": [
            {
                "at": iso(e.at),
                "token_id": e.token_id,
                "role": e.role,
                "method": e.method,
                "path": e.path,
                "action": e.action,
                "target": e.target,
                "status": e.status,
                "outcome": e.outcome,
                "detail": e.detail,
            }
            for e in store.audit_entries(limit)
        ]
    }
