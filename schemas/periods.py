"""Reporting periods: calendar quarters written as ``2026-Q1``.

>>> p = Period.parse("2026-q1")
>>> str(p), p.year, p.quarter, p.start.isoformat(), p.end.isoformat()
('2026-Q1', 2026, 1, '2026-01-01', '2026-03-31')
>>> [str(q) for q in quarters_of(2025)][-1]
'2025-Q4'
>>> Period.parse("2026-Q1") < Period.parse("2026-Q2")
True
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

#: The first quarter lekstat accepts counts for.
FIRST_PERIOD_TEXT = "2024-Q1"

# Q for quarter, and K for the Dutch kwartaal.
_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*[QqKk]\s*([1-4])\s*$")


class PeriodError(ValueError):
    """A period that cannot be parsed; the message says the right form, in Dutch and English."""

    def __init__(self, value: object) -> None:
        self.value = value
        self.message_nl = (
            f"{value!r} is geen geldig kwartaal: schrijf het als JJJJ-Qn, bijvoorbeeld 2026-Q1"
        )
        self.message_en = (
            f"{value!r} is not a valid quarter: write it as YYYY-Qn, for example 2026-Q1"
        )
        super().__init__(self.message_en)


@dataclass(frozen=True, order=True)
class Period:
    """A calendar quarter; ordered in time, hashable, printed as ``2026-Q1``."""

    year: int
    quarter: int

    def __post_init__(self) -> None:
        if not (1 <= self.quarter <= 4) or not (1900 <= self.year <= 9999):
            raise PeriodError(f"{self.year}-Q{self.quarter}")

    @classmethod
    def parse(cls, text: str | Period) -> Period:
        """Parse ``2026-Q1`` (also ``2026Q1``, ``2026-q1``, ``2026-K1``) or raise PeriodError."""
        if isinstance(text, Period):
            return text
        if not isinstance(text, str):
            raise PeriodError(text)
        match = _PATTERN.match(text)
        if not match:
            raise PeriodError(text)
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: dt.date) -> Period:
        """The quarter that contains ``day``."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def current(cls, today: dt.date | None = None) -> Period:
        """The quarter that contains today (or ``today``)."""
        return cls.containing(today or dt.date.today())

    def __str__(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def start(self) -> dt.date:
        """The first day of the quarter."""
        return dt.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the quarter."""
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> Period:
        """The following quarter."""
        if self.quarter == 4:
            return Period(self.year + 1, 1)
        return Period(self.year, self.quarter + 1)

    def previous(self) -> Period:
        """The preceding quarter."""
        if self.quarter == 1:
            return Period(self.year - 1, 4)
        return Period(self.year, self.quarter - 1)

    def is_future(self, today: dt.date | None = None) -> bool:
        """Whether the quarter has not started yet on ``today`` (default: today)."""
        return self.start > (today or dt.date.today())

    def is_complete(self, today: dt.date | None = None) -> bool:
        """Whether the quarter has ended before ``today`` (default: today)."""
        return self.end < (today or dt.date.today())


#: The first quarter lekstat accepts counts for.
FIRST_PERIOD = Period.parse(FIRST_PERIOD_TEXT)


def quarters_of(year: int) -> tuple[Period, ...]:
    """The four quarters of ``year`` in order."""
    return tuple(Period(year, q) for q in range(1, 5))
