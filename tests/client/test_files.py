"""Reading CSV and Excel submissions, the templates, and formula neutralisation."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from client.files import (
    DATA_SHEET,
    DATA_SHEETS,
    EXPLANATION_SHEETS,
    LISTS_SHEET,
    cell_text,
    csv_template,
    dropdown_value,
    excel_template,
    read_table,
    write_template,
)
from schemas.reading import read_csv
from schemas.safe_cells import neutralise, write_csv
from schemas.taxonomy import Lang, load_taxonomy, parse_taxonomy
from schemas.validation import validate_submission
from tests.client.conftest import PERIOD

TAXONOMY = load_taxonomy()
COLUMNS = [*TAXONOMY.dimension_names, "count"]
DUTCH_COLUMNS = ["functietype", "gegevenscategorie", "fase", "dienstverband", "motief", "aantal"]
ROW = ["FT01_BRP", "DC01_BRP_ADRES", "ST01_SIGNAAL", "EM01_VAST", "MO01_CRIMINEEL"]


def _workbook(path: Path, rows: list[list[object]], title: str = "Blad1") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _codes(path: Path) -> list[str]:
    return [i.code for i in validate_submission(read_table(path), PERIOD, "GM0363").issues]


# -- reading Excel ---------------------------------------------------------------------------


def test_read_excel_whole_floats_are_counts_and_rows_are_excel_rows(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "a.xlsx",
        [COLUMNS, [*ROW, 3.0], [None] * 6, [*ROW[:4], "MO02_PRIVE", 2.5], [*ROW[:4], "MO99", -1]],
    )
    result = validate_submission(read_table(path), PERIOD, "GM0363")
    assert [(i.row, i.column, i.value) for i in result.issues] == [
        (4, "count", "2.5"),
        (5, "count", "-1"),
    ]


def test_read_excel_prefers_the_sheet_named_aantallen(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.append(["notes nobody reads"])
    data = book.create_sheet("aantallen ")
    data.append(COLUMNS)
    data.append([*ROW, 4])
    path = tmp_path / "b.xlsx"
    book.save(path)
    result = validate_submission(read_table(path), PERIOD, "GM0363")
    assert result.ok and result.submission is not None and result.submission.total == 4


def test_read_excel_header_need_not_be_on_the_first_row(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "c.xlsx", [[None], COLUMNS, [*ROW, "x"]], title="Whatever")
    assert [(i.row, i.column) for i in validate_submission(read_table(path), PERIOD).issues] == [
        (3, "count")
    ]


def test_read_excel_empty_sheet_is_an_issue(tmp_path: Path) -> None:
    assert _codes(_workbook(tmp_path / "e.xlsx", [])) == ["empty_file"]


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"PK\x03\x04garbage", "a.xlsx", "xlsx_unreadable"),
        (b"plain text, not a zip", "a.xlsx", "xlsx_unreadable"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "a.xlsx", "xlsx_protected"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "xlsx_protected"),
    ],
)
def test_read_unreadable_files_become_issues(
    tmp_path: Path, content: bytes, name: str, code: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert _codes(path) == [code]


def test_read_a_zip_that_is_not_a_workbook_is_an_issue(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    path = tmp_path / "z.xlsx"
    path.write_bytes(buffer.getvalue())
    assert _codes(path) == ["xlsx_unreadable"]


def test_read_a_truncated_workbook_is_an_issue(tmp_path: Path) -> None:
    good = _workbook(tmp_path / "g.xlsx", [COLUMNS, [*ROW, 1]])
    data = good.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    assert _codes(cut) == ["xlsx_unreadable"]


def test_read_csv_files_go_to_the_schemas_reader(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(";".join(COLUMNS) + "\n" + ";".join([*ROW, "2"]) + "\n", encoding="utf-8")
    assert validate_submission(read_table(path), PERIOD, "GM0363").ok


def test_read_missing_file_raises_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_table(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (3.0, "3"), (3, "3"), (2.5, "2.5"), (True, "true"), (" FT01 ", " FT01 ")],
)
def test_cell_text_is_what_excel_shows(value: object, text: str) -> None:
    assert cell_text(value) == text


# -- templates -------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "columns"), [("nl", DUTCH_COLUMNS), ("en", COLUMNS)])
def test_csv_template_is_the_header_in_the_users_language_with_bom_and_semicolons(
    lang: Lang, columns: list[str]
) -> None:
    data = csv_template(lang)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").strip() == ";".join(columns)
    table = read_csv(data)
    assert table.issues == [] and table.missing == ()


def test_excel_template_has_a_dropdown_with_code_and_label_for_every_code_column(
    tmp_path: Path,
) -> None:
    path = tmp_path / "t.xlsx"
    write_template(path, "xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == DATA_SHEET
    sheet, lists = book[DATA_SHEET], book[LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    assert [c.value for c in sheet[1]] == DUTCH_COLUMNS
    assert sheet.freeze_panes == "A2"
    checks = {str(dv.sqref).split(":")[0][0]: dv for dv in sheet.data_validations.dataValidation}
    for index, name in enumerate(TAXONOMY.dimension_names):
        letter = "ABCDE"[index]
        check = checks[letter]
        assert check.type == "list" and str(check.sqref) == f"{letter}2:{letter}10001"
        # The list lives on the hidden sheet: resolve the range and read it back.
        sheet_name, cells = check.formula1.split("!")
        assert sheet_name == LISTS_SHEET
        values = [c.value for (c,) in lists[cells.replace("$", "")]]
        codes = TAXONOMY.dimension(name).entries
        assert values == [dropdown_value(code) for code in codes]
        assert values[0] == f"{codes[0].code} — {codes[0].label_nl}"
        assert sheet.column_dimensions[letter].width >= max(len(v) for v in values)
    count = checks["F"]
    assert (count.type, count.operator, count.formula1, count.formula2) == (
        "whole",
        "between",
        "0",
        "10000",
    )
    assert count.errorStyle == "stop"


def test_excel_template_in_english_has_english_labels() -> None:
    book = excel_template("en")
    assert book[LISTS_SHEET]["A2"].value == dropdown_value(
        TAXONOMY.dimension("function_type").entries[0], "en"
    )


def _texts(sheet: Any) -> str:
    return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_excel_template_is_in_the_users_language_only(lang: Lang) -> None:
    book = excel_template(lang)
    other: Lang = "en" if lang == "nl" else "nl"
    assert book.sheetnames[:2] == [DATA_SHEETS[lang], EXPLANATION_SHEETS[lang]]
    sheet = book[DATA_SHEETS[lang]]
    assert [c.value for c in sheet[1]] == (DUTCH_COLUMNS if lang == "nl" else COLUMNS)
    prompts = "\n".join(
        f"{dv.promptTitle} {dv.prompt} {dv.errorTitle} {dv.error}"
        for dv in sheet.data_validations.dataValidation
    )
    explanation = book[EXPLANATION_SHEETS[lang]]
    assert all(rule in _texts(explanation) for rule in TAXONOMY.counting_rules(lang))
    foreign = "Unknown code" if lang == "nl" else "Onbekende code"
    for text in (prompts, _texts(explanation)):
        assert foreign not in text
        assert not any(rule in text for rule in TAXONOMY.counting_rules(other))
    rows = {r[0]: r for r in explanation.iter_rows(values_only=True)}
    for name in TAXONOMY.dimension_names:
        for code in TAXONOMY.dimension(name).entries:
            assert rows[code.code][1:3] == (code.label(lang), code.description(lang))
            assert code.description(other) not in rows[code.code]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_template_of_either_language_reads_back(tmp_path: Path, lang: Lang) -> None:
    xlsx, csv = tmp_path / "t.xlsx", tmp_path / "t.csv"
    write_template(xlsx, "xlsx", lang)
    write_template(csv, "csv", lang)
    book = openpyxl.load_workbook(xlsx)
    book[DATA_SHEETS[lang]].append([*ROW, 3])
    book.save(xlsx)
    with csv.open("a", encoding="utf-8") as handle:
        handle.write(";".join([*ROW, "3"]) + "\r\n")
    for path in (xlsx, csv):
        result = validate_submission(read_table(path), PERIOD, "GM0363")
        assert result.ok and result.submission is not None, result.records("en")
        assert result.submission.total == 3


def test_filled_in_template_reads_back_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_template(path, "xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book[DATA_SHEET]
    lists = book[LISTS_SHEET]
    # Fill it as a person would: pick from the dropdowns, type whole numbers.
    picked = []
    for n, (ft, dc, st) in enumerate([(2, 2, 2), (5, 4, 3), (16, 9, 9)], start=2):
        values = [lists.cell(ft, 1).value, lists.cell(dc, 2).value, lists.cell(st, 3).value]
        values += [lists.cell(2, 4).value, lists.cell(3, 5).value, n * 10]
        sheet.append(values)
        picked.append(values)
    book.save(path)
    result = validate_submission(read_table(path), PERIOD, "GM0363")
    assert result.ok, result.records("en")
    assert result.submission is not None
    got = {tuple(r.values()) for r in result.submission.records()}
    want = {tuple([*(str(v).split(" — ")[0] for v in p[:5]), p[5]]) for p in picked}
    assert got == want


def test_csv_template_filled_in_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    write_template(path, "csv")
    with path.open("a", encoding="utf-8") as handle:
        handle.write(";".join([*ROW, "7"]) + "\r\n")
    result = validate_submission(read_table(path), PERIOD, "GM0363")
    assert result.ok and result.submission is not None and result.submission.total == 7


# -- formula neutralisation ------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_neutralise_prefixes_formula_starts(start: str) -> None:
    assert neutralise(f'{start}HYPERLINK("http://x")') == f'\'{start}HYPERLINK("http://x")'


def test_neutralise_leaves_other_values_alone() -> None:
    assert neutralise("FT01_BRP") == "FT01_BRP"
    assert neutralise(-3) == -3


def test_write_csv_neutralises_every_text_cell_but_not_numbers() -> None:
    frame = pd.DataFrame(
        {"stage": ["=cmd|' /C calc'!A0", "ST01"], "label": ["@SUM(1)", "+x"], "estimate": [-1, 2]}
    )
    buffer = io.StringIO()
    write_csv(frame, buffer)
    lines = buffer.getvalue().splitlines()
    assert lines[1] == "'=cmd|' /C calc'!A0,'@SUM(1),-1"
    assert lines[2] == "ST01,'+x,2"


def test_excel_template_stores_formula_like_text_as_text(tmp_path: Path) -> None:
    source = (Path(__file__).parents[2] / "schemas/data/taxonomy-v1.toml").read_text("utf-8")
    hostile = source.replace(
        'label_nl = "Parkeren en kentekengegevens"', 'label_nl = "=HYPERLINK(\\"http://evil\\")"', 1
    ).replace('description_en = "Parking permits', 'description_en = "=1+1 Parking permits', 1)
    taxonomy = parse_taxonomy(hostile)
    languages: tuple[tuple[Lang, str], ...] = (("nl", "=HYPERLINK"), ("en", "=1+1 Parking"))
    for lang, text in languages:
        path = tmp_path / f"t-{lang}.xlsx"
        excel_template(lang, taxonomy).save(path)
        with zipfile.ZipFile(path) as archive:
            xml = "".join(
                archive.read(n).decode()
                for n in archive.namelist()
                if n.startswith("xl/worksheets/")
            )
        assert "<f>" not in xml  # no formula anywhere in the workbook
        assert text in xml  # but the text is there, as text
        book = openpyxl.load_workbook(path)
        cells = [c for s in book.worksheets for row in s.iter_rows() for c in row]
        assert all(c.data_type != "f" for c in cells)
