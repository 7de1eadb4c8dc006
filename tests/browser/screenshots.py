"""Screenshots of the main pages for ``docs/screenshots/``, from the real server in Chromium.

.venv/bin/python -m tests.browser.screenshots [OUT_DIR] [statistician]

With ``statistician`` only the statistician's pages (over a year of reporting) are taken.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, sync_playwright

from aggregator.cli.channel import forward, socket_path
from aggregator.demo.processes import Server, onboard, run, start_server, stop_server
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


def _shoot(page: Page, out: Path, name: str, *, full_page: bool = True) -> None:
    # A page of all 342 municipalities is taken as one screen: its whole length is megabytes.
    page.screenshot(path=str(out / f"{name}.png"), full_page=full_page)
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


#: A year as the statistician sees it: (demo clock, quarter, how many municipalities report).
#: Most report on time; late ones and the missing ones show in the completeness.
YEAR_STORY = [
    ("2026-04-20T09:00", "2026-Q1", 318),
    ("2026-07-20T09:00", "2026-Q2", 309),
    ("2026-10-20T09:00", "2026-Q3", 296),
    ("2026-11-12T09:00", "2026-Q3", 321),  # 25 late
]
ROW = {
    "function_type": "FT04_PARKEREN",
    "data_category": "DC03_KENTEKEN",
    "stage": "ST01_SIGNAAL",
    "employment_type": "EM03_INHUUR",
    "motive": "MO01_CRIMINEEL",
}


def _clock(db: Path, moment: str) -> None:
    """Move the server's demo clock (over its operator socket, as the demo does)."""
    code, _, err = forward(socket_path(db), ["demo-clock", moment])
    assert code == 0, err


def _year(server: Server, db: Path, tmp: Path) -> None:
    """342 municipalities onboarded; a year of reporting over the API, on the demo clock."""
    tokens = onboard(db, tmp / "tokens.csv")
    codes = sorted(tokens)
    done: dict[str, set[str]] = {}
    with httpx.Client(base_url=server.url, timeout=30) as http:
        for moment, period, n in YEAR_STORY:
            _clock(db, moment)
            for i, code in enumerate(codes[:n]):
                if code in done.setdefault(period, set()):
                    continue
                body = (
                    {"period": period, "nil_return": True}
                    if i % 3
                    else {"period": period, "rows": [{**ROW, "count": 1 + i % 4}]}
                )
                answer = http.post(
                    "/api/v1/submissions",
                    json=body,
                    headers={"Authorization": f"Bearer {tokens[code]}"},
                )
                assert answer.status_code == 201, answer.text
                done[period].add(code)


def statistician_shots(browser: Browser, out: Path, tmp: Path) -> None:
    """The statistician's pages over a year of reporting: start, completeness, lock, budget,
    preview, the release's confirmation, its certificate, the releases."""
    db = tmp / "year.duckdb"
    env = {
        "LEKSTAT_DEMO_CLOCK": "2026-04-01T09:00",
        "LEKSTAT_RATE_LIMIT_PER_MINUTE": "60000",
        "LEKSTAT_RATE_LIMIT_BURST": "10000",
    }
    server = start_server(db, env=env)
    try:
        _year(server, db, tmp)
        _clock(db, "2026-11-20T10:00")
        for command in (["period", "lock", "2026-Q1"], ["period", "lock", "2026-Q2"]):
            done = run("lekstat-server", "--db", str(db), *command)
            assert done.returncode == 0, done.stderr
        budget = run("lekstat-server", "--db", str(db), "budget", "set", "2026", "--rho", "1")
        assert budget.returncode == 0, budget.stderr
        made = run("lekstat-server", "--db", str(db), "token", "create", "--role", "statistician")
        token = made.stdout.strip().splitlines()[-1]
        for width, suffix in ((1280, ""), (375, "-mobile")):
            context = browser.new_context(viewport={"width": width, "height": 800})
            page = context.new_page()
            page.goto(server.url + "/sign-in?lang=nl")
            page.get_by_label("Token").fill(token)
            page.get_by_role("button", name="Aanmelden").click()
            page.wait_for_url("**/portal")
            if suffix:
                _shoot(page, out, f"statistician-start{suffix}-nl")
                page.goto(server.url + "/portal/completeness?period=2026-Q3&show=not_reported")
                _shoot(page, out, f"statistician-completeness{suffix}-nl")
                page.goto(server.url + "/portal/releases/preview?year=2026&rho=0,5")
                _shoot(page, out, f"statistician-preview{suffix}-nl")
                context.close()
                continue
            _shoot(page, out, "statistician-start-nl")
            page.goto(server.url + "/portal/completeness?period=2026-Q3")
            page.set_viewport_size({"width": width, "height": 1400})
            _shoot(page, out, "statistician-completeness-nl", full_page=False)
            page.goto(server.url + "/portal/completeness?period=2026-Q3&province=PV27&lang=en")
            _shoot(page, out, "statistician-completeness-province-en")
            page.goto(server.url + "/portal/periods/2026-Q3/lock?lang=nl")
            _shoot(page, out, "statistician-lock-confirm-nl")
            page.get_by_role("button", name="Ja, vergrendel 2026-Q3 definitief").click()
            page.wait_for_selector(".utrecht-alert--success")
            _shoot(page, out, "statistician-locked-nl", full_page=False)
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(server.url + "/portal/releases/preview?year=2026&rho=0,5")
            _shoot(page, out, "statistician-preview-nl")
            page.get_by_role("link", name="Publicatie 2026 maken…").click()
            page.wait_for_selector("form.lk-form")
            _shoot(page, out, "statistician-release-confirm-nl")
            page.get_by_role("button", name="Ja, maak 2026 en geef ρ = 0,5 uit").click()
            page.wait_for_selector(".utrecht-alert--success")
            _shoot(page, out, "statistician-certificate-nl")
            page.goto(page.url.split("?")[0] + "?lang=en")
            _shoot(page, out, "statistician-certificate-en")
            page.goto(server.url + "/portal/releases/new?year=2026&quarter=4&rho=0,2&lang=nl")
            _shoot(page, out, "statistician-release-force-nl")
            page.goto(server.url + "/portal/budgets/2026")
            _shoot(page, out, "statistician-budget-nl")
            page.goto(server.url + "/portal/releases")
            _shoot(page, out, "statistician-releases-nl")
            context.close()
        # The admin sets the budget on the same page, and raises it with a reason.
        made = run("lekstat-server", "--db", str(db), "token", "create", "--role", "admin")
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.goto(server.url + "/sign-in?lang=nl")
        page.get_by_label("Token").fill(made.stdout.strip().splitlines()[-1])
        page.get_by_role("button", name="Aanmelden").click()
        page.wait_for_url("**/portal")
        page.goto(server.url + "/portal/budgets/2026")
        page.get_by_label("Nieuw budget ρ").fill("1,2")
        page.get_by_role("button", name="Budget van 2026 opslaan").click()
        page.wait_for_selector(".lk-error-summary")
        _shoot(page, out, "admin-budget-errors-nl")
        context.close()
    finally:
        stop_server(server)


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


def main(out: Path, only: str | None = None) -> None:
    """Write one PNG per page to ``out`` (only the statistician's with ``only="statistician"``)."""
    out.mkdir(parents=True, exist_ok=True)
    if only == "statistician":
        with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            statistician_shots(browser, out, Path(tmp))
            browser.close()
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "lekstat.duckdb"
        server = start_server(db)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                public_shots(browser, server, out)
                portal_shots(browser, server, db, out, Path(tmp))
                figures_shots(browser, server, db, out)
                statistician_shots(browser, out, Path(tmp))
                browser.close()
        finally:
            stop_server(server)


if __name__ == "__main__":
    main(
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"),
        sys.argv[2] if len(sys.argv) > 2 else None,
    )
