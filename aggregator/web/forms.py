"""What a form sends back to its page: the errors per field, each shown above and at the field.

>>> token_problem(""), token_problem("lks_abc"), token_problem("lks_" + "a" * 12 + "_" + "b" * 43)
('token_empty', 'token_malformed', None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The shape of a lekstat token (``aggregator.services.auth`` makes them; a test pins the two).
TOKEN_SHAPE = re.compile(r"^lks_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True)
class FieldError:
    """A problem with one field: the field's ``id`` and the message key."""

    field: str
    message: str


def token_problem(token: str) -> str | None:
    """The message key for a token that is empty or has not the shape of one, else None."""
    if not token:
        return "token_empty"
    if TOKEN_SHAPE.match(token) is None:
        return "token_malformed"
    return None
