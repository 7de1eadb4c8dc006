"""Tokens: issued (shown once, stored hashed), listed, revoked; the first admin token."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from aggregator.services.access import authorize
from aggregator.services.audit import Note
from aggregator.services.auth import OPERATOR, ROLES, Principal, new_token
from aggregator.services.context import Context
from aggregator.services.refusals import invalid, not_found
from aggregator.store import TokenRecord
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


def issue(
    ctx: Context,
    actor: Principal,
    role: str,
    municipality: str | None = None,
    label: str = "",
    note: Note | None = None,
) -> tuple[str, TokenRecord]:
    """A new token (its secret, to show once) and its stored record."""
    note = note or Note()
    note.set("create_token", role)
    authorize(actor, "manage_tokens")
    code = _checked(ctx, role, municipality, label)
    token, record = new_token(role, code, label, ctx.now())
    ctx.store.add_token(record)
    note.set("create_token", f"{role} {code or ''}".strip(), record.id)
    return token, record


def issue_for_every_municipality(
    ctx: Context,
    actor: Principal,
    label: str,
    deliver: Callable[[list[tuple[str, str]]], T],
    note: Note | None = None,
) -> tuple[T, int]:
    """A token for every municipality of this year, all or none.

    ``deliver`` gets the (code, token) pairs and must put them somewhere safe before they are
    stored: a token nobody received must not exist. Returns what it returned and the count.
    """
    note = note or Note()
    note.set("create_token", "municipality (all)")
    authorize(actor, "manage_tokens")
    now = ctx.now()
    pairs, records = [], []
    for m in load_register().valid_in(now.year):
        token, record = new_token("municipality", m.code, label or "onboarding", now)
        pairs.append((m.code, token))
        records.append(record)
    delivered = deliver(pairs)
    ctx.store.add_tokens(records)
    note.set("create_token", "municipality (all)", f"{len(records)} tokens")
    return delivered, len(records)


def revoke(ctx: Context, actor: Principal, token_id: str, note: Note | None = None) -> TokenRecord:
    """Revoke a token: it stops working at once."""
    note = note or Note()
    note.set("revoke_token", token_id)
    authorize(actor, "manage_tokens")
    if not ctx.store.revoke_token(token_id, ctx.now()):
        raise not_found(
            "no_such_token", "geen actief token met dit id", "no active token with this id"
        )
    record = ctx.store.get_token(token_id)
    assert record is not None
    return record


def listing(ctx: Context, actor: Principal, *, include_revoked: bool = True) -> list[TokenRecord]:
    """Every token (never a secret), oldest first."""
    authorize(actor, "manage_tokens")
    tokens = ctx.store.list_tokens()
    return tokens if include_revoked else [t for t in tokens if t.active]


def first_admin(ctx: Context, deliver: Callable[[str, TokenRecord], T]) -> T | None:
    """The first admin token, when there is no active admin; ``deliver`` keeps it safe first.

    Returns what ``deliver`` returned, or None when an admin exists.
    """
    if any(t.role == "admin" and t.active for t in ctx.store.list_tokens()):
        return None
    token, record = new_token("admin", None, "first admin token", ctx.now())
    delivered = deliver(token, record)
    ctx.store.add_token(record)
    return delivered


__all__ = ["OPERATOR", "first_admin", "issue", "issue_for_every_municipality", "listing", "revoke"]
