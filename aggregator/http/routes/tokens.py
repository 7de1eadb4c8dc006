"""Who am I, token administration and the audit log.

The admin issues and revokes tokens of the other roles and reads the audit log; a municipality
token is issued only by the operator on the host (``lekstat-server token create``). A
municipality sees every token made for it and the audit lines about its data (who read its
rows, which tokens were made or revoked for it).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from aggregator.clock import iso
from aggregator.http.deps import AnyPrincipal, ContextDep, NoteDep, allowed
from aggregator.http.models import (
    AUTHENTICATED,
    WITH_BODY,
    AuditLine,
    AuditLog,
    JsonInt,
    Me,
    TokenCreated,
    TokenList,
    TokenPublic,
    errors,
)
from aggregator.services import audit, tokens
from aggregator.services.auth import ROLES, Principal
from aggregator.store import AuditEntry
from schemas.municipalities import load_register

router = APIRouter(prefix="/api/v1", tags=["tokens"], responses=AUTHENTICATED)

Issuer = Annotated[Principal, Depends(allowed("issue_token"))]
Lister = Annotated[Principal, Depends(allowed("list_tokens"))]
Revoker = Annotated[Principal, Depends(allowed("revoke_token"))]
OwnTokens = Annotated[Principal, Depends(allowed("read_own_tokens"))]
OwnAudit = Annotated[Principal, Depends(allowed("read_own_audit"))]
#: The cursor of the audit log: the ``seq`` of the oldest line of the page before.
CURSOR = Query(None, pattern=r"^[0-9]{1,18}$", description="`next_cursor` of the page before")
#: Every token that is not a municipality's (those come from the operator's command line).
API_ROLES: list[Any] = [r for r in ROLES if r != "municipality"]
#: The most days any token may work (the settings' bound; a deployment may allow fewer).
MAX_DAYS = 3650
#: What the document says of ``days`` (the validator that takes ``160.0`` hides the bounds).
DAYS_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_DAYS}


class TokenCreate(BaseModel):
    """A request for a new token."""

    # Strict and closed: `true` is no number and a misspelt field is an error, not ignored.
    model_config = ConfigDict(strict=True, extra="forbid")

    role: str = Field(
        examples=["analyst"],
        json_schema_extra={"enum": API_ROLES},
        description="A municipality's token is issued only on the host: "
        "`lekstat-server token create --role municipality`",
    )
    label: str = Field("", max_length=tokens.MAX_LABEL)
    days: Annotated[JsonInt, Field(ge=1, le=MAX_DAYS), WithJsonSchema(DAYS_SCHEMA)] | None = Field(
        None,
        description="How many days the token works (default and maximum: the deployment's)",
    )


@router.get("/me", response_model=Me, summary="The caller's token, role and municipality")
def me(principal: AnyPrincipal, context: ContextDep) -> Me:
    """Who the token belongs to, and until when it works."""
    name = None
    if principal.municipality is not None:
        try:
            name = load_register().get(principal.municipality).name
        except KeyError:
            name = None
    record = context.store.get_token(principal.token_id) if principal.token_id else None
    return Me(
        token_id=principal.token_id or "",
        role=principal.role,
        municipality=principal.municipality,
        municipality_name=name,
        expires_at=iso(record.expires_at) if record else None,
    )


@router.get(
    "/me/tokens",
    response_model=TokenList,
    summary="Every token made for the calling municipality (never the secret)",
)
def own_tokens(principal: OwnTokens, context: ContextDep) -> TokenList:
    """The municipality's tokens: who holds them (label), made, expiring, revoked."""
    return TokenList(tokens=[TokenPublic.of(t) for t in tokens.own_tokens(context, principal)])


@router.get(
    "/me/audit",
    response_model=AuditLog,
    summary="The audit lines about the calling municipality's data (who read its rows)",
)
def own_audit(
    principal: OwnAudit,
    context: ContextDep,
    limit: int = Query(200, ge=1, le=10_000),
    cursor: str | None = CURSOR,
) -> AuditLog:
    """Reads of the municipality's rows, its submissions and its tokens' changes: who, what."""
    before = int(cursor) if cursor else None
    return _page(audit.own_entries(context, principal, limit, before), limit)


@router.get("/tokens", response_model=TokenList, summary="Every token (never the secret)")
def list_tokens(principal: Lister, context: ContextDep) -> TokenList:
    """Tokens with role, municipality, label, creation, expiry and revocation."""
    return TokenList(tokens=[TokenPublic.of(t) for t in tokens.listing(context, principal)])


@router.post(
    "/tokens",
    status_code=201,
    response_model=TokenCreated,
    summary="Issue a token (shown once)",
    responses=WITH_BODY,
)
def create_token(
    body: TokenCreate, principal: Issuer, context: ContextDep, note: NoteDep
) -> TokenCreated:
    """A new token of a role other than municipality; the response is the only place its
    secret ever appears."""
    token, record = tokens.issue(
        context, principal, body.role, None, body.label, note, days=body.days
    )
    return TokenCreated(**TokenPublic.of(record).model_dump(), token=token)


@router.delete(
    "/tokens/{token_id}",
    response_model=TokenPublic,
    summary="Revoke a token",
    responses=errors(404, s404="No active token with this id"),
)
def revoke_token(
    token_id: str, principal: Revoker, context: ContextDep, note: NoteDep
) -> TokenPublic:
    """Revoke; the token stops working at once."""
    return TokenPublic.of(tokens.revoke(context, principal, token_id, note))


@router.get("/audit", response_model=AuditLog, summary="The audit log, a page at a time")
def audit_log(
    principal: Annotated[Principal, Depends(allowed("read_audit"))],
    context: ContextDep,
    limit: int = Query(200, ge=1, le=10_000),
    cursor: str | None = CURSOR,
) -> AuditLog:
    """Who did what, when, with what outcome: the newest page, or the page before
    ``cursor``; every line is reachable, however many came after it."""
    before = int(cursor) if cursor else None
    return _page(audit.entries(context, principal, limit, before), limit)


def _page(lines: list[AuditEntry], limit: int) -> AuditLog:
    """A page of lines, with the cursor of the older page when there may be one."""
    older = str(lines[0].seq) if len(lines) == limit and lines[0].seq > 1 else None
    return AuditLog(entries=[AuditLine.of(e) for e in lines], next_cursor=older)
