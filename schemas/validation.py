"""Submission validation with pandera, built from the taxonomy.

Validation is lazy: :func:`validate_submission` returns every problem at once as
:class:`~schemas.issues.Issue` records (row as a spreadsheet shows it, column, value, message in
Dutch and English) and never raises at the user. The client and the server call the same
function, so a file that passes offline passes on the server (barring a lock or a new period).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

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
from schemas.taxonomy import Lang, Taxonomy, load_taxonomy

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
_CODE_TOKEN = re.compile(r"^([A-Za-z0-9_]+)(?:$|[\s:;|\-–—(].*$)", re.DOTALL)

SubmissionInput = RawTable | pd.DataFrame | bytes | str | Sequence[Mapping[str, Any]] | None


@dataclass
class ValidationResult:
    """The outcome: every issue found, and the normalised submission when there are none."""

    issues: list[Issue] = field(default_factory=list)
    submission: Submission | None = None

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
        return ValidationResult(sort_issues(issues))

    normalised = _normalise(frame, taxonomy, table.missing, issues)
    submitter = municipality
    if MUNICIPALITY in frame.columns and parsed_period is not None:
        submitter = _check_municipality_column(
            frame, municipality, parsed_period.year, register, issues
        )
    if parsed_period is not None and len(normalised):
        # With a known submitter the schema compares the column with it; without one, the
        # column was checked for consistency above.
        schema = build_schema(taxonomy.version, str(parsed_period), municipality)
        issues.extend(_pandera_issues(schema, normalised, frame, taxonomy, table.missing))

    if len(frame) == 0 and not nil_return:
        issues.append(
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
        )
    counts = normalised[COUNT] if COUNT in normalised else pd.Series(dtype="Int64")
    if nil_return and bool((counts.fillna(0) > 0).any()):
        issues.append(
            Issue(
                None,
                None,
                "",
                "nil_with_counts",
                "een nulmelding kan geen aantallen groter dan 0 bevatten",
                "a nil return cannot contain counts greater than 0",
            )
        )

    if issues or parsed_period is None:
        return ValidationResult(sort_issues(issues))
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
    )


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


def _normalise(
    frame: pd.DataFrame, taxonomy: Taxonomy, missing: tuple[str, ...], issues: list[Issue]
) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for name in taxonomy.dimension_names:
        codes = taxonomy.codes(name)
        out[name] = frame[name].map(lambda cell, codes=codes: normalise_code(cell, codes))
    if COUNT not in missing:
        values: list[int | None] = []
        for row, cell in zip(frame.index.tolist(), frame[COUNT].tolist(), strict=True):
            number, problem = parse_count(cell)
            values.append(number)
            if problem is not None:
                nl, en = problem
                issues.append(Issue(int(row), COUNT, short_value(cell), "bad_count", nl, en))
        out[COUNT] = pd.array(values, dtype="Int64")
    else:
        out[COUNT] = pd.array([0] * len(frame), dtype="Int64")
    if PERIOD in frame.columns:
        out[PERIOD] = frame[PERIOD].map(_normalise_period)
    if MUNICIPALITY in frame.columns:
        out[MUNICIPALITY] = frame[MUNICIPALITY].map(lambda c: c.strip().upper() or None)
    return out


def _normalise_period(cell: str) -> str | None:
    if not cell.strip():
        return None
    try:
        return str(Period.parse(cell))
    except PeriodError:
        return cell.strip()


def parse_count(cell: str) -> tuple[int | None, tuple[str, str] | None]:
    """A count cell → ``(number, None)`` or ``(None, (message_nl, message_en))``.

    Whole numbers only, in ASCII digits: ``3``, `` 3 ``, ``3.0``, ``3,0`` and ``3.0000`` are 3;
    ``1e3``, ``-0``, ``+1``, ``2.5``, ``٣`` and ``1.000`` (a thousand, or one?) are refused with
    a message that says why.
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
    if text.startswith(("-", "+")):
        return None, (
            "een aantal is een geheel getal zonder teken, 0 of groter",
            "a count is a whole number without a sign, 0 or more",
        )
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


def _check_municipality_column(
    frame: pd.DataFrame,
    expected: str | None,
    year: int,
    register: Register,
    issues: list[Issue],
) -> str | None:
    """Check the optional municipality column; return the submitter's code if it can be known."""
    seen: str | None = expected
    for row, cell in zip(frame.index.tolist(), frame[MUNICIPALITY].tolist(), strict=True):
        code = cell.strip().upper()
        if not code:
            continue
        if expected is not None:
            continue  # compared with the token's municipality by the schema
        if not register.is_valid(code, year):
            issues.append(
                Issue(
                    int(row),
                    MUNICIPALITY,
                    short_value(cell),
                    "unknown_municipality",
                    f"{short_value(cell)} is geen gemeentecode in {year} (vorm: GM0363)",
                    f"{short_value(cell)} is not a municipality code in {year} (form: GM0363)",
                )
            )
        elif seen is None:
            seen = code
        elif code != seen:
            issues.append(
                Issue(
                    int(row),
                    MUNICIPALITY,
                    short_value(cell),
                    "mixed_municipality",
                    f"een aanlevering is van één gemeente; eerder in het bestand staat {seen}",
                    f"a submission is for one municipality; earlier rows say {seen}",
                )
            )
    return seen


def _pandera_issues(
    schema: pa.DataFrameSchema,
    normalised: pd.DataFrame,
    raw: pd.DataFrame,
    taxonomy: Taxonomy,
    missing: tuple[str, ...],
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
                    " / ".join(str(k) for k in key),
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
            issues.append(_code_issue(row, column, value, taxonomy))
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
        elif column == MUNICIPALITY:
            expected = _expected(schema, MUNICIPALITY)
            issues.append(
                Issue(
                    row,
                    MUNICIPALITY,
                    value,
                    "municipality_mismatch",
                    f"u levert aan voor {expected}; het bestand noemt een andere gemeente",
                    f"you are submitting for {expected}; the file names another municipality",
                )
            )
    return issues


def _expected(schema: pa.DataFrameSchema, column: str) -> str:
    checks = schema.columns[column].checks
    allowed = checks[0].statistics.get("allowed_values", []) if checks else []
    return ", ".join(sorted(str(a) for a in allowed))


def _code_issue(row: int, column: str, value: str, taxonomy: Taxonomy) -> Issue:
    dimension = taxonomy.dimension(column)
    if not value.strip():
        return Issue(
            row,
            column,
            value,
            "empty_code",
            f"leeg: vul een code in voor {dimension.label('nl').lower()}",
            f"empty: fill in a code for {dimension.label('en').lower()}",
        )
    guess = difflib.get_close_matches(value.strip().upper(), dimension.codes, n=1, cutoff=0.6)
    hint_nl = f" Bedoelt u {guess[0]}?" if guess else ""
    hint_en = f" Did you mean {guess[0]}?" if guess else ""
    return Issue(
        row,
        column,
        value,
        "unknown_code",
        f"onbekende code voor {dimension.label('nl').lower()}.{hint_nl} "
        f"Geldig: {', '.join(dimension.codes)}",
        f"unknown code for {dimension.label('en').lower()}.{hint_en} "
        f"Valid: {', '.join(dimension.codes)}",
    )
