"""``lekstat status`` for a municipality: what it reported, and what it still has to do.

Per quarter from the first lekstat accepts to the current one: the current version (the highest:
a correction is a new version), the quarters still missing with their deadline, and the locked
ones, which take no submission or correction any more. Deadlines and locks come from the server
(``GET /api/v1/periods``) when it gives them; a server that does not is asked nothing more, the
deadline is lekstat's default, and the output says both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from client.i18n import Lang, pick
from client.receipts import Identity, Receipt
from client.render import identity_line, table
from schemas.periods import FIRST_PERIOD, Period, PeriodError

#: The server's default deadline (``LEKSTAT_DEADLINE_DAYS``): days after a quarter's end.
DEFAULT_DEADLINE_DAYS = 30


@dataclass(frozen=True)
class Calendar:
    """What the server says of the quarters: deadlines, locks and whom to contact."""

    deadlines: Mapping[Period, dt.date]
    locks: Mapping[Period, Mapping[str, Any]]
    deadline_days: int = DEFAULT_DEADLINE_DAYS
    contact: str | None = None
    #: False for a server that does not say (no ``GET /api/v1/periods``): deadlines assumed.
    known: bool = True

    @classmethod
    def from_json(cls, body: Mapping[str, Any] | None) -> Calendar:
        """From ``GET /api/v1/periods`` (``None`` when the server does not have it)."""
        if body is None:
            return cls({}, {}, known=False)
        deadlines: dict[Period, dt.date] = {}
        locks: dict[Period, Mapping[str, Any]] = {}
        for entry in body.get("periods") or []:
            try:
                period = Period.parse(str(entry["period"]))
                deadlines[period] = dt.date.fromisoformat(str(entry["deadline"]))
            except (KeyError, TypeError, ValueError, PeriodError):
                continue  # an entry this client cannot read: fall back to the default for it
            if isinstance(entry.get("locked"), Mapping):
                locks[period] = entry["locked"]
        days = body.get("deadline_days")
        contact = body.get("contact")
        return cls(
            deadlines,
            locks,
            days if isinstance(days, int) else DEFAULT_DEADLINE_DAYS,
            str(contact) if contact else None,
        )

    def deadline(self, period: Period) -> dt.date:
        """The last day on which a submission for ``period`` is on time."""
        default = period.end + dt.timedelta(days=self.deadline_days)
        return self.deadlines.get(period, default)


@dataclass(frozen=True)
class Quarter:
    """One quarter as the municipality stands: its versions (oldest first), deadline, lock."""

    period: Period
    versions: tuple[Receipt, ...]
    deadline: dt.date
    lock: Mapping[str, Any] | None

    @property
    def current(self) -> Receipt | None:
        """The version that counts: the highest."""
        return self.versions[-1] if self.versions else None


def quarters(
    receipts: Sequence[Receipt],
    calendar: Calendar,
    today: dt.date,
    only: Period | None = None,
) -> list[Quarter]:
    """Every quarter from the first lekstat accepts to today's (or only ``only``), in order."""
    by_period: dict[Period, list[Receipt]] = {}
    for receipt in receipts:
        by_period.setdefault(Period.parse(receipt.period), []).append(receipt)
    if only is not None:
        periods = [only]
    else:
        periods, period = [], FIRST_PERIOD
        while not period.is_future(today):
            periods.append(period)
            period = period.next()
        periods = sorted({*periods, *by_period})
    return [
        Quarter(
            period,
            tuple(sorted(by_period.get(period, []), key=lambda r: r.version or 0)),
            calendar.deadline(period),
            calendar.locks.get(period),
        )
        for period in periods
    ]


def status_lines(
    identity: Identity,
    items: Sequence[Quarter],
    calendar: Calendar,
    lang: Lang,
    today: dt.date,
) -> list[str]:
    """The answer to "what do I still have to do", in ``lang``."""

    def t(nl: str, en: str) -> str:
        return pick(lang, nl, en)

    lines = [identity_line(identity, lang), ""]
    reported = [q for q in items if q.current is not None]
    to_do = [q for q in items if q.current is None and q.lock is None]
    missed = [q for q in items if q.current is None and q.lock is not None]

    if not reported:
        lines += [t("Nog geen aanleveringen.", "No submissions yet."), ""]
    else:
        lines.append(t("Aangeleverd:", "Submitted:"))
        headers = (
            t("kwartaal", "quarter"),
            t("huidige versie", "current version"),
            t("soort", "kind"),
            t("totaal", "total"),
            t("ontvangen op", "received at"),
            t("te laat", "late"),
            t("correctie", "correction"),
        )
        rows = []
        for q in reported:
            current, first = q.current, q.versions[0]
            assert current is not None
            version = t(
                f"{current.version} van {len(q.versions)}",
                f"{current.version} of {len(q.versions)}",
            )
            kind = t("nulmelding", "nil return") if current.nil_return else t("aantallen", "counts")
            if q.lock is not None:
                correction = t("kan niet meer (vergrendeld)", "no longer possible (locked)")
            elif calendar.known:
                correction = t("kan nog", "still possible")
            else:
                correction = t("kan tot vergrendeling", "possible until locked")
            rows.append(
                (
                    q.period,
                    version,
                    kind,
                    current.total,
                    current.received_at,
                    t("ja", "yes") if first.late else t("nee", "no"),
                    correction,
                )
            )
        lines += ["  " + line for line in table(headers, rows)]
        lines.append("")

    lines.append(t("Nog te doen:", "Still to do:"))
    if to_do:
        open_rows = [(q.period, q.deadline.isoformat(), _what_to_do(q, today, lang)) for q in to_do]
        open_headers = (t("kwartaal", "quarter"), t("uiterste datum", "deadline"), "")
        lines += ["  " + line for line in table(open_headers, open_rows)]
        lines.append(
            t(
                "  Aanleveren: lekstat submit BESTAND --period KWARTAAL; zonder incidenten een "
                "nulmelding: lekstat submit --nil --period KWARTAAL",
                "  To submit: lekstat submit FILE --period QUARTER; without incidents a nil "
                "return: lekstat submit --nil --period QUARTER",
            )
        )
    else:
        lines.append(
            t("  niets: elk open kwartaal is aangeleverd", "  nothing: every open quarter is in")
        )
    if missed:
        lines += ["", t("Vergrendeld zonder aanlevering:", "Locked without a submission:")]
        for q in missed:
            assert q.lock is not None
            lines.append(f"  {q.period}  {_lock_text(q.lock, calendar, lang)}")
    lines += ["", t("Uitleg:", "Explanation:")]
    lines += [f"  - {line}" for line in _explanation(calendar, lang)]
    return lines


def _what_to_do(q: Quarter, today: dt.date, lang: Lang) -> str:
    if not q.period.is_complete(today):
        return pick(
            lang,
            f"loopt nog tot en met {q.period.end.isoformat()}",
            f"still running, until {q.period.end.isoformat()}",
        )
    if today > q.deadline:
        return pick(
            lang,
            "te laat: de uiterste datum is voorbij; lever zo snel mogelijk aan",
            "late: the deadline has passed; submit as soon as you can",
        )
    days = (q.deadline - today).days
    return pick(lang, f"nog {days} dag(en)", f"{days} day(s) left")


def _lock_text(lock: Mapping[str, Any], calendar: Calendar, lang: Lang) -> str:
    when = lock.get("locked_at") or "?"
    contact = lock.get("contact") or calendar.contact
    text = pick(
        lang,
        f"vergrendeld op {when}; aanleveren kan niet meer",
        f"locked at {when}; it takes no submission any more",
    )
    if contact:
        text += pick(lang, f"; neem contact op met {contact}", f"; contact {contact}")
    return text


def _explanation(calendar: Calendar, lang: Lang) -> list[str]:
    days = calendar.deadline_days
    lines = [
        pick(
            lang,
            "huidige versie: de hoogste versie telt. Een correctie is een nieuwe aanlevering en "
            "wordt de volgende versie, tot het kwartaal vergrendeld is.",
            "current version: the highest version counts. A correction is another submission "
            "and becomes the next version, until the quarter is locked.",
        ),
        pick(
            lang,
            f"te laat: de eerste aanlevering kwam na de uiterste datum ({days} dagen na het einde "
            "van het kwartaal). Een late aanlevering telt gewoon mee in de cijfers; alleen de "
            "statistici zien dat ze laat was. Een correctie na de uiterste datum maakt een "
            "kwartaal niet te laat.",
            f"late: the first submission came after the deadline ({days} days after the end of "
            "the quarter). A late submission counts in the figures all the same; only the "
            "statisticians see that it was late. A correction after the deadline does not make "
            "a quarter late.",
        ),
    ]
    if not calendar.known:
        lines.append(
            pick(
                lang,
                f"Deze server geeft zijn termijnen en vergrendelingen niet door: de uiterste data "
                f"zijn lekstats standaard ({DEFAULT_DEADLINE_DAYS} dagen), en of een kwartaal "
                "vergrendeld is, hoort u pas als lekstat submit het weigert.",
                f"This server does not say its deadlines and locks: the deadlines are lekstat's "
                f"default ({DEFAULT_DEADLINE_DAYS} days), and whether a quarter is locked you "
                "only learn when lekstat submit refuses it.",
            )
        )
    if calendar.contact:
        lines.append(pick(lang, f"Vragen: {calendar.contact}", f"Questions: {calendar.contact}"))
    return lines


def receipts_json(receipts: Sequence[Receipt]) -> list[dict[str, Any]]:
    """The receipts as JSON, each with ``current``: whether it is its quarter's counting version."""
    latest: dict[str, int] = {}
    for r in receipts:
        latest[r.period] = max(latest.get(r.period, 0), r.version or 0)
    return [asdict(r) | {"current": (r.version or 0) == latest[r.period]} for r in receipts]
