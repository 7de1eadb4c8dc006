"""The PDF report: read back with pypdf, it shows the release's figures, page numbers and the
same sections as the HTML; files are small."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from aggregator.report import UNRELIABLE_MARK, ReportData, write_report
from aggregator.report.i18n import TEXT
from tests.report.conftest import Built
from tests.report.expected import DUTCH_ONLY, ENGLISH_ONLY, estimate_text, interval_text
from tests.report.html_reading import parse, table_rows

pytestmark = pytest.mark.slow

LANGS = ("nl", "en")
MAX_BYTES = 2 * 1024 * 1024

#: WeasyPrint logs this when the system lacks libharfbuzz-subset; the PDF is the same.
KNOWN_HARMLESS = "Using fontTools instead of HarfBuzz-Subset"


@cache
def _pages(path: Path) -> tuple[str, ...]:
    reader = PdfReader(path)
    return tuple(unicodedata.normalize("NFKC", p.extract_text() or "") for p in reader.pages)


def _squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_rows_equal_the_html_rows(
    built: dict[tuple[str, str], Built], html: dict[str, str], report_data: ReportData, lang: str
) -> None:
    """Every row of every table (label, estimates with marks, intervals) is in the PDF text."""
    text = _squeezed("".join(_pages(built[(lang, "pdf")].path)))
    doc = parse(html[lang])
    checked = set()
    for table in doc.iter("table"):
        if "data-table" not in table.attrs:
            continue
        for row in table_rows(table):
            expected = "".join(cell.joined() for cell in row)
            assert expected in text, (table.attrs["data-table"], expected)
        checked.add(table.attrs["data-table"])
    plan = {t["name"] for t in report_data.release["plan"]}
    assert checked >= plan | {"summary", "trend", "coverage", "not-reported", "annex"}


#: An estimate (with its mark) and the interval printed right after it, as pypdf reads them.
FIGURE = re.compile(
    rf"(?<!\S)(\d{{1,3}}(?:[.,]\d{{3}})*(?: {re.escape(UNRELIABLE_MARK)})?)\s+"
    r"(\d{1,3}(?:[.,]\d{3})*–\d{1,3}(?:[.,]\d{3})*)(?!\S)"
)


def _table_parts(text: str, names: list[str], lang: str) -> dict[str, str]:
    """The PDF text of each table of chapter 2: from its caption ("Table 2.1 ·") to the next
    table's caption, the last one up to chapter 3."""
    word = TEXT[lang]["table"]
    starts = [text.index(f"{word} 2.{i} ·") for i in range(1, len(names) + 1)]
    chapter_3 = re.search(rf"^3 {re.escape(TEXT[lang]['trend'])}$", text, re.M)
    assert chapter_3 is not None
    ends = [*starts[1:], chapter_3.start()]
    return {name: text[a:b] for name, a, b in zip(names, starts, ends, strict=True)}


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_shows_the_release_figures(
    built: dict[tuple[str, str], Built], report_data: ReportData, lang: str
) -> None:
    """Each table's part of the PDF shows exactly the release's figures of that table: every
    estimate with its mark and interval, as many times as the release has it, and no other."""
    text = "\n".join(_pages(built[(lang, "pdf")].path))
    parts = _table_parts(text, list(report_data.tables), lang)
    for name, frame in report_data.tables.items():
        expected = Counter(
            (estimate_text(row, lang), interval_text(row, lang)) for row in frame.to_dict("records")
        )
        assert Counter(FIGURE.findall(parts[name])) == expected, name


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_cover_names_release_and_date(built: dict[tuple[str, str], Built], lang: str) -> None:
    cover = _pages(built[(lang, "pdf")].path)[0]
    date = "15 januari 2026" if lang == "nl" else "15 January 2026"
    assert "2025-r1" in cover and date in cover


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_has_page_numbers_and_contents(built: dict[tuple[str, str], Built], lang: str) -> None:
    pages = _pages(built[(lang, "pdf")].path)
    word, of = TEXT[lang]["page"], TEXT[lang]["of"]
    legend = f"{TEXT[lang]['marks']}: {UNRELIABLE_MARK} {TEXT[lang]['mark_unreliable']}"
    for number, page in enumerate(pages[1:], start=2):
        assert f"{word} {number} {of} {len(pages)}" in page
        assert legend in page, f"page {number} has no legend of the marks"
    contents = pages[1]
    assert TEXT[lang]["contents"] in contents
    # Every chapter's entry in the contents names the page on which its heading stands.
    for number, key in enumerate(["summary", "figures", "trend", "coverage", "methodology"], 1):
        title = f"{number} {TEXT[lang][key]}"
        listed = re.search(rf"^{re.escape(title)} \.+ (\d+)$", contents, re.M)
        assert listed is not None, title
        page = int(listed.group(1))
        assert pages[page - 1].splitlines()[0] == title


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_explains_the_unreliable_mark(built: dict[tuple[str, str], Built], lang: str) -> None:
    text = " ".join(" ".join(_pages(built[(lang, "pdf")].path)).split())
    legend = TEXT[lang]["unreliable_note"].format(mark=UNRELIABLE_MARK)
    assert legend in text


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_has_no_interface_words_of_the_other_language(
    built: dict[tuple[str, str], Built], lang: str
) -> None:
    """Capitalised interface words only: the Dutch PDF quotes the release's English privacy
    unit and mechanism, the English one gives the Dutch labels of the forms."""
    text = " " + " ".join(" ".join(_pages(built[(lang, "pdf")].path)).split()) + " "
    foreign = ENGLISH_ONLY if lang == "nl" else DUTCH_ONLY
    words = [w for w in foreign if w[0].isupper()]
    assert not [w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)]


@pytest.mark.parametrize("lang", LANGS)
def test_report_files_are_small(built: dict[tuple[str, str], Built], lang: str) -> None:
    for suffix in ("html", "pdf"):
        assert built[(lang, suffix)].path.stat().st_size < MAX_BYTES


def test_pdf_layout_logs_nothing_unexpected(built: dict[tuple[str, str], Built]) -> None:
    """No CSS WeasyPrint ignores, no missing resource, no font trouble beyond the known one."""
    for (lang, suffix), b in built.items():
        unexpected = [m for m in b.log if KNOWN_HARMLESS not in m]
        assert not unexpected, (lang, suffix, unexpected)


def test_write_report_refuses_another_format(report_data: ReportData, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.html or \.pdf"):
        write_report(report_data, "nl", tmp_path / "report.docx")


def test_pdf_without_pango_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WeasyPrint raises OSError on import when the system has no Pango: say what to install."""
    import builtins

    from aggregator.report.data import PdfUnavailableError
    from aggregator.report.render import write_pdf

    real_import = builtins.__import__

    def no_pango(name: str, *args: object, **kwargs: object) -> object:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(PdfUnavailableError, match="needs the Pango library"):
        write_pdf("<p>x</p>", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_pdf_layout_logs_nothing_at_info(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A server logging at INFO got about 190 lines of WeasyPrint progress and fontTools
    subsetting per report; making a PDF now logs nothing below WARNING from them."""
    import logging

    from aggregator.report.render import PDF_LOGGERS, write_pdf

    for name in PDF_LOGGERS:  # as in a fresh server process, where nothing has set them
        logging.getLogger(name).setLevel(logging.NOTSET)
    caplog.set_level(logging.DEBUG)
    html = '<p style="font-family: DejaVu Sans">Lekken van persoonsgegevens: ρ = 0,5</p>'
    write_pdf(html, tmp_path / "x.pdf")
    assert (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF")
    noisy = [
        r
        for r in caplog.records
        if r.name.split(".")[0] in {"weasyprint", "fontTools"} and r.levelno < logging.WARNING
    ]
    assert not noisy, [f"{r.name}: {r.getMessage()}" for r in noisy[:5]]
