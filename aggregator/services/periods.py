"""Periods: parsing a period the user typed, its deadline, and locking it for good."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aggregator.clock import iso
from aggregator.services.access import authorize
from aggregator.services.audit import Note
from aggregator.services.auth import Principal
from aggregator.services.context import Context
from aggregator.services.refusals import conflict, invalid
from aggregator.store import AlreadyLockedError, PeriodLock
from schemas.issues import short_value
from schemas.periods import FIRST_PERIOD, Period, PeriodError

#: A period text longer than this is not one (and is not quoted back in full).
MAX_PERIOD_TEXT = 40


def parse_period(text: str | None) -> Period:
    """A period as a user typed it, or a refusal that says the right form."""
    if not text or not text.strip():
        raise invalid(
            "missing_period",
            "geef de periode op, bijvoorbeeld 2026-Q1",
            "give the period, for example 2026-Q1",
        )
    if len(text) > MAX_PERIOD_TEXT:
        shown = short_value(text, 20)
        raise invalid(
            "bad_period",
            f"'{shown}' is geen geldig kwartaal: schrijf het als JJJJ-Qn, bijvoorbeeld 2026-Q1",
            f"'{shown}' is not a valid quarter: write it as YYYY-Qn, for example 2026-Q1",
        )
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise invalid("bad_period", exc.message_nl, exc.message_en) from None


def deadline_of(ctx: Context, period: Period) -> dt.date:
    """The last day on which a submission for ``period`` is on time."""
    return period.end + dt.timedelta(days=ctx.settings.deadline_days)


def lock(ctx: Context, actor: Principal, text: str, note: Note | None = None) -> PeriodLock:
    """Lock a period for good: submissions and corrections for it are refused from then on.

    A lock is final (there is no unlock), so only a quarter that has ended can be locked.
    """
    note = note or Note()
    note.set("lock_period", text)
    authorize(actor, "lock_period")
    period = parse_period(text)
    note.set("lock_period", str(period))
    today = ctx.today()
    if period < FIRST_PERIOD:
        raise invalid(
            "period_before_first",
            f"lekstat heeft geen perioden voor {FIRST_PERIOD}",
            f"lekstat has no periods before {FIRST_PERIOD}",
        )
    if period.is_future(today):
        raise invalid(
            "period_in_future",
            f"{period} is nog niet begonnen en kan niet worden vergrendeld",
            f"{period} has not started and cannot be locked",
        )
    if not period.is_complete(today):
        raise invalid(
            "period_not_ended",
            f"{period} is nog niet afgelopen; een vergrendeling is definitief, dus vergrendel "
            "een kwartaal na de termijn",
            f"{period} has not ended; a lock is final, so lock a quarter after its deadline",
        )
    try:
        return ctx.store.lock_period(str(period), ctx.now(), actor.name)
    except AlreadyLockedError as exc:
        when = iso(exc.lock.locked_at)
        raise conflict(
            "period_already_locked",
            f"{period} is al vergrendeld op {when}",
            f"{period} was already locked at {when}",
            [lock_details(exc.lock)],
        ) from None


@dataclass(frozen=True)
class QuarterDates:
    """One quarter as a municipality plans its work: when it ends, the deadline, the lock."""

    period: Period
    deadline: dt.date
    ended: bool
    lock: PeriodLock | None


def calendar(ctx: Context, actor: Principal) -> list[QuarterDates]:
    """Every quarter from the first to the current one, with its deadline and lock."""
    authorize(actor, "read_calendar")
    today = ctx.today()
    locked = {lock.period: lock for lock in ctx.store.list_locks()}
    out, period = [], FIRST_PERIOD
    while not period.is_future(today):
        out.append(QuarterDates(period, deadline_of(ctx, period), period.is_complete(today),
                                locked.get(str(period))))  # fmt: skip
        period = period.next()
    return out


def locks(ctx: Context, actor: Principal) -> list[PeriodLock]:
    """Every locked period, by period."""
    authorize(actor, "read_locks")
    return ctx.store.list_locks()


def lock_details(lock: PeriodLock) -> dict[str, str | None]:
    """A lock as the details of a refusal."""
    return {"period": lock.period, "locked_at": iso(lock.locked_at), "locked_by": lock.locked_by}


def locked_refusal(ctx: Context, lock: PeriodLock) -> Exception:
    """The refusal for a submission to a locked period: when, by whom, and whom to contact."""
    when = iso(lock.locked_at)
    contact = ctx.settings.contact
    return conflict(
        "period_locked",
        f"periode {lock.period} is vergrendeld (op {when} door {lock.locked_by}); "
        f"aanleveringen en correcties zijn niet meer mogelijk. Vragen: {contact}",
        f"period {lock.period} is locked (at {when} by {lock.locked_by}); submissions and "
        f"corrections are no longer accepted. Questions: {contact}",
        [{**lock_details(lock), "contact": contact}],
    )
