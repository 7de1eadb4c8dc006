"""The offline commands as a user runs them: the installed ``lekstat`` script in a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from client.files import DATA_SHEET, LISTS_SHEET
from tests.client.conftest import PERIOD, VALID_CSV

SCRIPT = Path(sys.executable).with_name("lekstat")


def lekstat(*argv: str, cwd: Path, lang: str = "nl") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEKSTAT_")}
    env["LEKSTAT_LANG"] = lang
    return subprocess.run(
        [str(SCRIPT), *argv], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


def test_process_template_then_validate_the_filled_in_workbook(tmp_path: Path) -> None:
    made = lekstat("template", "--format", "xlsx", "--out", "aantallen.xlsx", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "aantallen.xlsx" in made.stdout

    # The empty template is not a submission yet.
    empty = lekstat("validate", "aantallen.xlsx", "--period", PERIOD, cwd=tmp_path)
    assert empty.returncode == 1 and "nulmelding" in empty.stdout

    book = openpyxl.load_workbook(tmp_path / "aantallen.xlsx")
    lists = book[LISTS_SHEET]
    book[DATA_SHEET].append([lists.cell(5, c).value for c in range(1, 6)] + [4])
    book.save(tmp_path / "aantallen.xlsx")
    done = lekstat("validate", "aantallen.xlsx", "--period", PERIOD, "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    body = json.loads(done.stdout)
    assert body["valid"] is True and body["total"] == 4 and body["issues"] == []


def test_process_validate_reports_rows_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(VALID_CSV + VALID_CSV.splitlines()[1] + "\n")
    run = lekstat("validate", "a.csv", "--period", PERIOD, cwd=tmp_path, lang="en")
    assert run.returncode == 1
    assert "duplicate combination" in run.stdout and "Traceback" not in run.stderr
    assert run.stdout.splitlines()[4].split()[0] == "4"


def test_process_template_csv_and_usage_errors(tmp_path: Path) -> None:
    assert lekstat("template", "--format", "csv", "--out", "t.csv", cwd=tmp_path).returncode == 0
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    usage = lekstat("validate", "t.csv", cwd=tmp_path)
    assert usage.returncode == 2 and "--period" in usage.stderr
    missing = lekstat("validate", "nope.csv", "--period", PERIOD, cwd=tmp_path)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
