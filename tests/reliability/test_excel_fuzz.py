"""Hypothesis fuzzing of the Excel reader: whatever the bytes, a clear issue, never an exception."""

from __future__ import annotations

import io
import zipfile

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from client.files import excel_template, read_excel
from schemas.validation import validate_submission
from tests.conftest import TODAY


def _valid_workbook() -> bytes:
    workbook = excel_template("nl")
    sheet = workbook["Aantallen"]
    sheet.append(["FT01_BRP", "DC01_BRP_ADRES", "ST01_SIGNAAL", "EM01_VAST", "MO01_CRIMINEEL", 2])
    sheet.append(['=HYPERLINK("http://x")', "DC01", "ST01", "EM01", "MO01", "=1+1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


VALID = _valid_workbook()


def _check(data: bytes) -> None:
    table = read_excel(data)  # never raises
    result = validate_submission(table, "2026-Q1", "GM0363", today=TODAY)  # never raises
    assert result.ok or result.issues


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=4096))
def test_excel_arbitrary_bytes_are_an_issue_not_an_exception(data: bytes) -> None:
    _check(data)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), min_size=1, max_size=8)
)
def test_excel_corrupted_workbooks_are_an_issue_not_an_exception(
    flips: list[tuple[int, int]],
) -> None:
    data = bytearray(VALID)
    for position, value in flips:
        data[position] = value
    _check(bytes(data))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(
        st.one_of(
            st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=30),
            st.integers(),
            st.floats(allow_nan=True),
            st.booleans(),
            st.none(),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_excel_any_cell_values_read_back_as_issues_or_a_submission(cells: list[object]) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["function_type", "data_category", "stage", "employment_type", "motive", "count"])
    sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    _check(buffer.getvalue())


def test_excel_formula_cells_are_read_as_text_never_evaluated() -> None:
    table = read_excel(VALID)
    result = validate_submission(table, "2026-Q1", "GM0363", today=TODAY)
    assert [(i.row, i.column) for i in result.issues] == [(3, "count"), (3, "function_type")]


def test_excel_a_compressed_giant_sheet_is_refused_quickly() -> None:
    # 300,000 filled rows compress to little: refused at the row limit, not read to the end.
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(VALID)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                rows = "".join(
                    f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c></row>'
                    for r in range(2, 300_002)
                )
                text = data.decode()
                start, end = (
                    text.index("<sheetData>") + len("<sheetData>"),
                    text.index("</sheetData>"),
                )
                data = (
                    text[:start]
                    + '<row r="1"><c r="A1" t="inlineStr"><is><t>function_type</t></is></c></row>'
                    + rows
                    + text[end:]
                ).encode()
            target.writestr(item, data)
    assert len(buffer.getvalue()) < 2_000_000
    table = read_excel(buffer.getvalue())
    assert [i.code for i in table.issues] == ["too_many_rows"]
