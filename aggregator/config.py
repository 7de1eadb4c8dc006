"""Service settings: passed to :func:`aggregator.http.app.create_app`, never read at import time.

:meth:`Settings.from_env` reads the ``LEKSTAT_*`` environment variables and checks every value
where it enters: a wrong one is a :class:`SettingsError` that names the variable, the value and
what it should be, before anything is opened or created.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

#: Where the database lives unless ``LEKSTAT_DB`` says otherwise.
DEFAULT_DB = "lekstat.duckdb"
#: What ``LEKSTAT_PUBLIC_RELEASES`` may say.
PUBLIC_RELEASES = ("final", "all", "none")


class SettingsError(ValueError):
    """A setting with a value lekstat cannot use; the message in Dutch and English."""

    def __init__(self, message_nl: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_nl, self.message_en = message_nl, message_en

    def message(self, lang: str) -> str:
        """The message in ``lang``."""
        return self.message_nl if lang == "nl" else self.message_en


@dataclass(frozen=True)
class Settings:
    """Everything the service needs to know; defaults suit a single-machine deployment."""

    db_path: Path = field(default_factory=lambda: Path(DEFAULT_DB))
    #: The release journal (append-only, hash-chained): by default ``<database>.journal``. Put
    #: it on other storage than the database and its backups.
    journal_path: Path | None = None
    #: Request bodies above this size get 413 before they are parsed.
    max_body_bytes: int = 5_000_000
    #: A submission has at most this many rows (there are 19,200 code combinations in v1).
    max_rows: int = 20_000
    #: Requests per minute per token (or per client address without a token), and the burst.
    rate_limit_per_minute: float = 600.0
    rate_limit_burst: int = 120
    #: A quarter's submission is on time when it arrives within this many days after its end.
    deadline_days: int = 30
    #: No data year's total privacy budget can exceed this ρ (zCDP): ρ = 1 is ε ≈ 9.5 at
    #: δ = 10⁻⁹. Set by the operator for the deployment; the API and the CLI cannot exceed it.
    max_year_rho: float = 1.0
    #: A release needs at least this share of municipalities reporting in every quarter of it
    #: that has ended (else it is refused unless forced, and a forced one says so).
    min_coverage: float = 0.9
    #: Who may read releases without a token: ``final`` (final releases: the default),
    #: ``all`` (provisional ones too) or ``none`` (every release needs an analyst's or a
    #: statistician's token).
    public_releases: str = "final"
    #: Whom a municipality contacts about a locked quarter or a refused submission.
    contact: str = "de beheerder van lekstat / the lekstat operator"
    #: A browser session lasts at most this many hours (it also ends with sign-out or when its
    #: token is revoked).
    session_hours: float = 8.0
    #: Demonstrations only: start the service's clock at this moment (ISO date or time) and
    #: let ``lekstat-server demo-clock`` move it. Never set in production.
    demo_clock: str | None = None
    #: Seconds a client has to send a request's line and headers (a slow client is closed).
    header_timeout: float = 10.0
    #: Seconds a client has to send a request's body once its headers are in (else 408).
    body_timeout: float = 60.0
    #: The data key file (0600): one key per line, the first seals. By default
    #: ``<database>.key``, made with a new database; put it apart from the database and its
    #: backups (see docs/security.md).
    key_file: Path | None = None
    #: The data key(s) themselves, comma-separated, instead of a file (from a secret store).
    key: str | None = field(default=None, repr=False)
    #: A new token works this many days unless its issuer says fewer (or more, up to the max).
    token_days: int = 365
    #: No token works longer than this many days after it was issued.
    token_max_days: int = 730
    #: The addresses of reverse proxies whose ``X-Forwarded-For`` is believed (comma-separated;
    #: empty: none, the connection's own address counts).
    trusted_proxies: str = ""
    #: A municipality stores at most this many versions of one quarter.
    max_versions: int = 100
    #: A request with a body larger than this many bytes is heavy work (a large file to
    #: validate): admitted by cost, at most ``heavy_per_token`` at once per token and
    #: ``heavy_total`` at once in all.
    heavy_bytes: int = 100_000
    heavy_per_token: int = 1
    heavy_total: int = 2
    #: Seconds heavy work waits for its turn before it is refused with 429 (busy).
    heavy_wait: float = 30.0
    #: Anonymous refusals (no valid token) are written to the audit log as one counted line
    #: per route, status and this many seconds, not one line each.
    audit_window: float = 60.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from ``LEKSTAT_*`` environment variables, then ``overrides``; checked."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            var = env_name(f.name)
            raw = env.get(var)
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(var, raw, _PARSERS[f.name])
        return replace(cls(**values), **overrides)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        if self.public_releases not in PUBLIC_RELEASES:
            raise SettingsError(
                f"LEKSTAT_PUBLIC_RELEASES = {self.public_releases!r}: kies "
                + " of ".join(PUBLIC_RELEASES),
                f"LEKSTAT_PUBLIC_RELEASES = {self.public_releases!r}: choose "
                + " or ".join(PUBLIC_RELEASES),
            )
        if self.token_days > self.token_max_days:
            raise SettingsError(
                f"LEKSTAT_TOKEN_DAYS = {self.token_days} is groter dan LEKSTAT_TOKEN_MAX_DAYS = "
                f"{self.token_max_days}",
                f"LEKSTAT_TOKEN_DAYS = {self.token_days} is more than LEKSTAT_TOKEN_MAX_DAYS = "
                f"{self.token_max_days}",
            )
        for name, (low, high) in _RANGES.items():
            value = getattr(self, name)
            if not low <= value <= high:
                var = env_name(name)
                raise SettingsError(
                    f"{var} = {value!r} ligt niet tussen {low:g} en {high:g}",
                    f"{var} = {value!r} is not between {low:g} and {high:g}",
                )


def env_name(setting: str) -> str:
    """The environment variable of a setting."""
    return {"db_path": "LEKSTAT_DB", "journal_path": "LEKSTAT_JOURNAL"}.get(
        setting, "LEKSTAT_" + setting.upper()
    )


def _int(text: str) -> int:
    return int(text.strip())


def _float(text: str) -> float:
    value = float(text.strip())
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def _text(text: str) -> str:
    return text.strip()


_PARSERS: dict[str, Callable[[str], object]] = {
    "db_path": lambda t: Path(t),
    "journal_path": lambda t: Path(t),
    "max_body_bytes": _int,
    "max_rows": _int,
    "rate_limit_per_minute": _float,
    "rate_limit_burst": _int,
    "deadline_days": _int,
    "contact": _text,
    "min_coverage": _float,
    "public_releases": _text,
    "max_year_rho": _float,
    "session_hours": _float,
    "demo_clock": _text,
    "header_timeout": _float,
    "body_timeout": _float,
    "key_file": lambda t: Path(t),
    "key": _text,
    "token_days": _int,
    "token_max_days": _int,
    "trusted_proxies": _text,
    "max_versions": _int,
    "heavy_bytes": _int,
    "heavy_per_token": _int,
    "heavy_total": _int,
    "heavy_wait": _float,
    "audit_window": _float,
}

_KIND_NL: dict[object, str] = {_int: "een geheel getal", _float: "een getal"}
_KIND_EN: dict[object, str] = {_int: "a whole number", _float: "a number"}

#: The values a numeric setting may take.
_RANGES: dict[str, tuple[float, float]] = {
    "max_body_bytes": (1_000, 1_000_000_000),
    "max_rows": (1, 1_000_000),
    "rate_limit_per_minute": (1, 1_000_000),
    "rate_limit_burst": (1, 1_000_000),
    "deadline_days": (0, 365),
    "min_coverage": (0, 1),
    "max_year_rho": (1e-6, 1000),
    "session_hours": (0.05, 24),
    "header_timeout": (0.1, 3_600),
    "body_timeout": (0.1, 3_600),
    "token_days": (1, 3_650),
    "token_max_days": (1, 3_650),
    "max_versions": (1, 100_000),
    "heavy_bytes": (1_000, 1_000_000_000),
    "heavy_per_token": (1, 1_000),
    "heavy_total": (1, 1_000),
    "heavy_wait": (0, 3_600),
    "audit_window": (1, 86_400),
}


def _parse(var: str, raw: str, parser: Callable[[str], object]) -> object:
    try:
        return parser(raw)
    except ValueError:
        nl = _KIND_NL.get(parser, "een geldige waarde")
        en = _KIND_EN.get(parser, "a valid value")
        raise SettingsError(
            f"{var} = {raw!r} is geen {nl.removeprefix('een ')}; geef {nl}",
            f"{var} = {raw!r} is not {en}; give {en}",
        ) from None
