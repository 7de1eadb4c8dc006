"""Exact tables: the latest submission rows counted into one integer vector per table.

The store hands the engine the latest version of every submission of a year (or quarter) as
rows; this module checks them and adds the derived dimensions (function group from the
taxonomy, quarter from the period, province from the municipality register) before counting.
The result never leaves the aggregator: only noisy releases do.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from schemas.municipalities import Register, load_register
from schemas.periods import Period, PeriodError
from schemas.tables import PROVINCE, QUARTER, PlanError, TableSpec, check_table, table_cells
from schemas.taxonomy import GROUP_DIMENSION, Taxonomy, load_taxonomy

#: The columns of the latest-submission rows the engine reads.
ROW_COLUMNS = (
    "municipality",
    "period",
    "function_type",
    "data_category",
    "stage",
    "employment_type",
    "motive",
    "count",
)


def exact_tables(
    rows: pd.DataFrame,
    plan: Sequence[TableSpec],
    *,
    year: int,
    quarter: int | None = None,
    taxonomy: Taxonomy | None = None,
    register: Register | None = None,
) -> dict[str, np.ndarray]:
    """The exact int64 vector of every table over its cells (zeros included), from the rows."""
    taxonomy = taxonomy or load_taxonomy()
    register = register or load_register()
    for spec in plan:
        check_table(spec, taxonomy)
    if len({spec.name for spec in plan}) != len(plan):
        raise PlanError("two tables of the plan have the same name")
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1, 2, 3 or 4, got {quarter!r}")
    frame = _derive(rows, year, quarter, taxonomy, register)
    out: dict[str, np.ndarray] = {}
    for spec in plan:
        cells = table_cells(spec, year=year, quarter=quarter, taxonomy=taxonomy, register=register)
        part = frame if spec.stage is None else frame[frame["stage"] == spec.stage]
        vector = np.zeros(len(cells), dtype=np.int64)
        if len(part) and not spec.dimensions:  # a single number: one stage's national total
            vector[0] = int(part["count"].sum())
        elif len(part):
            index = {cell: k for k, cell in enumerate(cells)}
            sums = part.groupby(list(spec.dimensions), sort=False)["count"].sum()
            for key, value in sums.items():
                cell = key if isinstance(key, tuple) else (key,)
                vector[index[tuple(str(c) for c in cell)]] += int(value)
        out[spec.name] = vector
    return out


def _derive(
    rows: pd.DataFrame, year: int, quarter: int | None, taxonomy: Taxonomy, register: Register
) -> pd.DataFrame:
    """The rows checked, with function group, quarter and province added."""
    absent = [c for c in ROW_COLUMNS if c not in rows.columns]
    if absent:
        raise ValueError(f"rows lack the column(s) {', '.join(absent)}")
    frame = rows.loc[:, list(ROW_COLUMNS)].copy()
    counts = pd.to_numeric(frame["count"], errors="coerce")
    if counts.isna().any() or (counts < 0).any() or (counts != counts.round()).any():
        raise ValueError("counts must be non-negative integers")
    frame["count"] = counts.astype(np.int64)
    for dim in ("function_type", "data_category", "stage", "employment_type", "motive"):
        frame[dim] = frame[dim].astype(str)
        unknown = sorted(set(frame[dim]) - set(taxonomy.codes(dim)))
        if unknown:
            raise ValueError(f"unknown {dim} code(s): {', '.join(unknown[:5])}")
    periods = {}
    for text in frame["period"].astype(str).unique():
        try:
            p = Period.parse(text)
        except PeriodError as exc:
            raise ValueError(str(exc)) from None
        if p.year != year or (quarter is not None and p.quarter != quarter):
            wanted = f"{year}-Q{quarter}" if quarter else str(year)
            raise ValueError(f"rows for period {p} are outside the release period {wanted}")
        periods[text] = f"Q{p.quarter}"
    provinces = {}
    for code in frame["municipality"].astype(str).unique():
        try:
            provinces[code] = register.get(code, year).province_code
        except KeyError:
            raise ValueError(f"municipality {code!r} does not exist in {year}") from None
    frame[QUARTER] = frame["period"].astype(str).map(periods)
    frame[PROVINCE] = frame["municipality"].astype(str).map(provinces)
    groups = {ft: taxonomy.group_of(ft) for ft in taxonomy.codes("function_type")}
    frame[GROUP_DIMENSION] = frame["function_type"].map(groups)
    return frame
