"""Cells that a spreadsheet could run as a formula, made harmless, for every CSV or Excel file
lekstat writes: templates, exports, error tables, release tables.

A spreadsheet takes a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and some
also one that starts with a tab or a carriage return (CSV or formula injection, CWE-1236):
``=HYPERLINK("http://x","klik")`` in a cell a municipality sent us would become a live link in
the file we hand back. :func:`neutralise` puts ``'`` in front of such a text cell, which
spreadsheets show as text. Leading spaces do not hide a trigger (some programs trim them on
import), and the full-width forms (``＝``, ``＋``, ``－``, ``＠``) count too.

Negative numbers: lekstat writes counts and estimates that are never negative, so a text cell
that starts with ``-`` is never a legitimate number in our files. It is neutralised like any
other (``"-3"`` becomes ``"'-3"``): no formula can hide behind a minus sign. A value that is not
text (an ``int`` or ``float`` cell) is left as it is: a number cell is not a formula.

For Excel (openpyxl) the same applies: a string that starts with ``=`` is stored as a formula,
one that starts with ``'`` as text.

>>> neutralise('=HYPERLINK("http://x","y")')
'\\'=HYPERLINK("http://x","y")'
>>> neutralise("FT01_BRP"), neutralise("3"), neutralise("-3"), neutralise("  @SUM(A1)")
('FT01_BRP', '3', "'-3", "'  @SUM(A1)")
>>> neutralise(-3)
-3
>>> list(safe_csv_rows([["code", "count"], ["=1+1", 2], [None, -1]]))
[['code', 'count'], ["'=1+1", '2'], ['', "'-1"]]
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import IO, Any

import pandas as pd

#: First characters that make a spreadsheet cell a formula (or part of one).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def is_dangerous(value: str) -> bool:
    """Whether a spreadsheet could read ``value`` as a formula."""
    return value.lstrip(" ").startswith(TRIGGERS)


def neutralise(value: Any) -> Any:
    """A text cell prefixed with ``'`` when it could start a formula; anything else unchanged."""
    if isinstance(value, str) and is_dangerous(value):
        return "'" + value
    return value


def safe_csv_rows(rows: Iterable[Iterable[object]]) -> Iterator[list[str]]:
    """Rows for :func:`csv.writer`: every cell as text (``None`` empty), neutralised."""
    for row in rows:
        yield [neutralise("" if cell is None else str(cell)) for cell in row]


def csv_cell(value: Any) -> Any:
    """A table cell for CSV: empty for missing, ``true``/``false``, plain numbers, safe text."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "item"):  # numpy scalars as plain Python numbers
        value = value.item()
        if isinstance(value, bool):
            return "true" if value else "false"
    return neutralise(value)


def write_csv(frame: pd.DataFrame, handle: IO[str]) -> None:
    """Write ``frame`` as comma-separated CSV with a header, every text cell neutralised.

    The one CSV writer of published tables: the service's CSV download and the client's export
    write the same file for the same table.
    """
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow([neutralise(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([csv_cell(v) for v in row])
