"""The optional ``municipality`` (``gemeente``) column: which municipality a file names.

A cell may name the municipality as people write it (``GM0796``, ``0796``, ``796``,
``'s-Hertogenbosch``, ``s-Hertogenbosch``, ``Den Bosch``; see
:meth:`~schemas.municipalities.Register.lookup`). When the submitter is known (the token's
municipality), a cell that names it is accepted and one that does not says exactly what to
write; when it is not known, the cells must agree on one municipality.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemas.issues import Issue, short_value
from schemas.municipalities import Municipality, Register
from schemas.reading import MUNICIPALITY


def resolve_column(
    rows: Sequence[int],
    cells: Sequence[str],
    expected: str | None,
    year: int,
    register: Register,
    issues: list[Issue],
) -> tuple[list[str | None], str | None]:
    """The column as codes (``None`` where empty or refused), and the submitter if it is known.

    Appends an issue for every cell that names no municipality, another municipality than
    ``expected``, namesakes, or (without ``expected``) another municipality than earlier rows.
    """
    own = _own(expected, year, register)
    seen: str | None = expected
    codes: list[str | None] = []
    looked_up: dict[str, tuple[Municipality, ...]] = {}
    for row, cell in zip(rows, cells, strict=True):
        text = cell.strip()
        if not text:
            codes.append(None)
            continue
        if text not in looked_up:
            looked_up[text] = register.lookup(text, year)
        found = looked_up[text]
        value = short_value(cell)
        if own is not None:
            if own in found:
                codes.append(own.code)
                continue
            issues.append(_not_own(row, value, own, found, year))
        elif not found:
            issues.append(_unknown(row, value, year))
        elif len(found) > 1:
            issues.append(_namesakes(row, value, found))
        elif seen is None or found[0].code == seen:
            seen = found[0].code
            codes.append(seen)
            continue
        else:
            issues.append(
                Issue(
                    row,
                    MUNICIPALITY,
                    value,
                    "mixed_municipality",
                    f"een aanlevering is van één gemeente; eerder in het bestand staat {seen}",
                    f"a submission is for one municipality; earlier rows say {seen}",
                )
            )
        codes.append(None)
    return codes, seen


def _own(expected: str | None, year: int, register: Register) -> Municipality | None:
    if expected is None or not register.is_valid(expected, year):
        return None
    return register.get(expected, year)


def _named(found: Sequence[Municipality], word: str = "of") -> str:
    return f" {word} ".join(f"{m.name} ({m.code})" for m in found)


def _not_own(
    row: int, value: str, own: Municipality, found: Sequence[Municipality], year: int
) -> Issue:
    you = f"{own.name} ({own.code})"
    if not found:
        return Issue(
            row,
            MUNICIPALITY,
            value,
            "unknown_municipality",
            f"'{value}' is geen gemeente in {year}; u levert aan voor {you}: schrijf {own.code} "
            "of laat de kolom gemeente weg",
            f"'{value}' is not a municipality in {year}; you are submitting for {you}: write "
            f"{own.code} or leave the municipality column out",
        )
    return Issue(
        row,
        MUNICIPALITY,
        value,
        "municipality_mismatch",
        f"u levert aan voor {you}, maar deze cel noemt {_named(found)}; schrijf {own.code} of "
        "laat de kolom gemeente weg",
        f"you are submitting for {you}, but this cell names {_named(found, 'or')}; write "
        f"{own.code} or leave the municipality column out",
    )


def _unknown(row: int, value: str, year: int) -> Issue:
    return Issue(
        row,
        MUNICIPALITY,
        value,
        "unknown_municipality",
        f"'{value}' is geen gemeente in {year}; schrijf de CBS-code van uw gemeente, "
        "bijvoorbeeld GM0363 voor Amsterdam",
        f"'{value}' is not a municipality in {year}; write your municipality's CBS code, for "
        "example GM0363 for Amsterdam",
    )


def _namesakes(row: int, value: str, found: Sequence[Municipality]) -> Issue:
    return Issue(
        row,
        MUNICIPALITY,
        value,
        "ambiguous_municipality",
        f"'{value}' is de naam van {len(found)} gemeenten: schrijf de code van de uwe, "
        + " of ".join(f"{m.code} ({m.name})" for m in found),
        f"'{value}' is the name of {len(found)} municipalities: write the code of yours, "
        + " or ".join(f"{m.code} ({m.name})" for m in found),
    )
