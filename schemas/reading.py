"""Reading submission files as municipalities produce them, into a table of text cells.

Everything unreadable becomes an :class:`~schemas.issues.Issue`, never an exception: UTF-8 with or
without BOM, UTF-16 with BOM (Excel's "Unicode text") or Windows-1252 (Excel's plain CSV; see
:mod:`schemas.decoding`), comma, semicolon or tab separated, header names case- and
space-insensitive (English or Dutch), blank lines ignored.
Row numbers are those a spreadsheet shows: the header is row 1.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from schemas.columns import (
    COUNT,
    HEADER_ALIASES,
    MUNICIPALITY,
    OPTIONAL_COLUMNS,
    PERIOD,
    column_header,
)
from schemas.decoding import decode, file_issue
from schemas.issues import Issue, short_value
from schemas.taxonomy import Taxonomy, load_taxonomy

__all__ = [
    "COUNT",
    "HEADER_ALIASES",
    "MAX_CELL",
    "MAX_COLUMNS",
    "MUNICIPALITY",
    "OPTIONAL_COLUMNS",
    "PERIOD",
    "RawTable",
    "canonical_columns",
    "column_header",
    "file_issue",
    "from_frame",
    "from_records",
    "from_rows",
    "normalise_header",
    "read_csv",
    "sniff_separator",
    "unreadable",
]

#: More columns than this is not a submission (a guard against hostile files).
MAX_COLUMNS = 64
#: The longest cell the reader accepts, in characters.
MAX_CELL = 10_000


@dataclass
class RawTable:
    """Cells as text under canonical column names; the index holds spreadsheet row numbers.

    ``missing`` names the required columns the header lacks (their cells are not checked);
    ``readable`` is false when the rows could not be read at all; ``encoding`` is the encoding a
    CSV file was read in (``None`` for text, JSON rows, a DataFrame or a workbook).
    """

    frame: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    missing: tuple[str, ...] = ()
    readable: bool = True
    encoding: str | None = None


def normalise_header(name: object) -> str:
    """``' Function Type '`` → ``'function_type'``."""
    text = "" if name is None else str(name)
    return re.sub(r"[\s\-]+", "_", text.strip().lower()).strip("_")


def canonical_columns(taxonomy: Taxonomy) -> tuple[str, ...]:
    """The columns of a submission in order: the taxonomy's dimensions and ``count``."""
    return (*taxonomy.dimension_names, COUNT)


def _alias_map(taxonomy: Taxonomy) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for column in (*canonical_columns(taxonomy), *OPTIONAL_COLUMNS):
        mapping[column] = column
        for alias in HEADER_ALIASES.get(column, ()):
            mapping[alias] = column
    return mapping


def _issue(
    row: int | None, column: str | None, value: object, code: str, nl: str, en: str
) -> Issue:
    return Issue(row, column, short_value(value), code, nl, en)


def _too_many_columns(row: int, n: int, taxonomy: Taxonomy) -> Issue:
    expected = len(canonical_columns(taxonomy))
    return _issue(
        row,
        None,
        f"{n} kolommen",
        "too_many_columns",
        f"regel {row} heeft {n} kolommen; een aanlevering heeft er {expected} (plus eventueel "
        "gemeente en periode)",
        f"line {row} has {n} columns; a submission has {expected} (plus optionally "
        "municipality and period)",
    )


def _unknown_column(row: int, cell: object, guess: str | None) -> Issue:
    """A header lekstat does not read: a misspelt column, or one to remove (``opmerking``)."""
    if guess is not None:
        return _issue(
            row,
            str(cell),
            cell,
            "unknown_column",
            f"onbekende kolom; bedoelt u {column_header(guess, 'nl')}?",
            f"unknown column; did you mean {guess}?",
        )
    return _issue(
        row,
        str(cell),
        cell,
        "extra_column",
        "verwijder deze kolom: lekstat leest hem niet (een toelichting hoort niet in het bestand)",
        "remove this column: lekstat does not read it (notes do not belong in the file)",
    )


def from_rows(
    header: Sequence[object],
    rows: Iterable[tuple[int, Sequence[object]]],
    taxonomy: Taxonomy | None = None,
    header_row: int = 1,
) -> RawTable:
    """Build a table from a header and ``(row_number, cells)`` pairs (shared by CSV and Excel)."""
    taxonomy = taxonomy or load_taxonomy()
    aliases = _alias_map(taxonomy)
    issues: list[Issue] = []
    header_cells = list(header)
    if len(header_cells) > MAX_COLUMNS:
        issues.append(_too_many_columns(header_row, len(header_cells), taxonomy))
        return RawTable(_empty_frame(taxonomy), issues, readable=False)

    positions: dict[str, int] = {}
    suggested: set[str] = set()
    for pos, cell in enumerate(header_cells):
        name = normalise_header(cell)
        if not name:
            continue  # an unnamed column is allowed if it stays empty (checked below)
        column = aliases.get(name)
        if column is None:
            guess = difflib.get_close_matches(name, list(aliases), n=1, cutoff=0.8)
            if guess:
                suggested.add(aliases[guess[0]])
            issues.append(_unknown_column(header_row, cell, aliases[guess[0]] if guess else None))
        elif column in positions:
            issues.append(
                _issue(
                    header_row,
                    column,
                    cell,
                    "duplicate_column",
                    f"kolom {column_header(column, 'nl')} staat twee keer in de kopregel",
                    f"column {column} appears twice in the header",
                )
            )
        else:
            positions[column] = pos
    missing = tuple(c for c in canonical_columns(taxonomy) if c not in positions)
    for column in missing:
        if column in suggested:
            continue  # the misspelt header's issue says it
        issues.append(
            _issue(
                header_row,
                column,
                "",
                "missing_column",
                f"kolom {column_header(column, 'nl')} ontbreekt in de kopregel",
                f"column {column} is missing from the header",
            )
        )

    # Cells under an unnamed header (or past the header's end) must be empty; cells under an
    # unknown header were reported once, at the header.
    unnamed = {pos for pos, cell in enumerate(header_cells) if not normalise_header(cell)}
    index: list[int] = []
    cells: dict[str, list[str]] = {column: [] for column in positions}
    for number, row in rows:
        values = ["" if v is None else str(v) for v in row]
        if all(not v.strip() for v in values):
            continue  # blank line
        # One issue per row, for its first such cell: a row full of stray cells must not
        # turn into a million issues.
        stray = next(
            (
                pos
                for pos, value in enumerate(values)
                if (pos in unnamed or pos >= len(header_cells)) and value.strip()
            ),
            None,
        )
        if stray is not None:
            column_name = str(header_cells[stray]) if stray < len(header_cells) else None
            issues.append(
                _issue(
                    number,
                    column_name or None,
                    values[stray],
                    "cell_outside_columns",
                    "waarde in een kolom zonder (bekende) kopnaam",
                    "value in a column without a (known) header",
                )
            )
        index.append(number)
        for column, pos in positions.items():
            cells[column].append(values[pos] if pos < len(values) else "")
    frame = pd.DataFrame(cells, index=pd.Index(index, name="row", dtype="int64"), dtype=object)
    for column in missing:
        frame[column] = pd.Series([""] * len(frame), index=frame.index, dtype=object)
    return RawTable(frame, issues, missing=missing)


def _empty_frame(taxonomy: Taxonomy) -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series([], dtype=object) for c in canonical_columns(taxonomy)},
        index=pd.Index([], name="row", dtype="int64"),
    )


def sniff_separator(text: str) -> str:
    """The separator of the first non-blank line: ``;`` (Dutch Excel), ``,`` or tab."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def unreadable(taxonomy: Taxonomy, issue: Issue) -> RawTable:
    """A file that cannot be read as a table: no rows, one issue for the whole file."""
    return RawTable(_empty_frame(taxonomy), [issue], readable=False)


def _too_long(line: int) -> Issue:
    return Issue(
        line,
        None,
        f"> {MAX_CELL} tekens",
        "cell_too_long",
        f"regel {line} bevat een cel van meer dan {MAX_CELL} tekens",
        f"line {line} has a cell of more than {MAX_CELL} characters",
    )


def read_csv(data: bytes | str, taxonomy: Taxonomy | None = None) -> RawTable:
    """Read CSV bytes or text into a :class:`RawTable`; problems become issues."""
    taxonomy = taxonomy or load_taxonomy()
    encoding = None
    if isinstance(data, bytes):
        decoded = decode(data)
        if decoded.text is None:
            assert decoded.issue is not None
            return unreadable(taxonomy, decoded.issue)
        text, encoding = decoded.text, decoded.encoding
    else:
        text = data.removeprefix("\ufeff")
    table = _read_text(text, taxonomy)
    table.encoding = encoding
    return table


def _read_text(text: str, taxonomy: Taxonomy) -> RawTable:
    if "\x00" in text:
        return unreadable(
            taxonomy,
            file_issue(
                "binary",
                "het bestand bevat een NUL-teken; sla het op als CSV UTF-8",
                "the file contains a NUL character; save it as CSV UTF-8",
            ),
        )
    # Strict: a quote that is never closed, or text after a closing quote, is an error at the
    # line where the record starts, instead of silently swallowing the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_separator(text), strict=True)
    records: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            if any(len(cell) > MAX_CELL for cell in record):
                return unreadable(taxonomy, _too_long(number))
            width = _width(record)
            if width > MAX_COLUMNS:
                if not any(any(c.strip() for c in r) for _, r in records):
                    records.append((number, record))
                    break  # the header: from_rows reports it
                return unreadable(taxonomy, _too_many_columns(number, width, taxonomy))
            records.append((number, record))
    except csv.Error as exc:
        line = number + 1
        if "field larger" in str(exc):
            return unreadable(taxonomy, _too_long(line))
        return unreadable(
            taxonomy,
            Issue(
                line,
                None,
                "",
                "csv_syntax",
                f"het CSV-bestand is onleesbaar vanaf regel {line}; controleer de aanhalingstekens",
                f"the CSV file is unreadable from line {line}; check the quotes",
            ),
        )
    body = [(n, r) for n, r in records if any(c.strip() for c in r)]
    if not body:
        return unreadable(
            taxonomy,
            file_issue(
                "empty_file",
                "het bestand is leeg: er is geen kopregel met kolomnamen",
                "the file is empty: there is no header row with column names",
            ),
        )
    (header_row, header), *rows = body
    return from_rows(header, rows, taxonomy, header_row=header_row)


def _width(record: Sequence[str]) -> int:
    """The number of cells up to the last non-blank one (trailing separators do not count)."""
    for pos in range(len(record) - 1, -1, -1):
        if record[pos].strip():
            return pos + 1
    return 0


def from_records(
    records: Sequence[Mapping[str, Any]], taxonomy: Taxonomy | None = None
) -> RawTable:
    """Rows of a JSON body (``[{"function_type": …, "count": 3}, …]``); row *i* is row *i* + 2."""
    taxonomy = taxonomy or load_taxonomy()
    # A dict keeps the order of first appearance at constant cost per key; a hostile row with
    # 10^5 keys stops here, before a cell of any row is built.
    seen: dict[str, None] = {}
    for record in records:
        seen.update(dict.fromkeys(record))
        if len(seen) > MAX_COLUMNS:
            return from_rows(list(seen), [], taxonomy)
    header = list(seen) or list(canonical_columns(taxonomy))
    rows = [
        (i + 2, [_json_cell(record.get(key)) for key in header]) for i, record in enumerate(records)
    ]
    return from_rows(header, rows, taxonomy)


def _json_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"  # never a count
    if isinstance(value, list | dict):
        return "[…]" if isinstance(value, list) else "{…}"  # never a code or a count
    return "" if value is None else str(value)


def from_frame(frame: pd.DataFrame, taxonomy: Taxonomy | None = None) -> RawTable:
    """A pandas DataFrame as a user built it; its *i*-th row is spreadsheet row *i* + 2."""
    header = [str(c) for c in frame.columns]
    rows = [
        (i + 2, ["" if _is_missing(v) else _frame_cell(v) for v in values])
        for i, values in enumerate(frame.itertuples(index=False, name=None))
    ]
    return from_rows(header, rows, taxonomy)


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _frame_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
