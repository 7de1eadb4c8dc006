"""Submissions: a municipality's quarter, validated and stored as the next version.

Validation is the shared pandera model the client runs too (:mod:`schemas.validation`). A
submission is all-or-nothing: invalid data, a locked period or a reused key stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from aggregator.services import periods
from aggregator.services.access import authorize
from aggregator.services.audit import Note, record_read
from aggregator.services.auth import Principal
from aggregator.services.context import Context
from aggregator.services.refusals import Kind, Refusal, conflict, invalid, not_found
from aggregator.store import IdempotencyConflictError, PeriodLockedError, SubmissionRecord
from schemas.reading import RawTable
from schemas.validation import validate_submission

#: At most this many problems are returned in a refusal's details; the message gives the total.
MAX_DETAILS = 1000


@dataclass(frozen=True)
class Accepted:
    """What :func:`accept` did: the stored (or, on a dry run, the would-be) version."""

    record: SubmissionRecord
    #: The version was stored before under the same idempotency key: nothing new was stored.
    replay: bool = False
    #: Only validated: nothing was stored (``record.id`` is empty).
    dry_run: bool = False


def too_many_rows(ctx: Context, n: int) -> Refusal:
    """The refusal for a file with more rows than the service takes."""
    limit = ctx.settings.max_rows
    return Refusal(
        Kind.TOO_LARGE,
        "too_many_rows",
        f"{n} rijen is meer dan het maximum van {limit}",
        f"{n} rows is more than the maximum of {limit}",
    )


def accept(
    ctx: Context,
    actor: Principal,
    *,
    period_text: str | None,
    table: RawTable,
    nil_return: bool = False,
    declared_municipality: str | None = None,
    idempotency_key: str | None = None,
    dry_run: bool = False,
    lang: str = "nl",
    note: Note | None = None,
) -> Accepted:
    """Validate a submission and store it as the next version (or, on a dry run, only check).

    ``declared_municipality`` is a municipality the request names besides the file (a JSON
    field): it must be the token's own. A retry with the same idempotency key and content gets
    the original version back; the same key with other content is refused.
    """
    note = note or Note()
    action = "dry_run" if dry_run else "submit"
    note.set(action, f"{actor.municipality or ''} {period_text or ''}".strip())
    authorize(actor, "submit")
    municipality = actor.municipality
    assert municipality is not None
    if declared_municipality is not None and declared_municipality.strip().upper() != municipality:
        raise Refusal(
            Kind.FORBIDDEN,
            "wrong_municipality",
            f"dit token hoort bij {municipality}, niet bij {declared_municipality}",
            f"this token belongs to {municipality}, not to {declared_municipality}",
        )
    period = periods.parse_period(period_text)
    note.set(action, f"{municipality} {period}", subject=municipality)
    if len(table.frame) > ctx.settings.max_rows:
        raise too_many_rows(ctx, len(table.frame))
    store = ctx.store
    stored = store.count_versions(municipality, str(period))
    if stored >= ctx.settings.max_versions and not (
        idempotency_key and store.replay_of(municipality, str(period), idempotency_key)
    ):
        limit = ctx.settings.max_versions
        raise conflict(
            "too_many_versions",
            f"{municipality} heeft al {stored} versies van {period}, het maximum is {limit}; "
            f"neem contact op met {ctx.settings.contact}",
            f"{municipality} already has {stored} versions of {period}, the maximum is {limit}; "
            f"contact {ctx.settings.contact}",
        )
    lock = store.get_lock(str(period))
    if lock is not None and not (
        idempotency_key and store.replay_of(municipality, str(period), idempotency_key)
    ):
        raise periods.locked_refusal(ctx, lock)  # before validation: the data cannot help
    now = ctx.now()
    result = validate_submission(table, period, municipality, nil_return, today=ctx.today())
    if not result.ok or result.submission is None:
        n = len(result.issues)
        shown = f" (de eerste {MAX_DETAILS} staan in details)" if n > MAX_DETAILS else ""
        shown_en = f" (the first {MAX_DETAILS} are in details)" if n > MAX_DETAILS else ""
        raise invalid(
            "invalid_submission",
            f"de aanlevering bevat {n} fout(en){shown}; er is niets opgeslagen",
            f"the submission has {n} error(s){shown_en}; nothing was stored",
            result.records(lang)[:MAX_DETAILS],  # type: ignore[arg-type]
        )
    submission = result.submission
    late = ctx.today() > periods.deadline_of(ctx, period)
    if dry_run:
        record = SubmissionRecord(
            id="",
            municipality=municipality,
            period=str(period),
            version=stored + 1,
            nil_return=submission.nil_return,
            row_count=submission.row_count,
            total=submission.total,
            sha256=submission.sha256(),
            taxonomy_version=submission.taxonomy_version,
            received_at=now,
            late=late,
            token_id=actor.name,
            idempotency_key=idempotency_key,
            encoding=table.encoding,
        )
        return Accepted(record, dry_run=True)
    try:
        record, replay = store.add_submission(
            submission,
            municipality=municipality,
            token_id=actor.name,
            idempotency_key=idempotency_key,
            received_at=now,
            late=late,
            encoding=table.encoding,
        )
    except PeriodLockedError as exc:
        raise periods.locked_refusal(ctx, exc.lock) from None
    except IdempotencyConflictError as exc:
        o = exc.original
        raise conflict(
            "idempotency_conflict",
            f"deze Idempotency-Key is al gebruikt voor andere inhoud (versie {o.version} van "
            f"{o.period}); gebruik voor een nieuwe versie een nieuwe sleutel",
            f"this Idempotency-Key was already used for other content (version {o.version} of "
            f"{o.period}); use a new key for a new version",
            [{"submission_id": o.id, "period": o.period, "version": o.version}],
        ) from None
    note.set(
        "submit",
        f"{municipality} {period}",
        f"{record.id} v{record.version}" + (" replay" if replay else ""),
        subject=municipality,
    )
    return Accepted(record, replay=replay)


def versions(
    ctx: Context,
    actor: Principal,
    period_text: str | None = None,
    *,
    after: tuple[str, int] | None = None,
    limit: int | None = None,
) -> list[SubmissionRecord]:
    """The calling municipality's own versions (nobody else sees versions: their number and
    times could tell when a municipality had an incident), in order of period and version;
    a page of at most ``limit`` after ``after`` (a period and version) when given."""
    authorize(actor, "read_submissions")
    period = str(periods.parse_period(period_text)) if period_text is not None else None
    if after is None and limit is None:
        return ctx.store.list_submissions(municipality=actor.municipality, period=period)
    records = ctx.store.list_submissions(municipality=actor.municipality, period=period)
    if after is not None:
        records = [r for r in records if (r.period, r.version) > after]
    return records[:limit] if limit is not None else records


def version(ctx: Context, actor: Principal, submission_id: str) -> SubmissionRecord:
    """One of the calling municipality's versions (another municipality's is "not found")."""
    authorize(actor, "read_submissions")
    record = ctx.store.get_submission(submission_id)
    if record is None or record.municipality != actor.municipality:
        raise not_found("not_found", "geen aanlevering met dit id", "no submission with this id")
    return record


def rows(
    ctx: Context, actor: Principal, submission_id: str
) -> tuple[SubmissionRecord, pd.DataFrame]:
    """A version with its rows, for the municipality that submitted it (nobody else); every
    such read is in the audit log, with who read which version."""
    record = version(ctx, actor, submission_id)
    frame = ctx.store.submission_rows(record.id)
    frame["count"] = frame["count"].astype(int)
    record_read(
        ctx,
        actor,
        "read_rows",
        record.municipality,
        f"{record.municipality} {record.period}",
        f"{record.id} v{record.version}",
    )
    return record, frame
