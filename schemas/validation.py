"""Submission validation with pandera, built from the taxonomy.

Validation is lazy: :func:`validate_submission` returns every problem at once as
:class:`~schemas.issues.Issue` records (row as a spreadsheet shows it, column, value, message in
Dutch and English) and never raises at the user. The client and the server call the same
function, so a file that passes offline passes on the server (barring a lock or a new period).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from schemas.codes import (
    code_issue,
    codes_in_cell,
    is_totals_cell,
    normalise_code,
    several_codes_issue,
    totals_row_issue,
)
from schemas.counts import MAX_COUNT, parse_count
from schemas.issues import Issue, short_value, sort_issues
from schemas.municipalities import Register, load_register
from schemas.periods import FIRST_PERIOD, Period, PeriodError
from schemas.reading import (
    COUNT,
    MUNICIPALITY,
    PERIOD,
    RawTable,
    from_frame,
    from_records,
    read_csv,
)
from schemas.submission import Submission
from schemas.submitter import resolve_column
from schemas.taxonomy import Lang, Taxonomy, load_taxonomy

__all__ = [
    "MAX_COUNT",
    "SubmissionInput",
    "ValidationResult",
    "build_schema",
    "normalise_code",
    "parse_count",
    "to_raw_table",
    "validate_submission",
]

#: Cells already reported as ``(row, column)``: pandera's generic finding about such a cell
#: would only repeat the point less clearly.
Reported = set[tuple[int, str]]

SubmissionInput = RawTable | pd.DataFrame | bytes | str | Sequence[Mapping[str, Any]] | None


@dataclass
class ValidationResult:
    """The outcome: every issue found, and the normalised submission when there are none.

    ``encoding`` is the encoding a CSV file was read in (``'utf-8'``, ``'utf-16'``,
    ``'windows-1252'``), for the receipt; ``None`` for other input.
    """

    issues: list[Issue] = field(default_factory=list)
    submission: Submission | None = None
    encoding: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the submission is valid."""
        return not self.issues and self.submission is not None

    def records(self, lang: Lang = "nl") -> list[dict[str, Any]]:
        """Every issue as ``{row, column, value, message, code}``."""
        return [i.to_record(lang) for i in self.issues]


@lru_cache(maxsize=64)
def build_schema(
    taxonomy_version: str, period: str, municipality: str | None
) -> pa.DataFrameSchema:
    """The pandera schema of a normalised submission for one period (and municipality)."""
    taxonomy = load_taxonomy(taxonomy_version)
    columns: dict[str, pa.Column] = {
        name: pa.Column(None, pa.Check.isin(taxonomy.codes(name)), nullable=False)
        for name in taxonomy.dimension_names
    }
    # Cells that are not whole numbers are reported while parsing and arrive here as <NA>.
    columns[COUNT] = pa.Column("Int64", pa.Check.in_range(0, MAX_COUNT), nullable=True)
    columns[PERIOD] = pa.Column(None, pa.Check.isin([period]), nullable=True, required=False)
    if municipality is not None:
        columns[MUNICIPALITY] = pa.Column(
            None, pa.Check.isin([municipality]), nullable=True, required=False
        )
    return pa.DataFrameSchema(
        columns,
        unique=list(taxonomy.dimension_names),
        report_duplicates="exclude_first",
        strict=False,
    )


def to_raw_table(data: SubmissionInput, taxonomy: Taxonomy) -> RawTable:
    """Any accepted input (CSV bytes or text, JSON rows, a DataFrame) as a :class:`RawTable`."""
    if isinstance(data, RawTable):
        return data
    if data is None:
        return from_records([], taxonomy)
    if isinstance(data, pd.DataFrame):
        return from_frame(data, taxonomy)
    if isinstance(data, bytes | str):
        return read_csv(data, taxonomy)
    return from_records(list(data), taxonomy)


def validate_submission(
    data: SubmissionInput,
    period: str | Period,
    municipality: str | None = None,
    nil_return: bool = False,
    *,
    today: dt.date | None = None,
    taxonomy: Taxonomy | None = None,
    register: Register | None = None,
) -> ValidationResult:
    """Validate a submission for ``period``; ``municipality`` is the submitter's code, if known."""
    taxonomy = taxonomy or load_taxonomy()
    register = register or load_register()
    issues: list[Issue] = []

    parsed_period = _check_period(period, today, issues)
    if (
        municipality is not None
        and parsed_period is not None
        and not issues
        and not register.is_valid(municipality, parsed_period.year)
    ):
        issues.append(
            Issue(
                None,
                MUNICIPALITY,
                short_value(municipality),
                "unknown_municipality",
                f"{municipality} is geen gemeente in {parsed_period.year}",
                f"{municipality} is not a municipality in {parsed_period.year}",
            )
        )

    table = to_raw_table(data, taxonomy)
    issues.extend(table.issues)
    frame = table.frame
    if not table.readable:
        return ValidationResult(sort_issues(issues), encoding=table.encoding)

    reported: Reported = set()
    frame = _without_totals_rows(frame, taxonomy, issues)
    normalised = _normalise(frame, taxonomy, table.missing, issues, reported)
    submitter = municipality
    if MUNICIPALITY in frame.columns and parsed_period is not None:
        codes, submitter = resolve_column(
            frame.index.tolist(),
            frame[MUNICIPALITY].tolist(),
            municipality,
            parsed_period.year,
            register,
            issues,
        )
        normalised[MUNICIPALITY] = pd.Series(codes, index=normalised.index, dtype=object)
    if parsed_period is not None and len(normalised):
        # With a known submitter the schema compares the column with it; without one, the
        # column was checked for consistency above.
        schema = build_schema(taxonomy.version, str(parsed_period), municipality)
        issues.extend(_pandera_issues(schema, normalised, frame, taxonomy, table.missing, reported))
    issues.extend(_emptiness(frame, table, normalised, nil_return))

    if issues or parsed_period is None:
        return ValidationResult(sort_issues(issues), encoding=table.encoding)
    rows = normalised[[*taxonomy.dimension_names, COUNT]].copy()
    rows[COUNT] = rows[COUNT].astype("int64")
    return ValidationResult(
        [],
        Submission.from_rows(
            rows,
            period=parsed_period,
            municipality=submitter,
            nil_return=nil_return,
            taxonomy=taxonomy,
        ),
        encoding=table.encoding,
    )


def _emptiness(
    frame: pd.DataFrame, table: RawTable, normalised: pd.DataFrame, nil_return: bool
) -> list[Issue]:
    """The rules about a file without incidents, the same offline and on the server.

    A quarter without incidents is a nil return, said as such, so that "nothing happened" is
    never confused with a template sent back unfilled: a file without rows, or whose every
    count is 0, is refused unless it is a nil return; a nil return has no count above 0.
    """
    counts = normalised[COUNT] if COUNT in normalised else pd.Series(dtype="Int64")
    if nil_return:
        if bool((counts.fillna(0) > 0).any()):
            return [
                Issue(
                    None,
                    None,
                    "",
                    "nil_with_counts",
                    "een nulmelding kan geen aantallen groter dan 0 bevatten",
                    "a nil return cannot contain counts greater than 0",
                )
            ]
        return []
    if len(table.frame) == 0:
        return [
            Issue(
                None,
                None,
                "",
                "no_rows",
                "het bestand bevat geen rijen; een kwartaal zonder incidenten meldt u als "
                "nulmelding (lekstat submit --nil)",
                "the file has no rows; report a quarter without incidents as a nil return "
                "(lekstat submit --nil)",
            )
        ]
    complete = COUNT not in table.missing and len(counts) and not counts.isna().any()
    if complete and counts.eq(0).all():
        return [
            Issue(
                None,
                COUNT,
                "0",
                "all_zero",
                "alle aantallen zijn 0. Had uw gemeente dit kwartaal geen incidenten, lever dan "
                "een nulmelding aan (lekstat submit --nil); anders vult u de aantallen in",
                "every count is 0. If your municipality had no incidents this quarter, submit a "
                "nil return (lekstat submit --nil); otherwise fill in the counts",
            )
        ]
    return []


def _without_totals_rows(
    frame: pd.DataFrame, taxonomy: Taxonomy, issues: list[Issue]
) -> pd.DataFrame:
    """The rows that are not totals rows; one issue for each totals row."""
    dims = [d for d in taxonomy.dimension_names if d in frame.columns]
    totals = []
    for row, cells in zip(frame.index.tolist(), frame[dims].itertuples(index=False), strict=True):
        word = next((c for c in cells if is_totals_cell(c)), None)
        if word is not None:
            issues.append(totals_row_issue(int(row), short_value(word)))
            totals.append(row)
    return frame.drop(index=totals) if totals else frame


def _check_period(
    period: str | Period, today: dt.date | None, issues: list[Issue]
) -> Period | None:
    try:
        parsed = Period.parse(period)
    except PeriodError as exc:
        issues.append(
            Issue(None, PERIOD, short_value(period), "bad_period", exc.message_nl, exc.message_en)
        )
        return None
    if parsed < FIRST_PERIOD:
        issues.append(
            Issue(
                None,
                PERIOD,
                str(parsed),
                "period_too_early",
                f"lekstat neemt aantallen aan vanaf {FIRST_PERIOD}",
                f"lekstat accepts counts from {FIRST_PERIOD} onwards",
            )
        )
    elif parsed.is_future(today):
        issues.append(
            Issue(
                None,
                PERIOD,
                str(parsed),
                "period_in_future",
                f"{parsed} is nog niet begonnen; u kunt alleen over lopende of afgelopen "
                "kwartalen aanleveren",
                f"{parsed} has not started yet; you can only report on current or past quarters",
            )
        )
    return parsed


def _normalise(
    frame: pd.DataFrame,
    taxonomy: Taxonomy,
    missing: tuple[str, ...],
    issues: list[Issue],
    reported: Reported,
) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    rows = frame.index.tolist()
    for name in taxonomy.dimension_names:
        codes = taxonomy.codes(name)
        cells = frame[name].tolist()
        # A column holds few distinct cells (a template's dropdowns write 5 to 15): each is
        # looked at once.
        seen: dict[str, tuple[str | None, list[str]]] = {}
        values = []
        for row, cell in zip(rows, cells, strict=True):
            if cell not in seen:
                seen[cell] = (normalise_code(cell, codes), codes_in_cell(cell, codes))
            code, named = seen[cell]
            if len(named) > 1:
                issues.append(several_codes_issue(int(row), name, short_value(cell), named))
                reported.add((int(row), name))
                code = cell.strip()  # no code: neither read as its first code nor a duplicate
            values.append(code)
        out[name] = pd.Series(values, index=frame.index, dtype=object)
    if COUNT not in missing:
        numbers: list[int | None] = []
        for row, cell in zip(rows, frame[COUNT].tolist(), strict=True):
            number, problem = parse_count(cell)
            numbers.append(number)
            if problem is not None:
                nl, en = problem
                issues.append(Issue(int(row), COUNT, short_value(cell), "bad_count", nl, en))
        out[COUNT] = pd.array(numbers, dtype="Int64")
    else:
        out[COUNT] = pd.array([0] * len(frame), dtype="Int64")
    if PERIOD in frame.columns:
        out[PERIOD] = frame[PERIOD].map(_normalise_period)
    return out


def _normalise_period(cell: str) -> str | None:
    if not cell.strip():
        return None
    try:
        return str(Period.parse(cell))
    except PeriodError:
        return cell.strip()


def _pandera_issues(
    schema: pa.DataFrameSchema,
    normalised: pd.DataFrame,
    raw: pd.DataFrame,
    taxonomy: Taxonomy,
    missing: tuple[str, ...],
    reported: Reported,
) -> list[Issue]:
    try:
        schema.validate(normalised, lazy=True)
    except SchemaErrors as exc:
        failures = exc.failure_cases
    else:
        return []
    issues: list[Issue] = []
    dims = list(taxonomy.dimension_names)
    keys = dict(
        zip(normalised.index, normalised[dims].itertuples(index=False, name=None), strict=True)
    )
    first_seen: dict[tuple[Any, ...], int] = {}
    for row, key in keys.items():
        first_seen.setdefault(key, int(row))
    cells = {c: dict(zip(raw.index, raw[c], strict=True)) for c in raw.columns}
    reported_duplicates: set[int] = set()
    for column, check, index in zip(
        failures["column"].astype(str).tolist(),
        failures["check"].astype(str).tolist(),
        failures["index"].tolist(),
        strict=True,
    ):
        if column in missing or index is None or pd.isna(index):
            continue
        row = int(index)
        if (row, column) in reported:
            continue
        value = short_value(cells[column][row]) if column in cells else ""
        if check == "multiple_fields_uniqueness":
            if row in reported_duplicates:
                continue
            reported_duplicates.add(row)
            key = keys[row]
            first = first_seen.get(key, row)
            issues.append(
                Issue(
                    row,
                    None,
                    short_value(" / ".join(short_value(k, 40) for k in key), 200),
                    "duplicate",
                    f"dubbele combinatie: dezelfde codes staan al in rij {first}; "
                    "tel de aantallen op in één rij",
                    f"duplicate combination: the same codes are already in row {first}; "
                    "add the counts up in one row",
                )
            )
        elif column == COUNT:
            issues.append(
                Issue(
                    row,
                    COUNT,
                    value,
                    "count_range",
                    f"een aantal ligt tussen 0 en {MAX_COUNT:,}".replace(",", "."),
                    f"a count lies between 0 and {MAX_COUNT:,}",
                )
            )
        elif column in taxonomy.dimension_names:
            issues.append(code_issue(row, column, value, taxonomy.dimension(column)))
        elif column == PERIOD:
            issues.append(
                Issue(
                    row,
                    PERIOD,
                    value,
                    "period_mismatch",
                    f"de periode in het bestand komt niet overeen met {_expected(schema, PERIOD)}",
                    f"the period in the file does not match {_expected(schema, PERIOD)}",
                )
            )
        elif column == MUNICIPALITY:  # only when the submitter itself is not in the register
            expected = _expected(schema, MUNICIPALITY)
            issues.append(
                Issue(
                    row,
                    MUNICIPALITY,
                    value,
                    "municipality_mismatch",
                    f"u levert aan voor {expected}; schrijf {expected} of laat de kolom "
                    "gemeente weg",
                    f"you are submitting for {expected}; write {expected} or leave the "
                    "municipality column out",
                )
            )
    return issues


def _expected(schema: pa.DataFrameSchema, column: str) -> str:
    checks = schema.columns[column].checks
    allowed = checks[0].statistics.get("allowed_values", []) if checks else []
    return ", ".join(sorted(str(a) for a in allowed))
