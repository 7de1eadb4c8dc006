"""Neutralising spreadsheet formulas in every CSV or Excel cell lekstat writes.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before looking for one) is run as a formula when the file is opened: a
hostile label or code could then call out or run commands. Such text gets a leading ``'``,
which spreadsheets show as plain text. Numbers are left alone: lekstat never writes a negative
number (published figures are non-negative), and a number cell is not a formula.

>>> neutralise("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> neutralise("FT01_BRP"), neutralise(-3)
('FT01_BRP', -3)
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, prefixed with ``'``; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
