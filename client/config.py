"""Where the client finds its server and token: ``lekstat login``'s file, then the environment.

The file is ``$XDG_CONFIG_HOME/lekstat/config.toml`` (default ``~/.config/lekstat/config.toml``;
on Windows ``%APPDATA%\\lekstat\\config.toml``), written with mode 0600 because it holds a token.
``LEKSTAT_URL`` and ``LEKSTAT_TOKEN`` override it; without either the URL is :data:`DEFAULT_URL`.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import sys
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from client.errors import ConfigError
from client.i18n import Lang, pick

DEFAULT_URL = "http://127.0.0.1:8000"
URL_VARIABLE = "LEKSTAT_URL"
TOKEN_VARIABLE = "LEKSTAT_TOKEN"  # noqa: S105 -- the name of a variable, not a secret


@dataclass(frozen=True)
class Settings:
    """The server URL and token to use, and the config file they may have come from."""

    url: str
    token: str | None
    path: Path
    #: The token's municipality as ``lekstat login`` found it (None when the token came from
    #: ``LEKSTAT_TOKEN``, or for analysts): lets offline validation check the municipality.
    municipality: str | None = None


def config_path(env: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """The config file of the current user (it need not exist)."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if platform.startswith("win"):
        base = env.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
    else:
        base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "lekstat" / "config.toml"


def check_url(url: str, lang: Lang = "nl") -> str:
    """``url`` without a trailing slash; :class:`ConfigError` unless it is an http(s) URL."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        valid = False
    if not valid:
        raise ConfigError(
            pick(
                lang,
                f"{url!r} is geen geldig serveradres; schrijf het als https://host[:poort]",
                f"{url!r} is not a valid server address; write it as https://host[:port]",
            )
        )
    return text.rstrip("/")


def check_token(token: str, lang: Lang = "nl") -> str:
    """``token`` stripped; :class:`ConfigError` if it is empty or has spaces or control chars."""
    text = token.strip()
    if not text or not all("!" <= ch <= "~" for ch in text):
        raise ConfigError(
            pick(
                lang,
                "het token is leeg of bevat spaties of vreemde tekens; plak het precies zoals u "
                "het kreeg",
                "the token is empty or contains spaces or odd characters; paste it exactly as "
                "you received it",
            )
        )
    return text


def is_plain_http_to_another_host(url: str) -> bool:
    """Whether the token would travel unencrypted over the network (http, not loopback)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return False
    try:
        return not ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return True


def load_settings(env: Mapping[str, str] | None = None, lang: Lang = "nl") -> Settings:
    """The settings in force: the config file, overridden by ``LEKSTAT_URL``/``LEKSTAT_TOKEN``."""
    env = os.environ if env is None else env
    path = config_path(env)
    stored = _read(path, lang)
    url = env.get(URL_VARIABLE) or stored.get("url") or DEFAULT_URL
    token = env.get(TOKEN_VARIABLE) or stored.get("token") or None
    municipality = stored.get("municipality") if token == stored.get("token") else None
    return Settings(
        check_url(url, lang), check_token(token, lang) if token else None, path, municipality
    )


def _read(path: Path, lang: Lang) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            pick(lang, f"{path} kan niet worden gelezen: {exc}", f"{path} cannot be read: {exc}")
        ) from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            pick(
                lang,
                f"{path} is beschadigd ({exc}); log opnieuw in met lekstat login",
                f"{path} is damaged ({exc}); log in again with lekstat login",
            )
        ) from exc
    keys = ("url", "token", "municipality")
    return {k: v for k, v in raw.items() if k in keys and isinstance(v, str)}


def save_settings(
    url: str,
    token: str,
    env: Mapping[str, str] | None = None,
    lang: Lang = "nl",
    municipality: str | None = None,
) -> Path:
    """Store ``url`` and ``token`` in the user's config file (mode 0600, replaced atomically)."""
    path = config_path(env)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # json.dumps of a checked URL or token is a valid TOML basic string.
    text = (
        "# Written by `lekstat login`. It holds a token: keep it to yourself.\n"
        f"url = {json.dumps(check_url(url, lang), ensure_ascii=False)}\n"
        f"token = {json.dumps(check_token(token, lang))}\n"
    )
    if municipality is not None and re.fullmatch(r"GM\d{4}", municipality):
        text += f"municipality = {json.dumps(municipality)}\n"
    # mkstemp creates the file with mode 0600, so the token is never readable by others,
    # not even for a moment; os.replace keeps an old config intact if writing fails.
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
