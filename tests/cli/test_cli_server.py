"""lekstat-server commands in-process (the end-to-end tests run them as real processes)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from aggregator.cli.main import main
from aggregator.store import Store


def _run(db: Path, *args: str, lang: str = "en") -> int:
    if not db.exists() and args[0] not in ("init", "serve"):
        assert main(["--db", str(db), "--lang", lang, "init"]) == 0
    return main(["--db", str(db), "--lang", lang, *args])


def test_cli_init_creates_the_database_and_one_admin_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.duckdb"
    assert _run(db, "init") == 0
    out = capsys.readouterr().out
    token_file = tmp_path / "lekstat-admin-token.txt"
    assert f"written to {token_file}" in out
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert _run(db, "init") == 0  # a second init adds no second admin
    assert "written to" not in capsys.readouterr().out
    with Store(db) as store:
        admins = [t for t in store.list_tokens() if t.role == "admin"]
        assert len(admins) == 1
        assert token_file.read_text().strip().split("_")[1] == admins[0].id


def test_cli_token_create_prints_the_token_alone_on_the_last_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.duckdb"
    assert (
        _run(
            db,
            "token",
            "create",
            "--role",
            "municipality",
            "--municipality",
            "gm0363",
            "--label",
            "Jan",
        )
        == 0
    )
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("lks_") and " " not in last
    with Store(db) as store:
        record = store.list_tokens()[-1]
        assert (record.role, record.municipality, record.label) == ("municipality", "GM0363", "Jan")
        assert last.split("_", 2)[2] not in record.hash


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["token", "create", "--role", "municipality"],
            1,
            "belongs to one municipality (GMxxxx); other roles to none [invalid_token_request]",
        ),
        (
            ["token", "create", "--role", "analyst", "--municipality", "GM0363"],
            1,
            "[invalid_token_request]",
        ),
        (
            ["token", "create", "--role", "municipality", "--municipality", "GM9999"],
            1,
            "not a municipality in 2026 [unknown_municipality]",
        ),
        (
            ["token", "create", "--role", "analyst", "--all-municipalities", "--out", "t.csv"],
            2,
            "--all-municipalities needs",
        ),
        (["token", "revoke", "nope"], 1, "no active token with this id [no_such_token]"),
        (["period", "lock", "2026-5"], 1, "YYYY-Qn"),
        (["period", "lock", "2023-Q4"], 1, "no periods before 2024-Q1 [period_before_first]"),
        (
            ["period", "lock", "2099-Q1"],
            1,
            "has not started and cannot be locked [period_in_future]",
        ),
        (["backup", "."], 1, "a backup only goes into a folder it makes itself"),
        (["budget", "set", "2025", "--rho", "-1"], 1, "rho lies between 1e-06 and 1000 [bad_rho]"),
    ],
)
def test_cli_refusals_have_a_message_and_an_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    (tmp_path / "something").write_text("x")
    assert _run(tmp_path / "x.duckdb", *args) == code
    assert message in capsys.readouterr().err


def test_cli_usage_error_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(tmp_path / "x.duckdb", "token", "create") == 2
    assert "--role" in capsys.readouterr().err


def test_cli_lock_list_revoke_and_audit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "x.duckdb"
    assert _run(db, "period", "lock", "2026-Q1") == 0
    assert _run(db, "period", "lock", "2026-q1") == 1
    assert _run(db, "period", "list") == 0
    assert "2026-Q1" in capsys.readouterr().out
    assert _run(db, "token", "create", "--role", "analyst") == 0
    token_id = capsys.readouterr().out.strip().splitlines()[-1].split("_")[1]
    assert _run(db, "token", "revoke", token_id) == 0
    capsys.readouterr()
    assert _run(db, "token", "list") == 0
    assert token_id not in capsys.readouterr().out
    assert _run(db, "token", "list", "--all") == 0
    assert token_id in capsys.readouterr().out
    with Store(db) as store:
        actions = [(e.role, e.action, e.outcome) for e in store.audit_entries()]
    assert actions == [
        ("operator", "create_token", "accepted"),  # init's first admin token
        ("operator", "lock_period", "accepted"),
        ("operator", "lock_period", "refused"),  # refusals are audited too
        ("operator", "create_token", "accepted"),
        ("operator", "revoke_token", "accepted"),
    ]


def test_cli_budget_preview_and_release(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "x.duckdb"
    assert _run(db, "release", "create", "--year", "2025", "--rho", "0.5") == 1
    assert "no privacy budget for 2025" in capsys.readouterr().err
    assert _run(db, "budget", "set", "2025", "--rho", "1") == 0
    assert "remaining 1" in capsys.readouterr().out
    assert _run(db, "release", "preview", "--year", "2025", "--rho", "0.5") == 0
    preview = capsys.readouterr().out
    assert "nothing spent" in preview and "function_type" in preview and "95% margin" in preview
    assert _run(db, "budget", "show", "2025") == 0
    assert "remaining" in capsys.readouterr().out
    assert _run(db, "release", "create", "--year", "2025", "--rho", "0.5") == 0
    release_id = capsys.readouterr().out.strip().splitlines()[-1]
    assert release_id == "2025-r1"
    assert _run(db, "release", "create", "--year", "2025", "--rho", "0.6") == 1
    assert "left; nothing was spent" in capsys.readouterr().err
    assert _run(db, "release", "list") == 0
    assert "2025-r1" in capsys.readouterr().out
    assert _run(db, "budget", "show", "2025") == 0
    assert "2025-r1" in capsys.readouterr().out
    assert _run(db, "budget", "set", "2025", "--rho", "0.1") == 1
    assert _run(db, "release", "preview", "--year", "2025", "--rho", "-1") == 1
    assert "[bad_rho]" in capsys.readouterr().err
    assert _run(db, "release", "preview", "--year", "2025", "--rho", "abc") == 2


def test_cli_release_with_a_plan_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "x.duckdb"
    plan = tmp_path / "plan.toml"
    plan.write_text(
        '[[tables]]\nname = "totals"\ndimensions = ["stage"]\n\n'
        '[[tables]]\nname = "bad"\ndimensions = ["motive"]\n'
    )
    assert _run(db, "release", "preview", "--year", "2025", "--rho", "1", "--plan", str(plan)) == 1
    assert "adds stages together" in capsys.readouterr().err
    assert _run(db, "budget", "set", "2025", "--rho", "1") == 0
    create = ("release", "create", "--year", "2025", "--rho", "0.5", "--plan", str(plan))
    assert _run(db, *create) == 1  # refused before anything is spent
    assert "adds stages together" in capsys.readouterr().err
    plan.write_text(
        '[[tables]]\nname = "totals"\ndimensions = ["stage"]\n\n'
        '[[tables]]\nname = "by_motive"\ndimensions = ["stage", "motive"]\n'
    )
    # At rho = 1 this two-table plan would measure by_motive with rho 0.56: nearly exact.
    assert _run(db, "release", "preview", "--year", "2025", "--rho", "1", "--plan", str(plan)) == 1
    assert "by_motive (rho = 0.562) with more than rho = 0.5" in capsys.readouterr().err
    assert (
        _run(db, "release", "preview", "--year", "2025", "--rho", "0.5", "--plan", str(plan)) == 0
    )
    out = capsys.readouterr().out
    assert "by_motive" in out and "function_type" not in out
    assert _run(db, *create) == 0
    release_id = capsys.readouterr().out.strip().splitlines()[-1]
    with Store(db) as store:
        release = store.get_release(release_id)
        assert release is not None
        assert [t["name"] for t in release["tables"]] == ["totals", "by_motive"]
        assert [e.release_id for e in store.get_budget(2025).ledger] == [release_id]
        motive = store.release_table(release_id, "by_motive")
        assert motive is not None and set(motive.columns) >= {"stage", "motive", "estimate"}


def test_cli_operator_socket_of_a_long_path_is_in_a_private_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aggregator.cli.channel import OperatorError, socket_path

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    deep = tmp_path / ("d" * 120) / "lekstat.duckdb"
    sock = socket_path(deep)
    folder = sock.parent
    assert folder.name.startswith("lekstat-") and stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert socket_path(deep) == sock and len(str(sock)) < 108
    folder.chmod(0o777)  # someone opened it up: refuse rather than trust it
    with pytest.raises(OperatorError, match="not a private folder"):
        socket_path(deep)


def test_cli_backup_creates_missing_parent_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.duckdb"
    target = tmp_path / "backups" / "2026-12-31"
    assert _run(db, "backup", str(target)) == 0
    assert (target / "MANIFEST.json").exists()


def test_cli_server_command_without_the_server_part_says_what_to_install() -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['duckdb'] = None\n"
        "from aggregator.cli.launcher import main\n"
        "sys.exit(main())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 3
    assert "pip install 'lekstat[server]'" in result.stderr and "Traceback" not in result.stderr


def test_cli_budget_show_and_change_say_what_they_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.duckdb"
    assert _run(db, "budget", "show", "2030") == 0
    assert "no budget set for 2030" in capsys.readouterr().out
    assert _run(db, "budget", "set", "2030", "--rho", "1") == 0
    assert _run(db, "budget", "set", "2030", "--rho", "0.8") == 0
    assert "was rho = 1" in capsys.readouterr().out
    assert _run(db, "budget", "set", "2030", "--rho", "2") == 1  # above the ceiling
    assert "ceiling for one year (rho = 1, epsilon = 9.52 at delta = 1e-09) [above_ceiling]" in (
        capsys.readouterr().err
    )


def test_cli_speaks_dutch_by_default_and_english_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "x.duckdb"
    assert main(["--db", str(db), "init"]) == 0
    assert "eerste beheerderstoken geschreven" in capsys.readouterr().out
    assert main(["--db", str(db), "period", "lock", "2099-Q1"]) == 1
    assert "is nog niet begonnen en kan niet worden vergrendeld [period_in_future]" in (
        capsys.readouterr().err
    )
    monkeypatch.setenv("LEKSTAT_LANG", "en")
    assert main(["--db", str(db), "period", "lock", "2099-Q1"]) == 1
    assert "has not started and cannot be locked [period_in_future]" in capsys.readouterr().err
    assert main(["--db", str(db), "--lang", "nl", "budget", "show"]) == 0
    assert "uitgegeven" in capsys.readouterr().out


def test_cli_help_is_in_the_chosen_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "nl", "period", "lock", "--help"]) == 0
    dutch = capsys.readouterr().out
    assert "Vergrendel een periode" in dutch and "bijvoorbeeld 2026-Q1" in dutch
    assert main(["--lang", "en", "period", "lock", "--help"]) == 0
    assert "Lock a period" in capsys.readouterr().out


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_cli_help_of_every_command_and_group_prints(lang: str) -> None:
    """argparse %-formats help texts: a "95%" in one of them broke ``release --help``."""
    import argparse

    from aggregator.cli.main import build_parser

    seen = 0
    pending = [build_parser("nl" if lang == "nl" else "en")]
    while pending:
        parser = pending.pop()
        assert parser.format_help()
        seen += 1
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                pending.extend(action.choices.values())
    assert seen > 20


def test_cli_and_http_refuse_a_rule_with_the_same_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fastapi.testclient import TestClient

    from aggregator.config import Settings
    from aggregator.http.app import create_app
    from aggregator.services.auth import new_token
    from tests.http.conftest import NOW

    cases = [  # (CLI arguments, HTTP method, path, body, the code both must give)
        (["period", "lock", "2023-Q4"], "POST", "/api/v1/periods/2023-Q4/lock", None,
         "period_before_first"),
        (["period", "lock", "2099-Q1"], "POST", "/api/v1/periods/2099-Q1/lock", None,
         "period_in_future"),
        (["period", "lock", "2026-Q2"], "POST", "/api/v1/periods/2026-Q2/lock", None,
         "period_already_locked"),
        (["period", "lock", "2026-Q9"], "POST", "/api/v1/periods/2026-Q9/lock", None,
         "bad_period"),
        (["budget", "set", "2026", "--rho", "5000"], "PUT", "/api/v1/budget/2026",
         {"rho": 5000.0}, "bad_rho"),
        (["budget", "set", "2026", "--rho", "3"], "PUT", "/api/v1/budget/2026",
         {"rho": 3.0}, "above_ceiling"),
        (["release", "create", "--year", "2026", "--rho", "0.5"], "POST", "/api/v1/releases",
         {"year": 2026, "rho": 0.5}, "no_budget"),
        (["release", "create", "--year", "2099", "--rho", "0.5"], "POST", "/api/v1/releases",
         {"year": 2099, "rho": 0.5}, "bad_year"),
    ]  # fmt: skip
    db = tmp_path / "x.duckdb"
    assert _run(db, "period", "lock", "2026-Q2") == 0  # 2026-Q2 is locked in both
    app = create_app(Settings(db_path=tmp_path / "api.duckdb"), clock=lambda: NOW)
    headers = {}
    for role in ("statistician", "admin"):
        token, record = new_token(role, None, "t", NOW)
        app.state.store.add_token(record)
        headers[role] = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        h = headers["statistician"]
        assert client.post("/api/v1/periods/2026-Q2/lock", headers=h).status_code == 201
        for args, method, path, body, code in cases:
            capsys.readouterr()
            assert _run(db, *args) == 1, args
            assert capsys.readouterr().err.rstrip().endswith(f"[{code}]"), args
            who = "admin" if "/budget/" in path else "statistician"  # who may set a budget
            answer = client.request(method, path, json=body, headers=headers[who])
            assert answer.json()["error"]["code"] == code, (path, answer.text)


@pytest.mark.parametrize(
    "command",
    [
        ["lekstat-server", "--db", "{db}", "release", "preview", "--year", "2025", "--rho", "0.5"],
        ["lekstat", "--help"],
        ["lekstat", "validate", "{bad}", "--period", "2026-Q1"],
    ],
)
def test_cli_a_reader_that_goes_away_gets_no_traceback(tmp_path: Path, command: list[str]) -> None:
    """``… | head -2`` ended in a BrokenPipeError traceback; ``true`` reads nothing at all."""
    import os
    import shlex
    import subprocess
    import sys

    db = tmp_path / "x.duckdb"
    assert main(["--db", str(db), "init"]) == 0
    bad = tmp_path / "bad.csv"  # many problems: a long table of them
    bad.write_text(
        "function_type,data_category,stage,employment_type,motive,count\n" + "X,Y,Z,W,V,-1\n" * 300
    )
    bin_dir = Path(sys.executable).parent
    line = " ".join(shlex.quote(a.format(db=db, bad=bad)) for a in command)
    for reader in ("head -2", "true"):
        result = subprocess.run(
            ["bash", "-c", f"set -o pipefail; {bin_dir}/{line} | {reader}"],
            capture_output=True,
            text=True,
            env={**os.environ, "LEKSTAT_CONFIG_DIR": str(tmp_path)},
            check=False,
        )
        assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
        assert "BrokenPipe" not in result.stderr, result.stderr
        # The command's own exit code (validate: 1, invalid data), or 141 as Unix tools give
        # when the reader went away before everything was written; never a crash.
        assert result.returncode in ((1 if "validate" in command else 0), 141), result.stderr
