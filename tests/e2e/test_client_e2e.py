"""The real `lekstat` command line in subprocesses against the real server on loopback."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import openpyxl
import pytest

from aggregator.demo.processes import Server, run, running_server
from tests.e2e.proxy import losing_proxy

pytestmark = pytest.mark.e2e

ROWS = [
    (
        "FT04_PARKEREN — Parkeren en kentekengegevens",
        "DC03_KENTEKEN",
        "ST01_SIGNAAL",
        "EM03_INHUUR",
        "MO01_CRIMINEEL",
        2,
    ),
    ("FT01_BRP", "DC01_BRP_ADRES", "ST02_INTERN_ONDERZOEK", "EM01_VAST", "MO02_PRIVE", 1),
]


@dataclass
class Setup:
    """A running server, a municipality token and a home for the client's config."""

    server: Server
    db: Path
    tmp: Path
    token: str
    statistician: str

    def env(self, token: str | None = None, **extra: str) -> dict[str, str]:
        """The client's environment: its own config dir, the server's address and a token."""
        env = {
            "XDG_CONFIG_HOME": str(self.tmp / "config"),
            "HOME": str(self.tmp),
            "LEKSTAT_URL": self.server.url,
        }
        env["LEKSTAT_TOKEN"] = token if token is not None else self.token
        return {**env, **extra}

    def lekstat(self, *args: str, token: str | None = None, **env: str) -> object:
        """Run ``lekstat`` in the temporary folder."""
        return run("lekstat", *args, env=self.env(token, **env), cwd=self.tmp)


def _token(db: Path, *args: str) -> str:
    result = run("lekstat-server", "--db", str(db), "token", "create", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    tmp = tmp_path_factory.mktemp("client-e2e")
    db = tmp / "lekstat.duckdb"
    assert run("lekstat-server", "--db", str(db), "init").returncode == 0
    token = _token(db, "--role", "municipality", "--municipality", "GM0363")
    statistician = _token(db, "--role", "statistician")
    with running_server(db) as server:
        yield Setup(server, db, tmp, token, statistician)


def _fill(path: Path, rows: list[tuple[object, ...]]) -> None:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Aantallen"]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            sheet.cell(row=r, column=c, value=value)
    workbook.save(path)


def _versions(setup: Setup, period: str) -> list[int]:
    result = setup.lekstat("status", "--period", period, "--json")
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    receipts = json.loads(result.stdout)  # type: ignore[attr-defined]
    return sorted(r["version"] for r in receipts)


def test_client_e2e_template_fill_validate_submit_status(setup: Setup) -> None:
    template = setup.tmp / "aantallen.xlsx"
    made = setup.lekstat("template", "--format", "xlsx", "--out", str(template))
    assert made.returncode == 0 and template.exists()  # type: ignore[attr-defined]
    _fill(template, ROWS)
    valid = setup.lekstat("validate", str(template), "--period", "2026-Q3")
    assert valid.returncode == 0, valid.stdout + valid.stderr  # type: ignore[attr-defined]

    first = setup.lekstat("submit", str(template), "--period", "2026-Q3", "--json")
    assert first.returncode == 0, first.stderr  # type: ignore[attr-defined]
    receipt = json.loads(first.stdout)  # type: ignore[attr-defined]
    assert (receipt["version"], receipt["rows"], receipt["total"]) == (1, 2, 3)
    # the server's SHA-256 is the client's: both computed the same canonical content
    assert receipt["verified"] is True

    again = setup.lekstat("submit", str(template), "--period", "2026-Q3", "--json")
    assert again.returncode == 0  # type: ignore[attr-defined]
    assert json.loads(again.stdout)["id"] == receipt["id"]  # type: ignore[attr-defined]
    assert _versions(setup, "2026-Q3") == [1]

    _fill(template, [*ROWS, ("FT08", "DC05", "ST01", "EM02", "MO99", 4)])
    changed = setup.lekstat("submit", str(template), "--period", "2026-Q3", "--json")
    assert changed.returncode == 0  # type: ignore[attr-defined]
    assert json.loads(changed.stdout)["version"] == 2  # type: ignore[attr-defined]
    assert _versions(setup, "2026-Q3") == [1, 2]

    status = setup.lekstat("status", "--period", "2026-Q3")
    assert status.returncode == 0 and "2026-Q3" in status.stdout  # type: ignore[attr-defined]


def test_client_e2e_a_lost_answer_is_retried_with_the_same_key_into_one_version(
    setup: Setup,
) -> None:
    # The first upload reaches the real server and is stored, but its answer is lost on the way
    # back; the client sends it again with the same Idempotency-Key and the server, not the
    # client's own check of the current version, makes that the same version.
    data = setup.tmp / "verloren.csv"
    data.write_text(
        "functietype;gegevenscategorie;fase;dienstverband;motief;aantal\n"
        "FT05_HANDHAVING;DC01_BRP_ADRES;ST01_SIGNAAL;EM01_VAST;MO01_CRIMINEEL;2\n",
        encoding="utf-8",
    )
    post = b"POST /api/v1/submissions"
    port = httpx.URL(setup.server.url).port
    assert port is not None
    with losing_proxy(port, post) as proxy:
        result = setup.lekstat(
            "submit", str(data), "--period", "2025-Q3", "--json", LEKSTAT_URL=proxy.url
        )
        keys = proxy.idempotency_keys(post)
        assert proxy.lost.is_set()  # the server did answer the first upload
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]

    printed = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert printed["replayed"] is True and printed["verified"] is True
    answer = httpx.get(
        f"{setup.server.url}/api/v1/submissions",
        params={"period": "2025-Q3"},
        headers={"Authorization": f"Bearer {setup.token}"},
    )
    assert answer.status_code == 200, answer.text
    (stored,) = answer.json()["submissions"]
    assert stored["version"] == 1 and stored["total"] == 2
    # The client sends JSON, so the server knows no file encoding; the client says what it read.
    assert stored.pop("encoding") is None and printed["encoding"] == "utf-8"
    assert {name: printed[name] for name in stored} == stored


def test_client_e2e_invalid_file_is_never_sent(setup: Setup) -> None:
    bad = setup.tmp / "fout.csv"
    bad.write_text(
        "functietype;gegevenscategorie;fase;dienstverband;motief;aantal\n"
        "FT01;DC01;ST01;EM01;MO01;x\nFT99;DC01;ST09;EM01;MO01;1\n",
        encoding="utf-8",
    )
    result = setup.lekstat("submit", str(bad), "--period", "2026-Q2")
    assert result.returncode == 1  # type: ignore[attr-defined]
    assert "2" in result.stdout and "ST09" in result.stdout  # type: ignore[attr-defined]
    as_json = setup.lekstat("validate", str(bad), "--period", "2026-Q2", "--json", "--lang", "en")
    records = json.loads(as_json.stdout)  # type: ignore[attr-defined]
    records = records["issues"] if isinstance(records, dict) else records
    assert {(r["row"], r["column"]) for r in records} == {(2, "count"), (3, "stage")}
    assert _versions(setup, "2026-Q2") == []


def test_client_e2e_nil_return_and_dry_run(setup: Setup) -> None:
    dry = setup.lekstat("submit", "--nil", "--period", "2026-Q1", "--dry-run", "--json")
    assert dry.returncode == 0 and json.loads(dry.stdout)["dry_run"] is True  # type: ignore[attr-defined]
    assert _versions(setup, "2026-Q1") == []
    nil = setup.lekstat("submit", "--nil", "--period", "2026-Q1", "--json")
    assert nil.returncode == 0  # type: ignore[attr-defined]
    receipt = json.loads(nil.stdout)  # type: ignore[attr-defined]
    assert receipt["nil_return"] is True and receipt["total"] == 0


def test_client_e2e_locked_period_is_refused_with_exit_3(setup: Setup) -> None:
    locked = run("lekstat-server", "--db", str(setup.db), "period", "lock", "2025-Q4")
    assert locked.returncode == 0, locked.stderr
    result = setup.lekstat("submit", "--nil", "--period", "2025-Q4", "--lang", "en")
    assert result.returncode == 3  # type: ignore[attr-defined]
    assert "locked" in (result.stdout + result.stderr)  # type: ignore[attr-defined]


def test_client_e2e_login_stores_the_token_privately(setup: Setup) -> None:
    home = setup.tmp / "login-home"
    env = {
        "XDG_CONFIG_HOME": str(home / "config"),
        "HOME": str(home),
        "LEKSTAT_URL": "",
        "LEKSTAT_TOKEN": "",
    }
    login = run(
        "lekstat",
        "login",
        "--url",
        setup.server.url,
        "--token",
        setup.token,
        env=env,
        cwd=setup.tmp,
    )
    assert login.returncode == 0, login.stderr
    config = home / "config" / "lekstat" / "config.toml"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    status = run("lekstat", "status", "--period", "2026-Q3", env=env, cwd=setup.tmp)
    assert status.returncode == 0, status.stderr
    wrong = run(
        "lekstat",
        "login",
        "--url",
        setup.server.url,
        "--token",
        "lks_wrong",
        env={**env, "XDG_CONFIG_HOME": str(home / "other")},
        cwd=setup.tmp,
    )
    assert wrong.returncode == 3 and not (home / "other" / "lekstat" / "config.toml").exists()


def test_client_e2e_statistician_status_shows_completeness(setup: Setup) -> None:
    result = setup.lekstat("status", "--period", "2026-Q3", "--json", token=setup.statistician)
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    payload = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert payload["summary"]["reported"] >= 1 and payload["summary"]["expected"] == 342
    assert payload["view"] == "per_municipality" and "nil_return" not in result.stdout


def test_client_e2e_analyst_reads_a_release(setup: Setup) -> None:
    db = str(setup.db)
    assert run("lekstat-server", "--db", db, "budget", "set", "2026", "--rho", "1").returncode == 0
    created = run(
        "lekstat-server", "--db", db, "release", "create", "--year", "2026", "--rho", "0.5"
    )
    assert created.returncode == 0, created.stderr
    release_id = created.stdout.strip().splitlines()[-1]
    analyst = _token(setup.db, "--role", "analyst")
    listed = setup.lekstat("releases", "--json", token=analyst)
    assert listed.returncode == 0, listed.stderr  # type: ignore[attr-defined]
    assert release_id in listed.stdout  # type: ignore[attr-defined]
    out = setup.tmp / "totals.csv"
    figures = setup.lekstat(
        "figures",
        release_id,
        "--table",
        "totals",
        "--format",
        "csv",
        "--out",
        str(out),
        token=analyst,
    )
    assert figures.returncode == 0, figures.stderr  # type: ignore[attr-defined]
    import pandas as pd

    # Dutch Excel's CSV: ';', a decimal comma, a BOM; its provenance beside it.
    frame = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig")
    metadata = json.loads((setup.tmp / "totals.csv-metadata.json").read_text())
    assert metadata["notes"][0]["release_id"] == release_id
    assert metadata["notes"][0]["status"] == "provisional"
    assert frame["std_error"].dtype == float
    assert len(frame) == 8 and {"estimate", "std_error", "ci_low", "ci_high", "unreliable"} <= set(
        frame.columns
    )
    assert (frame["estimate"] >= 0).all()
    # A municipality reads what the public reads: final releases; this one is provisional.
    public = setup.lekstat("releases", token=setup.token)
    assert public.returncode == 0 and release_id not in public.stdout  # type: ignore[attr-defined]
