"""Settings are checked where they enter: a wrong value stops every command with a message
that names the variable and what it should be, before anything is opened or created."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from aggregator.config import Settings, SettingsError


@pytest.mark.parametrize(
    ("variable", "value", "nl", "en"),
    [
        ("LEKSTAT_MAX_ROWS", "abc", "is geen geheel getal", "is not a whole number"),
        ("LEKSTAT_MAX_ROWS", "0", "ligt niet tussen 1 en 1e+06", "is not between 1 and 1e+06"),
        ("LEKSTAT_RATE_LIMIT_PER_MINUTE", "nan", "is geen getal", "is not a number"),
        ("LEKSTAT_DEADLINE_DAYS", "-3", "ligt niet tussen", "is not between"),
        ("LEKSTAT_MIN_COVERAGE", "1.5", "ligt niet tussen 0 en 1", "is not between 0 and 1"),
        ("LEKSTAT_PUBLIC_RELEASES", "everyone", "kies final of all of none", "choose final"),
    ],
)
def test_settings_a_wrong_value_is_named_in_both_languages(
    variable: str, value: str, nl: str, en: str
) -> None:
    with pytest.raises(SettingsError) as error:
        Settings.from_env({variable: value})
    assert variable in error.value.message("nl") and nl in error.value.message("nl")
    assert en in error.value.message("en")


def test_settings_an_empty_variable_is_the_default() -> None:
    assert Settings.from_env({"LEKSTAT_MAX_ROWS": ""}).max_rows == Settings().max_rows


@pytest.mark.parametrize("command", [["period", "list"], ["init"], ["serve", "--port", "1"]])
def test_settings_a_wrong_value_stops_every_command_without_a_traceback(
    tmp_path: Path, command: list[str]
) -> None:
    db = tmp_path / "x.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "aggregator.cli", "--db", str(db), *command],
        capture_output=True,
        text=True,
        env={"LEKSTAT_MAX_ROWS": "abc", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "LEKSTAT_MAX_ROWS = 'abc' is geen geheel getal" in result.stderr
    assert not db.exists()  # nothing was created
