from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from schemas.reading import from_frame, from_records, normalise_header, read_csv, sniff_separator
from schemas.validation import validate_submission
from tests.conftest import TODAY
from tests.schemas.helpers import HEADER, ROW_A, ROW_B, csv_text


def _valid(data: object, period: str = "2026-Q1", **kw: object) -> object:
    result = validate_submission(data, period, "GM0363", today=TODAY, **kw)  # type: ignore[arg-type]
    assert result.ok, result.records("en")
    return result.submission


def test_reading_utf8_with_and_without_bom_gives_the_same_submission() -> None:
    text = csv_text([ROW_A, ROW_B])
    plain = _valid(text.encode("utf-8"))
    bom = _valid(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert plain.sha256() == bom.sha256()  # type: ignore[attr-defined]


def test_reading_utf16_with_bom_as_excel_unicode_text() -> None:
    text = csv_text([ROW_A], sep="\t")
    sub = _valid(text.encode("utf-16"))
    assert sub.total == 2  # type: ignore[attr-defined]


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_reading_comma_semicolon_and_tab_separated(sep: str) -> None:
    sub = _valid(csv_text([ROW_A, ROW_B], sep=sep).encode())
    assert sub.total == 3  # type: ignore[attr-defined]
    assert sniff_separator(csv_text([ROW_A], sep=sep)) == sep


def test_reading_header_names_are_case_and_space_insensitive_and_dutch() -> None:
    header = [" Function Type ", "DATA_CATEGORY", "Fase", "dienstverband", "Motief ", "Aantal"]
    sub = _valid(csv_text([ROW_A], header=header, sep=";").encode())
    assert sub.total == 2  # type: ignore[attr-defined]
    assert normalise_header("  Employment-Type ") == "employment_type"


def test_reading_blank_lines_are_ignored_but_keep_row_numbers() -> None:
    text = csv_text([ROW_A]) + "\n,,,,,\n" + ",".join([*ROW_B[:-1], "x"]) + "\n\n\n"
    result = validate_submission(text, "2026-Q1", "GM0363", today=TODAY)
    assert [(i.row, i.column) for i in result.issues] == [(5, "count")]


def test_reading_trailing_blank_lines_and_separators() -> None:
    text = csv_text([ROW_A], sep=";").replace("\n", ";\n") + "\n;;;;;;\n\n"
    assert _valid(text.encode()).total == 2  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("1.0", 1), (" 3 ", 3), ("3,0", 3), ("1.0000", 1), ("0", 0), ("10000", 10000)],
)
def test_reading_whole_number_cells_are_counts(cell: str, expected: int) -> None:
    row = [*ROW_A[:-1], cell]
    result = validate_submission(csv_text([row, ROW_B], sep=";"), "2026-Q1", "GM0363", today=TODAY)
    assert result.ok
    assert result.submission is not None
    assert result.submission.total == expected + 1


def test_reading_binary_file_is_an_issue_not_an_exception() -> None:
    result = validate_submission(b"\x89PNG\r\n\x1a\n\x00\x00\x00", "2026-Q1", "GM0363", today=TODAY)
    assert [(i.row, i.code) for i in result.issues] == [(None, "binary")]


def test_reading_xlsx_bytes_sent_as_csv_is_an_issue() -> None:
    result = validate_submission(b"PK\x03\x04rest-of-zip", "2026-Q1", "GM0363", today=TODAY)
    assert [i.code for i in result.issues] == ["not_csv"]


def test_reading_empty_file_is_an_issue() -> None:
    for data in (b"", b"\n\n", "   \n"):
        result = validate_submission(data, "2026-Q1", "GM0363", today=TODAY)
        assert [i.code for i in result.issues] == ["empty_file"]


def test_reading_header_only_is_no_rows_unless_nil_return() -> None:
    header_only = csv_text([])
    result = validate_submission(header_only, "2026-Q1", "GM0363", today=TODAY)
    assert [i.code for i in result.issues] == ["no_rows"]
    nil = validate_submission(header_only, "2026-Q1", "GM0363", nil_return=True, today=TODAY)
    assert nil.ok and nil.submission is not None and nil.submission.total == 0


def test_reading_broken_quotes_is_an_issue() -> None:
    text = csv_text([ROW_A]) + '"FT01_BRP,"x\n'
    result = validate_submission(text, "2026-Q1", "GM0363", today=TODAY)
    assert result.issues  # never an exception


def test_reading_very_long_cell_is_refused_with_its_line() -> None:
    text = csv_text([ROW_A, [*ROW_A[:-1], "1" * 200000]])
    result = validate_submission(text, "2026-Q1", "GM0363", today=TODAY)
    assert [(i.row, i.code) for i in result.issues] == [(3, "cell_too_long")]


def test_reading_a_million_columns_is_one_issue() -> None:
    text = ",".join(f"c{i}" for i in range(1_000_000)) + "\n"
    result = validate_submission(text, "2026-Q1", "GM0363", today=TODAY)
    assert [(i.row, i.code) for i in result.issues] == [(1, "too_many_columns")]


def test_reading_json_records_row_numbers_start_at_two() -> None:
    records = [dict(zip(HEADER, ROW_A, strict=True)), dict(zip(HEADER, ROW_B, strict=True))]
    records[1]["count"] = True  # a boolean is never a count
    table = from_records(records)
    assert list(table.frame.index) == [2, 3]
    result = validate_submission(table, "2026-Q1", "GM0363", today=TODAY)
    assert [(i.row, i.column, i.value) for i in result.issues] == [(3, "count", "true")]


def test_reading_a_dataframe_with_numbers() -> None:
    frame = pd.DataFrame([ROW_A, ROW_B], columns=HEADER)
    frame["count"] = [2.0, 5]
    table = from_frame(frame)
    assert table.frame["count"].tolist() == ["2", "5"]
    result = validate_submission(frame, "2026-Q1", "GM0363", today=dt.date(2026, 5, 1))
    assert result.ok and result.submission is not None and result.submission.total == 7


def test_reading_cells_beyond_the_header_are_reported() -> None:
    text = csv_text([[*ROW_A, "extra"]])
    result = validate_submission(text, "2026-Q1", "GM0363", today=TODAY)
    assert [(i.row, i.code) for i in result.issues] == [(2, "cell_outside_columns")]


def test_reading_leading_blank_lines_shift_the_header_row() -> None:
    text = "\n\n" + csv_text([ROW_A, [*ROW_B[:-1], "zz"]])
    result = validate_submission(text, "2026-Q1", "GM0363", today=TODAY)
    assert [(i.row, i.column) for i in result.issues] == [(5, "count")]
    assert read_csv(text).frame.index.tolist() == [4, 5]
