"""The public figures pages: what each reader sees, the tables with their marks, the report and
the downloads."""

from __future__ import annotations

import io
import zipfile

import pytest

from aggregator.services.provenance import PROVISIONAL_MARK, UNRELIABLE_MARK
from tests.support import publish_years
from tests.web.conftest import NOW, Portal, read


@pytest.fixture
def years(portal: Portal) -> dict[str, str]:
    """Final releases of 2024 and 2025, a provisional one of 2026."""
    return publish_years(portal.store, NOW)


def test_public_list_shows_final_releases_and_provisional_ones_to_analysts(
    portal: Portal, years: dict[str, str]
) -> None:
    public = read(portal.browser().get("/figures").text)
    listed = [a.text for a in public.all("a") if a.attrs.get("href", "").startswith("/figures/")]
    assert listed == [years["final_2025"], years["final_2024"]]
    assert "alleen voor aangemelde analisten" in public.one("main").text
    analyst = read(portal.signed_in("analyst").get("/figures").text)
    rows = [th.text for th in analyst.all("th", scope="row")]
    assert rows == [years["provisional"], years["final_2025"], years["final_2024"]]
    assert f"2026{PROVISIONAL_MARK}" in analyst.one("tbody").text
    municipality = portal.signed_in("own").get(f"/figures/{years['provisional']}")
    assert municipality.status_code == 404


def test_public_release_page_tables_carry_the_figures_and_their_marks(
    portal: Portal, years: dict[str, str]
) -> None:
    rid = years["final_2025"]
    page = read(portal.browser().get(f"/figures/{rid}").text)
    assert page.one("h1").text == f"Publicatie {rid}: cijfers over 2025"
    published = portal.store.release_table(rid, "signals_by_motive")
    assert published is not None
    caption = "Nieuwe zaken (signalen) naar motief, 2025"
    tables = [t for t in page.all("table") if caption in t.text]
    assert len(tables) == 1
    for row in published.itertuples():
        mark = f" {UNRELIABLE_MARK} (onbetrouwbaar)" if row.unreliable else ""
        assert f"{row.estimate}{mark} {row.ci_low}–{row.ci_high}" in tables[0].text
    assert page.all("svg", role="img")  # a chart per table, drawn on the server
    assert "onbetrouwbaar: het 95%-interval is breder" in page.one("main").text
    assert PROVISIONAL_MARK + " " not in page.one("main").text  # a final release: no * legend
    english = read(portal.browser().get(f"/figures/{rid}?lang=en").text)
    assert english.one("h1").text == f"Release {rid}: figures of 2025"


def test_public_provisional_release_says_so_with_its_mark(
    portal: Portal, years: dict[str, str]
) -> None:
    page = read(portal.signed_in("analyst").get(f"/figures/{years['provisional']}").text)
    main = page.one("main").text
    assert "Voorlopige cijfers" in main and f"voorlopig ({PROVISIONAL_MARK})" in main
    assert f"Schatting 2026{PROVISIONAL_MARK}" in main


def test_public_report_downloads_as_html_and_pdf(portal: Portal, years: dict[str, str]) -> None:
    browser = portal.browser()
    rid = years["final_2025"]
    html = browser.get(f"/figures/{rid}/report.html")
    assert html.status_code == 200 and rid in html.text
    assert "attachment" in html.headers["content-disposition"]
    assert "script-src" not in html.headers["content-security-policy"]  # no script at all
    assert "default-src 'none'" in html.headers["content-security-policy"]
    pdf = browser.get(f"/figures/{rid}/report.pdf?lang=en")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "report.pdf" in pdf.headers["content-disposition"]


def test_public_page_downloads_are_the_apis_files(portal: Portal, years: dict[str, str]) -> None:
    rid = years["final_2024"]
    browser = portal.browser()
    page = browser.get(f"/figures/{rid}/files/totals.zip")
    api = browser.get(f"/api/v1/figures/{rid}/totals.zip")
    names = zipfile.ZipFile(io.BytesIO(page.content)).namelist()
    assert names == zipfile.ZipFile(io.BytesIO(api.content)).namelist()
    structure = browser.get(f"/figures/{rid}/sdmx/structure.xml")
    assert structure.content == browser.get(f"/api/v1/sdmx/{rid}/structure").content


def test_public_series_page_shows_each_year(portal: Portal, years: dict[str, str]) -> None:
    page = read(portal.browser().get("/figures/series/totals?stage=ST01_SIGNAAL").text)
    assert page.one("h1").text == "Door de jaren: Signaal of vermoeden"
    years_shown = [th.text for th in page.all("th", scope="row")]
    assert years_shown == ["2024", "2025"]
    assert "Opgeteld over de definitieve jaren" in page.one("main").text
    bad = portal.browser().get("/figures/series/totals?stage=ST99")
    assert bad.status_code == 422 and "ST01_SIGNAAL" in bad.text


def test_public_methodology_links_the_report_of_the_latest_final_release(
    portal: Portal, years: dict[str, str]
) -> None:
    page = read(portal.browser().get("/methodology").text)
    hrefs = [a.attrs["href"] for a in page.all("a", class_="utrecht-link")]
    assert f"/figures/{years['final_2025']}/report.pdf" in hrefs
    marks = [dt.text for dt in page.all("dt", class_="lk-marks__mark")]
    assert marks == [PROVISIONAL_MARK, UNRELIABLE_MARK]  # the legend of the release pages
    assert "onbetrouwbaar: het 95%-interval is breder" in page.one("main").text


def test_public_certificate_names_tables_by_title_and_the_budget_as_set(
    portal: Portal, years: dict[str, str]
) -> None:
    page = read(portal.browser().get(f"/figures/{years['final_2025']}/certificate").text)
    table = next(t.text for t in page.all("table") if t.text.startswith("Per tabel"))
    assert "Landelijk totaal naar fase" in table and "Nieuwe zaken (signalen) naar motief" in table
    assert "signals_by_motive" not in table  # the title a reader knows, not the code
    assert "vastgesteld op ρ = 5" in page.one("main").text
    english = read(portal.browser().get(f"/figures/{years['final_2025']}/certificate?lang=en").text)
    assert "set at ρ = 5" in english.one("main").text
