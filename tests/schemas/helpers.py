"""Small builders for submission files used across the schema tests."""

from __future__ import annotations

HEADER = ["function_type", "data_category", "stage", "employment_type", "motive", "count"]
ROW_A = ["FT01_BRP", "DC01_BRP_ADRES", "ST01_SIGNAAL", "EM01_VAST", "MO01_CRIMINEEL", "2"]
ROW_B = [
    "FT04_PARKEREN",
    "DC03_KENTEKEN",
    "ST02_INTERN_ONDERZOEK",
    "EM03_INHUUR",
    "MO02_PRIVE",
    "1",
]
ROW_C = [
    "FT08_SOCIAAL",
    "DC05_SOCIAAL_ZORG",
    "ST06_DISCIPLINAIR",
    "EM02_TIJDELIJK",
    "MO99_ONBEKEND",
    "3",
]


def csv_text(rows: list[list[str]], header: list[str] | None = None, sep: str = ",") -> str:
    """A CSV file from a header and rows."""
    lines = [sep.join(header or HEADER)] + [sep.join(r) for r in rows]
    return "\n".join(lines) + "\n"


def with_cell(row: list[str], column: str, value: str) -> list[str]:
    """A copy of ``row`` with one cell replaced."""
    out = list(row)
    out[HEADER.index(column)] = value
    return out
