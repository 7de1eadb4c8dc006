"""The README's commands install what they need, and `make run` no more than running needs."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _dry_run(target: str, tmp_path: Path) -> str:
    """What ``make TARGET`` would run on a machine without ``.venv`` (``make -n``)."""
    result = subprocess.run(
        ["make", "-n", target, f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_makefile_run_installs_the_server_and_not_the_development_tools(tmp_path: Path) -> None:
    run = _dry_run("run", tmp_path)
    assert "pip install --quiet -e '.[server]'" in run and "lekstat-server serve" in run
    assert "[dev]" not in run  # no pytest, mypy, ruff, schemathesis, Playwright to run it


def test_makefile_test_installs_the_development_tools_and_the_browser(tmp_path: Path) -> None:
    test = _dry_run("test", tmp_path)
    assert "'.[server]'" in test and "'.[dev]'" in test and "chromium" in test
    assert "pytest" in test
