from __future__ import annotations

import datetime as dt

import pytest

from schemas.periods import Period
from schemas.reading import read_csv
from schemas.submission import Submission
from schemas.validation import build_schema, normalise_code, parse_count, validate_submission
from tests.conftest import TODAY
from tests.schemas.helpers import HEADER, ROW_A, ROW_B, ROW_C, csv_text, with_cell


def _issues(
    text: str, period: str = "2026-Q1", municipality: str | None = "GM0363", **kw: object
) -> list[tuple[object, ...]]:
    result = validate_submission(text, period, municipality, today=TODAY, **kw)  # type: ignore[arg-type]
    assert not result.ok
    return [(i.row, i.column, i.code) for i in result.issues]


def test_validation_valid_file_gives_a_normalised_submission() -> None:
    result = validate_submission(csv_text([ROW_C, ROW_A, ROW_B]), "2026-Q1", "GM0363", today=TODAY)
    assert result.ok and result.issues == []
    sub = result.submission
    assert isinstance(sub, Submission)
    assert (sub.total, sub.row_count, sub.rows_received) == (6, 3, 3)
    assert sub.taxonomy_version == "1"
    assert str(sub.period) == "2026-Q1" and sub.municipality == "GM0363"
    # sorted in taxonomy order, whatever the file's order
    assert sub.rows["function_type"].tolist() == ["FT01_BRP", "FT04_PARKEREN", "FT08_SOCIAAL"]


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("function_type", "FT77_NEP", "unknown_code"),
        ("data_category", "DC01_BRP_ADRS", "unknown_code"),
        ("stage", "ST09_NEP", "unknown_code"),
        ("employment_type", "EM05", "unknown_code"),
        ("motive", "geld", "unknown_code"),
        ("function_type", "", "empty_code"),
        ("motive", "   ", "empty_code"),
        ("count", "", "bad_count"),
        ("count", "abc", "bad_count"),
        ("count", "2.5", "bad_count"),
        ("count", "-1", "bad_count"),
        ("count", "-0", "bad_count"),
        ("count", "+1", "bad_count"),
        ("count", "1e3", "bad_count"),
        ("count", "٣", "bad_count"),
        ("count", "10001", "count_range"),
        ("count", "1.000", "bad_count"),
        ("count", "10.000", "bad_count"),
        ("count", "2.000", "bad_count"),
        ("count", "99999999999999999999", "count_range"),
    ],
)
def test_validation_each_kind_of_bad_cell_is_reported_at_its_row_and_column(
    column: str, value: str, code: str
) -> None:
    rows = [ROW_A, with_cell(ROW_B, column, value), ROW_C]
    assert _issues(csv_text(rows)) == [(3, column, code)]
    result = validate_submission(csv_text(rows), "2026-Q1", "GM0363", today=TODAY)
    assert result.issues[0].value == value
    assert result.issues[0].message_nl and result.issues[0].message_en


def test_validation_unknown_code_suggests_the_closest_code() -> None:
    result = validate_submission(
        csv_text([with_cell(ROW_A, "data_category", "DC01_BRP_ADRS")]),
        "2026-Q1",
        "GM0363",
        today=TODAY,
    )
    assert "Bedoelt u DC01_BRP_ADRES (Adres- en persoonsgegevens (BRP))?" in (
        result.issues[0].message_nl
    )
    assert "Did you mean DC01_BRP_ADRES (Address and identity" in result.issues[0].message_en
    assert "Geldig:" not in result.issues[0].message_nl  # one suggestion, not the whole list


def test_validation_codes_are_normalised_before_checking() -> None:
    codes = ("FT01_BRP", "FT02_REISDOC")
    assert normalise_code(" ft01_brp ", codes) == "FT01_BRP"
    assert normalise_code("FT01", codes) == "FT01_BRP"
    assert normalise_code("FT01_BRP — Burgerzaken: BRP", codes) == "FT01_BRP"
    assert normalise_code("FT01_BRP: x", codes) == "FT01_BRP"
    assert normalise_code("FT0", codes) == "FT0"
    assert normalise_code("", codes) is None


def test_validation_duplicate_combination_names_the_first_row() -> None:
    text = csv_text([ROW_A, ROW_B, with_cell(ROW_A, "count", "7"), ROW_C])
    result = validate_submission(text, "2026-Q1", "GM0363", today=TODAY)
    assert [(i.row, i.code) for i in result.issues] == [(4, "duplicate")]
    assert "rij 2" in result.issues[0].message_nl and "row 2" in result.issues[0].message_en


def test_validation_duplicate_after_normalisation() -> None:
    other = ["ft01", "dc01_brp_adres", "st01_signaal", "EM01", "MO01", "1"]
    assert _issues(csv_text([ROW_A, other])) == [(3, None, "duplicate")]


def test_validation_reports_every_problem_at_once() -> None:
    rows = [
        with_cell(ROW_A, "count", "x"),
        with_cell(with_cell(ROW_B, "stage", "ST99"), "motive", ""),
        ROW_C,
        with_cell(ROW_C, "count", "5"),
    ]
    assert _issues(csv_text(rows)) == [
        (2, "count", "bad_count"),
        (3, "motive", "empty_code"),
        (3, "stage", "unknown_code"),
        (5, None, "duplicate"),
    ]


def test_validation_missing_and_unknown_columns_are_header_issues() -> None:
    header = ["function_type", "data_category", "fase", "dienstverband", "reden", "count"]
    text = csv_text([ROW_A], header=header)
    assert _issues(text) == [(1, "motive", "missing_column"), (1, "reden", "extra_column")]


def test_validation_duplicate_column_is_a_header_issue() -> None:
    text = csv_text([[*ROW_A, "1"]], header=[*HEADER, "aantal"])
    assert _issues(text) == [(1, "count", "duplicate_column")]


def test_validation_optional_period_column_must_match() -> None:
    header = [*HEADER, "period"]
    rows = [[*ROW_A, "2026-Q1"], [*ROW_B, "2026q1"], [*ROW_C, "2026-Q2"]]
    assert _issues(csv_text(rows, header=header)) == [(4, "period", "period_mismatch")]


def test_validation_optional_municipality_column_must_match_the_submitter() -> None:
    header = [*HEADER, "gemeente"]
    rows = [[*ROW_A, "GM0363"], [*ROW_B, "gm0363"], [*ROW_C, "GM0344"]]
    assert _issues(csv_text(rows, header=header)) == [(4, "municipality", "municipality_mismatch")]


def test_validation_municipality_column_without_known_submitter() -> None:
    header = [*HEADER, "municipality"]
    ok = validate_submission(
        csv_text([[*ROW_A, "GM0344"], [*ROW_B, "GM0344"]], header=header),
        "2026-Q1",
        None,
        today=TODAY,
    )
    assert ok.ok and ok.submission is not None and ok.submission.municipality == "GM0344"
    rows = [[*ROW_A, "GM0344"], [*ROW_B, "GM9999"], [*ROW_C, "GM0363"]]
    assert _issues(csv_text(rows, header=header), municipality=None) == [
        (3, "municipality", "unknown_municipality"),
        (4, "municipality", "mixed_municipality"),
    ]


def test_validation_unknown_submitting_municipality() -> None:
    assert _issues(csv_text([ROW_A]), municipality="GM9999") == [
        (None, "municipality", "unknown_municipality")
    ]


@pytest.mark.parametrize(
    ("period", "code"),
    [("2027-Q1", "period_in_future"), ("2023-Q4", "period_too_early"), ("2026-5", "bad_period")],
)
def test_validation_period_rules(period: str, code: str) -> None:
    assert _issues(csv_text([ROW_A]), period=period) == [(None, "period", code)]


def test_validation_current_quarter_is_accepted() -> None:
    result = validate_submission(csv_text([ROW_A]), "2026-Q4", "GM0363", today=TODAY)
    assert result.ok


def test_validation_nil_return_with_counts_is_refused() -> None:
    assert _issues(csv_text([ROW_A]), nil_return=True) == [(None, None, "nil_with_counts")]


def test_validation_nil_return_without_rows_or_with_zero_rows() -> None:
    for data in (None, [], csv_text([with_cell(ROW_A, "count", "0")])):
        result = validate_submission(data, "2026-Q2", "GM0363", nil_return=True, today=TODAY)
        assert result.ok and result.submission is not None
        assert result.submission.nil_return and result.submission.total == 0
        assert result.submission.row_count == 0


def test_validation_no_rows_without_nil_return() -> None:
    assert _issues("") == [(None, None, "empty_file")]
    result = validate_submission([], "2026-Q1", "GM0363", today=TODAY)
    assert [i.code for i in result.issues] == ["no_rows"]


def test_validation_records_in_dutch_and_english() -> None:
    result = validate_submission(
        csv_text([with_cell(ROW_A, "count", "x")]), "2026-Q1", "GM0363", today=TODAY
    )
    nl, en = result.records("nl")[0], result.records("en")[0]
    assert nl.keys() >= {"row", "column", "value", "message"}
    assert (nl["row"], nl["column"], nl["value"]) == (2, "count", "x")
    assert nl["message"] != en["message"]
    assert "geen getal" in nl["message"] and "not a number" in en["message"]


def test_validation_zero_rows_are_left_out_of_the_canonical_form() -> None:
    a = validate_submission(csv_text([ROW_A, ROW_B]), "2026-Q1", "GM0363", today=TODAY)
    b = validate_submission(
        csv_text([ROW_B, with_cell(ROW_C, "count", "0"), ROW_A]), "2026-Q1", "GM0363", today=TODAY
    )
    assert a.submission is not None and b.submission is not None
    assert a.submission.sha256() == b.submission.sha256()
    assert a.submission.canonical_text() == b.submission.canonical_text()
    c = validate_submission(csv_text([ROW_A, ROW_B]), "2026-Q2", "GM0363", today=TODAY)
    assert c.submission is not None and c.submission.sha256() != a.submission.sha256()


def test_validation_schema_is_built_from_the_taxonomy() -> None:
    schema = build_schema("1", "2026-Q1", "GM0363")
    assert set(schema.columns) >= set(HEADER)
    allowed = schema.columns["stage"].checks[0].statistics["allowed_values"]
    assert len(allowed) == 8


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("7", 7),
        ("007", 7),
        ("7.00", 7),
        ("7,", 7),
        # any number of zeros after the point or comma, as long as the cell cannot be read as
        # thousands groups (1-3 digits, then groups of exactly three): one reading, whole
        ("1.0000", 1),
        ("3.00000", 3),
        ("3,000000", 3),
        ("1234.000", 1234),
        ("0.000", 0),  # 0 whether the point is a decimal point or a thousands separator
    ],
)
def test_validation_parse_count_whole_numbers(cell: str, number: int) -> None:
    assert parse_count(cell) == (number, None)


def test_validation_does_not_depend_on_the_real_date() -> None:
    early = validate_submission(csv_text([ROW_A]), "2026-Q1", "GM0363", today=dt.date(2025, 12, 31))
    assert [i.code for i in early.issues] == ["period_in_future"]


@pytest.mark.parametrize("cell", ["1.000", "2,000", "10.000", "1.000.000", "005.000"])
def test_validation_a_thousands_separator_is_never_guessed(cell: str) -> None:
    # a thousand to a Dutch reader, a whole number to an English one: refused, never guessed
    number, problem = parse_count(cell)
    plain = cell.replace(".", "").replace(",", "")
    assert number is None and problem is not None
    assert f"{plain}, niet {cell}" in problem[0] and f"{plain}, not {cell}" in problem[1]
    assert parse_count("1.00") == (1, None) and parse_count("1000") == (1000, None)


def test_validation_a_count_with_decimals_other_than_zeros_says_so() -> None:
    for cell in ("1.0001", "3.00005", "2.50"):
        number, problem = parse_count(cell)
        assert number is None and problem is not None and "decimals" in problem[1]


def test_validation_a_duplicate_of_huge_cells_is_quoted_short() -> None:
    """The fuzzer's find: a duplicated row quoted its whole key, 4,428 characters of it."""
    huge = "9" * 5000
    text = csv_text([[huge, *ROW_A[1:]], [huge, *ROW_A[1:]]])
    result = validate_submission(read_csv(text.encode()), Period(2026, 1), "GM0363", today=TODAY)
    assert {i.code for i in result.issues} >= {"duplicate"}
    assert all(len(i.value) <= 200 for i in result.issues)
