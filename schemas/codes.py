"""Code cells as people fill them in: normalising a code, and saying what is wrong with one.

A cell may hold a code in lower case, its short form (``FT04``) or the code with its label (as
the template's dropdowns write it). What it may not hold, each with its own message: two codes
(``FT01/FT04``, or two lines in one cell), a label typed instead of a code (the message names
the code), or the word of a totals row.

>>> from schemas.taxonomy import load_taxonomy
>>> tax = load_taxonomy()
>>> normalise_code(" ft04 ", tax.codes("function_type"))
'FT04_PARKEREN'
>>> codes_in_cell("FT01 / FT04_PARKEREN", tax.codes("function_type"))
['FT01_BRP', 'FT04_PARKEREN']
>>> suggest_code("Parkeren en kentekengegevens", tax.dimension("function_type")).code
'FT04_PARKEREN'
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from functools import cache

from schemas.issues import Issue
from schemas.taxonomy import Code, Dimension

_CODE_TOKEN = re.compile(r"^([A-Za-z0-9_]+)(?:$|[\s:;|\-–—(].*$)", re.DOTALL)
# What people put between two codes in one cell: a line break, a slash, a comma, a semicolon…
_SEPARATORS = re.compile(r"[\s/\\,;|&+]+")
# "Totaal", "Totalen", "Eindtotaal", "Subtotaal", "Total", "Grand total", "Som", "Sum", with or
# without a colon or more words after it ("Totaal Q1").
_TOTALS = re.compile(r"^(?:sub|eind|grand\s*)?(?:tota(?:a?l|len|ls)|som|sum)(?:\b.*)?$")


def normalise_code(cell: str, codes: Sequence[str]) -> str | None:
    """``' ft01_brp '``, ``'FT01'`` or ``'FT01_BRP — Burgerzaken'`` → ``'FT01_BRP'``.

    Returns ``None`` for an empty cell and the stripped text when it matches no code.
    """
    text = cell.strip()
    if not text:
        return None
    match = _CODE_TOKEN.match(text)
    token = match.group(1).upper() if match else text.upper()
    if token in codes:
        return token
    prefixed = [c for c in codes if c.split("_", 1)[0] == token]
    if len(prefixed) == 1:
        return prefixed[0]
    return text


def codes_in_cell(cell: str, codes: Sequence[str]) -> list[str]:
    """Every code a cell names, in order (a dropdown value names one: its label is no code)."""
    found = []
    for part in _SEPARATORS.split(cell):
        code = normalise_code(part, codes) if part else None
        if code is not None and code in codes:
            found.append(code)
    return found


def is_totals_cell(cell: str) -> bool:
    """Whether a cell reads as the label of a totals row (``Totaal``, ``Total:``, ``Som``)."""
    return bool(_TOTALS.match(_key(cell)))


def suggest_code(value: str, dimension: Dimension) -> Code | None:
    """The code a mistyped cell most likely means: by its label (exact or close), or its code."""
    key = _key(value)
    if not key:
        return None
    names = _names(dimension)
    if key in names:
        return dimension.get(names[key])
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
    if close:
        return dimension.get(names[close[0]])
    # A label's first word or two ("Parkeren", "sociaal") names its code when only one starts so.
    starting = {code for name, code in names.items() if len(key) >= 4 and name.startswith(key)}
    return dimension.get(starting.pop()) if len(starting) == 1 else None


@cache
def _names(dimension: Dimension) -> dict[str, str]:
    """Every way of naming a code, normalised → the code: code, its word part, both labels."""
    names: dict[str, str] = {}
    for code in dimension.entries:
        word = code.code.split("_", 1)[-1].replace("_", " ")
        for name in (code.code, word, code.label_nl, code.label_en):
            names.setdefault(_key(name), code.code)
    return names


def _key(text: str) -> str:
    """Text compared without case, accents, punctuation or extra spaces."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def code_issue(row: int, column: str, value: str, dimension: Dimension) -> Issue:
    """The issue for a code cell that is empty or names no code of ``dimension``."""
    what_nl, what_en = dimension.label("nl").lower(), dimension.label("en").lower()
    if not value.strip():
        return Issue(
            row,
            column,
            value,
            "empty_code",
            f"leeg: vul een code in voor {what_nl}",
            f"empty: fill in a code for {what_en}",
        )
    guess = suggest_code(value, dimension)
    if guess is not None and _key(value) in (_key(guess.label_nl), _key(guess.label_en)):
        return Issue(
            row,
            column,
            value,
            "label_not_code",
            f"dit is de omschrijving van een code; schrijf de code zelf: {guess.code}",
            f"this is the label of a code; write the code itself: {guess.code}",
        )
    if guess is not None:
        return Issue(
            row,
            column,
            value,
            "unknown_code",
            f"onbekende code voor {what_nl}. Bedoelt u {guess.code} ({guess.label_nl})?",
            f"unknown code for {what_en}. Did you mean {guess.code} ({guess.label_en})?",
        )
    valid = ", ".join(dimension.codes)
    return Issue(
        row,
        column,
        value,
        "unknown_code",
        f"onbekende code voor {what_nl}. Geldig: {valid}",
        f"unknown code for {what_en}. Valid: {valid}",
    )


def several_codes_issue(row: int, column: str, value: str, codes: Sequence[str]) -> Issue:
    """The issue for a cell that holds more than one code."""
    named = ", ".join(codes)
    return Issue(
        row,
        column,
        value,
        "several_codes",
        f"deze cel bevat {len(codes)} codes ({named}); zet één code per cel: elke combinatie "
        "krijgt een eigen rij",
        f"this cell holds {len(codes)} codes ({named}); put one code in each cell: every "
        "combination gets a row of its own",
    )


def totals_row_issue(row: int, value: str) -> Issue:
    """The one issue for a totals row: remove it (lekstat adds the rows up itself)."""
    return Issue(
        row,
        None,
        value,
        "totals_row",
        "dit is een totaalrij; verwijder de totaalrij: lekstat telt de rijen zelf op",
        "this is a totals row; remove the totals row: lekstat adds the rows up itself",
    )
