"""Dates, moments and numbers as a Dutch or English reader writes them.

>>> format_date(dt.date(2026, 10, 30), "nl"), format_date(dt.date(2026, 10, 30), "en")
('30 oktober 2026', '30 October 2026')
>>> format_int(10000, "nl"), format_int(10000, "en")
('10.000', '10,000')
"""

from __future__ import annotations

import datetime as dt

from aggregator.clock import local_date, local_time
from aggregator.web.i18n import Lang, translator


def format_date(day: dt.date, lang: Lang) -> str:
    """``30 oktober 2026``: a Dutch day, written out."""
    month = translator(lang)(f"month_{day.month}")
    return f"{day.day} {month} {day.year}"


def format_moment(moment: dt.datetime, lang: Lang) -> str:
    """A stored (UTC) moment in Dutch time: ``30 oktober 2026, 14:05``."""
    local = local_time(moment)
    return f"{format_date(local.date(), lang)}, {local:%H:%M}"


def format_day(moment: dt.datetime, lang: Lang) -> str:
    """The Dutch calendar day of a stored (UTC) moment, written out."""
    return format_date(local_date(moment), lang)


def format_int(n: int, lang: Lang) -> str:
    """A whole number with the reader's thousands separator."""
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "nl" else text
