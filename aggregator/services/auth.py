"""Tokens and roles.

A token is ``lks_<id>_<secret>``: the id finds the stored record, the 32-byte random secret is
compared in constant time with its stored SHA-256. Only the hash is stored; the token is shown
once. (A fast hash is right here: the secret has 256 bits of entropy, so there is nothing to
brute-force.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from aggregator.clock import utcnow
from aggregator.store import Store, TokenRecord
from schemas.roles import ROLES

#: The role of whoever runs ``lekstat-server`` on the host (no token: access to the host is it).
OPERATOR_ROLE = "operator"

_TOKEN = re.compile(r"^lks_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$")

#: How long a token works unless its issuer says otherwise (``LEKSTAT_TOKEN_DAYS``).
DEFAULT_TOKEN_DAYS = 365


class TokenError(ValueError):
    """A token request that cannot be fulfilled (unknown role, missing municipality…)."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's id, role and (for a municipality) its code.

    The operator on the host has no token (``token_id`` None).
    """

    token_id: str | None
    role: str
    municipality: str | None = None

    @property
    def name(self) -> str:
        """How records name the caller: the token id, or ``operator``."""
        return self.token_id or OPERATOR_ROLE


#: The operator running ``lekstat-server`` on the host.
OPERATOR = Principal(None, OPERATOR_ROLE)
#: Anyone without a token (a reader of the public pages and the open API).
PUBLIC_ROLE = "public"
PUBLIC = Principal(None, PUBLIC_ROLE)


def hash_secret(secret: str) -> str:
    """The stored form of a token's secret."""
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def new_token(
    role: str,
    municipality: str | None,
    label: str,
    now: dt.datetime,
    expires_at: dt.datetime | None = None,
) -> tuple[str, TokenRecord]:
    """A fresh token (to show once) and the record to store; it expires at ``expires_at``
    (default :data:`DEFAULT_TOKEN_DAYS` after ``now``)."""
    if role not in ROLES:
        raise TokenError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    if (role == "municipality") != (municipality is not None):
        raise TokenError("a municipality token needs --municipality; other roles take none")
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    record = TokenRecord(
        id=token_id,
        hash=hash_secret(secret),
        role=role,
        municipality=municipality,
        label=label,
        created_at=now,
        revoked_at=None,
        expires_at=expires_at or now + dt.timedelta(days=DEFAULT_TOKEN_DAYS),
    )
    return f"lks_{token_id}_{secret}", record


def authenticate(store: Store, token: str, now: dt.datetime | None = None) -> Principal | None:
    """The principal of a valid token, not revoked and not expired at ``now`` (default: the
    wall clock); None for anything else."""
    match = _TOKEN.match(token)
    if match is None:
        return None
    record = store.get_token(match.group(1))
    # Compare even when there is no record, so timing does not tell which ids exist.
    expected = record.hash if record is not None else hash_secret("x" * 43)
    if not hmac.compare_digest(expected, hash_secret(match.group(2))):
        return None
    if record is None or not record.valid_at(now or utcnow()):
        return None
    return Principal(record.id, record.role, record.municipality)
