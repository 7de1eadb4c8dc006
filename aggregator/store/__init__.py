"""The DuckDB store: the only package that imports duckdb, and the only place raw counts live."""

from aggregator.store.store import *  # noqa: F403  (split into modules in the next step)
from aggregator.store.store import (  # noqa: F401
    _spent,
)
