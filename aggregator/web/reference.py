"""The receipt of a version, the templates to fill in, and the counting rules.

The receipt shows a version with its rows to the municipality that submitted it and to nobody
else (:func:`aggregator.services.submissions.rows` says "not found" to anyone else). The
templates are the client's own (:mod:`client.files`), made once per language and kept; like the
taxonomy over the API they are public, as are the counting rules.
"""

from __future__ import annotations

import io
import threading
from typing import Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from aggregator.services import submissions
from aggregator.web.errors import PageRoute
from aggregator.web.i18n import Lang
from aggregator.web.rendering import page_language, pages_of
from aggregator.web.session import context_of, municipality_name, require
from client.files import csv_template, excel_template
from schemas.taxonomy import load_taxonomy

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Format = Literal["xlsx", "csv"]
MEDIA_TYPES: dict[Format, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
#: The name a downloaded template gets, per language.
TEMPLATE_NAME = {"nl": "lekstat-aantallen", "en": "lekstat-counts"}
#: A template changes only with the taxonomy: kept once per format and language.
_TEMPLATES: dict[tuple[Format, Lang], bytes] = {}
_TEMPLATES_LOCK = threading.Lock()


def template_bytes(fmt: Format, lang: Lang) -> bytes:
    """The empty template in ``fmt``: the Excel workbook with dropdowns, or the CSV header."""
    with _TEMPLATES_LOCK:
        if (fmt, lang) not in _TEMPLATES:
            if fmt == "csv":
                data = csv_template(lang)
            else:
                buffer = io.BytesIO()
                excel_template(lang).save(buffer)
                data = buffer.getvalue()
            _TEMPLATES[(fmt, lang)] = data
        return _TEMPLATES[(fmt, lang)]


@router.get("/portal/template.{fmt}", name="template")
def template(request: Request, fmt: str) -> Response:
    """Download the template (``xlsx`` or ``csv``) in the page's language."""
    if fmt not in MEDIA_TYPES:
        raise HTTPException(status_code=404)
    kind: Format = "xlsx" if fmt == "xlsx" else "csv"
    lang = page_language(request)
    name = f"{TEMPLATE_NAME[lang]}.{kind}"
    return Response(
        template_bytes(kind, lang),
        media_type=MEDIA_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/portal/counting-rules", name="counting_rules")
def counting_rules(request: Request) -> Response:
    """What one count means, and every code with its label and description."""
    lang = page_language(request)
    taxonomy = load_taxonomy()
    dimensions = [taxonomy.dimension(name) for name in taxonomy.dimension_names]
    return pages_of(request).render(
        request,
        "counting_rules.html.j2",
        rules=taxonomy.counting_rules(lang),
        dimensions=dimensions,
        taxonomy_version=taxonomy.version,
    )


@router.get("/portal/submissions/{submission_id}", name="receipt")
def receipt(request: Request, submission_id: str) -> Response:
    """The receipt of one version, with its rows; it prints on paper as a receipt."""
    session = require(request, "read_submissions")
    record, frame = submissions.rows(context_of(request), session.principal, submission_id)
    lang = page_language(request)
    taxonomy = load_taxonomy(record.taxonomy_version)
    columns = list(taxonomy.dimension_names)
    rows = [
        ([(r[c], taxonomy.label(c, r[c], lang)) for c in columns], int(r["count"]))
        for r in frame.to_dict(orient="records")
    ]
    return pages_of(request).render(
        request,
        "receipt.html.j2",
        record=record,
        municipality=municipality_name(record.municipality),
        columns=[taxonomy.dimension(c).label(lang) for c in columns],
        rows=rows,
        stored="stored" in request.query_params,
        unchanged="unchanged" in request.query_params,
    )
