"""Formula injection: every cell we write to CSV or Excel that a spreadsheet could run as a
formula is neutralised (``schemas/safe_cells.py``, used by every CSV and Excel writer of the
service and the client)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.safe_cells import TRIGGERS, is_dangerous, neutralise, safe_csv_rows

ATTACKS = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "＝1+1",
    "-3",
    "-0",
]
HARMLESS = ["FT01_BRP", "Burgerzaken en BRP", "3", "0", "", "'s-Hertogenbosch", "2026-Q1", "e=mc2"]


@pytest.mark.parametrize("value", ATTACKS)
def test_safe_cells_formula_triggers_are_prefixed(value: str) -> None:
    assert is_dangerous(value)
    assert neutralise(value) == "'" + value
    assert not is_dangerous(neutralise(value))


@pytest.mark.parametrize("value", HARMLESS)
def test_safe_cells_plain_values_are_left_alone(value: str) -> None:
    assert not is_dangerous(value)
    assert neutralise(value) == value


@given(st.text())
def test_safe_cells_neutralised_text_never_starts_a_formula_and_keeps_the_value(
    value: str,
) -> None:
    out = neutralise(value)
    assert not out.lstrip(" ").startswith(TRIGGERS)
    assert out == value or out == "'" + value
    assert neutralise(out) == out  # neutralising twice changes nothing more


def test_safe_cells_csv_round_trip_keeps_every_cell_harmless() -> None:
    rows = [["code", "count"], *([a, 1] for a in ATTACKS), ["FT01_BRP", -7], [None, 12]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(safe_csv_rows(rows))
    back = list(csv.reader(io.StringIO(buffer.getvalue()), delimiter=";"))
    assert back[0] == ["code", "count"]
    assert [r[0] for r in back[1 : 1 + len(ATTACKS)]] == ["'" + a for a in ATTACKS]
    assert back[-2] == ["FT01_BRP", "'-7"]  # we never publish negatives: text, not a number
    assert back[-1] == ["", "12"]
    assert not any(cell.lstrip(" ").startswith(TRIGGERS) for row in back for cell in row)


def test_safe_cells_excel_stores_neutralised_cells_as_text() -> None:
    sheet = openpyxl.Workbook().active
    assert sheet is not None
    sheet.append(ATTACKS[:3])  # as they are: openpyxl would write a formula
    sheet.append([neutralise(a) for a in ATTACKS])
    raw, safe = list(sheet.iter_rows(min_row=1, max_row=1)), list(sheet.iter_rows(min_row=2))
    assert raw[0][0].data_type == "f"  # the danger is real
    assert all(cell.data_type == "s" for cell in safe[0])
