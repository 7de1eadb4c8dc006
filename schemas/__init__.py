"""The shared contract of lekstat: taxonomy, periods, municipalities, validation, tables.

Importable by the client and the aggregator alike; depends only on pandas and pandera.
"""

from schemas.issues import Issue
from schemas.municipalities import Municipality, Province, Register, load_register
from schemas.periods import FIRST_PERIOD, Period, PeriodError, quarters_of
from schemas.reading import RawTable, from_frame, from_records, from_rows, read_csv
from schemas.submission import Submission
from schemas.tables import DEFAULT_PLAN, PlanError, TableSpec, check_table, parse_plan, table_cells
from schemas.taxonomy import CURRENT_VERSION, Code, Dimension, Taxonomy, load_taxonomy
from schemas.validation import MAX_COUNT, ValidationResult, build_schema, validate_submission

__all__ = [
    "CURRENT_VERSION",
    "DEFAULT_PLAN",
    "FIRST_PERIOD",
    "MAX_COUNT",
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
    "table_cells",
    "validate_submission",
]
