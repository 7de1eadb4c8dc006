"""The lekstat client: the Python API and the ``lekstat`` command line.

An analyst, in three lines (with ``lekstat login`` done once)::

    from client import Client
    with Client.from_config() as lekstat:
        figures = lekstat.figures("latest", "signals_by_function_group")  # attrs: provenance

The client never imports the aggregator, duckdb, opendp, fastapi or uvicorn (a test checks), so
``pip install 'lekstat[client]'`` stays small. The names below are imported on first use, so
that the command line's ``--help`` does not load httpx, pandas or pandera.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from client.api import Client, figures_frame, validate
    from client.config import DEFAULT_URL, Settings, load_settings, save_settings
    from client.errors import (
        AuthenticationError,
        ConfigError,
        InvalidDataError,
        LekstatError,
        NetworkError,
        PermissionDeniedError,
        RefusedError,
        ResponseError,
        ServerError,
        UnknownReleaseError,
        UnknownTableError,
    )
    from client.files import excel_template, read_table, write_template
    from client.receipts import Identity, Receipt
    from schemas.safe_cells import write_csv

_HOMES = {
    "DEFAULT_URL": "client.config",
    "AuthenticationError": "client.errors",
    "Client": "client.api",
    "ConfigError": "client.errors",
    "Identity": "client.receipts",
    "InvalidDataError": "client.errors",
    "LekstatError": "client.errors",
    "NetworkError": "client.errors",
    "PermissionDeniedError": "client.errors",
    "Receipt": "client.receipts",
    "RefusedError": "client.errors",
    "ResponseError": "client.errors",
    "ServerError": "client.errors",
    "UnknownReleaseError": "client.errors",
    "UnknownTableError": "client.errors",
    "Settings": "client.config",
    "excel_template": "client.files",
    "figures_frame": "client.api",
    "load_settings": "client.config",
    "read_table": "client.files",
    "save_settings": "client.config",
    "validate": "client.api",
    "write_csv": "schemas.safe_cells",
    "write_template": "client.files",
}

__all__ = [
    "DEFAULT_URL",
    "AuthenticationError",
    "Client",
    "ConfigError",
    "Identity",
    "InvalidDataError",
    "LekstatError",
    "NetworkError",
    "PermissionDeniedError",
    "Receipt",
    "RefusedError",
    "ResponseError",
    "ServerError",
    "Settings",
    "UnknownReleaseError",
    "UnknownTableError",
    "excel_template",
    "figures_frame",
    "load_settings",
    "read_table",
    "save_settings",
    "validate",
    "write_csv",
    "write_template",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'client' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
