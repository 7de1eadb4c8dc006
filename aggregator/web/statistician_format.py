"""How the statistician's pages write numbers and periods, and render with them.

>>> decimal(0.0338, ".3g", "nl"), decimal(2.0, ".3g", "en"), decimal(None, "g", "nl")
('0,0338', '2', '–')
>>> power(1e-9), power(0.5)
('10⁻⁹', '0.5')
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.routing import NoMatchFound

from aggregator.clock import parse_moment
from aggregator.dp.privacy import DELTA
from aggregator.services.access import may
from aggregator.web.i18n import Lang
from aggregator.web.rendering import page_language, pages_of
from aggregator.web.session import session_of

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def decimal(x: float | None, spec: str, lang: Lang) -> str:
    """``x`` as ``format(x, spec)`` with the reader's decimal sign; a dash for None."""
    if x is None:
        return "–"
    text = format(x, spec)
    return text.replace(".", ",") if lang == "nl" else text


def power(x: float) -> str:
    """A power of ten as people write it (``10⁻⁹``); another number with :func:`format`."""
    exponent = round(math.log10(x)) if x > 0 else 0
    if x > 0 and math.isclose(x, 10.0**exponent, rel_tol=1e-12):
        return "10" + str(exponent).translate(_SUPERSCRIPT)
    return format(x, "g")


def sentence(text: str) -> str:
    """``text`` with a capital first letter (a certificate's texts start in lower case)."""
    return text[:1].upper() + text[1:]


def label_of(release: dict[str, Any]) -> str:
    """``2026`` or ``2026-Q3``: the period a release covers."""
    quarter = release.get("quarter")
    return f"{release['year']}" + (f"-Q{quarter}" if quarter else "")


def public_url(request: Request, release_id: str) -> str | None:
    """The release's page among the figures (the route ``release_page`` of web/public.py)."""
    try:
        return str(request.app.url_path_for("release_page", release_id=release_id))
    except NoMatchFound:
        return None


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """``template`` with the statistician's number helpers (``dec``, ``power``), links, and
    ``may_do(operation)``: whether the signed-in role may (the sections it is offered)."""
    lang = page_language(request)
    session = session_of(request)
    return pages_of(request).render(
        request,
        template,
        status=status,
        dec=lambda x, spec=".3g": decimal(x, spec, lang),
        power=power,
        delta=DELTA,
        label_of=label_of,
        sentence=sentence,
        public_url=lambda release_id: public_url(request, release_id),
        parse_moment=parse_moment,
        may_do=lambda operation: session is not None and may(session.principal, operation),
        **context,
    )
