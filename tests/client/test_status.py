"""``lekstat status`` for a municipality answers "what do I still have to do" (issue 17)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from client import cli
from client.receipts import Identity, Receipt
from client.status import Calendar, quarters, status_lines
from schemas.periods import Period
from tests.client.conftest import ME_MUNICIPALITY, TOKEN, URL, FakeServer, Reply, Sleeps, receipt

TODAY = dt.date(2026, 11, 29)
ME = Identity.from_json(ME_MUNICIPALITY)
CONTACT = "lekstat-beheer@minbzk.nl"

RECEIPTS = [
    receipt(id="s1", period="2026-Q1", version=1, nil_return=True, rows=0, total=0),
    receipt(id="s2", period="2026-Q3", version=1, late=True),
    receipt(id="s3", period="2026-Q3", version=2, late=True, total=7),
]
PERIODS: dict[str, Any] = {
    "deadline_days": 45,
    "contact": CONTACT,
    "periods": [
        {"period": str(p), "deadline": (p.end + dt.timedelta(days=45)).isoformat(), "locked": None}
        for p in (Period(2026, 1), Period(2026, 2), Period(2026, 3), Period(2026, 4))
    ]
    + [
        {
            "period": "2025-Q4",
            "deadline": "2026-02-14",
            "locked": {"period": "2025-Q4", "locked_at": "2026-03-01T09:00:00Z", "locked_by": "x"},
        }
    ],
}


def _receipts() -> list[Receipt]:
    return [Receipt.from_json(r) for r in RECEIPTS]


def test_status_quarters_from_the_first_to_today_with_current_versions() -> None:
    items = quarters(_receipts(), Calendar.from_json(PERIODS), TODAY)
    assert str(items[0].period) == "2024-Q1" and str(items[-1].period) == "2026-Q4"
    by_period = {str(q.period): q for q in items}
    current = by_period["2026-Q3"].current
    assert current is not None and current.id == "s3"  # the highest version counts
    assert by_period["2026-Q2"].current is None
    assert by_period["2026-Q2"].deadline == dt.date(2026, 8, 14)  # the server's 45 days
    assert by_period["2025-Q4"].lock is not None
    # without the server's calendar: lekstat's default deadline, and no locks known
    assumed = {str(q.period): q for q in quarters(_receipts(), Calendar.from_json(None), TODAY)}
    assert assumed["2026-Q2"].deadline == dt.date(2026, 7, 30)
    assert all(q.lock is None for q in assumed.values())


def test_status_lines_say_what_is_left_to_do_in_dutch() -> None:
    calendar = Calendar.from_json(PERIODS)
    items = quarters(_receipts(), calendar, TODAY)
    text = "\n".join(status_lines(ME, items, calendar, "nl", TODAY))
    assert "rol gemeente" in text and "municipality" not in text
    reported = text[text.index("Aangeleverd:") : text.index("Nog te doen:")]
    assert "2026-Q3   2 van 2         aantallen" in reported  # the current version, of how many
    assert "2026-Q1   1 van 1         nulmelding" in reported
    to_do = text[text.index("Nog te doen:") : text.index("Vergrendeld zonder aanlevering:")]
    assert "2026-Q2   2026-08-14      te laat: de uiterste datum is voorbij" in to_do
    assert "2026-Q4   2027-02-14      loopt nog tot en met 2026-12-31" in to_do
    assert "2025-Q4" not in to_do  # locked: nothing can be done about it
    locked = "2025-Q4  vergrendeld op 2026-03-01T09:00:00Z; aanleveren kan niet meer; neem "
    assert locked + f"contact op met {CONTACT}" in text
    assert "te laat: de eerste aanlevering kwam na de uiterste datum (45 dagen" in text
    assert "telt gewoon mee" in text


def test_status_lines_in_english_and_for_a_server_without_a_calendar() -> None:
    calendar = Calendar.from_json(None)
    items = quarters(_receipts(), calendar, TODAY)
    text = "\n".join(status_lines(ME, items, calendar, "en", TODAY))
    assert "role municipality" in text and "Still to do:" in text
    assert "2026-Q3  2 of 2" in text and "counts in the figures all the same" in text
    assert "This server does not say its deadlines and locks" in text
    assert "Locked without a submission" not in text


def test_status_lines_nothing_left_to_do() -> None:
    calendar = Calendar.from_json(PERIODS)
    done = [
        Receipt.from_json(receipt(id=f"s{i}", period=str(p), version=1))
        for i, p in enumerate([Period(2026, q) for q in (1, 2, 3, 4)])
    ]
    items = quarters(done, calendar, TODAY, only=None)
    items = [q for q in items if q.period.year == 2026]
    text = "\n".join(status_lines(ME, items, calendar, "nl", TODAY))
    assert "niets: elk open kwartaal is aangeleverd" in text


@pytest.fixture
def logged_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEKSTAT_URL", URL)
    monkeypatch.setenv("LEKSTAT_TOKEN", TOKEN)


@pytest.mark.usefixtures("logged_in")
@pytest.mark.parametrize("calendar", [Reply(200, PERIODS), Reply(404, {"error": {}})])
def test_cli_status_for_a_municipality_says_what_is_left_to_do(
    server: FakeServer, sleeps: Sleeps, capsys: pytest.CaptureFixture[str], calendar: Reply
) -> None:
    server.on("GET", "/api/v1/submissions", Reply(200, {"submissions": RECEIPTS}))
    server.on("GET", "/api/v1/periods", calendar)
    assert cli.main(["status"], transport=server.transport, sleep=sleeps) == 0
    out = capsys.readouterr().out
    assert "Aangeleverd:" in out and "Nog te doen:" in out and "2 van 2" in out
    assert "te laat: de eerste aanlevering kwam na de uiterste datum" in out
    assert ("Vergrendeld zonder aanlevering:" in out) is (calendar.status == 200)
    assert ("geeft zijn termijnen en vergrendelingen niet door" in out) is (calendar.status == 404)


@pytest.mark.usefixtures("logged_in")
def test_cli_status_json_marks_the_current_version(
    server: FakeServer, sleeps: Sleeps, capsys: pytest.CaptureFixture[str]
) -> None:
    server.on("GET", "/api/v1/submissions", Reply(200, {"submissions": RECEIPTS}))
    assert cli.main(["status", "--json"], transport=server.transport, sleep=sleeps) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {(r["id"], r["current"]) for r in listed} == {
        ("s1", True),
        ("s2", False),
        ("s3", True),
    }
    assert server.to("GET", "/api/v1/periods") == []  # JSON is the receipts, as before
