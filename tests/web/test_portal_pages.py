"""The municipality's pages: the overview, a quarter, the check with every problem, submitting
exactly the checked file once, the nil return, the receipt, templates and counting rules."""

from __future__ import annotations

import io

import openpyxl
import pytest

from aggregator.http.errors import STATUS_OF_KIND
from aggregator.web.csrf import CSRF_FIELD
from aggregator.web.outcomes import PAGE_OF_KIND
from client.files import DATA_SHEET, excel_template
from tests.web.conftest import (
    BAD_CSV,
    GOOD_CSV,
    HEADER,
    OWN,
    Page,
    Portal,
    check,
    check_and_submit,
    csrf_of,
    facts,
    read,
    table_rows,
)


def _xlsx(rows: list[list[object]]) -> bytes:
    """The Excel template filled in with ``rows`` below its header."""
    workbook = excel_template("nl")
    sheet = workbook[DATA_SHEET]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            sheet.cell(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def form_button(page: Page) -> str:
    """The text of the main form's submit button."""
    [button] = [
        b for b in page.all("button", type="submit") if "lk-account__button" not in b.attrs["class"]
    ]
    return button.text


def test_refusal_pages_answer_with_the_apis_status_for_each_kind() -> None:
    assert {kind: outcome.status for kind, outcome in PAGE_OF_KIND.items()} == STATUS_OF_KIND


def test_overview_shows_each_quarter_with_deadline_status_version_and_lock(
    portal: Portal,
) -> None:
    browser = portal.signed_in("own")
    check_and_submit(browser, "2026-Q2", GOOD_CSV)
    portal.store.lock_period("2026-Q2", portal.clock["now"], "operator")
    response = browser.get("/portal")
    assert response.status_code == 200
    page = read(response.text)
    assert page.one("h1").text == "Uw kwartalen"
    assert page.one("caption").text == "Kwartalen van Amsterdam"
    rows = table_rows(response.text, "lk-quarters")
    assert [r[0] for r in rows[:3]] == ["2026-Q4", "2026-Q3", "2026-Q2"]
    assert rows[-1][0] == "2024-Q1" and len(rows) == 12
    assert rows[0] == ["2026-Q4", "30 januari 2027", "Nog niet aangeleverd", "geen", "Nee"]
    assert rows[1] == [
        "2026-Q3",
        "30 oktober 2026",
        "Niet aangeleverd, termijn verstreken",
        "geen",
        "Nee",
    ]
    assert rows[2] == [
        "2026-Q2",
        "30 juli 2026",
        "Aangeleverd Te laat",
        "Versie 1",
        "Ja, sinds 29 november 2026",
    ]
    links = {a.attrs["href"] for a in page.all("a")}
    assert {"/portal/quarters/2026-Q3", "/portal/template.xlsx", "/portal/template.csv"} <= links
    english = table_rows(browser.get("/portal?lang=en").text, "lk-quarters")
    assert english[1][1:3] == ["30 October 2026", "Not submitted, deadline passed"]


def test_quarter_page_has_a_labelled_file_field_that_works_without_javascript(
    portal: Portal,
) -> None:
    page = read(portal.signed_in("own").get("/portal/quarters/2026-Q3").text)
    form = page.one("form", class_="lk-form")
    assert form.attrs["action"] == "/portal/quarters/2026-Q3/check"
    assert (form.attrs["method"], form.attrs["enctype"]) == ("post", "multipart/form-data")
    field = page.one("input", type="file")
    assert page.one("label", for_="file").text == "Bestand met aantallen"
    assert field.attrs["aria-describedby"] == "file-hint" and ".xlsx" in field.attrs["accept"]
    assert page.one("a", href="/portal/quarters/2026-Q3/nil").text == "Nulmelding doen"
    assert page.all("script")[0].attrs["src"].endswith("/portal.js")  # served, not inline


def test_check_shows_every_problem_at_once_and_stores_nothing(portal: Portal) -> None:
    browser = portal.signed_in("own")
    response = check(browser, "2026-Q3", "aantallen.csv", BAD_CSV)
    assert response.status_code == 422
    page = read(response.text)
    assert page.one("title").text.startswith("Fout: Kwartaal 2026-Q3")
    summary = page.one("div", class_="lk-error-summary")
    assert "aantallen.csv heeft 3 problemen; er is niets opgeslagen" in summary.text
    assert page.one("a", href="#file").text.startswith("aantallen.csv heeft 3")
    assert page.one("input", type="file").attrs["aria-invalid"] == "true"
    rows = table_rows(response.text, "lk-problems")
    assert [r[:3] for r in rows] == [
        ["2", "count", "-1"],
        ["3", "function_type", "FT77"],
        ["4", "count", "2.5"],
    ]
    assert rows[0][3].startswith("Een aantal kan niet negatief zijn")
    assert all(r[3] for r in rows)  # every row says what to do
    assert portal.store.list_submissions() == []
    browser.get("/portal?lang=en")  # the language is remembered
    english = check(browser, "2026-Q3", "aantallen.csv", BAD_CSV)
    assert table_rows(english.text, "lk-problems")[0][3].startswith("A count cannot be negative")


def test_check_of_an_excel_file_reports_its_rows_as_excel_numbers_them(portal: Portal) -> None:
    data = _xlsx(
        [
            ["FT04_PARKEREN", "DC03_KENTEKEN", "ST01_SIGNAAL", "EM03_INHUUR", "MO01_CRIMINEEL", 1],
            ["FT01", "DC99", "ST09", "EM01", "MO02", 3],
        ]
    )
    response = check(portal.signed_in("own"), "2026-Q3", "aantallen.xlsx", data)
    assert response.status_code == 422
    assert [r[:3] for r in table_rows(response.text, "lk-problems")] == [["3", "stage", "ST09"]]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("", b"", "Kies een bestand om te controleren"),
        ("leeg.csv", b"", "leeg.csv is leeg"),
    ],
)
def test_check_without_a_file_is_a_field_error(
    portal: Portal, name: str, data: bytes, message: str
) -> None:
    browser = portal.signed_in("own")
    csrf = csrf_of(browser.get("/portal/quarters/2026-Q3").text)
    files = {"file": (name, data, "text/csv")}
    response = browser.post("/portal/quarters/2026-Q3/check", data={CSRF_FIELD: csrf}, files=files)
    assert response.status_code == 422
    assert read(response.text).one("p", id="file-error").text.startswith(f"Fout: {message}")


def test_check_of_a_good_file_offers_to_submit_it(portal: Portal) -> None:
    response = check(portal.signed_in("own"), "2026-Q3", "aantallen.csv", GOOD_CSV)
    assert response.status_code == 200
    page = read(response.text)
    assert page.one("h1").text == "Controle voor 2026-Q3"
    shown = facts(page)
    assert shown["Bestand"] == "aantallen.csv"
    assert (shown["Combinaties"], shown["Incidenten in totaal"]) == ("2", "3")
    assert (shown["Wordt"], shown["Soort"]) == ("Versie 1", "Aantallen")
    assert shown["Op tijd"].startswith("Nee, te laat")
    form = page.one("form", class_="lk-form")
    assert form.attrs["action"] == "/portal/quarters/2026-Q3/submit"
    assert portal.store.list_submissions() == []  # a check stores nothing


def test_submit_stores_the_checked_file_once_and_shows_its_receipt(portal: Portal) -> None:
    browser = portal.signed_in("own")
    checked = check(browser, "2026-Q3", "aantallen.csv", GOOD_CSV)
    page = read(checked.text)
    form = {
        CSRF_FIELD: csrf_of(checked.text),
        "upload": page.one("input", name="upload").attrs["value"],
        "sha256": page.one("input", name="sha256").attrs["value"],
    }
    first = browser.post("/portal/quarters/2026-Q3/submit", data=form)
    second = browser.post("/portal/quarters/2026-Q3/submit", data=form)  # a double click
    [stored] = portal.store.list_submissions()
    assert first.headers["location"] == f"/portal/submissions/{stored.id}?stored=1"
    assert second.headers["location"] == f"/portal/submissions/{stored.id}?unchanged=1"
    assert (stored.municipality, stored.period, stored.row_count, stored.total) == (
        OWN,
        "2026-Q3",
        2,
        3,
    )
    assert stored.sha256 == form["sha256"] and stored.idempotency_key is not None
    receipt = browser.get(first.headers["location"])
    page = read(receipt.text)
    assert page.one("h1").text == "Ontvangstbewijs 2026-Q3, versie 1"
    assert "opgeslagen als versie 1" in page.one("div", class_="utrecht-alert").text
    shown = facts(page)
    assert shown["Gemeente"] == "Amsterdam (GM0363)"
    assert shown["Kenmerk"] == stored.id and shown["Controlegetal (SHA-256)"] == stored.sha256
    assert (shown["Op tijd"], shown["Incidenten in totaal"]) == ("Te laat", "3")
    rows = table_rows(receipt.text, "lk-receipt-rows")
    assert len(rows) == 2 and {r[-1] for r in rows} == {"2", "1"}
    assert any(r[0].startswith("FT04_PARKEREN Parkeren") for r in rows)
    assert any(r[4].startswith("MO02_PRIVE Privé") for r in rows)
    assert page.one("button", class_="lk-print-button").attrs.get("hidden") == ""


def test_submit_needs_the_checked_upload_of_this_session(portal: Portal) -> None:
    browser = portal.signed_in("own")
    checked = check(browser, "2026-Q3", "a.csv", GOOD_CSV)
    page = read(checked.text)
    upload = page.one("input", name="upload").attrs["value"]
    sha256 = page.one("input", name="sha256").attrs["value"]
    csrf = csrf_of(checked.text)
    for form in [
        {"upload": upload, "sha256": "0" * 64},  # another content than was checked
        {"upload": "unknown", "sha256": sha256},
    ]:
        response = browser.post("/portal/quarters/2026-Q3/submit", data={CSRF_FIELD: csrf, **form})
        assert response.status_code == 409
        assert "Controleer het bestand opnieuw" in read(response.text).one("main").text
    # Another session (even of the same municipality) cannot submit this session's upload.
    other = portal.signed_in("own")
    other_csrf = csrf_of(other.get("/portal").text)
    response = other.post(
        "/portal/quarters/2026-Q3/submit",
        data={CSRF_FIELD: other_csrf, "upload": upload, "sha256": sha256},
    )
    assert response.status_code == 409
    # Another quarter's submit does not take it either.
    response = browser.post(
        "/portal/quarters/2026-Q2/submit",
        data={CSRF_FIELD: csrf, "upload": upload, "sha256": sha256},
    )
    assert response.status_code == 409
    assert portal.store.list_submissions() == []


def test_sign_out_forgets_the_sessions_checked_uploads(portal: Portal) -> None:
    browser = portal.signed_in("own")
    check(browser, "2026-Q3", "a.csv", GOOD_CSV)
    check(portal.signed_in("other"), "2026-Q3", "a.csv", GOOD_CSV)
    kept = portal.app.state.pending_uploads
    assert len(kept) == 2
    browser.post("/sign-out", data={CSRF_FIELD: csrf_of(browser.get("/portal").text)})
    assert len(kept) == 1


def test_check_of_the_current_content_says_it_is_already_submitted(portal: Portal) -> None:
    browser = portal.signed_in("own")
    receipt = check_and_submit(browser, "2026-Q3", GOOD_CSV)
    again = check(browser, "2026-Q3", "zelfde.csv", GOOD_CSV)
    page = read(again.text)
    assert (
        "precies de inhoud van uw huidige versie 1" in page.one("div", class_="utrecht-alert").text
    )
    assert page.all("form", class_="lk-form") == []
    assert page.one("a", href=receipt.split("?")[0]).text == "Ontvangstbewijs van versie 1"


def test_correction_becomes_the_next_version_and_history_lists_both(portal: Portal) -> None:
    browser = portal.signed_in("own")
    check_and_submit(browser, "2026-Q3", GOOD_CSV)
    corrected = GOOD_CSV.replace(b";1\n", b";4\n")
    checked = read(check(browser, "2026-Q3", "b.csv", corrected).text)
    assert facts(checked)["Wordt"] == "Versie 2, in plaats van versie 1 (die blijft bewaard)"
    check_and_submit(browser, "2026-Q3", corrected)
    response = browser.get("/portal/quarters/2026-Q3")
    headings = [h.text for h in read(response.text).all("h2")]
    assert "Een correctie aanleveren" in headings
    history = table_rows(response.text, "lk-versions")
    assert [r[0] for r in history] == ["Versie 2 huidig", "Versie 1"]
    assert [r[2:5] for r in history] == [["Aantallen", "2", "6"], ["Aantallen", "2", "3"]]
    assert [v.version for v in portal.store.list_submissions()] == [1, 2]


def test_nil_return_asks_for_confirmation_then_stores_one_version(portal: Portal) -> None:
    browser = portal.signed_in("own")
    confirm = browser.get("/portal/quarters/2026-Q3/nil")
    page = read(confirm.text)
    assert page.one("h1").text == "Nulmelding voor 2026-Q3"
    assert "geen enkel incident" in page.one("main").text
    assert "wordt als te laat geregistreerd" in page.one("main").text  # the deadline passed
    current = read(browser.get("/portal/quarters/2026-Q4/nil").text)
    assert "te laat" not in current.one("main").text
    assert portal.store.list_submissions() == []  # asking stores nothing
    form = page.one("form", class_="lk-form")
    assert form.attrs["action"] == "/portal/quarters/2026-Q3/nil"
    assert form_button(page) == "Ja, meld geen incidenten voor 2026-Q3"
    csrf = csrf_of(confirm.text)
    first = browser.post("/portal/quarters/2026-Q3/nil", data={CSRF_FIELD: csrf})
    again = browser.post("/portal/quarters/2026-Q3/nil", data={CSRF_FIELD: csrf})
    [stored] = portal.store.list_submissions()
    assert stored.nil_return and stored.period == "2026-Q3"
    assert first.headers["location"] == f"/portal/submissions/{stored.id}?stored=1"
    assert again.headers["location"] == f"/portal/submissions/{stored.id}?unchanged=1"
    receipt = read(browser.get(first.headers["location"]).text)
    assert "Een nulmelding: geen incidenten in dit kwartaal." in receipt.one("main").text
    done = read(browser.get("/portal/quarters/2026-Q3/nil").text)
    assert "al een nulmelding gedaan (versie 1)" in done.one("main").text
    assert done.all("form", class_="lk-form") == []


def test_nil_return_over_counts_warns_that_it_replaces_them(portal: Portal) -> None:
    browser = portal.signed_in("own")
    check_and_submit(browser, "2026-Q3", GOOD_CSV)
    page = read(browser.get("/portal/quarters/2026-Q3/nil").text)
    warning = page.one("div", class_="utrecht-alert--warning")
    assert "al aantallen aangeleverd (versie 1, 3 incidenten)" in warning.text


def test_locked_quarter_shows_the_lock_and_whom_to_contact(portal: Portal) -> None:
    portal.store.lock_period("2026-Q3", portal.clock["now"], "operator")
    browser = portal.signed_in("own")
    page = read(browser.get("/portal/quarters/2026-Q3").text)
    alert = page.one("div", class_="utrecht-alert--warning")
    assert "Dit kwartaal is vergrendeld" in alert.text
    assert "29 november 2026, 13:00" in alert.text  # Dutch time
    assert "helpdesk@lekstat.example" in alert.text
    assert page.all("input", type="file") == [] and page.all("form", class_="lk-form") == []
    assert browser.get("/portal/quarters/2026-Q3/nil").status_code == 409
    # A nil return posted anyway is refused by the service, with the lock and the contact.
    csrf = csrf_of(browser.get("/portal").text)
    refused = browser.post("/portal/quarters/2026-Q3/nil", data={CSRF_FIELD: csrf})
    assert refused.status_code == 409
    page = read(refused.text)
    assert page.one("h1").text == "Dit kan nu niet"
    assert "periode 2026-Q3 is vergrendeld" in page.one("main").text
    terms = [e.text for e in page.all("dt")]
    assert terms == ["Kwartaal", "Vergrendeld op", "Vergrendeld door", "Vragen aan"]
    assert page.one("a", href="/portal/quarters/2026-Q3").text == "Terug naar kwartaal 2026-Q3"
    assert portal.store.list_submissions() == []


@pytest.mark.parametrize(
    ("period", "status", "h1"),
    [("2027-Q1", 404, "Pagina niet gevonden"), ("2026-Q9", 422, "Dit kan zo niet")],
)
def test_quarter_that_lekstat_does_not_take_is_refused(
    portal: Portal, period: str, status: int, h1: str
) -> None:
    response = portal.signed_in("own").get(f"/portal/quarters/{period}")
    assert response.status_code == status
    assert read(response.text).one("h1").text == h1


def test_templates_are_the_clients_in_the_pages_language(portal: Portal) -> None:
    browser = portal.browser()
    xlsx = browser.get("/portal/template.xlsx")
    assert xlsx.headers["content-disposition"] == 'attachment; filename="lekstat-aantallen.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames[0] == DATA_SHEET
    english = browser.get("/portal/template.xlsx?lang=en")
    assert english.headers["content-disposition"].endswith('filename="lekstat-counts.xlsx"')
    csv = browser.get("/portal/template.csv")
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    # The template speaks the page's language; reading accepts both languages' headers.
    assert csv.content.decode("utf-8-sig").startswith("functietype;gegevenscategorie;fase")
    english_csv = browser.get("/portal/template.csv?lang=en").content.decode("utf-8-sig")
    assert english_csv.startswith("function_type;data_category;stage")
    assert browser.get("/portal/template.pdf").status_code == 404


def test_counting_rules_come_from_the_taxonomy(portal: Portal) -> None:
    from schemas.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    for lang in ("nl", "en"):
        response = portal.browser().get(f"/portal/counting-rules?lang={lang}")
        page = read(response.text)
        items = [li.text for li in page.all("li") if li.attrs == {}]
        for rule in taxonomy.counting_rules(lang):
            assert " ".join(rule.split()) in items
        assert "FT04_PARKEREN" in response.text


def test_no_portal_page_refers_to_another_host(portal: Portal) -> None:
    browser = portal.signed_in("own")
    receipt = check_and_submit(browser, "2026-Q3", GOOD_CSV)
    pages = [
        browser.get("/portal"),
        browser.get("/portal/quarters/2026-Q3"),
        browser.get("/portal/quarters/2026-Q2/nil"),
        browser.get(receipt),
        browser.get("/portal/counting-rules"),
        check(browser, "2026-Q2", "a.csv", BAD_CSV),
        check(browser, "2026-Q2", "a.csv", GOOD_CSV),
        portal.signed_in("statistician").get("/portal"),
    ]
    for response in pages:
        assert response.status_code in (200, 422), response.request.url
        for element in read(response.text).elements:
            for name in ("href", "src", "action", "formaction"):
                value = element.attrs.get(name)
                if value is not None:
                    assert value.startswith(("/", "#")) and not value.startswith("//"), value
        assert "http://" not in response.text and "https://" not in response.text


def test_texts_chosen_in_code_exist_in_both_languages() -> None:
    from aggregator.web.messages import MESSAGES
    from aggregator.web.outcomes import DETAIL_LABELS
    from aggregator.web.session import REASONS

    keys = {outcome.title for outcome in PAGE_OF_KIND.values()}
    keys |= set(DETAIL_LABELS.values()) | {f"sign_in_reason_{r}" for r in REASONS}
    keys |= {"status_nil", "status_reported", "status_overdue", "status_open"}
    keys |= {"kind_nil", "kind_counts", "late", "on_time", "file_has_one_problem"}
    keys |= {"problems_caption_one", "upload_heading_correction", "refusal_text"}
    keys |= {f"month_{m}" for m in range(1, 13)}
    assert keys - set(MESSAGES) == set()


def test_check_lists_the_same_mistake_once_with_its_rows(portal: Portal) -> None:
    # The same unknown code copied down three rows (each another stage).
    lines = [f"FT77;DC01;{stage};EM01;MO02;1\n" for stage in ("ST01", "ST02", "ST03")]
    data = (HEADER + "".join(lines)).encode()
    response = check(portal.signed_in("own"), "2026-Q3", "a.csv", data)
    rows = table_rows(response.text, "lk-problems")
    assert [r[:3] for r in rows] == [["2–4 (3 rijen)", "function_type", "FT77"]]
    caption = read(response.text).one("caption", id="problems-table-caption").text
    assert caption.startswith("3 problemen in a.csv")


def test_check_shows_at_most_so_many_different_problems_and_says_how_many_more(
    portal: Portal,
) -> None:
    from aggregator.web.problems import MAX_SHOWN

    lines = [f"FT01;DC01;ST0{1 + i % 8};EM01;MO0{1 + i // 8 % 3};-{i + 1}\n" for i in range(24)]
    lines += [f"FT{1 + i % 14:02d};DC02;ST01;EM02;MO01;-{i + 100}\n" for i in range(MAX_SHOWN)]
    response = check(
        portal.signed_in("own"), "2026-Q3", "a.csv", (HEADER + "".join(lines)).encode()
    )
    assert response.status_code == 422
    assert len(table_rows(response.text, "lk-problems")) == MAX_SHOWN
    assert f"de eerste {MAX_SHOWN} verschillende problemen; er zijn er nog" in response.text
    assert len(response.content) < 400_000


def test_problem_rows_are_ranges_and_a_long_list_is_cut() -> None:
    from aggregator.web.problems import rows_text

    assert rows_text([5]) == "5"
    assert rows_text(list(range(2, 40, 2))).endswith(", …")
