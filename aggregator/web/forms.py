"""What a form sends back to its page: the errors per field, each shown above and at the field.

>>> token_problem(""), token_problem("lks_abc"), token_problem("lks_" + "a" * 12 + "_" + "b" * 43)
('token_empty', 'token_malformed', None)
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import Response

from aggregator.services.refusals import Refusal
from aggregator.web.rendering import pages_of

#: The shape of a lekstat token (``aggregator.services.auth`` makes them; a test pins the two).
TOKEN_SHAPE = re.compile(r"^lks_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$")


@dataclasses.dataclass(frozen=True)
class FieldError:
    """A problem with one field: the field's ``id``, the message key and its values."""

    field: str
    message: str
    values: Mapping[str, object] = dataclasses.field(default_factory=dict)

    @classmethod
    def refused(cls, field_id: str, refusal: Refusal, lang: str) -> FieldError:
        """A service's refusal shown at a field, in its own words."""
        text = refusal.message(lang)
        return cls(field_id, "refusal_text", {"message": text[:1].upper() + text[1:]})


def token_problem(token: str) -> str | None:
    """The message key for a token that is empty or has not the shape of one, else None."""
    if not token:
        return "token_empty"
    if TOKEN_SHAPE.match(token) is None:
        return "token_malformed"
    return None


def form_expired(request: Request) -> Response:
    """The answer to a form whose CSRF token is missing or wrong (403); nothing was done."""
    return pages_of(request).render(
        request,
        "error.html.j2",
        status=403,
        title_key="form_expired_title",
        text_key="form_expired",
        status_code=403,
    )
