"""The lekstat client: the Python API and the ``lekstat`` command line.

An analyst, in three lines (with ``lekstat login`` done once)::

    from client import Client
    with Client.from_config() as lekstat:
        figures = lekstat.figures("2026-r1", "function_type")

The client never imports the aggregator, duckdb, opendp, fastapi or uvicorn (a test checks), so
``pip install 'lekstat[client]'`` stays small.
"""

from client.api import Client, Identity, Receipt, figures_frame, validate
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
)
from client.files import excel_template, read_table, write_template
from schemas.safe_cells import write_csv

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
    "excel_template",
    "figures_frame",
    "load_settings",
    "read_table",
    "save_settings",
    "validate",
    "write_csv",
    "write_template",
]
