"""The statistician's pages: completeness by province, locking with its consequences, the
budget with its ledger and changes, the preview (spends nothing), the confirmation that says
what a release spends, making it exactly once, the releases and their certificates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aggregator.config import Settings
from aggregator.http.app import create_app
from aggregator.services import budget, periods, releases
from aggregator.services.auth import OPERATOR, new_token
from aggregator.services.releases import ReleaseRequest
from aggregator.store import Store
from aggregator.web.statistician_format import decimal
from schemas.municipalities import load_register
from schemas.tables import DEFAULT_PLAN
from tests.web.conftest import (
    GOOD_CSV,
    NOW,
    OWN,
    ROLES,
    Page,
    Portal,
    check_and_submit,
    csrf_of,
    facts,
    read,
    table_rows,
)


def _nil(portal: Portal, who: str, period: str) -> None:
    """A nil return of ``who`` for ``period``, through its pages."""
    browser = portal.signed_in(who)
    csrf = csrf_of(browser.get(f"/portal/quarters/{period}/nil").text)
    answer = browser.post(f"/portal/quarters/{period}/nil", data={"csrf_token": csrf})
    assert answer.status_code == 303, answer.text


def _budget(portal: Portal, rho: float = 1.0) -> None:
    """The admin's budget for 2026 (set in the store: the statistician cannot set it)."""
    portal.store.set_budget(2026, rho, NOW, portal.token_ids["admin"])


def _main(html: str) -> str:
    return read(html).one("main").text


def _form_button(page: Page) -> str:
    [button] = [
        b for b in page.all("button", type="submit") if "lk-account__button" not in b.attrs["class"]
    ]
    return button.text


# -- completeness ----------------------------------------------------------------------------


def test_completeness_lists_every_municipality_by_province_with_status_and_lateness(
    portal: Portal,
) -> None:
    portal.clock["now"] = NOW.replace(month=10, day=20)  # before 2026-Q3's deadline
    check_and_submit(portal.signed_in("own"), "2026-Q3", GOOD_CSV)
    portal.clock["now"] = NOW  # after it
    _nil(portal, "other", "2026-Q3")
    statistician = portal.signed_in("statistician")
    response = statistician.get("/portal/completeness?period=2026-Q3")
    assert response.status_code == 200
    page = read(response.text)
    assert page.one("h1").text == "Volledigheid 2026-Q3"
    told = facts(page)
    assert told["Aanleveren uiterlijk"] == "30 oktober 2026, verstreken"
    assert told["Aangeleverd"] == "2 van 342"
    assert told["Niet aangeleverd"] == "340"
    assert told["Te laat of termijn verstreken"] == "341"  # Utrecht late, 340 overdue
    assert told["Vergrendeld"] == "Nee"
    provinces = {r[0]: r[1:] for r in table_rows(response.text, "lk-provinces")}
    assert len(provinces) == 12
    assert provinces["Noord-Holland"] == ["44", "1", "43", "43"]
    assert provinces["Utrecht"][1:] == ["1", "25", "26"]
    rows = {r[0]: r[1:] for r in table_rows(response.text, "lk-municipalities")}
    assert len(rows) == 342
    assert rows["Amsterdam GM0363"] == ["Aangeleverd", "Op tijd"]
    assert rows["Utrecht GM0344"] == ["Aangeleverd", "Te laat"]
    assert rows["Haarlem GM0392"] == ["Niet aangeleverd", "Termijn verstreken"]
    # Grouped by province, each group a section with its heading, in the provinces' order.
    headings = [h.text for h in page.all("h3")]
    assert headings == sorted(headings) and "Noord-Holland" in headings
    assert page.one("a", href="#province-PV27").text == "Noord-Holland"


def test_completeness_filters_by_quarter_province_and_state_with_a_get_form(
    portal: Portal,
) -> None:
    check_and_submit(portal.signed_in("own"), "2026-Q2", GOOD_CSV)
    statistician = portal.signed_in("statistician")
    page = read(statistician.get("/portal/completeness").text)
    form = page.one("form", class_="lk-filter")
    assert (form.attrs["method"], form.attrs["action"]) == ("get", "/portal/completeness")
    for field, label in (("period", "Kwartaal"), ("province", "Provincie"), ("show", "Tonen")):
        assert page.one("label", for_=field).text == label
        assert page.one("select", id=field).attrs["name"] == field
    # Without a choice: the latest quarter that has ended.
    assert page.one("h1").text == "Volledigheid 2026-Q3"
    options = [
        o.attrs["value"] for o in page.all("option") if o.attrs.get("value", "").startswith("20")
    ]
    assert options[0] == "2026-Q4" and options[-1] == "2024-Q1"
    chosen = statistician.get("/portal/completeness?period=2026-Q2&province=PV27&show=reported")
    rows = table_rows(chosen.text, "lk-municipalities")
    assert rows == [["Amsterdam GM0363", "Aangeleverd", "Te laat"]]
    assert [r[0] for r in table_rows(chosen.text, "lk-provinces")] == ["Noord-Holland"]
    missing = statistician.get(
        "/portal/completeness?period=2026-Q2&province=PV27&show=not_reported"
    )
    names = [r[0] for r in table_rows(missing.text, "lk-municipalities")]
    assert len(names) == 43 and "Amsterdam GM0363" not in names
    assert "Niet aangeleverd (43)" in [h.text for h in read(missing.text).all("h2")]
    english = statistician.get("/portal/completeness?period=2026-Q2&province=PV27&lang=en")
    assert read(english.text).one("h1").text == "Completeness 2026-Q2"
    assert ["Amsterdam GM0363", "Reported", "Late"] in table_rows(english.text, "lk-municipalities")


def test_completeness_bad_choices_are_field_errors_and_a_bad_quarter_its_refusal(
    portal: Portal,
) -> None:
    statistician = portal.signed_in("statistician")
    response = statistician.get("/portal/completeness?period=2026-Q3&province=PV99&show=x")
    assert response.status_code == 422
    page = read(response.text)
    summary = page.one("div", class_="lk-error-summary").text
    assert "Kies een provincie uit de lijst" in summary
    assert "Kies wat u wilt zien uit de lijst" in summary
    assert page.one("select", id="province").attrs["aria-invalid"] == "true"
    assert len(table_rows(response.text, "lk-municipalities")) == 342  # shown as "all"
    bad = statistician.get("/portal/completeness?period=2026-Q9")
    assert bad.status_code == 422
    assert "geen geldig kwartaal" in _main(bad.text) or "kwartaal" in _main(bad.text)


@contextmanager
def _service(tmp_path: Path) -> Iterator[Portal]:
    """Another service like the ``portal`` fixture's, on its own database."""
    clock = {"now": NOW}
    settings = Settings(db_path=tmp_path / "other.duckdb", rate_limit_per_minute=60_000,
                        rate_limit_burst=10_000, contact="helpdesk@lekstat.example")  # fmt: skip
    app = create_app(settings, clock=lambda: clock["now"])
    store: Store = app.state.store
    tokens, ids = {}, {}
    for who, (role, municipality) in ROLES.items():
        token, record = new_token(role, municipality, who, NOW)
        store.add_token(record)
        tokens[who], ids[who] = token, record.id
    with TestClient(app):
        yield Portal(app, store, clock, tokens, ids)


def test_completeness_never_shows_versions_times_or_whether_a_municipality_had_incidents(
    portal: Portal, tmp_path: Path
) -> None:
    # Two services that differ only in Amsterdam sending counts (twice, minutes apart) or one
    # nil return: the statistician's pages look the same.
    check_and_submit(portal.signed_in("own"), "2026-Q3", GOOD_CSV)
    portal.clock["now"] = NOW.replace(minute=7)
    check_and_submit(portal.signed_in("own"), "2026-Q3", GOOD_CSV.replace(b";2\n", b";3\n"))
    portal.clock["now"] = NOW
    pages = []
    with _service(tmp_path) as other:
        _nil(other, "own", "2026-Q3")
        for service in (portal, other):
            statistician = service.signed_in("statistician")
            html = "".join(
                statistician.get(path).text
                for path in ("/portal", "/portal/completeness?period=2026-Q3",
                             "/portal/periods/2026-Q3/lock")
            )  # fmt: skip
            pages.append(re.sub(r'value="[A-Za-z0-9_-]{43}"', "", html))
    assert len(portal.store.list_submissions(municipality=OWN)) == 2  # two versions here
    assert pages[0] == pages[1]
    assert "versie" not in pages[0].lower() and "nulmelding" not in pages[0].lower()


def test_completeness_analyst_sees_national_counts_and_a_municipality_its_own_line(
    portal: Portal,
) -> None:
    check_and_submit(portal.signed_in("own"), "2026-Q3", GOOD_CSV)
    analyst = portal.signed_in("analyst").get("/portal/completeness?period=2026-Q3")
    assert analyst.status_code == 200
    assert facts(read(analyst.text))["Aangeleverd"] == "1 van 342"
    assert "lk-municipalities" not in analyst.text and "Amsterdam" not in analyst.text
    assert read(analyst.text).all("select", id="province") == []
    own = portal.signed_in("own").get("/portal/completeness?period=2026-Q3")
    assert "Amsterdam: Aangeleverd, Te laat." in _main(own.text)
    assert "Utrecht" not in _main(own.text)


# -- locking ---------------------------------------------------------------------------------


def test_lock_confirmation_says_what_a_lock_does_and_who_has_not_reported(
    portal: Portal,
) -> None:
    check_and_submit(portal.signed_in("own"), "2026-Q3", GOOD_CSV)
    portal.clock["now"] = NOW.replace(month=10, day=15)  # 2026-Q3 ended, deadline to come
    response = portal.signed_in("statistician").get("/portal/periods/2026-Q3/lock")
    assert response.status_code == 200
    page = read(response.text)
    assert page.one("h1").text == "Kwartaal 2026-Q3 vergrendelen"
    main = page.one("main").text
    assert "Een vergrendeling is definitief: er is geen ontgrendeling" in main
    assert "niets meer aanleveren of corrigeren" in main and "helpdesk@lekstat.example" in main
    assert "De termijn loopt nog" in main and "tot en met 30 oktober 2026" in main
    assert page.all("h2")[0].text == "Wat een vergrendeling doet"
    assert "Nog niet aangeleverd: 341 van 342 gemeenten" in main
    start = response.text.index('<ul class="utrecht-unordered-list lk-columns">')
    names = [li.text for li in read(response.text[start:]).all("li")][:341]
    assert len(names) == 341 and "Utrecht (Utrecht)" in names
    assert not any("Amsterdam" in n for n in names)
    assert names == sorted(names, key=lambda n: n.rsplit(" (", 1)[0])
    form = page.one("form", class_="lk-form")
    assert (form.attrs["method"], form.attrs["action"]) == ("post", "/portal/periods/2026-Q3/lock")
    assert _form_button(page) == "Ja, vergrendel 2026-Q3 definitief"


def test_lock_confirmation_of_a_running_or_locked_quarter_offers_no_button(
    portal: Portal,
) -> None:
    statistician = portal.signed_in("statistician")
    running = read(statistician.get("/portal/periods/2026-Q4/lock").text)
    assert "2026-Q4 loopt nog tot en met 31 december 2026" in running.one("main").text
    assert running.all("form", class_="lk-form") == []
    portal.store.lock_period("2026-Q2", NOW, "operator")
    locked = read(statistician.get("/portal/periods/2026-Q2/lock").text)
    assert (
        "2026-Q2 is vergrendeld op 29 november 2026, 13:00, door operator."
        in locked.one("main").text
    )
    assert locked.all("form", class_="lk-form") == []


def test_lock_post_locks_for_good_and_the_completeness_says_so(portal: Portal) -> None:
    statistician = portal.signed_in("statistician")
    csrf = csrf_of(statistician.get("/portal/periods/2026-Q3/lock").text)
    locked = statistician.post("/portal/periods/2026-Q3/lock", data={"csrf_token": csrf})
    assert locked.status_code == 303
    assert locked.headers["location"] == "/portal/completeness?period=2026-Q3&locked=1"
    lock = portal.store.get_lock("2026-Q3")
    assert lock is not None and lock.locked_by == portal.token_ids["statistician"]
    page = read(statistician.get(locked.headers["location"]).text)
    assert "2026-Q3 is vergrendeld" in page.one("div", class_="utrecht-alert--success").text
    assert facts(page)["Vergrendeld"].startswith("Ja, sinds 29 november 2026, 13:00")
    # The municipality's quarter now says so too.
    assert "vergrendeld" in _main(portal.signed_in("own").get("/portal/quarters/2026-Q3").text)


def test_lock_refusals_are_pages_with_the_refusals_text_and_change_nothing(
    portal: Portal,
) -> None:
    statistician = portal.signed_in("statistician")
    csrf = csrf_of(statistician.get("/portal/releases").text)
    portal.store.lock_period("2026-Q2", NOW, "operator")
    again = statistician.post("/portal/periods/2026-Q2/lock", data={"csrf_token": csrf})
    assert again.status_code == 409
    page = read(again.text)
    assert "2026-Q2 is al vergrendeld op 2026-11-29T12:00:00Z" in page.one("main").text
    assert facts(page)["Vergrendeld door"] == "operator"
    assert page.one("a", href="/portal/completeness?period=2026-Q2").text.startswith("Terug")
    running = statistician.post("/portal/periods/2026-Q4/lock?lang=en", data={"csrf_token": csrf})
    assert running.status_code == 422
    assert "2026-Q4 has not ended; a lock is final" in _main(running.text)
    assert portal.store.get_lock("2026-Q4") is None
    expired = statistician.post("/portal/periods/2026-Q3/lock", data={"csrf_token": "x" * 43})
    assert expired.status_code == 403 and portal.store.get_lock("2026-Q3") is None


# -- the budget ------------------------------------------------------------------------------


def test_budget_page_shows_total_ledger_changes_ceiling_and_who_sets_it(
    portal: Portal,
) -> None:
    _budget(portal, 0.5)
    context = portal.app.state.context
    first = releases.create(context, OPERATOR, ReleaseRequest(2026, 0.2, force=True))
    portal.store.set_budget(
        2026, 0.8, NOW, "operator", "extra release for the ministry's spring briefing"
    )
    statistician = portal.signed_in("statistician")
    response = statistician.get("/portal/budgets/2026")
    assert response.status_code == 200
    page = read(response.text)
    assert page.one("h1").text == "Privacybudget 2026"
    told = facts(page)
    eps = decimal(budget.epsilon(0.8), ".3g", "nl")
    assert told["Budget"] == f"ρ = 0,8 (ε = {eps} bij δ = 10⁻⁹)"
    assert told["Over"] == "ρ = " + decimal(0.8 - first["rho"], ".4g", "nl")
    assert told["Plafond"] == "ρ = 1 per jaar (LEKSTAT_MAX_YEAR_RHO)"
    assert "kunt het niet instellen of verhogen" in page.one("main").text
    assert "lekstat-server budget set" in page.one("main").text
    ledger = table_rows(response.text, "lk-ledger")
    assert ledger == [
        [
            "2026-r1",
            "29 november 2026, 13:00",
            decimal(first["rho"], ".4g", "nl"),
            decimal(first["rho"], ".4g", "nl"),
            decimal(budget.epsilon(first["rho"]), ".3g", "nl"),
        ]
    ]
    assert page.one("a", href="/portal/releases/2026-r1/certificate").text == "2026-r1"
    changes = table_rows(response.text, "lk-changes")
    assert changes == [
        [
            "29 november 2026, 13:00",
            portal.token_ids["admin"],
            "niet ingesteld",
            "0,5",
            "(geen)",
        ],
        [
            "29 november 2026, 13:00",
            "operator",
            "0,5",
            "0,8",
            "extra release for the ministry's spring briefing",
        ],
    ]
    # The statistician reads the budget; nothing on the page changes it.
    assert read(response.text).all("form", class_="lk-form") == []


def test_budget_pages_without_a_budget_and_with_a_bad_year(portal: Portal) -> None:
    statistician = portal.signed_in("statistician")
    overview = read(statistician.get("/portal/budgets").text)
    assert "nog voor geen enkel jaar een privacybudget" in overview.one("main").text
    assert overview.one("a", href="/portal/budgets/2026").text == "Het budget van 2026"
    none = read(statistician.get("/portal/budgets/2026").text)
    assert "Er is geen privacybudget voor 2026" in none.one("main").text
    bad = statistician.get("/portal/budgets/1999")
    assert bad.status_code == 422 and "een jaar van 2024 tot en met 2100" in _main(bad.text)
    assert statistician.get("/portal/budgets/abc").status_code == 422
    _budget(portal)
    rows = table_rows(statistician.get("/portal/budgets").text, "lk-budgets")
    assert rows[0][:2] == ["2026", "1"]


def _change(browser: TestClient, year: str = "2026", **form: str) -> object:
    """The admin's budget form sent, with the page's CSRF token."""
    csrf = csrf_of(browser.get(f"/portal/budgets/{year}").text)
    return browser.post(f"/portal/budgets/{year}", data={"csrf_token": csrf, **form})


def test_budget_admin_sets_the_budget_through_its_form(portal: Portal) -> None:
    admin = portal.signed_in("admin")
    page = read(admin.get("/portal/budgets/2026").text)
    assert page.one("h2", id="change-heading").text == "Het budget van 2026 instellen of verhogen"
    assert page.one("label", for_="rho").text == "Nieuw budget ρ"
    assert page.one("label", for_="reason").text == "Reden van de verhoging"
    made = _change(admin, rho="0,8")
    assert made.status_code == 303  # type: ignore[attr-defined]
    assert made.headers["location"] == "/portal/budgets/2026?changed=1"  # type: ignore[attr-defined]
    assert portal.store.get_budget(2026).total_rho == 0.8
    shown = admin.get(made.headers["location"])  # type: ignore[attr-defined]
    success = read(shown.text).one("div", class_="utrecht-alert--success").text
    assert "Het budget van 2026 is nu ρ = 0,8" in success
    assert table_rows(shown.text, "lk-changes")[0][1:4] == [
        portal.token_ids["admin"],
        "niet ingesteld",
        "0,8",
    ]


def test_budget_admin_raise_after_spending_needs_a_reason_at_its_field(portal: Portal) -> None:
    _budget(portal, 0.5)
    releases.create(portal.app.state.context, OPERATOR, ReleaseRequest(2026, 0.2, force=True))
    admin = portal.signed_in("admin")
    without = _change(admin, rho="0.9")
    assert without.status_code == 409  # type: ignore[attr-defined]
    page = read(without.text)  # type: ignore[attr-defined]
    assert page.one("textarea", id="reason").attrs["aria-invalid"] == "true"
    assert (
        "een hoger budget is een aparte, gemotiveerde verhoging"
        in page.one("p", id="reason-error").text
    )
    assert page.one("input", id="rho").attrs["value"] == "0.9"  # what was typed stays
    short = _change(admin, rho="0.9", reason="te kort")
    assert short.status_code == 422  # type: ignore[attr-defined]
    assert "Geef een reden van 20 tot 2000 tekens" in _main(short.text)  # type: ignore[attr-defined]
    assert portal.store.get_budget(2026).total_rho == 0.5
    reason = "extra release for the ministry's spring briefing"
    raised = _change(admin, rho="0.9", reason=reason)
    assert raised.status_code == 303  # type: ignore[attr-defined]
    assert portal.store.get_budget(2026).total_rho == 0.9
    changes = table_rows(admin.get("/portal/budgets/2026").text, "lk-changes")
    assert changes[-1][2:] == ["0,5", "0,9", reason]


@pytest.mark.parametrize(
    ("rho", "status", "message"),
    [
        ("", 422, "Vul ρ in"),
        ("veel", 422, "ρ is een getal, bijvoorbeeld 0,5; 'veel' is dat niet"),
        ("5", 422, "is meer dan het plafond van deze installatie"),
        ("0.1", 409, "het budget kan niet lager"),
    ],
)
def test_budget_admin_bad_totals_are_errors_at_the_field_and_change_nothing(
    portal: Portal, rho: str, status: int, message: str
) -> None:
    _budget(portal, 0.5)
    releases.create(portal.app.state.context, OPERATOR, ReleaseRequest(2026, 0.2, force=True))
    answer = _change(portal.signed_in("admin"), rho=rho)
    assert answer.status_code == status  # type: ignore[attr-defined]
    page = read(answer.text)  # type: ignore[attr-defined]
    assert message in page.one("p", id="rho-error").text
    assert message in page.one("div", class_="lk-error-summary").text
    assert portal.store.get_budget(2026).total_rho == 0.5
    assert len(portal.store.get_budget(2026).changes) == 1


def test_budget_form_is_the_admins_only(portal: Portal) -> None:
    statistician = portal.signed_in("statistician")
    assert read(statistician.get("/portal/budgets/2026").text).all("textarea") == []
    csrf = csrf_of(statistician.get("/portal/budgets/2026").text)
    refused = statistician.post("/portal/budgets/2026", data={"csrf_token": csrf, "rho": "1"})
    assert refused.status_code == 403
    assert portal.store.get_budget(2026).total_rho is None
    expired = portal.signed_in("admin").post(
        "/portal/budgets/2026", data={"csrf_token": "y" * 43, "rho": "1"}
    )
    assert expired.status_code == 403 and portal.store.get_budget(2026).total_rho is None


# -- the preview -----------------------------------------------------------------------------


def test_preview_shows_per_table_margin_and_smallest_reliable_and_spends_nothing(
    portal: Portal,
) -> None:
    _budget(portal)
    statistician = portal.signed_in("statistician")
    empty = read(statistician.get("/portal/releases/preview").text)
    form = empty.one("form", class_="lk-form")
    assert (form.attrs["method"], form.attrs["action"]) == ("get", "/portal/releases/preview")
    assert empty.one("label", for_="rho").text == "ρ (rho)"
    assert empty.one("input", id="rho").attrs["inputmode"] == "decimal"
    assert empty.all("table") == []
    response = statistician.get("/portal/releases/preview?year=2026&quarter=&rho=0,5")
    assert response.status_code == 200
    expected = releases.preview(portal.app.state.context, OPERATOR, ReleaseRequest(2026, 0.5))
    rows = table_rows(response.text, "lk-preview")
    assert len(rows) == len(DEFAULT_PLAN) == len(expected)
    for row, table in zip(rows, expected, strict=True):
        assert row[0] == f"{table.title_nl} {table.name}"
        assert row[1:] == [
            str(table.cells),
            decimal(table.rho, ".3g", "nl"),
            decimal(table.expected_std_error, ".3g", "nl"),
            "±" + decimal(table.half_width_95, ".1f", "nl"),
            str(table.smallest_reliable),
        ]
    page = read(response.text)
    assert (
        "Dit voorbeeld las geen gegevens en gaf niets van het budget uit" in page.one("main").text
    )
    assert facts(page)["Budget van 2026"] == "ρ = 1, daarvan nog 1 over"
    # Who reported, as the release would record it, against the threshold.
    coverage = table_rows(response.text, "lk-coverage")
    assert [r[0] for r in coverage] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert coverage[0][1:3] == ["0 van 342", "342"]
    share = f"{portal.app.state.context.settings.min_coverage:.0%}"
    warning = page.one("div", class_="utrecht-alert--warning").text
    assert "Alleen geforceerd te publiceren" in warning
    assert f"een landelijk cijfer vraagt minstens {share} per afgelopen kwartaal" in warning
    assert page.one("a", class_="utrecht-button-link--primary-action").attrs["href"] == (
        "/portal/releases/new?year=2026&quarter=&rho=0%2C5"
    )
    assert portal.store.get_budget(2026).ledger == () and portal.store.list_releases() == []
    quarter = statistician.get("/portal/releases/preview?year=2026&quarter=3&rho=0.5&lang=en")
    assert read(quarter.text).one("h2", id="preview-heading").text == "2026-Q3 at ρ = 0.5"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("year=2026&rho=", "rho", "Vul ρ in, bijvoorbeeld 0,5"),
        ("year=2026&rho=veel", "rho", "ρ is een getal, bijvoorbeeld 0,5; 'veel' is dat niet"),
        ("year=2026&rho=nan", "rho", "ρ is een getal"),
        ("year=2026&rho=0", "rho", "Rho ligt tussen 1e-06 en 1000"),
        ("year=2026&rho=5", "rho", "zou totals"),
        ("year=2027&rho=0.5", "year", "2027 is nog niet begonnen"),
        ("year=&rho=0.5", "year", "Kies het gegevensjaar"),
        ("year=2026&quarter=7&rho=0.5", "quarter", "Kies het hele jaar of een kwartaal"),
    ],
)
def test_preview_bad_input_is_an_error_at_its_field(
    portal: Portal, query: str, field: str, message: str
) -> None:
    response = portal.signed_in("statistician").get(f"/portal/releases/preview?{query}")
    assert response.status_code == 422
    page = read(response.text)
    assert message in page.one("div", class_="lk-error-summary").text
    assert page.one("a", href=f"#{field}") is not None
    control = page.all("input", id=field) + page.all("select", id=field)
    assert control[0].attrs["aria-invalid"] == "true"
    assert page.all("table") == []


# -- making a release ------------------------------------------------------------------------


def _confirm(browser: TestClient, query: str) -> Page:
    return read(_confirm_html(browser, query))


def _confirm_html(browser: TestClient, query: str) -> str:
    response = browser.get(f"/portal/releases/new?{query}")
    assert response.status_code == 200, response.text
    return response.text


def _post(browser: TestClient, page: Page, **extra: str) -> object:
    form = {i.attrs["name"]: i.attrs.get("value", "") for i in page.all("input", type="hidden")}
    return browser.post("/portal/releases", data={**form, **extra})


def test_release_confirmation_says_what_it_spends_and_what_it_records(portal: Portal) -> None:
    _budget(portal)
    releases.create(portal.app.state.context, OPERATOR, ReleaseRequest(2026, 0.25, force=True))
    html = _confirm_html(portal.signed_in("statistician"), "year=2026&quarter=&rho=0,3")
    page = read(html)
    assert page.one("h1").text == "Publicatie 2026 maken"
    told = facts(page)
    spent = portal.store.get_budget(2026).spent_rho
    eps = decimal(budget.epsilon(0.3), ".3g", "nl")
    assert told["Deze publicatie"] == f"ρ = 0,3 (ε = {eps} bij δ = 10⁻⁹)"
    assert told["Budget van 2026"] == f"ρ = 1, waarvan al {decimal(spent, '.4g', 'nl')} uitgegeven"
    assert told["Over na deze publicatie"] == "ρ = " + decimal(1 - spent - 0.3, ".4g", "nl")
    year_eps = decimal(budget.epsilon(spent + 0.3), ".3g", "nl")
    assert told["Het jaar 2026 na deze publicatie"] == (
        f"ρ = {decimal(spent + 0.3, '.4g', 'nl')} (ε = {year_eps} bij δ = 10⁻⁹)"
    )
    assert told["Soort publicatie"].startswith("Voorlopig: niet elk kwartaal")
    assert "Alleen analisten en de statisticus" in told["Soort publicatie"]
    coverage = table_rows(html, "lk-coverage")
    assert [r[0] for r in coverage] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert coverage[3] == ["2026-Q4", "0 van 342", "342", "Nee, loopt nog"]
    # Too few municipalities reported: the release would have to be forced, and says why.
    warning = page.one("div", class_="utrecht-alert--warning").text
    assert "einig gemeenten leverden aan (2026-Q1: 0 van 342" in warning
    force = page.one("input", id="force")
    assert force.attrs["type"] == "checkbox" and "checked" not in force.attrs
    assert "de landelijke cijfers zijn te laag" in page.one("div", id="force-hint").text
    hidden = {i.attrs["name"]: i.attrs["value"] for i in page.all("input", type="hidden")}
    assert hidden["year"] == "2026" and hidden["rho"] == "0,3" and len(hidden["key"]) >= 32
    assert _form_button(page) == "Ja, maak 2026 en geef ρ = 0,3 uit"


def test_release_confirmation_each_time_a_new_key(portal: Portal) -> None:
    _budget(portal)
    browser = portal.signed_in("statistician")
    keys = {
        _confirm(browser, "year=2026&rho=0.2").one("input", name="key").attrs["value"]
        for _ in range(3)
    }
    assert len(keys) == 3


def test_release_confirmation_without_or_beyond_the_budget_offers_no_button(
    portal: Portal,
) -> None:
    statistician = portal.signed_in("statistician")
    none = _confirm(statistician, "year=2026&rho=0.2")
    alert = none.one("div", class_="utrecht-alert--error").text
    assert "Er is geen privacybudget voor 2026; stel het eerst in" in alert
    assert "kunt het niet instellen of verhogen" in alert
    assert none.all("form", class_="lk-form") == []
    _budget(portal, 0.1)
    beyond = _confirm(statistician, "year=2026&rho=0.2")
    assert (
        "van het budget van 2026 (rho = 0.1) is nog 0.1 over"
        in beyond.one("div", class_="utrecht-alert--error").text
    )
    assert beyond.all("form", class_="lk-form") == []
    bad = statistician.get("/portal/releases/new?year=2026&rho=x")
    assert bad.status_code == 422 and "ρ is een getal" in _main(bad.text)


def test_release_create_makes_it_once_even_when_the_form_is_sent_twice(portal: Portal) -> None:
    _budget(portal)
    browser = portal.signed_in("statistician")
    page = _confirm(browser, "year=2026&rho=0.2")
    made = _post(browser, page, force="yes")
    assert made.status_code == 303  # type: ignore[attr-defined]
    assert made.headers["location"] == "/portal/releases/2026-r1/certificate?made=1"  # type: ignore[attr-defined]
    again = _post(browser, page, force="yes")  # a double click, a reload of the POST
    assert again.headers["location"] == "/portal/releases/2026-r1/certificate?replayed=1"  # type: ignore[attr-defined]
    assert [e.release_id for e in portal.store.get_budget(2026).ledger] == ["2026-r1"]
    shown = read(browser.get(made.headers["location"]).text)  # type: ignore[attr-defined]
    success = shown.one("div", class_="utrecht-alert--success").text
    rho = decimal(portal.store.get_budget(2026).spent_rho, ".4g", "nl")
    assert f"2026-r1 gaf ρ = {rho} uit van het budget van 2026" in success
    assert "Er is nog ρ = " in success
    replayed = read(browser.get(again.headers["location"]).text)  # type: ignore[attr-defined]
    assert (
        "er is niets opnieuw uitgegeven" in replayed.one("div", class_="utrecht-alert--info").text
    )
    # A new confirmation is a new intention: a second release.
    second = _post(browser, _confirm(browser, "year=2026&rho=0.2"), force="yes")
    assert second.headers["location"].startswith("/portal/releases/2026-r2/")  # type: ignore[attr-defined]


def test_release_key_is_kept_and_never_shown_on_a_page_or_over_the_api(portal: Portal) -> None:
    # A final release of 2025 (every quarter ended and locked): everyone may read it.
    context = portal.app.state.context
    portal.store.set_budget(2025, 1.0, NOW, portal.token_ids["admin"])
    for quarter in range(1, 5):
        periods.lock(context, OPERATOR, f"2025-Q{quarter}")
    browser = portal.signed_in("statistician")
    page = _confirm(browser, "year=2025&rho=0.2")
    key = page.one("input", name="key").attrs["value"]
    made = _post(browser, page, force="yes")
    assert made.status_code == 303  # type: ignore[attr-defined]
    assert portal.store.get_release("2025-r1")["idempotency_key"] == key  # type: ignore[index]
    api = [
        "/api/v1/releases",
        "/api/v1/releases/2025-r1",
        "/api/v1/releases/2025-r1/certificate",
        "/api/v1/releases/2025-r1/tables/totals",
        "/",
        "/figures",
        "/figures/2025-r1",
        "/figures/2025-r1/certificate",
    ]
    portal_pages = ["/portal/releases", "/portal/releases/2025-r1/certificate?made=1"]
    readers = {
        "anonymous": (portal.browser(), api),
        "analyst": (portal.signed_in("analyst"), api + portal_pages),
        "statistician": (browser, api + portal_pages + ["/portal/budgets/2025"]),
    }
    for who, (reader, paths) in readers.items():
        for path in paths:
            answer = reader.get(path)
            assert answer.status_code == 200, (who, path, answer.status_code)
            assert "2025-r1" in answer.text or path == "/", (who, path)
            assert key not in answer.text and "idempotency" not in answer.text, (who, path)


def test_release_create_below_the_threshold_needs_force_and_says_so(portal: Portal) -> None:
    _budget(portal)
    browser = portal.signed_in("statistician")
    page = _confirm(browser, "year=2026&rho=0.2")
    refused = _post(browser, page)
    assert refused.status_code == 409  # type: ignore[attr-defined]
    again = read(refused.text)  # type: ignore[attr-defined]
    summary = again.one("div", class_="lk-error-summary").text
    assert "Te weinig gemeenten leverden aan" in summary and "Er is niets uitgegeven" in summary
    assert again.one("input", id="force").attrs["aria-invalid"] == "true"
    assert portal.store.list_releases() == []
    forced = _post(browser, again, force="yes")
    certificate = read(browser.get(forced.headers["location"]).text)  # type: ignore[attr-defined]
    assert facts(certificate)["Aanleveringen"].startswith("Geforceerd: te weinig gemeenten")
    [release] = portal.store.list_releases()
    assert release["coverage_check"]["forced"] is True


def test_release_create_refusals_change_nothing(portal: Portal) -> None:
    browser = portal.signed_in("statistician")
    csrf = csrf_of(browser.get("/portal/releases").text)
    form = {"csrf_token": csrf, "year": "2026", "quarter": "", "rho": "0.2", "key": "k"}
    none = browser.post("/portal/releases", data={**form, "force": "yes"})
    assert none.status_code == 409 and "geen privacybudget voor 2026" in _main(none.text)
    assert read(none.text).one("a", href="/portal/releases/preview?year=2026&quarter=&rho=0.2")
    _budget(portal)
    bad = browser.post("/portal/releases", data={**form, "rho": "-1"})
    assert bad.status_code == 422 and "rho ligt tussen" in _main(bad.text)
    expired = browser.post("/portal/releases", data={**form, "csrf_token": "y" * 43})
    assert expired.status_code == 403
    assert portal.store.list_releases() == [] and portal.store.get_budget(2026).ledger == ()


# -- the releases and their certificates -----------------------------------------------------


def test_releases_list_and_certificate_in_both_languages(portal: Portal) -> None:
    _budget(portal)
    context = portal.app.state.context
    releases.create(context, OPERATOR, ReleaseRequest(2026, 0.2, force=True))
    portal.clock["now"] = NOW.replace(minute=30)
    releases.create(context, OPERATOR, ReleaseRequest(2026, 0.1, quarter=3, force=True))
    statistician = portal.signed_in("statistician")
    listing = statistician.get("/portal/releases")
    rows = table_rows(listing.text, "lk-releases")
    assert [r[:2] for r in rows] == [["2026-Q3-r1", "2026-Q3"], ["2026-r1", "2026"]]
    assert rows[1][5] == "Voorlopig Geforceerd"
    assert rows[1][6] == "Certificaat van 2026-r1Cijferpagina van 2026-r1"
    page = read(listing.text)
    assert page.one("a", href="/portal/releases/2026-r1/certificate").text == (
        "Certificaat van 2026-r1"
    )
    # The release among the figures (web/public.py), where its tables are.
    assert page.one("a", href="/figures/2026-r1").text == "Cijferpagina van 2026-r1"
    assert statistician.get("/figures/2026-r1").status_code == 200
    nl = statistician.get("/portal/releases/2026-Q3-r1/certificate")
    cert = releases.certificate(context, OPERATOR, "2026-Q3-r1")
    main = _main(nl.text)
    assert read(nl.text).one("h1").text == "Privacycertificaat van 2026-Q3-r1"
    assert cert["privacy_unit"]["nl"][1:] in main and cert["not_covered"][1]["nl"] in main
    assert [r[0] for r in table_rows(nl.text, "lk-cert-releases")] == [
        "2026-r1",
        "2026-Q3-r1 (deze publicatie)",
    ]
    assert len(table_rows(nl.text, "lk-cert-tables")) == len(cert["tables"])
    en = statistician.get("/portal/releases/2026-Q3-r1/certificate?lang=en")
    main_en = _main(en.text)
    assert cert["privacy_unit"]["en"][1:] in main_en and cert["not_covered"][1]["en"] in main_en
    assert read(en.text).one("h1").text == "Privacy certificate of 2026-Q3-r1"
    assert statistician.get("/portal/releases/2099-r9/certificate").status_code == 404


def test_statistician_pages_refer_to_no_other_host(portal: Portal) -> None:
    _budget(portal)
    releases.create(portal.app.state.context, OPERATOR, ReleaseRequest(2026, 0.2, force=True))
    statistician = portal.signed_in("statistician")
    paths = [
        "/portal",
        "/portal/completeness",
        "/portal/periods/2026-Q3/lock",
        "/portal/budgets",
        "/portal/budgets/2026",
        "/portal/releases/preview?year=2026&rho=0.5",
        "/portal/releases/new?year=2026&rho=0.2",
        "/portal/releases",
        "/portal/releases/2026-r1/certificate",
    ]
    for path in paths:
        response = statistician.get(path)
        assert response.status_code == 200, path
        for element in read(response.text).elements:
            for name in ("href", "src", "action"):
                value = element.attrs.get(name)
                if value is not None:
                    assert value.startswith(("/", "#")) and not value.startswith("//"), value
        assert "http://" not in response.text and "https://" not in response.text, path
        assert "<script>" not in response.text and "style=" not in response.text, path


def test_statistician_section_navigation_marks_the_current_page(portal: Portal) -> None:
    page = read(portal.signed_in("statistician").get("/portal/budgets").text)
    nav = page.one("nav", class_="lk-section-nav")
    assert nav.attrs["aria-label"] == "Onderdelen voor de statisticus"
    links = page.all("a", class_="lk-section-nav__link")
    assert [a.text for a in links] == [
        "Overzicht",
        "Volledigheid",
        "Privacybudget",
        "Voorbeeld en publiceren",
        "Publicaties",
    ]
    assert [a.attrs.get("aria-current") for a in links] == [None, None, "page", None, None]
    # An analyst is offered only the sections it may open.
    analyst = read(portal.signed_in("analyst").get("/portal/releases").text)
    assert [a.text for a in analyst.all("a", class_="lk-section-nav__link")] == [
        "Overzicht",
        "Volledigheid",
        "Publicaties",
    ]


def test_statistician_completeness_counts_match_the_register(portal: Portal) -> None:
    response = portal.signed_in("statistician").get("/portal/completeness?period=2026-Q3")
    provinces = table_rows(response.text, "lk-provinces")
    assert sum(int(r[1]) for r in provinces) == len(load_register().valid_in(2026)) == 342
