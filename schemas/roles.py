"""The roles a token can have, and their names in a Dutch or English sentence.

The API and the database use the English code (``municipality``); a person reads the name in
their language, also in the middle of a Dutch sentence ("de rol gemeente mag dit niet").

>>> role_name("municipality", "nl"), role_name("statistician", "en")
('gemeente', 'statistician')
"""

from __future__ import annotations

from schemas.lang import Lang

#: The roles, by their code.
ROLES = ("municipality", "analyst", "statistician", "admin")

ROLE_NAMES: dict[str, dict[Lang, str]] = {
    "municipality": {"nl": "gemeente", "en": "municipality"},
    "analyst": {"nl": "analist", "en": "analyst"},
    "statistician": {"nl": "statisticus", "en": "statistician"},
    "admin": {"nl": "beheerder", "en": "administrator"},
    # Not a token's role: whoever runs lekstat-server on the host.
    "operator": {"nl": "operator", "en": "operator"},
}


def role_name(role: str, lang: Lang = "nl") -> str:
    """The name of ``role`` in ``lang``; an unknown role keeps its code."""
    names = ROLE_NAMES.get(role)
    return names[lang] if names else role
