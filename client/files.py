"""Files in and out: submission files (CSV or Excel) in, templates and figures out.

Reading never raises over a file's content: whatever cannot be read (not a zip, a damaged or
password-protected workbook, no sheet, too large) becomes an :class:`~schemas.issues.Issue`,
reported with the rest. Everything the client writes for a spreadsheet is neutralised: a text
cell that starts with ``=``, ``+``, ``-`` or ``@`` cannot become a formula (CSV injection).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from schemas.counts import MAX_COUNT
from schemas.reading import (
    COUNT,
    RawTable,
    canonical_columns,
    column_header,
    file_issue,
    from_rows,
    read_csv,
    unreadable,
)
from schemas.taxonomy import Code, Lang, Taxonomy, load_taxonomy

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

TemplateFormat = Literal["csv", "xlsx"]

#: The sheet a municipality fills in, by the template's language; read first when a workbook
#: has one of them.
DATA_SHEETS: dict[Lang, str] = {"nl": "Aantallen", "en": "Counts"}
DATA_SHEET = DATA_SHEETS["nl"]
#: The sheet with the counting rules and every code, by the template's language.
EXPLANATION_SHEETS: dict[Lang, str] = {"nl": "Toelichting", "en": "Explanation"}
#: The hidden sheet that holds the dropdown lists.
LISTS_SHEET = "Lijsten"
#: How many rows of the template get dropdowns and the count check.
TEMPLATE_ROWS = 10_000
#: Files larger than this are not read at all (the server accepts 5 MB).
MAX_FILE_BYTES = 50 * 1024 * 1024
#: A workbook that unpacks to more than this is refused (a guard against zip bombs).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
#: More non-blank rows than this is not a submission (taxonomy v1 has 19,200 combinations).
MAX_ROWS = 100_000

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and every password-protected workbook
_DASH = " — "

HOW_TO: dict[Lang, tuple[str, ...]] = {
    "nl": (
        f"Vul het blad '{DATA_SHEETS['nl']}' in: één rij per combinatie, kies de codes uit de "
        "keuzelijsten (alleen de code typen mag ook) en zet het aantal in de kolom aantal.",
        "Laat de kopregel staan zoals hij is (Nederlandse en Engelse kolomnamen worden allebei "
        "gelezen). Geen totaalrij en geen extra kolommen: lekstat telt zelf op.",
        "Extra bladen mogen; alleen dit blad wordt gelezen.",
        "Geen incidenten dit kwartaal? Lever dan een nulmelding aan: lekstat submit --nil "
        "--period 2026-Q1",
        "Controleer het bestand: lekstat validate aantallen.xlsx --period 2026-Q1",
        "Lever aan: lekstat submit aantallen.xlsx --period 2026-Q1",
    ),
    "en": (
        f"Fill in the sheet '{DATA_SHEETS['en']}': one row per combination, pick the codes from "
        "the dropdowns (typing just the code works too) and put the number in the column count.",
        "Leave the header row as it is (Dutch and English column names are both read). No "
        "totals row and no extra columns: lekstat adds up itself.",
        "Extra sheets are fine; only this sheet is read.",
        "No incidents this quarter? Submit a nil return: lekstat submit --nil --period 2026-Q1",
        "Check the file: lekstat validate counts.xlsx --period 2026-Q1",
        "Submit it: lekstat submit counts.xlsx --period 2026-Q1",
    ),
}
_SHEET_NAMES = {name.casefold() for name in DATA_SHEETS.values()}


# -- reading ---------------------------------------------------------------------------------


def read_table(path: str | os.PathLike[str], taxonomy: Taxonomy | None = None) -> RawTable:
    """Read a submission file, CSV or Excel, into a table; its content never raises.

    A missing or unreadable *path* raises :class:`OSError`, as opening any file does.
    """
    taxonomy = taxonomy or load_taxonomy()
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return _unreadable(
            taxonomy,
            "file_too_large",
            f"het bestand is te groot ({size // 1_048_576} MB); een aanlevering is veel kleiner",
            f"the file is too large ({size // 1_048_576} MB); a submission is much smaller",
        )
    data = path.read_bytes()
    if data.startswith(_ZIP):
        return read_excel(data, taxonomy)
    if data.startswith(_OLE):
        return _unreadable(
            taxonomy,
            "xlsx_protected",
            "dit Excel-bestand is beveiligd met een wachtwoord of in het oude .xls-formaat; "
            "haal de beveiliging eraf en sla het op als Excel-werkmap (.xlsx)",
            "this Excel file is password-protected or in the old .xls format; remove the "
            "protection and save it as an Excel workbook (.xlsx)",
        )
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _not_a_workbook(taxonomy)
    return read_csv(data, taxonomy)


def read_excel(data: bytes, taxonomy: Taxonomy | None = None) -> RawTable:
    """Read the sheet ``Aantallen`` or ``Counts`` (else the first sheet) of an ``.xlsx`` file."""
    import openpyxl

    taxonomy = taxonomy or load_taxonomy()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return _not_a_workbook(taxonomy)
    if unpacked > MAX_UNPACKED_BYTES:
        return _unreadable(
            taxonomy,
            "file_too_large",
            "het Excel-bestand is uitgepakt te groot; een aanlevering is veel kleiner",
            "the Excel file is too large once unpacked; a submission is much smaller",
        )
    # openpyxl fails in many ways on a damaged workbook (zip, XML, key and value errors) and
    # warns about features it drops; to the user it is all one thing: the file cannot be read.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:
            return _not_a_workbook(taxonomy)
        try:
            sheets = list(workbook.worksheets)
            if not sheets:
                return _not_a_workbook(taxonomy)
            sheet = next(
                (s for s in sheets if s.title.strip().casefold() in _SHEET_NAMES),
                sheets[0],
            )
            sheet.reset_dimensions()  # a wrong stored size would cut rows off
            rows = _sheet_rows(sheet.iter_rows(min_row=1, values_only=True))
        except _TooManyRows:
            return _unreadable(
                taxonomy,
                "too_many_rows",
                f"het blad heeft meer dan {MAX_ROWS:,} gevulde rijen onder de kopregel; dat is "
                "geen aanlevering".replace(",", "."),
                f"the sheet has more than {MAX_ROWS:,} filled rows below the header; that is "
                "not a submission",
            )
        except Exception:
            return _not_a_workbook(taxonomy)
        finally:
            workbook.close()
    if not rows:
        return _unreadable(
            taxonomy,
            "empty_file",
            f"het blad '{sheet.title}' is leeg: er is geen kopregel met kolomnamen",
            f"the sheet '{sheet.title}' is empty: there is no header row with column names",
        )
    (header_row, header), *body = rows
    return from_rows(header, body, taxonomy, header_row=header_row)


class _TooManyRows(Exception):
    pass


def _sheet_rows(rows: Iterable[Sequence[Any]]) -> list[tuple[int, list[str]]]:
    """Non-blank rows as text cells, numbered as Excel shows them."""
    out: list[tuple[int, list[str]]] = []
    for number, row in enumerate(rows, start=1):
        cells = [cell_text(value) for value in row]
        while cells and not cells[-1].strip():
            cells.pop()
        if cells:
            if len(out) > MAX_ROWS:  # the header and MAX_ROWS data rows are fine
                raise _TooManyRows
            out.append((number, cells))
    return out


def cell_text(value: object) -> str:
    """An Excel cell as the text a person sees: ``3.0`` → ``'3'``, empty → ``''``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _unreadable(taxonomy: Taxonomy, code: str, nl: str, en: str) -> RawTable:
    return unreadable(taxonomy, file_issue(code, nl, en))


def _not_a_workbook(taxonomy: Taxonomy) -> RawTable:
    return _unreadable(
        taxonomy,
        "xlsx_unreadable",
        "dit Excel-bestand kan niet worden gelezen (het is beschadigd of geen .xlsx); open het "
        "in Excel en sla het opnieuw op als Excel-werkmap (.xlsx) of als CSV UTF-8",
        "this Excel file cannot be read (it is damaged or not an .xlsx); open it in Excel and "
        "save it again as an Excel workbook (.xlsx) or as CSV UTF-8",
    )


# -- writing ---------------------------------------------------------------------------------


def csv_template(lang: Lang = "nl", taxonomy: Taxonomy | None = None) -> bytes:
    """The CSV template: the header in ``lang``, ``;``-separated, UTF-8 with BOM (as Excel)."""
    columns = [column_header(c, lang) for c in canonical_columns(taxonomy or load_taxonomy())]
    return ("\ufeff" + ";".join(columns) + "\r\n").encode("utf-8")


def dropdown_value(code: Code, lang: Lang = "nl") -> str:
    """What a dropdown shows and writes: ``FT04_PARKEREN — Parkeren en kentekengegevens``."""
    return f"{code.code}{_DASH}{code.label(lang)}"


def write_template(
    path: str | os.PathLike[str],
    fmt: TemplateFormat,
    lang: Lang = "nl",
    taxonomy: Taxonomy | None = None,
) -> None:
    """Write an empty template to ``path``: CSV (header only) or an Excel workbook."""
    if fmt == "csv":
        Path(path).write_bytes(csv_template(lang, taxonomy))
    else:
        excel_template(lang, taxonomy).save(path)


def excel_template(lang: Lang = "nl", taxonomy: Taxonomy | None = None) -> Workbook:
    """The Excel template: the sheet to fill in, the explanation, and the hidden lists."""
    from openpyxl import Workbook

    taxonomy = taxonomy or load_taxonomy()
    workbook = Workbook()
    data = workbook.active
    assert data is not None
    data.title = DATA_SHEETS[lang]
    explanation = workbook.create_sheet(EXPLANATION_SHEETS[lang])
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    _fill_data_sheet(data, lists, taxonomy, lang)
    _fill_explanation(explanation, taxonomy, lang)
    return workbook


def _fill_data_sheet(sheet: Worksheet, lists: Worksheet, taxonomy: Taxonomy, lang: Lang) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    def t(nl: str, en: str) -> str:
        return en if lang == "en" else nl

    for index, column in enumerate(canonical_columns(taxonomy), start=1):
        letter = get_column_letter(index)
        _set_text(sheet.cell(1, index), column_header(column, lang)).font = Font(bold=True)
        if column in taxonomy.dimension_names:
            dimension = taxonomy.dimension(column)
            entries = [dropdown_value(code, lang) for code in dimension.entries]
            # Every list goes on the hidden sheet: most are longer than the 255 characters an
            # inline list may have, and labels may hold the comma that separates inline items.
            _set_text(lists.cell(1, index), column)
            for row, entry in enumerate(entries, start=2):
                _set_text(lists.cell(row, index), entry)
            width = max(len(e) for e in entries) + 2
            lists.column_dimensions[letter].width = width
            check = _validation(
                column_header(column, lang),
                dimension.label(lang),
                t("Onbekende code", "Unknown code"),
                t(
                    "Kies een code uit de lijst (de code alleen mag ook).",
                    "Pick a code from the list (the code alone works too).",
                ),
                type="list",
                formula1=f"{LISTS_SHEET}!${letter}$2:${letter}${len(entries) + 1}",
                errorStyle="warning",  # typing the bare code is fine too
            )
        else:
            width = 12
            nl, en = f"{MAX_COUNT:,}".replace(",", "."), f"{MAX_COUNT:,}"
            check = _validation(
                column_header(COUNT, lang),
                t(f"Aantal incidenten, 0–{nl}", f"Number of incidents, 0–{en}"),
                t("Geen geldig aantal", "Not a valid count"),
                t(
                    f"Een aantal is een geheel getal van 0 tot en met {nl}.",
                    f"A count is a whole number from 0 to {en}.",
                ),
                type="whole",
                operator="between",
                formula1="0",
                formula2=str(MAX_COUNT),
                errorStyle="stop",
            )
        sheet.column_dimensions[letter].width = width
        check.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"


def _validation(column: str, prompt: str, title: str, error: str, **kind: str) -> DataValidation:
    """A cell check with its prompt and error text (Excel allows 32 and 255 characters)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(
        allow_blank=True,
        showInputMessage=True,
        promptTitle=_cut(column, 32),
        prompt=_cut(prompt, 255),
        showErrorMessage=True,
        errorTitle=_cut(title, 32),
        error=_cut(error, 255),
        **kind,
    )


def _fill_explanation(sheet: Worksheet, taxonomy: Taxonomy, lang: Lang) -> None:
    from openpyxl.styles import Alignment, Font

    def t(nl: str, en: str) -> str:
        return en if lang == "en" else nl

    bold, title = Font(bold=True), Font(bold=True, size=14)
    wrap = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABC", (30, 50, 90), strict=True):
        sheet.column_dimensions[letter].width = width

    row = 0

    def line(*cells: str, font: Font | None = None) -> None:
        nonlocal row
        row += 1
        for column, text in enumerate(cells, start=1):
            cell = _set_text(sheet.cell(row, column), text)
            cell.alignment = wrap
            if font is not None:
                cell.font = font

    line(
        t(
            "Toelichting bij het aanleverformat van lekstat",
            "Explanation of the lekstat submission template",
        ),
        font=title,
    )
    for heading, texts in (
        (t("Telregels", "Counting rules"), taxonomy.counting_rules(lang)),
        (t("Zo vult u het in", "How to fill it in"), HOW_TO[lang]),
    ):
        line()
        line(heading, font=bold)
        for text in texts:
            line("", text)
    line()
    line("Codes", font=title)
    for name in taxonomy.dimension_names:
        dimension = taxonomy.dimension(name)
        line()
        line(column_header(name, lang), dimension.label(lang), font=bold)
        line("", "", dimension.description(lang))
        line("Code", t("Omschrijving", "Label"), t("Toelichting", "Description"), font=bold)
        for code in dimension.entries:
            line(code.code, code.label(lang), code.description(lang))


def _set_text(cell: Cell, value: str) -> Cell:
    """Store ``value`` as text: openpyxl would make text that starts with ``=`` a formula."""
    cell.value = value
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
