"""Files as municipality officers save them (issue 17): each refusal says what to do instead."""

from __future__ import annotations

import pytest

from schemas.municipalities import load_register
from schemas.validation import ValidationResult, validate_submission
from tests.conftest import TODAY
from tests.schemas.helpers import HEADER, ROW_A, ROW_B, ROW_C, csv_text, with_cell

BOSCH = "GM0796"


def _check(text: str, municipality: str | None = BOSCH, **kw: object) -> ValidationResult:
    return validate_submission(text, "2026-Q1", municipality, today=TODAY, **kw)  # type: ignore[arg-type]


def _with_gemeente(*cells: str) -> str:
    rows = [ROW_A, ROW_B, ROW_C]
    body = [[*rows[i], cell] for i, cell in enumerate(cells)]
    return csv_text(body, header=[*HEADER, "gemeente"])


# -- the gemeente column ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "'s-Hertogenbosch",
        "s-Hertogenbosch",
        "'S HERTOGENBOSCH",
        "’s-Hertogenbosch",  # Word's curly apostrophe
        "Den Bosch",
        "den bosch",
        "0796",
        "796",
        "GM0796",
        "gm0796",
    ],
)
def test_validation_gemeente_column_accepts_the_name_and_number_of_the_own_municipality(
    cell: str,
) -> None:
    result = _check(_with_gemeente(cell, cell, cell))
    assert result.ok, result.records("en")
    assert result.submission is not None and result.submission.municipality == BOSCH


@pytest.mark.parametrize(
    ("municipality", "cell"),
    [
        ("GM0518", "Den Haag"),
        ("GM0518", "'s-Gravenhage"),
        ("GM0518", "The Hague"),
        ("GM0373", "Bergen"),  # two municipalities are called Bergen: the token says which
        ("GM0893", "Bergen"),
        ("GM0373", "Bergen (NH.)"),
        ("GM0373", "Bergen NH"),
        ("GM0164", "Hengelo"),
        ("GM1900", "Sudwest Fryslan"),
        ("GM0820", "Nuenen"),
        ("GM0737", "Tietjerksteradeel"),
    ],
)
def test_validation_gemeente_column_accepts_usual_spellings(municipality: str, cell: str) -> None:
    result = _check(_with_gemeente(cell), municipality)
    assert result.ok, result.records("en")


def test_validation_gemeente_column_naming_another_municipality_says_what_to_write() -> None:
    (issue,) = _check(_with_gemeente("Den Bosch", "Amsterdam")).issues
    assert (issue.row, issue.column, issue.code) == (3, "municipality", "municipality_mismatch")
    assert "'s-Hertogenbosch (GM0796)" in issue.message_nl
    assert "Amsterdam (GM0363)" in issue.message_nl
    assert "schrijf GM0796" in issue.message_nl and "write GM0796" in issue.message_en
    assert "andere gemeente" not in issue.message_nl  # the old, false, sentence


def test_validation_gemeente_column_unknown_name_says_what_to_write() -> None:
    (issue,) = _check(_with_gemeente("Bosch en Duin")).issues
    assert issue.code == "unknown_municipality" and "schrijf GM0796" in issue.message_nl


def test_validation_gemeente_column_without_a_known_submitter() -> None:
    ok = _check(_with_gemeente("Den Haag", "GM0518", "518"), municipality=None)
    assert ok.ok and ok.submission is not None and ok.submission.municipality == "GM0518"
    (issue,) = _check(_with_gemeente("Bergen"), municipality=None).issues
    assert issue.code == "ambiguous_municipality"
    assert "GM0373 (Bergen (NH.))" in issue.message_nl
    assert "GM0893 (Bergen (L.))" in issue.message_nl


def test_register_lookup_finds_nothing_for_a_code_of_another_year_or_nonsense() -> None:
    register = load_register()
    assert register.lookup("GM9999", 2026) == ()
    assert register.lookup("", 2026) == ()
    assert register.lookup("Amsterdam", 2023) == ()  # the register starts in 2024


# -- code cells --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "FT01_BRP\nFT04_PARKEREN",  # two lines in one cell (Alt+Enter)
        "FT01_BRP/FT04_PARKEREN",
        "FT01, FT04",
        "FT01; FT04",
        "FT01 en FT04",
        "FT01_BRP\r\nFT01_BRP",
    ],
)
def test_validation_a_cell_with_more_than_one_code_is_an_error_naming_the_codes(cell: str) -> None:
    text = csv_text([with_cell(ROW_A, "function_type", f'"{cell}"'), ROW_B], sep=";")
    result = _check(text)
    assert [(i.row, i.column, i.code) for i in result.issues] == [
        (2, "function_type", "several_codes")
    ]
    first = "FT01_BRP"
    second = "FT01_BRP" if cell.endswith("FT01_BRP") else "FT04_PARKEREN"
    assert f"2 codes ({first}, {second})" in result.issues[0].message_nl
    assert f"holds 2 codes ({first}, {second})" in result.issues[0].message_en


def test_validation_a_dropdown_value_is_one_code_not_several() -> None:
    cell = "FT11_INFO — Informatiebeheer, DIV/archief, basisregistraties"
    assert _check(csv_text([with_cell(ROW_A, "function_type", f'"{cell}"')])).ok


@pytest.mark.parametrize(
    ("cell", "code", "kind"),
    [
        ("Parkeren en kentekengegevens", "FT04_PARKEREN", "label_not_code"),  # Dutch label
        ("parking and licence-plate data", "FT04_PARKEREN", "label_not_code"),  # English
        ("Sociaal domein", "FT08_SOCIAAL", "label_not_code"),
        ("Parkeren en kentekengegevns", "FT04_PARKEREN", "unknown_code"),  # close to a label
        ("parkeren", "FT04_PARKEREN", "unknown_code"),  # the label's first word
        ("Social domain", "FT08_SOCIAAL", "label_not_code"),  # English label
        ("Sociaal domain", "FT08_SOCIAAL", "unknown_code"),
    ],
)
def test_validation_a_label_typed_instead_of_a_code_suggests_that_code(
    cell: str, code: str, kind: str
) -> None:
    (issue,) = _check(csv_text([with_cell(ROW_A, "function_type", cell)])).issues
    assert (issue.code, issue.column) == (kind, "function_type")
    assert code in issue.message_nl and code in issue.message_en
    assert "FT13_BELEID_MGMT" not in issue.message_nl  # not the list of all fifteen codes


# -- rows and columns that are not data ------------------------------------------------------


@pytest.mark.parametrize("word", ["Totaal", "TOTAAL:", "Total", "Eindtotaal", "Grand Total"])
def test_validation_a_totals_row_is_one_message_to_remove_it(word: str) -> None:
    totals = [word, "", "", "", "", "5"]
    result = _check(csv_text([ROW_A, ROW_C, totals]))
    assert [(i.row, i.code) for i in result.issues] == [(4, "totals_row")]
    assert "verwijder de totaalrij" in result.issues[0].message_nl
    assert "remove the totals row" in result.issues[0].message_en


def test_validation_an_extra_column_is_one_message_to_remove_it() -> None:
    header = [*HEADER, "opmerking"]
    rows = [[*ROW_A, "nagekeken"], [*ROW_B, ""], [*ROW_C, "zie mail"]]
    (issue,) = _check(csv_text(rows, header=header)).issues
    assert (issue.row, issue.column, issue.code) == (1, "opmerking", "extra_column")
    assert "verwijder deze kolom: lekstat leest hem niet" in issue.message_nl
    assert "remove this column: lekstat does not read it" in issue.message_en


def test_validation_a_misspelt_column_suggests_the_right_name_once() -> None:
    header = ["functietype", "gegevenscategorie", "fase", "dienstverband", "motief", "aantl"]
    (issue,) = _check(csv_text([ROW_A], header=header)).issues
    assert (issue.column, issue.code) == ("aantl", "unknown_column")
    assert "bedoelt u aantal?" in issue.message_nl and "did you mean count?" in issue.message_en


# -- counts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "nl", "en"),
    [
        ("-1", "kan niet negatief zijn", "cannot be negative"),
        ("-25", "kan niet negatief zijn", "cannot be negative"),
        ("- 3", "kan niet negatief zijn", "cannot be negative"),
        ("−2", "kan niet negatief zijn", "cannot be negative"),  # a real minus sign
        ("-0", "schrijf 0 zonder minteken", "write 0 without a minus sign"),
        ("+1", "zonder plusteken: 1", "without a plus sign: 1"),
    ],
)
def test_validation_a_signed_count_says_what_is_wrong(cell: str, nl: str, en: str) -> None:
    (issue,) = _check(csv_text([ROW_A, with_cell(ROW_B, "count", cell)])).issues
    assert (issue.row, issue.code) == (3, "bad_count")
    assert nl in issue.message_nl and en in issue.message_en
    assert "zonder teken" not in issue.message_nl


def test_validation_a_file_of_zeros_is_refused_with_what_to_do() -> None:
    zeros = [with_cell(r, "count", "0") for r in (ROW_A, ROW_B, ROW_C)]
    (issue,) = _check(csv_text(zeros)).issues
    assert (issue.code, issue.column) == ("all_zero", "count")
    assert "nulmelding" in issue.message_nl and "lekstat submit --nil" in issue.message_nl
    assert "fill in the counts" in issue.message_en
    # the same rows as JSON, as the client sends them: the same one rule
    records = [dict(zip(HEADER, r, strict=True)) for r in zeros]
    assert [i.code for i in _check(records).issues] == ["all_zero"]  # type: ignore[arg-type]
    # as a nil return, the zeros are fine
    assert _check(csv_text(zeros), nil_return=True).ok
