"""What the report must show, computed in the tests straight from the release."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from aggregator.report import UNRELIABLE_MARK, ReportData
from schemas.tables import VALUE_COLUMNS

#: Words of the report's interface that belong to one language only.
ENGLISH_ONLY = [
    "Summary", "Contents", "Estimate", "Standard error", "Stage", "Quarter", "Province",
    "Municipality", "Municipalities", "unreliable", "Unreliable", "number of incidents",
    "Figures by table", "Methodology", "Response", "Release", "Page", "Table", "Figure",
    "January", "between", "estimate", "is wider", "quarter", "Nil return", "nil return",
    "Not reported", "Trend", "Code list", "Description", "Label", "Classification",
]  # fmt: skip
DUTCH_ONLY = [
    "Samenvatting", "Inhoud", "Schatting", "Standaardfout", "Fase", "Kwartaal", "Provincie",
    "Gemeente", "Gemeenten", "onbetrouwbaar", "Onbetrouwbaar", "aantal incidenten",
    "Cijfers per tabel", "Methode", "Respons", "Publicatie", "Pagina", "Tabel", "Figuur",
    "januari", "tussen", "schatting", "kwartaal", "nulmelding", "Niet aangeleverd",
    "Ontwikkeling", "Omschrijving", "Benaming", "Indeling", "ondergrens", "Bron",
]  # fmt: skip

VALUES = VALUE_COLUMNS


def thousands(n: int, lang: str) -> str:
    """An integer as the report writes it."""
    return f"{n:,}".replace(",", "." if lang == "nl" else ",")


def estimate_text(row: Any, lang: str) -> str:
    """``12 u`` or ``40``, as the report's text reads (its no-break space read as a space)."""
    mark = f" {UNRELIABLE_MARK}" if row["unreliable"] else ""
    return thousands(int(row["estimate"]), lang) + mark


def interval_text(row: Any, lang: str) -> str:
    """``3–21``."""
    return f"{thousands(int(row['ci_low']), lang)}–{thousands(int(row['ci_high']), lang)}"


def cell_key(frame: pd.DataFrame, row: Any) -> str:
    """The ``data-key`` of a cell: its codes joined with ``|``."""
    return "|".join(str(row[c]) for c in frame.columns if c not in VALUES)


def release_numbers(data: ReportData) -> set[int]:
    """Every integer a table of the release (or of the history) publishes."""
    out: set[int] = set()
    frames = [*data.tables.values(), *(f for _, t in data.history for f in t.values())]
    for frame in frames:
        for column in ("estimate", "ci_low", "ci_high"):
            out.update(int(v) for v in frame[column])
    return out


def integers_in(text: str, lang: str) -> list[int]:
    """The whole numbers written in ``text`` (thousands separators understood)."""
    sep = "." if lang == "nl" else ","
    pattern = rf"(?<![\w.,])\d+(?:{re.escape(sep)}\d{{3}})*(?![\d]|[.,]\d)"
    found = re.findall(pattern, text)
    return [int(n.replace(sep, "")) for n in found]
