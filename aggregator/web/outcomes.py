"""What a page shows when an operation refuses: one table from the refusal's kind to the page.

The HTTP edge has ``STATUS_OF_KIND`` and the command line ``EXIT_OF_KIND``; this is the
portal's. The status is the API's for the same kind (a test compares the two tables), the title
says what sort of "no" it is, and the page shows the refusal's own message in the page's
language with its details, so a rule reads the same in the portal as over the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from aggregator.services.refusals import Kind, Refusal
from aggregator.web.rendering import page_language, pages_of


@dataclass(frozen=True)
class Outcome:
    """How a page answers a refusal of one kind: the HTTP status and the title's message key."""

    status: int
    title: str


#: A refusal's page, by its kind: the one table of the portal.
PAGE_OF_KIND: dict[Kind, Outcome] = {
    Kind.INVALID: Outcome(422, "refused_invalid_title"),
    Kind.NOT_FOUND: Outcome(404, "not_found_title"),
    Kind.CONFLICT: Outcome(409, "refused_conflict_title"),
    Kind.FORBIDDEN: Outcome(403, "refused_forbidden_title"),
    Kind.TOO_LARGE: Outcome(413, "refused_too_large_title"),
    Kind.BUSY: Outcome(429, "refused_busy_title"),
    Kind.FAILURE: Outcome(503, "refused_failure_title"),
}

#: Detail fields a person can read, by the message key of their label.
DETAIL_LABELS = {
    "period": "detail_period",
    "locked_at": "detail_locked_at",
    "locked_by": "detail_locked_by",
    "contact": "detail_contact",
    "submission_id": "detail_submission_id",
    "version": "detail_version",
}


def detail_items(details: list[Any]) -> list[list[tuple[str, str]]]:
    """A refusal's details as (label key, value) pairs per detail; fields without a label are
    left out (they are for programs, the message says it for people)."""
    out = []
    for detail in details:
        if isinstance(detail, dict):
            pairs = [
                (DETAIL_LABELS[k], str(v))
                for k, v in detail.items()
                if k in DETAIL_LABELS and v is not None
            ]
            if pairs:
                out.append(pairs)
    return out


def refusal_page(
    request: Request, refusal: Refusal, *, back: tuple[str, str] | None = None
) -> Response:
    """The page for ``refusal``: its kind's status and title, its message and details."""
    outcome = PAGE_OF_KIND[refusal.kind]
    return pages_of(request).render(
        request,
        "refused.html.j2",
        status=outcome.status,
        title_key=outcome.title,
        message=refusal.message(page_language(request)),
        code=refusal.code,
        details=detail_items(refusal.details),
        back=back,
    )
