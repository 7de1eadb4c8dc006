"""The problems of a checked file as the page shows them: the same mistake once, with its rows.

A wrong code copied down a column is one mistake in many rows; the page lists it once with the
rows it is in (``2–51``), so the table stays readable and light. Every problem stays in it; at
most :data:`MAX_SHOWN` distinct ones are shown, and the page then says how many more there are.

>>> rows_text([2, 3, 4, 7, 9, 10])
'2–4, 7, 9–10'
>>> [(p.rows, p.column) for p in group([{"row": 3, "column": "count", "value": "-1",
...     "message": "m"}, {"row": 2, "column": "count", "value": "-1", "message": "m"}])]
[('2–3', 'count')]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: The most distinct problems one page shows (a page stays a few hundred kB at most).
MAX_SHOWN = 200
#: The most row ranges one problem lists before it only says how many rows.
MAX_RANGES = 12


@dataclass(frozen=True)
class Problem:
    """One mistake: the rows it is in (as text), its column, value and what to do."""

    rows: str | None
    count: int
    column: str | None
    value: str
    message: str


def rows_text(rows: Sequence[int]) -> str:
    """Row numbers as ranges: ``2–4, 7``; a long list ends with ``…``."""
    ranges: list[str] = []
    ordered = sorted(set(rows))
    start = previous = ordered[0]
    for row in [*ordered[1:], None]:
        if row is not None and row == previous + 1:
            previous = row
            continue
        ranges.append(str(start) if start == previous else f"{start}–{previous}")
        if row is not None:
            start = previous = row
    if len(ranges) > MAX_RANGES:
        return ", ".join(ranges[:MAX_RANGES]) + ", …"
    return ", ".join(ranges)


def group(details: Sequence[Mapping[str, Any]]) -> list[Problem]:
    """The refusal's problem records, the same mistake once, in the order they first occur."""
    order: dict[tuple[Any, str, str], list[int | None]] = {}
    for detail in details:
        key = (detail.get("column"), str(detail.get("value") or ""), str(detail["message"]))
        order.setdefault(key, []).append(detail.get("row"))
    problems = []
    for (column, value, message), rows in order.items():
        numbers = [r for r in rows if isinstance(r, int)]
        text = rows_text(numbers) if numbers else None
        problems.append(Problem(text, len(rows), column, value, message))
    return problems
