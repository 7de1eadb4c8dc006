"""Screenshots of the main pages for ``docs/screenshots/``, from the real server in Chromium.

.venv/bin/python -m tests.browser.screenshots [OUT_DIR]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from aggregator.demo.processes import Server, run, start_server, stop_server
from schemas.periods import Period
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.publishing import publish

#: name, path, viewport width, and what to do on the page before the picture.
SHOTS: list[tuple[str, str, int, str | None]] = [
    ("home-nl", "/?lang=nl", 1280, None),
    ("home-en", "/?lang=en", 1280, None),
    ("sign-in-nl", "/sign-in?lang=nl", 1280, None),
    ("sign-in-en", "/sign-in?lang=en", 1280, None),
    ("sign-in-errors-nl", "/sign-in?lang=nl", 1280, "submit"),
    ("home-mobile-nl", "/?lang=nl", 375, None),
    ("sign-in-mobile-en", "/sign-in?lang=en", 375, "submit"),
    ("accessibility-nl", "/accessibility?lang=nl", 1280, None),
]

HEADER = "function_type;data_category;stage;employment_type;motive;count\n"
#: A file with three mistakes, and the same file corrected.
WRONG = (
    HEADER
    + "FT04_PARKEREN;DC03_KENTEKEN;ST01_SIGNAAL;EM03_INHUUR;MO01_CRIMINEEL;2\n"
    + "FT01_BRP;DC01_BRP_ADRES;ST02_INTERN_ONDERZOEK;EM01_VAST;MO02_PRIVE;-1\n"
    + "FT77;DC01_BRP_ADRES;ST02_INTERN_ONDERZOEK;EM01_VAST;MO02_PRIVE;1\n"
    + "FT06_VTH;DC07_BEDRIJF;ST03_DATALEK_AP;EM02_TIJDELIJK;MO09;2,5\n"
)
RIGHT = (
    HEADER
    + "FT04_PARKEREN;DC03_KENTEKEN;ST01_SIGNAAL;EM03_INHUUR;MO01_CRIMINEEL;2\n"
    + "FT01_BRP;DC01_BRP_ADRES;ST02_INTERN_ONDERZOEK;EM01_VAST;MO02_PRIVE;1\n"
    + "FT06_VTH;DC07_BEDRIJF;ST03_DATALEK_AP;EM02_TIJDELIJK;MO99_ONBEKEND;1\n"
)


def _act(page: Page, action: str | None) -> None:
    if action == "submit":
        page.locator("form.lk-form button[type=submit]").click()
        page.wait_for_selector(".lk-error-summary")


def _shoot(page: Page, out: Path, name: str) -> None:
    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
    print(out / f"{name}.png")


def public_shots(browser: Browser, server: Server, out: Path) -> None:
    """The public pages and signing in."""
    for name, path, width, action in SHOTS:
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(server.url + path)
        _act(page, action)
        _shoot(page, out, name)
        context.close()


def portal_shots(browser: Browser, server: Server, db: Path, out: Path, tmp: Path) -> None:
    """The municipality's pages: overview, problems, check, receipt, nil return, phone."""
    args = ["--db", str(db), "token", "create", "--role", "municipality"]
    made = run("lekstat-server", *args, "--municipality", "GM0363")
    token = made.stdout.strip().splitlines()[-1]
    last = Period.current().previous()
    wrong, right = tmp / "aantallen.csv", tmp / "aantallen-verbeterd.csv"
    wrong.write_text(WRONG, encoding="utf-8")
    right.write_text(RIGHT, encoding="utf-8")
    for width, suffix in ((1280, ""), (375, "-mobile")):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(server.url + "/sign-in?lang=nl")
        page.get_by_label("Token").fill(token)
        page.get_by_role("button", name="Aanmelden").click()
        page.wait_for_url("**/portal")
        if suffix:
            _shoot(page, out, f"portal-overview{suffix}-nl")
            page.goto(server.url + f"/portal/quarters/{last}")
            page.get_by_label("Bestand met aantallen").set_input_files(wrong)
            page.get_by_role("button", name="Bestand controleren").click()
            page.wait_for_selector(".lk-problems")
            _shoot(page, out, f"portal-problems{suffix}-nl")
            context.close()
            continue
        page.goto(server.url + f"/portal/quarters/{last.previous()}/nil")
        _shoot(page, out, "portal-nil-confirm-nl")
        page.get_by_role("button", name="Ja, meld geen incidenten").click()
        page.wait_for_selector(".utrecht-alert--success")
        page.goto(server.url + f"/portal/quarters/{last}")
        _shoot(page, out, "portal-quarter-nl")
        page.get_by_label("Bestand met aantallen").set_input_files(wrong)
        page.get_by_role("button", name="Bestand controleren").click()
        page.wait_for_selector(".lk-problems")
        _shoot(page, out, "portal-problems-nl")
        page.get_by_label("Bestand met aantallen").set_input_files(right)
        page.get_by_role("button", name="Bestand controleren").click()
        page.wait_for_selector(".utrecht-alert--success")
        _shoot(page, out, "portal-checked-nl")
        page.get_by_role("button", name=f"Aanleveren voor {last}").click()
        page.wait_for_selector(".lk-receipt-rows")
        _shoot(page, out, "portal-receipt-nl")
        paper = browser.new_context(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
        sheet = paper.new_page()
        sheet.goto(server.url + "/sign-in?lang=nl")
        sheet.get_by_label("Token").fill(token)
        sheet.get_by_role("button", name="Aanmelden").click()
        sheet.wait_for_url("**/portal")
        sheet.goto(page.url.split("?")[0])
        sheet.emulate_media(media="print")
        _shoot(sheet, out, "portal-receipt-print-nl")
        paper.close()
        page.goto(server.url + "/portal?lang=en")
        _shoot(page, out, "portal-overview-en")
        page.goto(server.url + "/portal?lang=nl")
        _shoot(page, out, "portal-overview-nl")
        context.close()


def figures_shots(browser: Browser, server: Server, db: Path, out: Path) -> None:
    """The public figures: releases, a release (its top, one table, a phone), certificate,
    methodology; then signed in as an analyst, a provisional release and a series with it. A
    release's page is long: only its top."""
    ids = publish(server, db, earlier=1)  # lekstat takes counts from 2024
    release = f"/figures/{ids['final']}"
    shots = [
        ("figures-nl", "/figures?lang=nl", 1280, None),
        ("figures-release-nl", f"{release}?lang=nl", 1280, 2400),
        ("figures-release-en", f"{release}?lang=en", 1280, 2400),
        ("figures-release-mobile-nl", f"{release}?lang=nl", 375, 3000),
        ("figures-certificate-nl", f"{release}/certificate?lang=nl", 1280, None),
        ("methodology-nl", "/methodology?lang=nl", 1280, None),
        ("figures-provisional-nl", f"/figures/{ids['provisional']}?lang=nl", 1280, 1400),
        ("figures-series-nl", "/figures/series/totals?stage=ST01_SIGNAAL&lang=nl", 1280, None),
    ]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    for name, path, width, height in shots:
        page.set_viewport_size({"width": width, "height": 800})
        if name == "figures-provisional-nl":  # provisional figures only for an analyst
            page.goto(server.url + "/sign-in?lang=nl")
            page.get_by_label("Token").fill(ids["analyst"])
            page.get_by_role("button", name="Aanmelden").click()
            page.wait_for_url("**/portal")
        page.goto(server.url + path)
        if height is None:
            _shoot(page, out, name)
        else:
            clip = {"x": 0, "y": 0, "width": width, "height": height}
            page.screenshot(path=str(out / f"{name}.png"), full_page=True, clip=clip)
            print(out / f"{name}.png")
    page.goto(server.url + f"{release}?lang=nl")
    page.locator(".lk-figures-section").nth(1).screenshot(path=str(out / "figures-table-nl.png"))
    print(out / "figures-table-nl.png")
    context.close()


def main(out: Path) -> None:
    """Write one PNG per page to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "lekstat.duckdb"
        server = start_server(db)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                public_shots(browser, server, out)
                portal_shots(browser, server, db, out, Path(tmp))
                figures_shots(browser, server, db, out)
                browser.close()
        finally:
            stop_server(server)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
