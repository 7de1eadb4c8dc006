"""Validation issues: one problem in a submission, in the user's terms and in two languages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from schemas.lang import Lang


@dataclass(frozen=True)
class Issue:
    """One problem: ``row`` as a spreadsheet shows it (header = 1; ``None`` for the whole file)."""

    row: int | None
    column: str | None
    value: str
    code: str
    message_nl: str
    message_en: str

    def message(self, lang: Lang = "nl") -> str:
        """The message in ``lang``."""
        return self.message_nl if lang == "nl" else self.message_en

    def to_record(self, lang: Lang = "nl") -> dict[str, Any]:
        """The record ``{row, column, value, message, code}`` used in every error report."""
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message(lang),
            "code": self.code,
        }


def sort_issues(issues: Iterable[Issue]) -> list[Issue]:
    """Issues in reading order: file-level first, then by row and column."""
    return sorted(issues, key=lambda i: (-1 if i.row is None else i.row, i.column or ""))


def short_value(value: object, limit: int = 60) -> str:
    """A cell as text, cut to ``limit`` characters so a hostile cell cannot flood a report."""
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
