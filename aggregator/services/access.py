"""Who may do what: one table of operations and the roles that may run them.

Role names in sentences come from :mod:`schemas.roles`, in the sentence's language.

Every edge asks this table, so a role has the same powers over HTTP, on the command line and in
the portal: the HTTP dependencies refuse early (before a body is read), and the operations check
again, so an edge that forgets cannot open a door.
"""

from __future__ import annotations

from aggregator.services.auth import OPERATOR_ROLE, Principal
from aggregator.services.refusals import Kind, Refusal
from schemas.roles import role_name

#: Operation → the roles that may run it.
PERMISSIONS: dict[str, frozenset[str]] = {
    "submit": frozenset({"municipality"}),
    "read_submissions": frozenset({"municipality"}),
    "read_completeness": frozenset({"municipality", "analyst", "statistician", OPERATOR_ROLE}),
    "read_locks": frozenset({"analyst", "statistician", OPERATOR_ROLE}),
    "read_calendar": frozenset({"municipality", "analyst", "statistician", "admin", OPERATOR_ROLE}),
    "lock_period": frozenset({"statistician", OPERATOR_ROLE}),
    # The role that spends a budget (the statistician) cannot set or raise it.
    "read_budget": frozenset({"statistician", "admin", OPERATOR_ROLE}),
    "set_budget": frozenset({"admin", OPERATOR_ROLE}),
    "raise_budget": frozenset({"admin", OPERATOR_ROLE}),
    "preview_release": frozenset({"statistician", OPERATOR_ROLE}),
    "create_release": frozenset({"statistician", OPERATOR_ROLE}),
    "read_releases": frozenset({"analyst", "statistician", OPERATOR_ROLE}),
    # Tokens of the other roles: the admin over the API or the operator. A municipality's
    # token reads that municipality's rows, so only the operator on the host issues one (a
    # second person from the admin), and the municipality sees every token made for it.
    "issue_token": frozenset({"admin", OPERATOR_ROLE}),
    "issue_municipality_token": frozenset({OPERATOR_ROLE}),
    "list_tokens": frozenset({"admin", OPERATOR_ROLE}),
    "revoke_token": frozenset({"admin", OPERATOR_ROLE}),
    "read_own_tokens": frozenset({"municipality"}),
    "read_audit": frozenset({"admin", OPERATOR_ROLE}),
    # A municipality reads the audit lines about its own data: who read its rows, which
    # tokens were made or revoked for it, what was submitted.
    "read_own_audit": frozenset({"municipality"}),
    "verify_audit": frozenset({OPERATOR_ROLE}),
    "rotate_key": frozenset({OPERATOR_ROLE}),
    "backup": frozenset({OPERATOR_ROLE}),
}


def may(actor: Principal, operation: str) -> bool:
    """Whether ``actor`` may run ``operation``."""
    return actor.role in PERMISSIONS[operation]


def authorize(actor: Principal, operation: str) -> None:
    """Refuse (:attr:`Kind.FORBIDDEN`) unless ``actor`` may run ``operation``."""
    if not may(actor, operation):
        raise forbidden(actor.role)


def forbidden(role: str) -> Refusal:
    """The standard refusal for a role that may not do something."""
    return Refusal(
        Kind.FORBIDDEN,
        "forbidden",
        f"de rol {role_name(role, 'nl')} mag dit niet",
        f"the role {role_name(role, 'en')} may not do this",
    )
