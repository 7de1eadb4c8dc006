"""Submissions: a municipality uploads its quarter (JSON or CSV), gets a receipt, corrects it.

The HTTP edge reads the body (JSON or CSV) and hands it to :mod:`aggregator.services.submissions`,
which validates and stores it.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from aggregator.http.deps import ContextDep, LangDep, NoteDep, allowed
from aggregator.http.errors import BadRequest, Unprocessable, UnsupportedMediaType
from aggregator.http.models import (
    AUTHENTICATED,
    PERIOD_SCHEMA,
    WITH_BODY,
    DryRun,
    Receipt,
    ReceiptWithData,
    Row,
    SubmissionList,
    errors,
    submission_body,
)
from aggregator.services import submissions
from aggregator.services.auth import Principal
from schemas.reading import RawTable, from_records, read_csv

router = APIRouter(prefix="/api/v1", tags=["submissions"], responses=AUTHENTICATED)

Submitter = Annotated[Principal, Depends(allowed("submit"))]
Reader = Annotated[Principal, Depends(allowed("read_submissions"))]


def _json_body(raw: bytes) -> tuple[str | None, str | None, bool, RawTable]:
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        # ValueError covers bad syntax, bad UTF-8 and integers of more than 4,300 digits;
        # RecursionError a body of deeply nested arrays. None of them is a submission.
        raise BadRequest(
            "de inhoud is geen geldige JSON (of is te diep genest, of bevat te lange getallen)",
            "the body is not valid JSON (or is nested too deeply, or has too long numbers)",
            code="invalid_json",
        ) from None
    if not isinstance(body, dict):
        raise Unprocessable(
            "verwacht een JSON-object met period en rows",
            "expected a JSON object with period and rows",
            code="invalid_body",
        )
    period, municipality = body.get("period"), body.get("municipality")
    nil_return, rows = body.get("nil_return", False), body.get("rows", [])
    problems = []
    if period is not None and not isinstance(period, str):
        problems.append("period")
    if municipality is not None and not isinstance(municipality, str):
        problems.append("municipality")
    if not isinstance(nil_return, bool):
        problems.append("nil_return")
    if not isinstance(rows, list) or not all(
        isinstance(r, dict) and all(isinstance(k, str) for k in r) for r in rows
    ):
        problems.append("rows")
    if problems:
        raise Unprocessable(
            f"ongeldige velden: {', '.join(problems)}",
            f"invalid fields: {', '.join(problems)}",
            [{"field": p} for p in problems],
            code="invalid_body",
        )
    return period, municipality, nil_return, from_records(rows)


@router.post(
    "/submissions",
    status_code=201,
    response_model=None,
    summary="Submit a quarter's counts (JSON or CSV)",
    openapi_extra=submission_body(),
    responses={
        200: {
            "model": Receipt | DryRun,
            "description": "Idempotent replay (the original receipt) or dry run",
        },
        201: {"model": Receipt, "description": "Stored as a new version; the receipt"},
        **WITH_BODY,
        **errors(
            400,
            409,
            413,
            415,
            422,
            s400="The body is not valid JSON",
            s409="Period locked, or Idempotency-Key reused for other content",
            s413="Body or rows over the limit",
            s415="Not JSON or CSV",
            s422="Invalid data: every problem as {row, column, value, message, code}",
        ),
    },
)
async def submit(
    request: Request,
    principal: Submitter,
    context: ContextDep,
    lang: LangDep,
    note: NoteDep,
    period: str | None = Query(
        None, description="Required for text/csv; e.g. 2026-Q1", json_schema_extra=PERIOD_SCHEMA
    ),
    nil_return: bool = Query(False, description="For text/csv: a nil return"),
    dry_run: bool = Query(False, description="Validate and show the receipt; store nothing"),
    idempotency_key: str | None = Header(None, max_length=200),
) -> JSONResponse:
    """Validate and store a submission as the next version; 201 with the receipt."""
    note.set("dry_run" if dry_run else "submit", f"{principal.municipality} {period or ''}".strip())
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ("application/json", "text/csv", "application/csv"):
        raise UnsupportedMediaType(
            "stuur application/json of text/csv",
            "send application/json or text/csv",
            code="unsupported_media_type",
        )
    raw = await request.body()
    declared = None
    if content_type == "application/json":
        body_period, declared, nil_return, table = _json_body(raw)
        if body_period is not None and period is not None and body_period != period:
            raise Unprocessable(
                "de periode in de body en in de URL verschillen",
                "the period in the body and in the URL differ",
                code="period_mismatch",
            )
        period = body_period or period
    else:
        table = await run_in_threadpool(read_csv, raw)
    accepted = await run_in_threadpool(
        lambda: submissions.accept(
            context,
            principal,
            period_text=period,
            table=table,
            nil_return=nil_return,
            declared_municipality=declared,
            idempotency_key=idempotency_key,
            dry_run=dry_run,
            lang=lang,
            note=note,
        )
    )
    if accepted.dry_run:
        return JSONResponse(
            DryRun.of(accepted.record, context.settings.contact).model_dump(), status_code=200
        )
    headers = {"Idempotent-Replayed": "true"} if accepted.replay else {}
    return JSONResponse(
        Receipt.of(accepted.record, context.settings.contact).model_dump(),
        status_code=200 if accepted.replay else 201,
        headers=headers,
    )


@router.get("/submissions", response_model=SubmissionList, summary="Receipts and versions")
def list_submissions(
    principal: Reader,
    context: ContextDep,
    period: str | None = Query(None, json_schema_extra=PERIOD_SCHEMA),
    limit: int = Query(100, ge=1, le=1000, description="At most this many receipts"),
    cursor: str | None = Query(
        None,
        pattern=r"^[0-9]{4}-Q[1-4]:[0-9]{1,6}$",
        description="`next_cursor` of the page before",
    ),
) -> SubmissionList:
    """The calling municipality's own versions (receipts), by period and version, a page at
    a time."""
    after = None
    if cursor:
        after_period, after_version = cursor.split(":")
        after = (after_period, int(after_version))
    records = submissions.versions(context, principal, period, after=after, limit=limit + 1)
    page, more = records[:limit], len(records) > limit
    return SubmissionList(
        submissions=[Receipt.of(r, context.settings.contact) for r in page],
        next_cursor=f"{page[-1].period}:{page[-1].version}" if more else None,
    )


@router.get(
    "/submissions/{submission_id}",
    response_model=ReceiptWithData,
    summary="One version",
    responses=errors(404, s404="No such submission, or not one this token may see"),
)
def get_submission(submission_id: str, principal: Reader, context: ContextDep) -> ReceiptWithData:
    """The owning municipality's receipt of a version, with its rows."""
    record, frame = submissions.rows(context, principal, submission_id)
    data = [Row.model_validate(row) for row in frame.to_dict(orient="records")]
    # The receipt's "rows" is the row count; the rows themselves are "data".
    return ReceiptWithData(**Receipt.of(record, context.settings.contact).model_dump(), data=data)
