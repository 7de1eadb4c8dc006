"""Who am I, token administration and the audit log (the admin role)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from aggregator.http.deps import AnyPrincipal, ContextDep, NoteDep, allowed
from aggregator.http.models import (
    AUTHENTICATED,
    WITH_BODY,
    AuditLine,
    AuditLog,
    Me,
    TokenCreated,
    TokenList,
    TokenPublic,
    errors,
)
from aggregator.services import audit, tokens
from aggregator.services.auth import ROLES, Principal
from schemas.municipalities import load_register

router = APIRouter(prefix="/api/v1", tags=["tokens"], responses=AUTHENTICATED)

Admin = Annotated[Principal, Depends(allowed("manage_tokens"))]


class TokenCreate(BaseModel):
    """A request for a new token."""

    # Strict and closed: `true` is no number and a misspelt field is an error, not ignored.
    model_config = ConfigDict(strict=True, extra="forbid")

    role: str = Field(examples=["municipality"], json_schema_extra={"enum": list(ROLES)})
    municipality: str | None = Field(
        None,
        examples=["GM0363"],
        pattern=r"^\s*[Gg][Mm][0-9]{4}\s*$",
        description="Only for the municipality role",
    )
    label: str = Field("", max_length=tokens.MAX_LABEL)


@router.get("/me", response_model=Me, summary="The caller's token, role and municipality")
def me(principal: AnyPrincipal) -> Me:
    """Who the token belongs to."""
    name = None
    if principal.municipality is not None:
        try:
            name = load_register().get(principal.municipality).name
        except KeyError:
            name = None
    return Me(
        token_id=principal.token_id or "",
        role=principal.role,
        municipality=principal.municipality,
        municipality_name=name,
    )


@router.get("/tokens", response_model=TokenList, summary="Every token (never the secret)")
def list_tokens(principal: Admin, context: ContextDep) -> TokenList:
    """Tokens with role, municipality, label, creation and revocation."""
    return TokenList(tokens=[TokenPublic.of(t) for t in tokens.listing(context, principal)])


@router.post(
    "/tokens",
    status_code=201,
    response_model=TokenCreated,
    summary="Issue a token (shown once)",
    responses=WITH_BODY,
)
def create_token(
    body: TokenCreate, principal: Admin, context: ContextDep, note: NoteDep
) -> TokenCreated:
    """A new token; the response is the only place its secret ever appears."""
    token, record = tokens.issue(context, principal, body.role, body.municipality, body.label, note)
    return TokenCreated(**TokenPublic.of(record).model_dump(), token=token)


@router.delete(
    "/tokens/{token_id}",
    response_model=TokenPublic,
    summary="Revoke a token",
    responses=errors(404, s404="No active token with this id"),
)
def revoke_token(
    token_id: str, principal: Admin, context: ContextDep, note: NoteDep
) -> TokenPublic:
    """Revoke; the token stops working at once."""
    return TokenPublic.of(tokens.revoke(context, principal, token_id, note))


@router.get("/audit", response_model=AuditLog, summary="The audit log (most recent lines)")
def audit_log(
    principal: Annotated[Principal, Depends(allowed("read_audit"))],
    context: ContextDep,
    limit: int = Query(200, ge=1, le=10_000),
) -> AuditLog:
    """Who did what, when, with what outcome."""
    return AuditLog(entries=[AuditLine.of(e) for e in audit.entries(context, principal, limit)])
