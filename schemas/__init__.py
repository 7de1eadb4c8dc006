"""The shared contract of lekstat: taxonomy, periods, municipalities, validation, tables.

Importable by the client and the aggregator alike; depends only on pandas and pandera. The names
below are imported on first use, so that ``import schemas.periods`` (or the client's ``--help``)
does not load pandas and pandera.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from schemas.issues import Issue
    from schemas.municipalities import Municipality, Province, Register, load_register
    from schemas.periods import FIRST_PERIOD, Period, PeriodError, quarters_of
    from schemas.reading import RawTable, from_frame, from_records, from_rows, read_csv
    from schemas.roles import ROLES, role_name
    from schemas.submission import Submission
    from schemas.tables import (
        DEFAULT_PLAN,
        PlanError,
        TableSpec,
        check_table,
        parse_plan,
        table_cells,
    )
    from schemas.taxonomy import CURRENT_VERSION, Code, Dimension, Taxonomy, load_taxonomy
    from schemas.validation import MAX_COUNT, ValidationResult, build_schema, validate_submission

#: Where each public name lives.
_HOMES = {
    "Issue": "schemas.issues",
    "Municipality": "schemas.municipalities",
    "Province": "schemas.municipalities",
    "Register": "schemas.municipalities",
    "load_register": "schemas.municipalities",
    "FIRST_PERIOD": "schemas.periods",
    "Period": "schemas.periods",
    "PeriodError": "schemas.periods",
    "quarters_of": "schemas.periods",
    "RawTable": "schemas.reading",
    "from_frame": "schemas.reading",
    "from_records": "schemas.reading",
    "from_rows": "schemas.reading",
    "read_csv": "schemas.reading",
    "ROLES": "schemas.roles",
    "role_name": "schemas.roles",
    "Submission": "schemas.submission",
    "DEFAULT_PLAN": "schemas.tables",
    "PlanError": "schemas.tables",
    "TableSpec": "schemas.tables",
    "check_table": "schemas.tables",
    "parse_plan": "schemas.tables",
    "table_cells": "schemas.tables",
    "CURRENT_VERSION": "schemas.taxonomy",
    "Code": "schemas.taxonomy",
    "Dimension": "schemas.taxonomy",
    "Taxonomy": "schemas.taxonomy",
    "load_taxonomy": "schemas.taxonomy",
    "MAX_COUNT": "schemas.validation",
    "ValidationResult": "schemas.validation",
    "build_schema": "schemas.validation",
    "validate_submission": "schemas.validation",
}

__all__ = [
    "CURRENT_VERSION",
    "DEFAULT_PLAN",
    "FIRST_PERIOD",
    "MAX_COUNT",
    "ROLES",
    "Code",
    "Dimension",
    "Issue",
    "Municipality",
    "Period",
    "PeriodError",
    "PlanError",
    "Province",
    "RawTable",
    "Register",
    "Submission",
    "TableSpec",
    "Taxonomy",
    "ValidationResult",
    "build_schema",
    "check_table",
    "from_frame",
    "from_records",
    "from_rows",
    "load_register",
    "load_taxonomy",
    "parse_plan",
    "quarters_of",
    "read_csv",
    "role_name",
    "table_cells",
    "validate_submission",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'schemas' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
