"""Tokens: issued (shown once, stored hashed, expiring), listed, revoked; the first admin token.

A municipality's token reads that municipality's raw rows, so only the operator on the host
issues one (never the admin over the API); the municipality sees every token made for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from aggregator.services.access import authorize
from aggregator.services.audit import Note
from aggregator.services.auth import OPERATOR, ROLES, Principal, new_token
from aggregator.services.context import Context
from aggregator.services.refusals import invalid, not_found
from aggregator.store import AuditEntry, TokenRecord
from schemas.municipalities import load_register

T = TypeVar("T")

#: A token's label (who holds it) is at most this long.
MAX_LABEL = 200


def _checked(ctx: Context, role: str, municipality: str | None, label: str) -> str | None:
    """The municipality code of a valid token request, or a refusal."""
    if role not in ROLES:
        raise invalid(
            "unknown_role",
            f"onbekende rol {role!r}; rollen: {', '.join(ROLES)}",
            f"unknown role {role!r}; roles: {', '.join(ROLES)}",
        )
    code = municipality.strip().upper() if municipality and municipality.strip() else None
    if (role == "municipality") != (code is not None):
        raise invalid(
            "invalid_token_request",
            "een gemeentetoken hoort bij één gemeente (GMxxxx); andere rollen horen bij geen",
            "a municipality token belongs to one municipality (GMxxxx); other roles to none",
        )
    year = ctx.now().year
    if code is not None and not load_register().is_valid(code, year):
        raise invalid(
            "unknown_municipality",
            f"{code} is geen gemeente in {year}",
            f"{code} is not a municipality in {year}",
        )
    if len(label) > MAX_LABEL:
        raise invalid(
            "label_too_long",
            f"een label is hoogstens {MAX_LABEL} tekens",
            f"a label has at most {MAX_LABEL} characters",
        )
    return code


def expiry(ctx: Context, days: int | None) -> dt.datetime:
    """When a token issued now for ``days`` (default: the deployment's) expires; refused
    beyond the deployment's maximum."""
    settings = ctx.settings
    days = settings.token_days if days is None else days
    if not 1 <= days <= settings.token_max_days:
        raise invalid(
            "invalid_token_days",
            f"een token werkt 1 tot {settings.token_max_days} dagen, niet {days}",
            f"a token works for 1 to {settings.token_max_days} days, not {days}",
        )
    return ctx.now() + dt.timedelta(days=days)


def issue(
    ctx: Context,
    actor: Principal,
    role: str,
    municipality: str | None = None,
    label: str = "",
    note: Note | None = None,
    days: int | None = None,
) -> tuple[str, TokenRecord]:
    """A new token (its secret, to show once) and its stored record."""
    note = note or Note()
    note.set("create_token", role)
    authorize(actor, "issue_token")
    if role == "municipality" or municipality:
        authorize(actor, "issue_municipality_token")
    code = _checked(ctx, role, municipality, label)
    token, record = new_token(role, code, label, ctx.now(), expiry(ctx, days))
    ctx.store.add_token(record)
    note.set("create_token", f"{role} {code or ''}".strip(), record.id, subject=code)
    return token, record


def issue_for_every_municipality(
    ctx: Context,
    actor: Principal,
    label: str,
    deliver: Callable[[list[tuple[str, str]]], T],
    note: Note | None = None,
    days: int | None = None,
) -> tuple[T, int]:
    """A token for every municipality of this year, all or none.

    ``deliver`` gets the (code, token) pairs and must put them somewhere safe before they are
    stored: a token nobody received must not exist. Returns what it returned and the count.
    """
    note = note or Note()
    note.set("create_token", "municipality (all)")
    authorize(actor, "issue_municipality_token")
    now = ctx.now()
    expires_at = expiry(ctx, days)
    pairs, records = [], []
    for m in load_register().valid_in(now.year):
        token, record = new_token("municipality", m.code, label or "onboarding", now, expires_at)
        pairs.append((m.code, token))
        records.append(record)
    delivered = deliver(pairs)
    ctx.store.add_tokens(records)
    note.set("create_token", "municipality (all)", f"{len(records)} tokens")
    # Each municipality's own audit view shows the token made for it.
    for r in records:
        ctx.store.audit(
            AuditEntry(
                at=now,
                token_id=actor.token_id,
                role=actor.role,
                method="CLI" if actor.token_id is None else "API",
                path="lekstat-server",
                action="create_token",
                target=f"municipality {r.municipality}",
                status=0,
                outcome="accepted",
                detail=r.id,
                subject=r.municipality,
            )
        )
    return delivered, len(records)


def revoke(ctx: Context, actor: Principal, token_id: str, note: Note | None = None) -> TokenRecord:
    """Revoke a token: it stops working at once."""
    note = note or Note()
    note.set("revoke_token", token_id)
    authorize(actor, "revoke_token")
    if not ctx.store.revoke_token(token_id, ctx.now()):
        raise not_found(
            "no_such_token", "geen actief token met dit id", "no active token with this id"
        )
    record = ctx.store.get_token(token_id)
    assert record is not None
    note.set("revoke_token", token_id, subject=record.municipality)
    return record


def listing(ctx: Context, actor: Principal, *, include_revoked: bool = True) -> list[TokenRecord]:
    """Every token (never a secret), oldest first."""
    authorize(actor, "list_tokens")
    tokens = ctx.store.list_tokens()
    return tokens if include_revoked else [t for t in tokens if t.active]


def own_tokens(ctx: Context, actor: Principal) -> list[TokenRecord]:
    """Every token ever made for the calling municipality (never a secret), oldest first."""
    authorize(actor, "read_own_tokens")
    return ctx.store.list_tokens(municipality=actor.municipality)


def first_admin(ctx: Context, deliver: Callable[[str, TokenRecord], T]) -> T | None:
    """The first admin token, when there is no active admin; ``deliver`` keeps it safe first.

    Returns what ``deliver`` returned, or None when an admin exists.
    """
    if any(t.role == "admin" and t.valid_at(ctx.now()) for t in ctx.store.list_tokens()):
        return None
    token, record = new_token("admin", None, "first admin token", ctx.now(), expiry(ctx, None))
    delivered = deliver(token, record)
    ctx.store.add_token(record)
    return delivered


__all__ = [
    "OPERATOR",
    "expiry",
    "first_admin",
    "issue",
    "issue_for_every_municipality",
    "listing",
    "own_tokens",
    "revoke",
]
