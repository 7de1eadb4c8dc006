"""The municipality's portal in a real Chromium against the real server: sign in, download the
template, upload an Excel file with mistakes, see them, upload it corrected, get a receipt; a
nil return with its confirmation. axe-core runs on every page type on the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, expect

from aggregator.clock import local_date, utcnow
from aggregator.demo.processes import Server, run
from client.files import DATA_SHEET
from schemas.periods import FIRST_PERIOD, Period
from tests.browser.conftest import Visit, check

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

#: The quarters these tests submit for: ended, so a submission is complete (and late or not).
LAST = Period.current(local_date(utcnow())).previous()
BEFORE = LAST.previous()
ROW_OK = ["FT04_PARKEREN", "DC03_KENTEKEN", "ST01_SIGNAAL", "EM03_INHUUR", "MO01_CRIMINEEL", 2]


def sign_in(page: Page, token: str) -> None:
    """Sign in through the form, as a person does; lands on the portal."""
    page.get_by_label("Token").fill(token)
    with page.expect_navigation():
        page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(re.compile(r"/portal$"))


def fill(template: Path, rows: list[list[object]], out: Path) -> Path:
    """The downloaded template with ``rows`` filled in, saved as ``out``."""
    workbook = openpyxl.load_workbook(template)
    sheet = workbook[DATA_SHEET]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            sheet.cell(r, c, value)
    workbook.save(out)
    return out


def test_portal_municipality_corrects_an_excel_file_and_gets_a_receipt(
    page_check: Callable[..., Visit], issue_token: Callable[..., str], tmp_path: Path
) -> None:
    visit = page_check("/sign-in")
    page = visit.page
    sign_in(page, issue_token("municipality", "GM0363"))
    check(visit)
    expect(page.locator("h1")).to_have_text("Uw kwartalen")
    expect(page.locator(".lk-account__who")).to_have_text("Aangemeld: Amsterdam")

    # The template, downloaded as a person does.
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel-sjabloon (.xlsx)").click()
    assert download.value.suggested_filename == "lekstat-aantallen.xlsx"
    template = tmp_path / "sjabloon.xlsx"
    download.value.save_as(template)
    assert DATA_SHEET in openpyxl.load_workbook(template).sheetnames

    wrong = fill(
        template,
        [
            ROW_OK,
            ["FT01_BRP", "DC01_BRP_ADRES", "ST02_INTERN_ONDERZOEK", "EM01_VAST", "MO02_PRIVE", -1],
            ["FT77", "DC01_BRP_ADRES", "ST02_INTERN_ONDERZOEK", "EM01_VAST", "MO02_PRIVE", 1],
        ],
        tmp_path / "aantallen.xlsx",
    )
    with page.expect_navigation():
        page.get_by_role("link", name=str(LAST), exact=True).click()
    check(visit)
    expect(page.locator("h1")).to_have_text(f"Kwartaal {LAST}")

    page.get_by_label("Bestand met aantallen").set_input_files(wrong)
    with page.expect_navigation():
        page.get_by_role("button", name="Bestand controleren").click()
    check(visit)
    expect(page.locator(".lk-error-summary")).to_contain_text("aantallen.xlsx heeft 2")
    problems = page.locator(".lk-problems tbody tr")
    expect(problems).to_have_count(2)
    # As a screen reader reads the cells (the phone layout's labels are aria-hidden).
    expect(problems.nth(0).get_by_role("cell").nth(0)).to_have_accessible_name("3")
    expect(problems.nth(0).get_by_role("cell").nth(1)).to_have_accessible_name("count")
    expect(problems.nth(1).get_by_role("cell").nth(2)).to_have_accessible_name("FT77")

    right = fill(
        template,
        [
            ROW_OK,
            ["FT01_BRP", "DC01_BRP_ADRES", "ST02_INTERN_ONDERZOEK", "EM01_VAST", "MO02_PRIVE", 1],
        ],
        tmp_path / "aantallen-verbeterd.xlsx",
    )
    page.get_by_label("Bestand met aantallen").set_input_files(right)
    with page.expect_navigation():
        page.get_by_role("button", name="Bestand controleren").click()
    check(visit)
    expect(page.locator(".utrecht-alert--success")).to_contain_text("Het bestand is in orde")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Aanleveren voor {LAST}").click()
    check(visit)
    expect(page.locator("h1")).to_have_text(f"Ontvangstbewijs {LAST}, versie 1")
    expect(page.locator(".utrecht-alert--success")).to_contain_text("opgeslagen als versie 1")
    expect(page.locator(".lk-receipt-rows tbody tr")).to_have_count(2)

    # On paper: the receipt without the header's buttons, the language switch or the print button.
    expect(page.locator(".lk-print-button")).to_be_visible()  # JavaScript showed it
    page.emulate_media(media="print")
    expect(page.locator(".lk-account")).to_be_hidden()
    expect(page.locator(".lk-print-button")).to_be_hidden()
    expect(page.locator(".lk-receipt-rows")).to_be_visible()
    page.emulate_media(media="screen")

    # The overview now says so.
    with page.expect_navigation():
        page.get_by_role("link", name="Mijn lekstat").first.click()
    row = page.locator(".lk-quarters tbody tr", has=page.get_by_role("link", name=str(LAST)))
    expect(row).to_contain_text("Aangeleverd")
    expect(row).to_contain_text("Versie 1")


def test_portal_nil_return_with_its_confirmation(
    page_check: Callable[..., Visit], issue_token: Callable[..., str]
) -> None:
    visit = page_check("/sign-in")
    page = visit.page
    sign_in(page, issue_token("municipality", "GM0344"))
    with page.expect_navigation():
        page.get_by_role("link", name=str(BEFORE), exact=True).click()
    with page.expect_navigation():
        page.get_by_role("link", name="Nulmelding doen").click()
    check(visit)
    expect(page.locator("h1")).to_have_text(f"Nulmelding voor {BEFORE}")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Ja, meld geen incidenten voor {BEFORE}").click()
    check(visit)
    expect(page.locator("h1")).to_have_text(f"Ontvangstbewijs {BEFORE}, versie 1")
    expect(page.locator("main")).to_contain_text("Een nulmelding: geen incidenten in dit kwartaal.")
    # Asked again: already reported, nothing to confirm.
    page.goto(page.url.split("/portal/")[0] + f"/portal/quarters/{BEFORE}/nil")
    check(visit)
    expect(page.locator(".utrecht-alert--info")).to_contain_text("al een nulmelding gedaan")


def test_portal_drop_a_file_on_the_field(
    page_check: Callable[..., Visit], issue_token: Callable[..., str]
) -> None:
    visit = page_check("/sign-in")
    page = visit.page
    sign_in(page, issue_token("municipality", "GM0518"))
    page.goto(page.url + f"/quarters/{LAST}")
    zone = page.locator(".lk-drop-zone")
    expect(zone).to_have_class("utrecht-form-field__input lk-drop-zone lk-drop-zone--active")
    expect(zone).to_contain_text("of sleep het bestand hierheen")
    csv = "function_type;data_category;stage;employment_type;motive;count\n"
    csv += "FT01;DC01;ST01;EM01;MO02;1\n"
    dropped = page.evaluate_handle(
        """(text) => { const d = new DataTransfer();
             d.items.add(new File([text], 'gesleept.csv', {type: 'text/csv'})); return d; }""",
        csv,
    )
    zone.dispatch_event("drop", {"dataTransfer": dropped})
    assert page.evaluate("document.getElementById('file').files[0].name") == "gesleept.csv"
    with page.expect_navigation():
        page.get_by_role("button", name="Bestand controleren").click()
    expect(page.locator(".utrecht-data-list")).to_contain_text("gesleept.csv")


def test_portal_every_other_page_type_passes_axe(
    page_check: Callable[..., Visit],
    issue_token: Callable[..., str],
    server: Server,
    server_db: Path,
) -> None:
    visit = page_check("/portal/counting-rules")
    expect(visit.page.locator("h1")).to_have_text("Telregels")
    page_check("/portal/counting-rules?lang=en")
    # The start page of a role whose pages come later.
    role = page_check("/sign-in")
    sign_in(role.page, issue_token("analyst"))
    check(role)
    expect(role.page.locator("main")).to_contain_text("U bent aangemeld als analist.")
    # A refusal's page: another municipality's receipt is not found; no access for a role.
    role.page.goto(server.url + f"/portal/quarters/{LAST}")
    check(role)
    expect(role.page.locator("h1")).to_have_text("Geen toegang")
    # A locked quarter: the lock and whom to contact, no form.
    mine = page_check("/sign-in")
    sign_in(mine.page, issue_token("municipality", "GM0014"))
    locked = run("lekstat-server", "--db", str(server_db), "period", "lock", str(FIRST_PERIOD))
    assert locked.returncode == 0, locked.stderr
    mine.page.goto(server.url + f"/portal/quarters/{FIRST_PERIOD}")
    check(mine)
    expect(mine.page.locator(".utrecht-alert--warning")).to_contain_text("vergrendeld")
    expect(mine.page.locator("input[type=file]")).to_have_count(0)
    mine.page.goto(server.url + "/portal/submissions/sub_0000000000000000")
    check(mine)
    expect(mine.page.locator("h1")).to_have_text("Pagina niet gevonden")


def test_portal_works_without_javascript(
    browser: Browser, server: Server, issue_token: Callable[..., str], tmp_path: Path
) -> None:
    context = browser.new_context(java_script_enabled=False, base_url=server.url)
    try:
        page = context.new_page()
        foreign: list[str] = []
        page.on(
            "request",
            lambda r: foreign.append(r.url) if not r.url.startswith(server.url) else None,
        )
        page.goto(server.url + "/sign-in")
        sign_in(page, issue_token("municipality", "GM0599"))
        with page.expect_navigation():
            page.get_by_role("link", name=str(LAST), exact=True).click()
        expect(page.locator(".lk-drop-zone__text")).to_have_count(0)  # no JavaScript: plain
        good = tmp_path / "aantallen.csv"
        good.write_text(
            "functietype;gegevenscategorie;fase;dienstverband;motief;aantal\n"
            "FT04;DC03;ST01;EM03;MO01;4\n",
            encoding="utf-8",
        )
        page.get_by_label("Bestand met aantallen").set_input_files(good)
        with page.expect_navigation():
            page.get_by_role("button", name="Bestand controleren").click()
        with page.expect_navigation():
            page.get_by_role("button", name=f"Aanleveren voor {LAST}").click()
        expect(page.locator("h1")).to_have_text(f"Ontvangstbewijs {LAST}, versie 1")
        expect(page.locator(".lk-print-button")).to_be_hidden()  # needs JavaScript
        with page.expect_navigation():
            page.get_by_role("link", name=f"Terug naar kwartaal {LAST}").click()
        with page.expect_navigation():
            page.get_by_role("link", name="Nulmelding doen").click()
        with page.expect_navigation():
            page.get_by_role("button", name=f"Ja, meld geen incidenten voor {LAST}").click()
        expect(page.locator("h1")).to_have_text(f"Ontvangstbewijs {LAST}, versie 2")
        with page.expect_navigation():
            page.get_by_role("button", name="Afmelden").click()
        expect(page.locator(".utrecht-alert--success")).to_contain_text("U bent afgemeld")
        assert foreign == []
    finally:
        context.close()


def test_portal_problems_on_a_phone_pass_axe_without_sideways_scrolling(
    page_check: Callable[..., Visit], issue_token: Callable[..., str], tmp_path: Path
) -> None:
    visit = page_check("/sign-in", width=360)
    page = visit.page
    sign_in(page, issue_token("municipality", "GM0202"))
    check(visit)
    page.goto(page.url + f"/quarters/{LAST}")
    wrong = tmp_path / "fout.csv"
    wrong.write_text(
        "function_type;data_category;stage;employment_type;motive;count\n"
        "FT77;DC01;ST01;EM01;MO02;1\nFT01;DC01;ST01;EM01;MO09;-2\n",
        encoding="utf-8",
    )
    page.get_by_label("Bestand met aantallen").set_input_files(wrong)
    with page.expect_navigation():
        page.get_by_role("button", name="Bestand controleren").click()
    check(visit)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    table = page.locator(".lk-problems")
    assert table.evaluate("e => e.scrollWidth <= e.parentElement.clientWidth")
    # Stacked, each value has its label; screen readers still get a table with headers.
    expect(
        page.locator(".lk-problems tbody tr").first.locator(".lk-stack__label").first
    ).to_be_visible()
    expect(page.get_by_role("table").first.get_by_role("columnheader")).to_have_count(4)
