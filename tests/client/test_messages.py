"""Messages a person can act on (issue 17): whom to contact, which encoding, role names."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from client import cli
from client.api import Client
from client.errors import RefusedError
from client.receipts import Identity, Receipt
from client.render import identity_line, receipt_lines
from tests.client.conftest import (
    HEADER,
    ME_ANALYST,
    PERIOD,
    TOKEN,
    URL,
    FakeServer,
    Sleeps,
    accept_submission,
    error,
    receipt,
)

SUBMISSIONS = "/api/v1/submissions"
CONTACT = "Servicedesk lekstat, 070 123 4567"
LOCK = {"period": PERIOD, "locked_at": "2026-05-01T08:00:00Z", "locked_by": "tok-stat"}
LOCKED = "periode 2026-Q1 is vergrendeld (op 2026-05-01T08:00:00Z door tok-stat)"


@pytest.fixture
def logged_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEKSTAT_URL", URL)
    monkeypatch.setenv("LEKSTAT_TOKEN", TOKEN)


@pytest.mark.usefixtures("logged_in")
def test_cli_locked_period_refusal_names_the_contact_from_the_details(
    server: FakeServer, sleeps: Sleeps, capsys: pytest.CaptureFixture[str]
) -> None:
    refusal = error(409, "period_locked", LOCKED, [{**LOCK, "contact": CONTACT}])
    server.on("POST", SUBMISSIONS, refusal)
    argv = ["submit", "--nil", "--period", PERIOD]
    assert cli.main(argv, transport=server.transport, sleep=sleeps) == 3
    err = capsys.readouterr().err
    assert LOCKED in err and f"neem contact op met {CONTACT}" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("details", "message", "expected"),
    [
        (
            [{**LOCK, "contact": CONTACT}],
            "locked",
            f"locked. Questions about this quarter: contact {CONTACT}",
        ),
        ([LOCK], "locked", "locked"),  # today's server: no contact, no sentence
        ([{**LOCK, "contact": CONTACT}], f"locked; ask {CONTACT}", f"locked; ask {CONTACT}"),
        ([], "locked", "locked"),
    ],
)
def test_client_lock_refusal_adds_the_contact_once(
    server: FakeServer,
    make_client: Callable[..., Client],
    details: list[Any],
    message: str,
    expected: str,
) -> None:
    server.on("POST", SUBMISSIONS, error(409, "period_locked", message, details))
    client = make_client(lang="en")
    with pytest.raises(RefusedError) as caught:
        client.submit_nil(PERIOD)
    assert caught.value.message == expected
    assert caught.value.details == details


@pytest.mark.usefixtures("logged_in")
def test_cli_receipt_says_which_encoding_the_file_was_read_in(
    server: FakeServer, sleeps: Sleeps, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Excel's plain "CSV (gescheiden door lijstscheidingsteken)": Windows-1252 and ";"
    path = tmp_path / "excel.csv"
    text = HEADER + "FT01_BRP,DC01_BRP_ADRES,ST01_SIGNAAL,EM01_VAST,MO01_CRIMINEEL — beïnvloed,2\n"
    path.write_bytes(text.replace(",", ";").encode("cp1252"))
    server.on("POST", SUBMISSIONS, accept_submission)
    run = ["submit", str(path), "--period", PERIOD]
    assert cli.main(run, transport=server.transport, sleep=sleeps) == 0
    out = capsys.readouterr().out
    assert (
        "gelezen als" in out
        and "Windows-1252 (Excel: 'CSV (gescheiden door lijstscheidingsteken)')" in out
    )
    assert cli.main([*run, "--json"], transport=server.transport, sleep=sleeps) == 0
    assert json.loads(capsys.readouterr().out)["encoding"] == "windows-1252"
    assert cli.main(["validate", str(path), "--period", PERIOD, "--lang", "en"]) == 0
    assert "Read as Windows-1252" in capsys.readouterr().out


def test_receipt_lines_show_the_servers_contact_and_explain_late() -> None:
    body = receipt(late=True, contact=CONTACT, encoding="utf-8")
    lines = "\n".join(receipt_lines(Receipt.from_json(body), "nl"))
    assert "vragen" in lines and CONTACT in lines
    assert "ja: ontvangen na de uiterste datum; de aanlevering telt gewoon mee" in lines
    assert "gelezen als" in lines and "UTF-8" in lines
    plain = "\n".join(receipt_lines(Receipt.from_json(receipt()), "en"))
    assert "questions" not in plain and "read as" not in plain  # nothing the server did not say


@pytest.mark.parametrize(
    ("role", "dutch"),
    [
        ("municipality", "gemeente"),
        ("analyst", "analist"),
        ("statistician", "statisticus"),
        ("admin", "beheerder"),
    ],
)
def test_identity_line_names_the_role_in_the_users_language(role: str, dutch: str) -> None:
    identity = Identity.from_json({**ME_ANALYST, "role": role})
    assert identity_line(identity, "nl") == f"rol {dutch}"
    assert identity_line(identity, "en").startswith("role ")
    assert role not in identity_line(identity, "nl") or role == dutch


def test_cli_login_names_the_role_in_dutch(
    sleeps: Sleeps, capsys: pytest.CaptureFixture[str]
) -> None:
    server = FakeServer(me=ME_ANALYST)
    argv = ["login", "--url", URL, "--token", TOKEN]
    assert cli.main(argv, transport=server.transport, sleep=sleeps) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == f"Ingelogd bij {URL} als rol analist."
