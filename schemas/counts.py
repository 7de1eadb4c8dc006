"""Reading a count cell: whole numbers in ASCII digits, and a message a person can act on.

>>> parse_count(" 3,0 ")
(3, None)
>>> parse_count("-1")[1][0]
'een aantal kan niet negatief zijn: schrijf 0 of meer'
"""

from __future__ import annotations

import re

#: The largest count a single cell may hold.
MAX_COUNT = 10_000

# Digits, then perhaps a point or comma followed by any number of zeros ("3", "3.0", "3,0000").
_WHOLE = re.compile(r"^([0-9]+)(?:[.,]0*)?$")
# "1.000" is a thousand to a Dutch reader and 1.0 to an English one: refuse rather than guess.
# Only a cell written in thousands groups (1 to 3 digits, then groups of exactly three) can be
# read both ways, so only such a cell is refused, and only when the two readings differ ("0.000"
# is 0 either way). Any other run of zeros after the point or comma has one reading, a whole
# number: "1.0000", "3.00000" and "1234.000" cannot be thousands groups.
_THOUSANDS = re.compile(r"^[0-9]{1,3}(?:[.,][0-9]{3})+$")
# A number with a sign in front ("-1", "- 2", "+3", "-0", "−4" with a real minus sign).
_SIGNED = re.compile(r"^([-+−])\s*([0-9]+(?:[.,][0-9]+)?)$")

Problem = tuple[str, str]


def parse_count(cell: str) -> tuple[int | None, Problem | None]:
    """A count cell → ``(number, None)`` or ``(None, (message_nl, message_en))``.

    Whole numbers only, in ASCII digits: ``3``, `` 3 ``, ``3.0``, ``3,0`` and ``3.0000`` are 3;
    ``1e3``, ``-1``, ``-0``, ``+1``, ``2.5``, ``٣`` and ``1.000`` (a thousand, or one?) are
    refused with a message that says why.
    """
    text = cell.strip()
    if not text:
        return None, (
            "leeg: vul een aantal in (0 mag ook)",
            "empty: fill in a count (0 is allowed)",
        )
    match = _WHOLE.match(text)
    if match and not (_THOUSANDS.match(text) and match[1].strip("0")):  # see _THOUSANDS
        # Anything above the maximum is reported by the schema's range check; cap it so that
        # a 30-digit number cannot overflow the integer column, and look at the length first:
        # int() refuses more than 4,300 digits with a ValueError.
        digits = match.group(1).lstrip("0") or "0"
        if len(digits) > len(str(MAX_COUNT)):
            return MAX_COUNT + 1, None
        return min(int(digits), MAX_COUNT + 1), None
    if _THOUSANDS.match(text):
        plain = text.replace(".", "").replace(",", "")
        return None, (
            f"schrijf het aantal zonder punt of komma voor duizendtallen: {plain}, niet {text}",
            f"write the count without a thousands separator: {plain}, not {text}",
        )
    signed = _SIGNED.match(text)
    if signed is not None:
        return None, _signed(signed[1], signed[2])
    if re.fullmatch(r"[0-9]*[.,]?[0-9]+[eE][+\-]?[0-9]+", text):
        return None, (
            "schrijf het aantal als gewoon geheel getal, zonder e-notatie",
            "write the count as a plain whole number, without exponent notation",
        )
    if re.fullmatch(r"[0-9]+[.,][0-9]+", text):
        return None, (
            "geen geheel getal: een aantal kan geen decimalen hebben",
            "not a whole number: a count cannot have decimals",
        )
    return None, (
        "geen getal: schrijf het aantal met de cijfers 0–9, bijvoorbeeld 3",
        "not a number: write the count with the digits 0–9, for example 3",
    )


def _signed(sign: str, number: str) -> Problem:
    """The message for a count written with a sign: what it means and what to write instead."""
    is_zero = not number.replace(".", "").replace(",", "").strip("0")
    if sign == "+":
        return (
            f"schrijf het aantal zonder plusteken: {number}",
            f"write the count without a plus sign: {number}",
        )
    if is_zero:
        return ("schrijf 0 zonder minteken", "write 0 without a minus sign")
    return (
        "een aantal kan niet negatief zijn: schrijf 0 of meer",
        "a count cannot be negative: write 0 or more",
    )
