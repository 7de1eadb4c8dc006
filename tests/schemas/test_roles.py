"""Role names for sentences: every role has a Dutch and an English name."""

from __future__ import annotations

from schemas.roles import ROLE_NAMES, ROLES, role_name


def test_roles_every_role_has_a_name_in_both_languages() -> None:
    assert set(ROLE_NAMES) == {*ROLES, "operator"}  # the operator runs lekstat-server
    dutch = [role_name(r, "nl") for r in ROLES]
    assert dutch == ["gemeente", "analist", "statisticus", "beheerder"]
    assert all(role_name(r, "en") for r in ROLES)
    assert role_name("auditor", "nl") == "auditor"  # an unknown role keeps its code
