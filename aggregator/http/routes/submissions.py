"""Submissions: a municipality uploads its quarter (JSON or CSV), gets a receipt, corrects it.

Validation is the same pandera model the client runs. A submission is all-or-nothing: invalid
data, a locked period or a reused key leaves no trace but the audit line.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from aggregator.clock import iso, local_date
from aggregator.config import Settings
from aggregator.http.deps import (
    ClockDep,
    LangDep,
    Municipality,
    SettingsDep,
    StoreDep,
    SubmissionReader,
    audit,
    parse_period,
)
from aggregator.http.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    Unprocessable,
    UnsupportedMediaType,
)
from aggregator.http.models import (
    AUTHENTICATED,
    PERIOD_SCHEMA,
    WITH_BODY,
    DryRun,
    Receipt,
    ReceiptWithData,
    SubmissionList,
    SubmissionMetadata,
    errors,
    submission_body,
)
from aggregator.services.auth import Principal
from aggregator.store import IdempotencyConflictError, PeriodLock, PeriodLockedError, Store
from schemas.periods import Period
from schemas.reading import RawTable, from_records, read_csv
from schemas.validation import validate_submission

router = APIRouter(prefix="/api/v1", tags=["submissions"], responses=AUTHENTICATED)

#: At most this many issue records are returned; the message gives the total.
MAX_DETAILS = 1000


def deadline_of(period: Period, settings: Settings) -> dt.date:
    """The last day on which a submission for ``period`` is on time."""
    return period.end + dt.timedelta(days=settings.deadline_days)


def locked_error(lock: PeriodLock) -> Conflict:
    """The refusal for a locked period, naming the lock."""
    when = iso(lock.locked_at)
    return Conflict(
        f"periode {lock.period} is vergrendeld (op {when} door {lock.locked_by}); "
        "aanleveringen en correcties zijn niet meer mogelijk",
        f"period {lock.period} is locked (at {when} by {lock.locked_by}); submissions and "
        "corrections are no longer accepted",
        [lock.to_dict()],
        code="period_locked",
    )


def _json_body(raw: bytes, settings: Settings) -> tuple[str | None, str | None, bool, RawTable]:
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
    if len(rows) > settings.max_rows:
        raise _too_many_rows(len(rows), settings)
    return period, municipality, nil_return, from_records(rows)


def _too_many_rows(n: int, settings: Settings) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"{n} rijen is meer dan het maximum van {settings.max_rows}",
        f"{n} rows is more than the maximum of {settings.max_rows}",
        code="too_many_rows",
    )


def _accept(
    store: Store,
    settings: Settings,
    principal: Principal,
    *,
    period: Period,
    table: RawTable,
    nil_return: bool,
    idempotency_key: str | None,
    dry_run: bool,
    now: dt.datetime,
    lang: str,
) -> tuple[dict[str, Any], int, bool]:
    """Validate and store (or, on a dry run, only validate); runs in a worker thread."""
    municipality = principal.municipality
    assert municipality is not None
    lock = store.get_lock(str(period))
    if lock is not None and not (
        idempotency_key and store.replay_of(municipality, str(period), idempotency_key)
    ):
        raise locked_error(lock)  # before validation: nothing can be done about the data
    result = validate_submission(table, period, municipality, nil_return, today=local_date(now))
    if not result.ok or result.submission is None:
        n = len(result.issues)
        shown = f" (de eerste {MAX_DETAILS} staan in details)" if n > MAX_DETAILS else ""
        shown_en = f" (the first {MAX_DETAILS} are in details)" if n > MAX_DETAILS else ""
        raise Unprocessable(
            f"de aanlevering bevat {n} fout(en){shown}; er is niets opgeslagen",
            f"the submission has {n} error(s){shown_en}; nothing was stored",
            result.records(lang)[:MAX_DETAILS],  # type: ignore[arg-type]
            code="invalid_submission",
        )
    submission = result.submission
    late = local_date(now) > deadline_of(period, settings)
    if dry_run:
        versions = store.list_submissions(municipality=municipality, period=str(period))
        receipt = {
            "dry_run": True,
            "municipality": municipality,
            "period": str(period),
            "version": len(versions) + 1,
            "nil_return": submission.nil_return,
            "rows": submission.row_count,
            "total": submission.total,
            "sha256": submission.sha256(),
            "taxonomy_version": submission.taxonomy_version,
            "late": late,
        }
        return receipt, 200, False
    try:
        record, replay = store.add_submission(
            submission,
            municipality=municipality,
            token_id=principal.token_id,
            idempotency_key=idempotency_key,
            received_at=now,
            late=late,
        )
    except PeriodLockedError as exc:
        raise locked_error(exc.lock) from None
    except IdempotencyConflictError as exc:
        o = exc.original
        raise Conflict(
            f"deze Idempotency-Key is al gebruikt voor andere inhoud (versie {o.version} van "
            f"{o.period}); gebruik voor een nieuwe versie een nieuwe sleutel",
            f"this Idempotency-Key was already used for other content (version {o.version} of "
            f"{o.period}); use a new key for a new version",
            [{"submission_id": o.id, "period": o.period, "version": o.version}],
            code="idempotency_conflict",
        ) from None
    return record.receipt(), 200 if replay else 201, replay


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
    principal: Municipality,
    store: StoreDep,
    settings: SettingsDep,
    clock: ClockDep,
    lang: LangDep,
    period: str | None = Query(
        None, description="Required for text/csv; e.g. 2026-Q1", json_schema_extra=PERIOD_SCHEMA
    ),
    nil_return: bool = Query(False, description="For text/csv: a nil return"),
    dry_run: bool = Query(False, description="Validate and show the receipt; store nothing"),
    idempotency_key: str | None = Header(None, max_length=200),
) -> JSONResponse:
    """Validate and store a submission as the next version; 201 with the receipt."""
    audit(
        request,
        "dry_run" if dry_run else "submit",
        f"{principal.municipality} {period or ''}".strip(),
    )
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ("application/json", "text/csv", "application/csv"):
        raise UnsupportedMediaType(
            "stuur application/json of text/csv",
            "send application/json or text/csv",
            code="unsupported_media_type",
        )
    raw = await request.body()
    if content_type == "application/json":
        body_period, body_municipality, nil_return, table = _json_body(raw, settings)
        if (
            body_municipality is not None
            and body_municipality.strip().upper() != principal.municipality
        ):
            raise Forbidden(
                f"dit token hoort bij {principal.municipality}, niet bij {body_municipality}",
                f"this token belongs to {principal.municipality}, not to {body_municipality}",
                code="wrong_municipality",
            )
        if body_period is not None and period is not None and body_period != period:
            raise Unprocessable(
                "de periode in de body en in de URL verschillen",
                "the period in the body and in the URL differ",
                code="period_mismatch",
            )
        period = body_period or period
    else:
        table = await run_in_threadpool(read_csv, raw)
        if len(table.frame) > settings.max_rows:
            raise _too_many_rows(len(table.frame), settings)
    the_period = parse_period(period)
    audit(request, "dry_run" if dry_run else "submit", f"{principal.municipality} {the_period}")
    receipt, status, replay = await run_in_threadpool(
        lambda: _accept(
            store,
            settings,
            principal,
            period=the_period,
            table=table,
            nil_return=nil_return,
            idempotency_key=idempotency_key,
            dry_run=dry_run,
            now=clock(),
            lang=lang,
        )
    )
    if not dry_run:
        detail = f"{receipt['id']} v{receipt['version']}" + (" replay" if replay else "")
        audit(request, "submit", f"{principal.municipality} {the_period}", detail)
    headers = {"Idempotent-Replayed": "true"} if replay else {}
    return JSONResponse(receipt, status_code=status, headers=headers)


@router.get(
    "/submissions",
    response_model=None,
    summary="Receipts and versions",
    responses={200: {"model": SubmissionList}},
)
def list_submissions(
    principal: SubmissionReader,
    store: StoreDep,
    period: str | None = Query(None, json_schema_extra=PERIOD_SCHEMA),
) -> dict[str, Any]:
    """A municipality's own versions (receipts); for a statistician every version's metadata."""
    the_period = str(parse_period(period)) if period is not None else None
    if principal.role == "municipality":
        records = store.list_submissions(municipality=principal.municipality, period=the_period)
        return {"submissions": [r.receipt() for r in records]}
    records = store.list_submissions(period=the_period)
    return {"submissions": [r.metadata() for r in records]}


@router.get(
    "/submissions/{submission_id}",
    response_model=None,
    summary="One version",
    responses={
        200: {"model": ReceiptWithData | SubmissionMetadata},
        **errors(404, s404="No such submission, or not one this token may see"),
    },
)
def get_submission(
    submission_id: str, principal: SubmissionReader, store: StoreDep
) -> dict[str, Any]:
    """The owning municipality sees the receipt with its rows; a statistician the metadata."""
    record = store.get_submission(submission_id)
    if principal.role == "municipality":
        if record is None or record.municipality != principal.municipality:
            raise NotFound("geen aanlevering met dit id", "no submission with this id")
        rows = store.submission_rows(record.id)
        rows["count"] = rows["count"].astype(int)
        # The receipt's "rows" is the row count; the rows themselves are "data".
        return {**record.receipt(), "data": rows.to_dict(orient="records")}
    if record is None:
        raise NotFound("geen aanlevering met dit id", "no submission with this id")
    return record.metadata()
