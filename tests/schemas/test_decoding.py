"""Files as Excel and other programs save them: UTF-8, UTF-16 and Windows-1252, or a clear no."""

from __future__ import annotations

import pytest

from schemas.decoding import decode, encoding_label
from schemas.reading import read_csv
from schemas.validation import validate_submission
from tests.conftest import TODAY
from tests.schemas.helpers import ROW_A, csv_text, with_cell

# What a Dutch Excel writes for "CSV (gescheiden door lijstscheidingsteken)": Windows-1252, ";".
EXCEL_1252 = csv_text(
    [with_cell(ROW_A, "motive", "MO01_CRIMINEEL — Criminele beïnvloeding")], sep=";"
).encode("cp1252")


def test_decoding_windows_1252_file_is_read_and_says_so() -> None:
    with pytest.raises(UnicodeDecodeError):
        EXCEL_1252.decode("utf-8")  # the file of the issue: "byte 88" before
    result = validate_submission(EXCEL_1252, "2026-Q1", "GM0363", today=TODAY)
    assert result.ok, result.records("en")
    assert result.encoding == "windows-1252"
    assert read_csv(EXCEL_1252).encoding == "windows-1252"
    assert "Windows-1252" in encoding_label(result.encoding, "nl")
    assert "lijstscheidingsteken" in encoding_label(result.encoding, "nl")


def test_decoding_the_same_file_in_utf8_gives_the_same_submission_and_says_utf8() -> None:
    text = EXCEL_1252.decode("cp1252")
    utf8 = validate_submission(text.encode("utf-8-sig"), "2026-Q1", "GM0363", today=TODAY)
    cp1252 = validate_submission(EXCEL_1252, "2026-Q1", "GM0363", today=TODAY)
    assert utf8.submission is not None and cp1252.submission is not None
    assert utf8.submission.sha256() == cp1252.submission.sha256()
    assert utf8.encoding == "utf-8"
    assert validate_submission(text, "2026-Q1", "GM0363", today=TODAY).encoding is None


@pytest.mark.parametrize(
    ("data", "words"),
    [
        # UTF-8 damaged in one place (a lone surrogate): not Windows-1252, or it would garble
        (csv_text([ROW_A]).encode().replace(b"FT01_BRP", b"FT01\xed\xa0\x80"), "beschadigd"),
        # the valid "é" of UTF-8 and a stray Windows-1252 "é" in one file
        (("café;" + csv_text([ROW_A])).encode() + "é\n".encode("cp1252"), "beschadigd"),
        # bytes Windows-1252 does not define
        (csv_text([ROW_A]).encode() + b"\x81\x8d\n", "niet opgeslagen als UTF-8 of Windows-1252"),
        # control characters no spreadsheet writes
        (csv_text([ROW_A]).encode() + b"\xe9\x1b\n", "niet opgeslagen als UTF-8 of Windows-1252"),
    ],
)
def test_decoding_undecodable_file_says_where_in_words(data: bytes, words: str) -> None:
    result = validate_submission(data, "2026-Q1", "GM0363", today=TODAY)
    (issue,) = result.issues
    assert issue.code == "encoding" and words in issue.message_nl
    assert issue.row is not None and f"regel {issue.row}" in issue.message_nl
    assert f"line {issue.row}" in issue.message_en
    assert "byte" not in issue.message_nl + issue.message_en
    assert "CSV UTF-8" in issue.message_nl


def test_decoding_names_the_text_before_the_bad_character() -> None:
    data = b"function_type;count\nFT01_BR\x81P;1\n"
    issue = decode(data).issue
    assert issue is not None and issue.row == 2 and "(na 'FT01_BR')" in issue.message_nl
