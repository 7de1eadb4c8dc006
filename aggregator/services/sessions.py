"""Browser sessions: a token exchanged once for a session that expires, ends on sign-out and
ends when its token is revoked.

The session's secret (32 random bytes) lives only in the browser's cookie; the store keeps its
SHA-256, as it does for tokens. Every request looks the token up again, so revoking a token
ends its sessions at once; the caller has the same role and powers as with the token itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from aggregator.services.audit import Note
from aggregator.services.auth import Principal, authenticate
from aggregator.services.context import Context
from aggregator.services.refusals import Kind, Refusal
from aggregator.store import SessionRecord

_SECRET = re.compile(r"^[A-Za-z0-9_-]{43}$")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def sign_in(ctx: Context, token: str, note: Note | None = None) -> tuple[str, Principal]:
    """A new session for a valid token: its secret (for the cookie) and who it is."""
    note = note or Note()
    note.set("sign_in")
    principal = authenticate(ctx.store, token.strip(), ctx.now())
    if principal is None:
        raise Refusal(
            Kind.INVALID,
            "invalid_token",
            "dit token is onbekend, ingetrokken of verkeerd overgenomen",
            "this token is unknown, revoked or was copied wrongly",
        )
    now = ctx.now()
    secret = secrets.token_urlsafe(32)
    hours = ctx.settings.session_hours
    ctx.store.add_session(
        SessionRecord(_hash(secret), principal.name, now, now + dt.timedelta(hours=hours))
    )
    note.set("sign_in", principal.role, principal.name)
    return secret, principal


def resolve(ctx: Context, secret: str | None) -> Principal | None:
    """Who a session belongs to; None when there is none, it expired or its token was revoked."""
    if not secret or not _SECRET.match(secret):
        return None
    record = ctx.store.get_session(_hash(secret))
    if record is None or record.expires_at <= ctx.now():
        return None
    token = ctx.store.get_token(record.token_id)
    if token is None or not token.valid_at(ctx.now()):
        return None
    return Principal(token.id, token.role, token.municipality)


def sign_out(ctx: Context, secret: str | None) -> None:
    """End a session (nothing happens for one that does not exist)."""
    if secret and _SECRET.match(secret):
        ctx.store.delete_session(_hash(secret))
