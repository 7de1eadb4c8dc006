"""Where the config lives, how it is written (0600) and what overrides it."""

from __future__ import annotations

import os
import stat
import sys
import tomllib
from pathlib import Path

import pytest

from client.config import (
    DEFAULT_URL,
    check_token,
    check_url,
    config_path,
    is_plain_http_to_another_host,
    load_settings,
    save_settings,
)
from client.errors import ConfigError


def test_config_path_follows_xdg_then_home_then_appdata(tmp_path: Path) -> None:
    assert config_path({"XDG_CONFIG_HOME": "/x"}, "linux") == Path("/x/lekstat/config.toml")
    assert config_path({}, "darwin") == Path.home() / ".config" / "lekstat" / "config.toml"
    assert config_path({"APPDATA": "C:/Users/a/AppData/Roaming"}, "win32") == Path(
        "C:/Users/a/AppData/Roaming/lekstat/config.toml"
    )


@pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX file modes")
def test_save_settings_writes_mode_0600_and_reads_back(user_env: Path) -> None:
    path = save_settings("https://lekstat.example.nl/", "abc-DEF_123")
    assert path == user_env / "lekstat" / "config.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert tomllib.loads(path.read_text()) == {
        "url": "https://lekstat.example.nl",
        "token": "abc-DEF_123",
    }
    settings = load_settings()
    assert (settings.url, settings.token) == ("https://lekstat.example.nl", "abc-DEF_123")


@pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX file modes")
def test_save_settings_tightens_an_existing_world_readable_file(user_env: Path) -> None:
    path = user_env / "lekstat" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text('token = "old"\n')
    os.chmod(path, 0o644)
    save_settings(DEFAULT_URL, "new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_settings().token == "new"
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]  # no temp file left


def test_environment_overrides_the_stored_config(
    user_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_settings("https://stored.example.nl", "stored-token")
    monkeypatch.setenv("LEKSTAT_URL", "https://env.example.nl")
    monkeypatch.setenv("LEKSTAT_TOKEN", "env-token")
    settings = load_settings()
    assert (settings.url, settings.token) == ("https://env.example.nl", "env-token")


def test_defaults_without_config_or_environment() -> None:
    settings = load_settings()
    assert (settings.url, settings.token) == (DEFAULT_URL, None)


def test_a_damaged_config_file_is_a_config_error(user_env: Path) -> None:
    path = user_env / "lekstat" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("url = [unclosed")
    with pytest.raises(ConfigError, match="lekstat login"):
        load_settings()


@pytest.mark.parametrize("url", ["ftp://x", "lekstat.example.nl", "http://", "http://x:port"])
def test_check_url_refuses_what_is_not_http(url: str) -> None:
    with pytest.raises(ConfigError):
        check_url(url)


@pytest.mark.parametrize("token", ["", "   ", "two words", "tab\there", "new\nline", "é"])
def test_check_token_refuses_what_cannot_be_a_header(token: str) -> None:
    with pytest.raises(ConfigError):
        check_token(token)


@pytest.mark.parametrize(
    ("url", "plain"),
    [
        ("http://127.0.0.1:8000", False),
        ("http://localhost:8000", False),
        ("http://[::1]:8000", False),
        ("https://lekstat.example.nl", False),
        ("http://lekstat.example.nl", True),
        ("http://10.0.0.5", True),
    ],
)
def test_plain_http_to_another_host(url: str, plain: bool) -> None:
    assert is_plain_http_to_another_host(url) is plain
