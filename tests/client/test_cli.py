"""The ``lekstat`` command line through ``main([...])``, with the fake server injected."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import httpx
import pytest

from client import cli
from client.config import load_settings, save_settings
from schemas.periods import Period
from schemas.taxonomy import load_taxonomy
from schemas.validation import validate_submission
from tests.client.conftest import (
    HEADER,
    ME_ANALYST,
    PERIOD,
    TOKEN,
    URL,
    FakeServer,
    Reply,
    Sleeps,
    accept_submission,
    error,
    receipt,
)

SUBMISSIONS = "/api/v1/submissions"


@pytest.fixture
def logged_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEKSTAT_URL", URL)
    monkeypatch.setenv("LEKSTAT_TOKEN", TOKEN)


def run(server: FakeServer, sleeps: Sleeps, *argv: str) -> int:
    return cli.main(list(argv), transport=server.transport, sleep=sleeps)


# -- submit ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("logged_in")
def test_cli_submit_prints_the_receipt(
    server: FakeServer, sleeps: Sleeps, valid_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.on("POST", SUBMISSIONS, accept_submission)
    assert run(server, sleeps, "submit", str(valid_csv), "--period", PERIOD) == 0
    out = capsys.readouterr().out
    sent = json.loads(server.to("POST", SUBMISSIONS)[0].content)
    content = validate_submission(sent["rows"], PERIOD, "GM0363").submission
    assert content is not None
    assert (
        "Ontvangen" in out
        and "sub-1" in out
        and content.sha256() in out
        and "gelijk aan wat lekstat verstuurde" in out
    )
    assert "2026-04-02T10:00:00Z" in out


@pytest.mark.usefixtures("logged_in")
def test_cli_submit_replay_says_so(
    server: FakeServer, sleeps: Sleeps, valid_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.on("POST", SUBMISSIONS, Reply(200, receipt(version=1), {"Idempotent-Replayed": "true"}))
    assert run(server, sleeps, "submit", str(valid_csv), "--period", PERIOD, "--lang", "en") == 0
    assert "Already received" in capsys.readouterr().out


@pytest.mark.usefixtures("logged_in")
def test_cli_submit_dry_run(
    server: FakeServer, sleeps: Sleeps, valid_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.on("POST", SUBMISSIONS, accept_submission)
    assert run(server, sleeps, "submit", str(valid_csv), "--period", PERIOD, "--dry-run") == 0
    assert "Proefrun" in capsys.readouterr().out
    assert server.to("POST", SUBMISSIONS)[0].url.params["dry_run"] == "true"


@pytest.mark.usefixtures("logged_in")
def test_cli_submit_nil(
    server: FakeServer, sleeps: Sleeps, capsys: pytest.CaptureFixture[str]
) -> None:
    server.on("POST", SUBMISSIONS, accept_submission)
    assert run(server, sleeps, "submit", "--nil", "--period", PERIOD, "--json") == 0
    body = json.loads(capsys.readouterr().out)
    assert body["nil_return"] is True and body["verified"] is True


@pytest.mark.usefixtures("logged_in")
@pytest.mark.parametrize("argv", [["--nil", "x.csv"], []])
def test_cli_submit_needs_a_file_or_nil(
    server: FakeServer, sleeps: Sleeps, argv: list[str]
) -> None:
    assert run(server, sleeps, "submit", *argv, "--period", PERIOD) == 2
    assert server.requests == []


@pytest.mark.usefixtures("logged_in")
def test_cli_submit_invalid_file_exits_1_with_the_table_and_sends_nothing(
    server: FakeServer, sleeps: Sleeps, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "FT01_BRP,DC01_BRP_ADRES,ST01_SIGNAAL,EM01_VAST,MO01_CRIMINEEL,x\n")
    assert run(server, sleeps, "submit", str(bad), "--period", PERIOD) == 1
    out = capsys.readouterr().out
    assert "1 probleem gevonden; er is niets verstuurd" in out and "aantal" in out
    assert server.to("POST", SUBMISSIONS) == []


@pytest.mark.usefixtures("logged_in")
@pytest.mark.parametrize(
    ("answer", "tries", "text"),
    [
        # refused: exit 3 like any server failure, the server's message says what happened,
        # and it is not retried because sending it again cannot change the answer
        (error(401, "unauthorized", "token unknown"), 1, "token unknown"),
        (error(403, "forbidden", "not yours"), 1, "not yours"),
        (error(409, "period_locked", "2026-Q1 is locked"), 1, "2026-Q1 is locked"),
        (error(409, "idempotency_conflict", "key reused"), 1, "key reused"),
        (error(413, "too_large", "too big"), 1, "too big"),
        (error(503, "unavailable", "maintenance"), 4, "maintenance"),
        (httpx.ConnectError, 4, "niet bereikbaar"),
        (httpx.ConnectTimeout, 4, "geen antwoord op tijd"),
    ],
)
def test_cli_submit_server_and_network_failures_exit_3_with_one_line(
    server: FakeServer,
    sleeps: Sleeps,
    valid_csv: Path,
    capsys: pytest.CaptureFixture[str],
    answer: object,
    tries: int,
    text: str,
) -> None:
    server.on("POST", SUBMISSIONS, answer)  # type: ignore[arg-type]
    assert run(server, sleeps, "submit", str(valid_csv), "--period", PERIOD) == 3
    err = capsys.readouterr().err
    assert text in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert len(server.to("POST", SUBMISSIONS)) == tries


@pytest.mark.usefixtures("logged_in")
def test_cli_submit_server_row_errors_exit_1_with_the_table(
    server: FakeServer, sleeps: Sleeps, valid_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    details = [{"row": 3, "column": "stage", "value": "ST01", "message": "rejected", "code": "x"}]
    server.on("POST", SUBMISSIONS, error(422, "invalid_submission", "invalid", details))
    assert run(server, sleeps, "submit", str(valid_csv), "--period", PERIOD) == 1
    assert "rejected" in capsys.readouterr().out


def test_cli_without_a_token_exits_2_and_says_how_to_log_in(
    server: FakeServer, sleeps: Sleeps, valid_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(server, sleeps, "submit", str(valid_csv), "--period", PERIOD) == 2
    assert "lekstat login" in capsys.readouterr().err and server.requests == []


def test_cli_bad_period_is_a_usage_error(
    server: FakeServer, sleeps: Sleeps, valid_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(server, sleeps, "validate", str(valid_csv), "--period", "2026-Q5") == 2
    assert "JJJJ-Qn" in capsys.readouterr().err


def test_cli_help_exits_0_and_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    def codes(out: str) -> list[str]:
        return re.findall(r"^  (\d+) ", out, flags=re.MULTILINE)

    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "afsluitcodes" in out and codes(out) == ["0", "1", "2", "3", "70"]
    assert cli.main(["--lang", "en", "submit", "--help"]) == 0
    out = capsys.readouterr().out
    assert "exit codes" in out and codes(out) == ["0", "1", "2", "3", "70"]
    assert "refused by the server" in out and "a bug in lekstat" in out


def test_cli_help_of_each_command_is_its_docstring(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", "--help", "--lang", "en"]) == 0
    assert "Check a CSV or Excel file offline; nothing is sent." in capsys.readouterr().out


def test_cli_unexpected_errors_are_one_line_not_a_traceback(
    server: FakeServer,
    sleeps: Sleeps,
    valid_csv: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("surprise")

    monkeypatch.setattr("client.api.validate", boom)
    assert run(server, sleeps, "validate", str(valid_csv), "--period", PERIOD) == 70
    err = capsys.readouterr().err
    assert "surprise" in err and "Traceback" not in err


# -- validate --------------------------------------------------------------------------------


def _many_problems(tmp_path: Path) -> Path:
    """30 counts with decimals (one problem, repeated) and 25 different duplicated rows."""
    tax = load_taxonomy()
    combos = [(ft, st) for st in tax.codes("stage") for ft in tax.codes("function_type")]
    rows = [
        f"{ft},DC01_BRP_ADRES,{st},EM01_VAST,MO02_PRIVE,{n}.5"
        for n, (ft, st) in enumerate(combos[:30])
    ]
    for ft, st in combos[:25]:
        rows += [f"{ft},DC01_BRP_ADRES,{st},EM01_VAST,MO01_CRIMINEEL,1"] * 2
    path = tmp_path / "many.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n")
    return path


def test_cli_validate_groups_and_caps_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _many_problems(tmp_path)
    assert cli.main(["validate", str(path), "--period", PERIOD, "--lang", "en"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("55 problems found; nothing was sent.")
    # The 30 decimals are one line; every duplicate names its own first row, so there are 26
    # different lines, and the table stops at 20 with the total and a pointer to --json.
    assert out[4].startswith("2–31 ") and "decimals" in out[4]
    assert len(out) == 4 + 20 + 1  # headline, blank, header, rule, 20 lines, the rest
    assert out[-1] == "… and 6 more lines (55 problems in all); use --json for the full list"


def test_cli_validate_json_prints_every_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _many_problems(tmp_path)
    assert cli.main(["validate", str(path), "--period", PERIOD, "--json"]) == 1
    body = json.loads(capsys.readouterr().out)
    assert body["valid"] is False and len(body["issues"]) == 55
    assert set(body["issues"][0]) == {"row", "column", "value", "message", "code"}


def test_cli_validate_valid_file(valid_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        cli.main(["validate", str(valid_csv), "--period", PERIOD, "--municipality", "gm0363"]) == 0
    )
    out = capsys.readouterr().out
    assert "is geldig" in out and "totaal 3" in out and "SHA-256" in out


def test_cli_validate_checks_the_municipality_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "m.csv"
    path.write_text("gemeente," + HEADER + "GM0599,FT01,DC01,ST01,EM01,MO01,1\n")
    assert cli.main(["validate", str(path), "--period", PERIOD, "--municipality", "GM0363"]) == 1
    assert "GM0363" in capsys.readouterr().out


def test_cli_validate_missing_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["validate", str(tmp_path / "nope.csv"), "--period", PERIOD]) == 2
    assert "niet gevonden" in capsys.readouterr().err


def test_cli_language_from_environment(
    valid_csv: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LEKSTAT_LANG", "en")
    assert cli.main(["validate", str(valid_csv), "--period", PERIOD]) == 0
    assert "is valid for" in capsys.readouterr().out


# -- template --------------------------------------------------------------------------------


def test_cli_template_refuses_to_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "aantallen.xlsx"
    out.write_bytes(b"a filled-in file")
    assert cli.main(["template", "--out", str(out)]) == 2
    assert out.read_bytes() == b"a filled-in file"
    assert cli.main(["template", "--out", str(out), "--force"]) == 0
    assert out.read_bytes().startswith(b"PK")


def test_cli_template_format_from_the_file_name(tmp_path: Path) -> None:
    assert cli.main(["template", "--out", str(tmp_path / "t.csv")]) == 0
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbffunctietype;")


# -- status, releases, figures ---------------------------------------------------------------


@pytest.mark.usefixtures("logged_in")
def test_cli_status_for_a_municipality_lists_its_receipts(
    server: FakeServer, sleeps: Sleeps, capsys: pytest.CaptureFixture[str]
) -> None:
    server.on("GET", SUBMISSIONS, Reply(200, {"submissions": [receipt(version=2), receipt()]}))
    assert run(server, sleeps, "status", "--period", PERIOD) == 0
    out = capsys.readouterr().out.splitlines()
    assert "Amsterdam (GM0363)" in out[0]
    versions = out.index(f"Alle versies van {PERIOD}:")
    assert out[versions + 1].split()[:2] == ["periode", "versie"]
    assert [line.split()[1] for line in out[versions + 3 :]] == ["1", "2"]
    assert server.to("GET", SUBMISSIONS)[0].url.params["period"] == PERIOD


@pytest.mark.usefixtures("logged_in")
def test_cli_status_for_a_statistician_shows_completeness(
    sleeps: Sleeps, capsys: pytest.CaptureFixture[str]
) -> None:
    body = {
        "period": "2026-Q3",
        "deadline": "2026-10-31",
        "view": "per_municipality",
        "summary": {"expected": 342, "reported": 320, "not_reported": 22, "late": 3},
        "municipalities": [
            {"code": f"GM{n:04d}", "name": f"Gemeente {n}", "status": "not_reported"}
            for n in range(22)
        ]
        + [{"code": "GM0363", "name": "Amsterdam", "status": "reported"}],
    }
    server = FakeServer(me=ME_ANALYST).on("GET", "/api/v1/completeness", Reply(200, body))
    assert run(server, sleeps, "status", "--lang", "en") == 0
    out = capsys.readouterr().out
    assert "Period 2026-Q3" in out and "342" in out and "Gemeente 19" in out
    assert "Gemeente 20" not in out and "2 more" in out and "Amsterdam" not in out
    expected = str(Period.current().previous())
    assert server.to("GET", "/api/v1/completeness")[0].url.params["period"] == expected


RELEASE = {
    "id": "r1",
    "year": 2026,
    "quarter": None,
    "created_at": "2027-02-01T09:00:00Z",
    "rho": 0.5,
    "epsilon": 7.1,
    "tables": [
        {
            "name": "totals",
            "title_nl": "Landelijk totaal naar fase",
            "title_en": "National",
            "cells": 8,
        }
    ],
}
FIGURES = {
    "release_id": "r1",
    "table": "totals",
    "dimensions": ["stage"],
    "rows": [
        {
            "stage": "ST01_SIGNAAL",
            "estimate": 40,
            "std_error": 3.1,
            "ci_low": 34,
            "ci_high": 46,
            "unreliable": False,
        },
        {
            "stage": "=HYPERLINK(1)",
            "estimate": 0,
            "std_error": 3.1,
            "ci_low": 0,
            "ci_high": 6,
            "unreliable": True,
        },
    ],
}


@pytest.fixture
def release_server() -> FakeServer:
    server = FakeServer(me=ME_ANALYST)
    server.on("GET", "/api/v1/releases", Reply(200, {"releases": [RELEASE]}))
    server.on("GET", "/api/v1/releases/r1", Reply(200, RELEASE))
    server.on("GET", "/api/v1/figures/r1/totals.csv", Reply(200, text=FIGURES_CSV))
    server.on("GET", "/api/v1/figures/r1/totals.csv-metadata.json", Reply(200, {"url": "x"}))
    server.on("GET", "/api/v1/figures/r1/totals.json", Reply(200, FIGURES))
    return server


#: The server's CSV of the table (the server writes it: the client only saves it).
FIGURES_CSV = "\ufeffstage;stage_label;estimate;std_error\nST01_SIGNAAL;Signaal;40;3,1\n"


@pytest.mark.usefixtures("logged_in")
def test_cli_releases(
    release_server: FakeServer, sleeps: Sleeps, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(release_server, sleeps, "releases") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["id", "jaar", "kwartaal"]
    assert lines[2].split()[:2] == ["r1", "2026"]
    assert run(release_server, sleeps, "releases", "--json") == 0
    assert json.loads(capsys.readouterr().out) == [RELEASE]


@pytest.mark.usefixtures("logged_in")
def test_cli_figures_without_table_lists_the_tables(
    release_server: FakeServer, sleeps: Sleeps, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(release_server, sleeps, "figures", "r1") == 0
    out = capsys.readouterr().out
    assert "Landelijk totaal naar fase" in out and "--table" in out


@pytest.mark.usefixtures("logged_in")
def test_cli_figures_csv_to_stdout_without_the_bom(
    release_server: FakeServer, sleeps: Sleeps, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(release_server, sleeps, "figures", "r1", "--table", "totals") == 0
    assert capsys.readouterr().out == FIGURES_CSV.lstrip("\ufeff")
    assert release_server.to("GET", "/api/v1/figures/r1/totals.csv")[0].url.params["sep"] == ";"


@pytest.mark.usefixtures("logged_in")
def test_cli_figures_csv_to_a_file_with_its_metadata_beside_it(
    release_server: FakeServer, sleeps: Sleeps, tmp_path: Path
) -> None:
    out = tmp_path / "totals.csv"  # the server's name for it is lekstat-r1-totals.csv
    args = ("figures", "r1", "--table", "totals", "--out", str(out), "--sep", ",")
    assert run(release_server, sleeps, *args) == 0
    assert out.read_bytes() == FIGURES_CSV.encode("utf-8")  # the BOM kept, for Excel
    metadata = json.loads((tmp_path / "totals.csv-metadata.json").read_text(encoding="utf-8"))
    assert metadata == {"url": "totals.csv"}  # CSV on the Web: names the file it sits beside
    asked = release_server.to("GET", "/api/v1/figures/r1/totals.csv-metadata.json")
    assert asked[0].url.params["sep"] == ","


def test_cli_figures_without_a_token_reads_public_releases(
    release_server: FakeServer, sleeps: Sleeps, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(release_server, sleeps, "figures", "r1", "--table", "totals") == 0
    assert "Authorization" not in release_server.requests[-1].headers
    assert capsys.readouterr().out.startswith("stage;")


@pytest.mark.usefixtures("logged_in")
def test_cli_figures_parquet_needs_a_file(
    release_server: FakeServer, sleeps: Sleeps, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(release_server, sleeps, "figures", "r1", "--table", "totals", "--format", "parquet")
        == 2
    )
    assert "--out" in capsys.readouterr().err


@pytest.mark.usefixtures("logged_in")
def test_cli_figures_json(
    release_server: FakeServer, sleeps: Sleeps, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(release_server, sleeps, "figures", "r1", "--table", "totals", "--format", "json") == 0
    )
    body = json.loads(capsys.readouterr().out)
    assert body == FIGURES  # the server's document, metadata and all


@pytest.mark.usefixtures("logged_in")
def test_cli_figures_unknown_release_exits_3(
    release_server: FakeServer, sleeps: Sleeps, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(release_server, sleeps, "figures", "nope", "--table", "totals") == 3
    assert capsys.readouterr().err.startswith("lekstat: ")


@pytest.mark.usefixtures("logged_in")
def test_cli_retries_exhausted_exit_3(
    server: FakeServer, sleeps: Sleeps, capsys: pytest.CaptureFixture[str]
) -> None:
    server.on("GET", "/api/v1/releases", error(502, "bad_gateway", "upstream down"))
    assert run(server, sleeps, "releases") == 3
    assert len(server.requests) == 4 and sleeps == [0.5, 1.0, 2.0]
    assert "upstream down" in capsys.readouterr().err


# -- login -----------------------------------------------------------------------------------


def test_cli_login_verifies_and_stores_with_mode_0600(
    server: FakeServer, sleeps: Sleeps, user_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(server, sleeps, "login", "--url", URL, "--token", TOKEN) == 0
    path = user_env / "lekstat" / "config.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (load_settings().url, load_settings().token) == (URL, TOKEN)
    assert server.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    captured = capsys.readouterr()
    assert "Amsterdam" in captured.out and str(path) in captured.out
    assert "https" in captured.err  # the token would travel over plain http


def test_cli_login_asks_for_the_token_with_getpass(
    server: FakeServer, sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts: list[str] = []
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: prompts.append(prompt) or TOKEN)
    assert run(server, sleeps, "login", "--url", URL) == 0
    assert prompts and load_settings().token == TOKEN


def test_cli_login_with_a_wrong_token_stores_nothing(
    server: FakeServer, sleeps: Sleeps, user_env: Path
) -> None:
    save_settings("https://old.example.nl", "old-token")
    server.on("GET", "/api/v1/me", error(401, "unauthorized", "unknown token"))
    assert run(server, sleeps, "login", "--url", URL, "--token", "wrong") == 3
    assert load_settings().token == "old-token"


def test_cli_login_repairs_a_damaged_config(
    server: FakeServer, sleeps: Sleeps, user_env: Path
) -> None:
    path = user_env / "lekstat" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("token = [")
    assert run(server, sleeps, "status") == 2
    assert run(server, sleeps, "login", "--url", URL, "--token", TOKEN) == 0
    assert load_settings().token == TOKEN


def test_cli_environment_overrides_login(
    server: FakeServer,
    sleeps: Sleeps,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    save_settings("https://stored.example.nl", "stored-token")
    monkeypatch.setenv("LEKSTAT_TOKEN", "env-token")
    monkeypatch.setenv("LEKSTAT_URL", URL)
    server.on("GET", SUBMISSIONS, Reply(200, {"submissions": []}))
    assert run(server, sleeps, "status") == 0
    assert server.requests[0].headers["Authorization"] == "Bearer env-token"
    assert str(server.requests[0].url).startswith(URL)
    assert "Nog geen aanleveringen" in capsys.readouterr().out


def test_cli_login_remembers_the_municipality_for_offline_checks(
    server: FakeServer,
    sleeps: Sleeps,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from client.config import load_settings

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.delenv("LEKSTAT_TOKEN", raising=False)
    monkeypatch.delenv("LEKSTAT_URL", raising=False)
    server.on(
        "GET",
        "/api/v1/me",
        Reply(
            200,
            {
                "token_id": "t",
                "role": "municipality",
                "municipality": "GM0363",
                "municipality_name": "Amsterdam",
            },
        ),
    )
    assert run(server, sleeps, "login", "--url", "http://127.0.0.1:9", "--token", TOKEN) == 0
    assert load_settings().municipality == "GM0363"
    other = tmp_path / "other.csv"
    other.write_text(
        "function_type,data_category,stage,employment_type,motive,count,municipality\n"
        "FT01,DC01,ST01,EM01,MO01,1,GM0344\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert run(server, sleeps, "validate", str(other), "--period", PERIOD, "--json") == 1
    issues = json.loads(capsys.readouterr().out)["issues"]
    assert [i["code"] for i in issues] == ["municipality_mismatch"]
    monkeypatch.setenv("LEKSTAT_TOKEN", "lks_aaaaaaaaaaaa_" + "b" * 43)  # another token: no hint
    assert load_settings().municipality is None


@pytest.mark.usefixtures("logged_in")
def test_cli_submit_json_reports_invalid_data_as_json(
    server: FakeServer, sleeps: Sleeps, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "function_type,data_category,stage,employment_type,motive,count\nFT01,DC01,ST01,EM01,MO01,x\n"
    )
    assert run(server, sleeps, "submit", str(bad), "--period", PERIOD, "--json") == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["valid"] is False and payload["issues"][0]["column"] == "count"
    assert server.to("POST", SUBMISSIONS) == []
