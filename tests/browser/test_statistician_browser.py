"""The statistician's year in a real Chromium against the real server: the completeness of a
quarter, locking it after the confirmation, a release's preview, its confirmation, making it (a
double click, or the same form sent twice, makes one release) and its certificate. axe-core
runs on every page on the way; the confirmation is done with the keyboard alone, and the whole
way once more without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from aggregator.demo.processes import Server, run
from schemas.periods import FIRST_PERIOD, Period
from tests.browser.conftest import Visit, check
from tests.browser.test_keyboard_browser import _tab_through
from tests.browser.test_portal_browser import LAST, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

#: A quarter that has ended and that no other browser test submits for or locks (the portal's
#: tests lock the first quarter, the public figures' lock every quarter of last year).
LOCKED = Period.parse(f"{FIRST_PERIOD.year}-Q4")
YEAR = LAST.year


def _cli(server_db: Path, *args: str) -> None:
    done = run("lekstat-server", "--db", str(server_db), *args)
    assert done.returncode == 0, done.stderr


def _released(server_db: Path) -> list[str]:
    """The ids of the releases the server has made, as the operator's command line lists them."""
    done = run("lekstat-server", "--db", str(server_db), "release", "list")
    assert done.returncode == 0, done.stderr
    return re.findall(rf"\b{YEAR}-r\d+\b", done.stdout)


def _preview(page: Page, rho: str) -> None:
    """Ask the preview for the whole year at ``rho`` through its form, as a person does."""
    page.get_by_label("Gegevensjaar").select_option(str(YEAR))
    page.get_by_label("Periode").select_option("")
    page.get_by_label("ρ (rho)").fill(rho)
    with page.expect_navigation():
        page.get_by_role("button", name="Voorbeeld tonen").click()


def test_statistician_locks_previews_releases_and_reads_the_certificate(
    page_check: Callable[..., Visit],
    issue_token: Callable[..., str],
    server: Server,
    server_db: Path,
) -> None:
    _cli(server_db, "budget", "set", str(YEAR), "--rho", "1")
    before = _released(server_db)
    visit = page_check("/sign-in")
    page = visit.page
    sign_in(page, issue_token("statistician"))
    check(visit)
    expect(page.locator("h1")).to_have_text("Het jaar van de statisticus")

    # Completeness of a quarter, and locking it after the confirmation.
    page.goto(server.url + f"/portal/completeness?period={LOCKED}")
    check(visit)
    expect(page.locator("h1")).to_contain_text(str(LOCKED))
    with page.expect_navigation():
        page.get_by_role("link", name=f"{LOCKED} vergrendelen").click()
    check(visit)
    expect(page.locator("h1")).to_have_text(f"Kwartaal {LOCKED} vergrendelen")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Ja, vergrendel {LOCKED} definitief").click()
    check(visit)
    expect(page.locator(".utrecht-alert--success")).to_contain_text(f"{LOCKED} is vergrendeld")
    expect(page.get_by_role("link", name=f"{LOCKED} vergrendelen")).to_have_count(0)

    # The preview: per table the margin and the smallest reliable count; nothing spent.
    with page.expect_navigation():
        page.get_by_role("link", name="Voorbeeld en publiceren").click()
    check(visit)
    _preview(page, "0,1")
    check(visit)
    expect(page.locator(".utrecht-alert--info")).to_contain_text("gaf niets van het budget uit")
    rows = page.locator(".lk-preview tbody tr")
    assert rows.count() >= 1
    expect(rows.first.get_by_role("cell").nth(3)).to_have_accessible_name(re.compile(r"^±\d"))
    assert _released(server_db) == before

    # The confirmation, with the keyboard alone: Tab to the button (a visible focus at every
    # stop), then Enter. (The tests' servers need no coverage: LEKSTAT_MIN_COVERAGE=0.)
    with page.expect_navigation():
        page.get_by_role("link", name=f"Publicatie {YEAR} maken…").click()
    check(visit)
    expect(page.locator("h1")).to_have_text(f"Publicatie {YEAR} maken")
    expect(page.locator("main")).to_contain_text("Over na deze publicatie")
    expect(page.locator("main")).to_contain_text(
        "Genoeg gemeenten leverden aan voor een landelijk cijfer. De drempel: minstens 0% van"
    )
    button = ("button", f"Ja, maak {YEAR} en geef ρ = 0,1 uit")
    stops = []
    while not stops or (stops[-1]["tag"], stops[-1]["text"]) != button:
        assert len(stops) < 40, stops  # the button is reached
        stops += _tab_through(visit, 1)
        assert stops[-1]["outlineStyle"] == "solid", stops[-1]
    assert ("a", "Annuleren") not in [(f["tag"], f["text"]) for f in stops]  # after the button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check(visit)
    expect(page.locator("h1")).to_have_text(re.compile(rf"^Privacycertificaat van {YEAR}-r\d+$"))
    expect(page.locator(".utrecht-alert--success")).to_contain_text("gaf ρ = 0,1 uit")
    made = _released(server_db)
    assert len(made) == len(before) + 1
    page.goto(page.url.split("?")[0] + "?lang=en")
    check(visit)
    expect(page.locator("h1")).to_have_text(re.compile(rf"^Privacy certificate of {YEAR}-r\d+$"))

    # The releases, with the certificate linked.
    page.goto(server.url + "/portal/releases?lang=nl")
    check(visit)
    expect(page.get_by_role("link", name=f"Certificaat van {made[-1]}")).to_be_visible()


def test_statistician_double_click_makes_one_release(
    page_check: Callable[..., Visit],
    issue_token: Callable[..., str],
    server: Server,
    server_db: Path,
) -> None:
    _cli(server_db, "budget", "set", str(YEAR), "--rho", "1")
    before = _released(server_db)
    visit = page_check("/sign-in")
    page = visit.page
    sign_in(page, issue_token("statistician"))
    page.goto(server.url + f"/portal/releases/new?year={YEAR}&rho=0.05")
    check(visit)
    button = page.get_by_role("button", name=f"Ja, maak {YEAR} en geef ρ = 0,05 uit")
    # Chromium may send the form once, or twice (the second aborting the first navigation):
    # either way the certificate of one release follows, made or replayed.
    button.dblclick()
    # expect() polls the address: wait_for_url fails on the aborted first navigation itself.
    expect(page).to_have_url(re.compile(r"/certificate\?(made|replayed)=1$"), timeout=30_000)
    page.wait_for_load_state()
    check(visit)
    assert len(_released(server_db)) == len(before) + 1
    # A reload of the page the POST led to (POST/redirect/GET) asks for nothing again.
    page.reload()
    check(visit)
    assert len(_released(server_db)) == len(before) + 1

    # The same form sent twice with the browser's own cookies (Chromium itself sends a double
    # click once; a resent POST is how a second one reaches the server): one release.
    page.goto(server.url + f"/portal/releases/new?year={YEAR}&rho=0.05")
    fields = page.eval_on_selector_all(
        "form.lk-form input[type=hidden]",
        "es => Object.fromEntries(es.map(e => [e.name, e.value]))",
    )
    sent = [
        page.context.request.post(server.url + "/portal/releases", form=fields, max_redirects=0)
        for _ in range(2)
    ]
    where = [answer.headers["location"] for answer in sent]
    assert [w.rsplit("?", 1)[1] for w in where] == ["made=1", "replayed=1"]
    assert where[0].split("?")[0] == where[1].split("?")[0]
    assert len(_released(server_db)) == len(before) + 2
    page.goto(server.url + where[1])
    check(visit)
    expect(page.locator(".utrecht-alert--info")).to_contain_text("er is niets opnieuw uitgegeven")


def test_statistician_release_without_javascript(
    browser: Browser, server: Server, server_db: Path, issue_token: Callable[..., str]
) -> None:
    _cli(server_db, "budget", "set", str(YEAR), "--rho", "1")
    before = _released(server_db)
    context = browser.new_context(java_script_enabled=False, base_url=server.url)
    try:
        page = context.new_page()
        foreign: list[str] = []
        page.on(
            "request",
            lambda r: foreign.append(r.url) if not r.url.startswith(server.url) else None,
        )
        page.goto(server.url + "/sign-in")
        sign_in(page, issue_token("statistician"))
        with page.expect_navigation():
            page.get_by_role("link", name="Voorbeeld en publiceren").first.click()
        _preview(page, "x")
        expect(page.locator(".lk-error-summary")).to_contain_text("ρ is een getal")
        _preview(page, "0,05")
        with page.expect_navigation():
            page.get_by_role("link", name=f"Publicatie {YEAR} maken…").click()
        with page.expect_navigation():
            page.get_by_role("button", name=f"Ja, maak {YEAR} en geef ρ = 0,05 uit").click()
        expect(page.locator("h1")).to_have_text(re.compile(rf"^Privacycertificaat van {YEAR}-r"))
        assert len(_released(server_db)) == len(before) + 1
        assert foreign == []
    finally:
        context.close()
