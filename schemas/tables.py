"""Definitions of released tables and release plans.

A released table is a national count over the cells of one or more dimensions. Every table
either keeps ``stage`` as a dimension or is fixed to one stage: adding stages together would
count an incident more than once, so such a table is refused.

>>> [t.name for t in DEFAULT_PLAN][:3]
['totals', 'function_group', 'function_type']
>>> len(table_cells(DEFAULT_PLAN[1], year=2026))
56
"""

from __future__ import annotations

import itertools
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from schemas.municipalities import Register, load_register
from schemas.taxonomy import GROUP_DIMENSION, Lang, Taxonomy, load_taxonomy

STAGE = "stage"
QUARTER = "quarter"
PROVINCE = "province"

#: Dimensions a table may use: the taxonomy's, the function-group roll-up, quarter, province.
TABLE_DIMENSIONS = (
    STAGE,
    "function_type",
    GROUP_DIMENSION,
    "data_category",
    "employment_type",
    "motive",
    QUARTER,
    PROVINCE,
)

_EXTRA_LABELS = {
    QUARTER: ("Kwartaal", "Quarter"),
    PROVINCE: ("Provincie", "Province"),
}


#: The columns of every published table after its dimension columns: the estimate, its
#: standard error, the 95% interval, and the flag for an interval wider than the estimate.
VALUE_COLUMNS = ("estimate", "std_error", "ci_low", "ci_high", "unreliable")

#: A table's importance in the budget split is a positive number up to this.
MAX_WEIGHT = 1e6
#: The most cells one release may have (the default plan has 448).
MAX_PLAN_CELLS = 20_000

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class PlanError(ValueError):
    """A plan or table definition that cannot be released."""


@dataclass(frozen=True)
class TableSpec:
    """One released table: its dimensions (``stage`` first if present) or a fixed stage."""

    name: str
    dimensions: tuple[str, ...]
    stage: str | None = None
    weight: float = 1.0
    title_nl: str = ""
    title_en: str = ""

    @property
    def by_stage(self) -> bool:
        """Whether the table keeps ``stage`` as a dimension."""
        return STAGE in self.dimensions

    def title(self, lang: Lang = "nl") -> str:
        """The table's title in ``lang``."""
        return (self.title_nl if lang == "nl" else self.title_en) or self.name

    def to_dict(self) -> dict[str, Any]:
        """The table as plain data (for storing a plan with its release)."""
        out: dict[str, Any] = {"name": self.name, "dimensions": list(self.dimensions)}
        if self.stage is not None:
            out["stage"] = self.stage
        out["weight"] = self.weight
        if self.title_nl:
            out["title_nl"] = self.title_nl
        if self.title_en:
            out["title_en"] = self.title_en
        return out


def dimension_label(name: str, lang: Lang = "nl", taxonomy: Taxonomy | None = None) -> str:
    """The label of a table dimension."""
    if name in _EXTRA_LABELS:
        nl, en = _EXTRA_LABELS[name]
        return nl if lang == "nl" else en
    return (taxonomy or load_taxonomy()).dimension(name).label(lang)


def dimension_codes(
    name: str,
    *,
    year: int,
    quarter: int | None = None,
    taxonomy: Taxonomy | None = None,
    register: Register | None = None,
) -> tuple[str, ...]:
    """The codes of a table dimension: taxonomy codes, ``Q1``…``Q4`` or province codes."""
    if name == QUARTER:
        return (f"Q{quarter}",) if quarter else ("Q1", "Q2", "Q3", "Q4")
    if name == PROVINCE:
        register = register or load_register()
        present = {m.province_code for m in register.valid_in(year)}
        return tuple(p.code for p in register.provinces if p.code in present)
    return (taxonomy or load_taxonomy()).codes(name)


def code_label(
    dimension: str,
    code: str,
    lang: Lang = "nl",
    taxonomy: Taxonomy | None = None,
    register: Register | None = None,
) -> str:
    """The label of one code of a table dimension."""
    if dimension == QUARTER:
        return code.replace("Q", "K") if lang == "nl" else code
    if dimension == PROVINCE:
        return (register or load_register()).province(code).name
    return (taxonomy or load_taxonomy()).label(dimension, code, lang)


def with_labels(frame: pd.DataFrame, dimensions: Sequence[str], lang: Lang = "nl") -> pd.DataFrame:
    """A copy of a published table with a ``<dimension>_label`` column after each code column.

    A code this taxonomy does not know (a newer server) keeps an empty label.
    """

    def label(dimension: str, code: str) -> str:
        try:
            return code_label(dimension, code, lang)
        except (KeyError, ValueError):
            return ""

    out = frame.copy()
    for position, dimension in reversed(list(enumerate(dimensions))):
        codes = out[dimension].astype(str)
        labels = {code: label(dimension, code) for code in set(codes)}
        out.insert(position + 1, f"{dimension}_label", [labels[c] for c in codes])
    return out


def table_cells(
    spec: TableSpec,
    *,
    year: int,
    quarter: int | None = None,
    taxonomy: Taxonomy | None = None,
    register: Register | None = None,
) -> list[tuple[str, ...]]:
    """Every cell of a table in order (the cartesian product of its dimensions' codes)."""
    axes = [
        dimension_codes(d, year=year, quarter=quarter, taxonomy=taxonomy, register=register)
        for d in spec.dimensions
    ]
    return list(itertools.product(*axes))


def check_table(spec: TableSpec, taxonomy: Taxonomy | None = None) -> None:
    """Raise :class:`PlanError` unless the table can be released without double counting."""
    taxonomy = taxonomy or load_taxonomy()
    unknown = [d for d in spec.dimensions if d not in TABLE_DIMENSIONS]
    if unknown:
        raise PlanError(
            f"table {spec.name!r}: unknown dimension {unknown[0]!r}; "
            f"known: {', '.join(TABLE_DIMENSIONS)}"
        )
    if len(set(spec.dimensions)) != len(spec.dimensions):
        raise PlanError(f"table {spec.name!r}: a dimension appears twice")
    if spec.by_stage and spec.stage is not None:
        raise PlanError(f"table {spec.name!r}: has stage as a dimension and a fixed stage")
    if not spec.by_stage and spec.stage is None:
        raise PlanError(
            f"table {spec.name!r} adds stages together and would count an incident more than "
            "once; add 'stage' to its dimensions or fix it to one stage"
        )
    if spec.stage is not None and spec.stage not in taxonomy.stages:
        raise PlanError(f"table {spec.name!r}: unknown stage {spec.stage!r}")
    if {"function_type", GROUP_DIMENSION} <= set(spec.dimensions):
        raise PlanError(f"table {spec.name!r}: function_type and function_group overlap")
    if not (0 < spec.weight <= MAX_WEIGHT):
        raise PlanError(f"table {spec.name!r}: weight must be a number above 0 and at most 1e6")
    if not _NAME.match(spec.name):
        raise PlanError(
            f"table name {spec.name!r}: use lower-case letters a-z, digits and underscores "
            "(at most 64, starting with a letter)"
        )


def check_plan_size(plan: Sequence[TableSpec], *, year: int, quarter: int | None = None) -> int:
    """The plan's number of cells; :class:`PlanError` above :data:`MAX_PLAN_CELLS`."""
    cells = sum(len(table_cells(t, year=year, quarter=quarter)) for t in plan)
    if cells > MAX_PLAN_CELLS:
        raise PlanError(
            f"the plan has {cells:,} cells; at most {MAX_PLAN_CELLS:,} can be released at once "
            "(national counts are small: finer tables would be noise)"
        )
    return cells


def _table(name: str, other: str | None, nl: str, en: str, weight: float = 1.0) -> TableSpec:
    dims = (STAGE,) if other is None else (STAGE, other)
    return TableSpec(name, dims, None, weight, nl, en)


#: The default release plan of DESIGN.md.
DEFAULT_PLAN: tuple[TableSpec, ...] = (
    _table("totals", None, "Landelijk totaal naar fase", "National totals by stage"),
    _table("function_group", GROUP_DIMENSION, "Fase × functiegroep", "Stage × function group"),
    _table("function_type", "function_type", "Fase × functietype", "Stage × function type"),
    _table("data_category", "data_category", "Fase × gegevenscategorie", "Stage × data category"),
    _table("employment_type", "employment_type", "Fase × dienstverband", "Stage × employment type"),
    _table("motive", "motive", "Fase × motief", "Stage × motive"),
    _table("quarter", QUARTER, "Fase × kwartaal", "Stage × quarter"),
    _table("province", PROVINCE, "Fase × provincie", "Stage × province"),
)


def parse_plan(raw: Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> tuple[TableSpec, ...]:
    """A plan from plain data: a list of tables, or ``{"tables": [...]}``; checked."""
    tables_raw = raw.get("tables") if isinstance(raw, Mapping) else raw
    if not isinstance(tables_raw, Sequence) or not tables_raw:
        raise PlanError("a plan is a non-empty list of tables")
    tables: list[TableSpec] = []
    for i, t in enumerate(tables_raw, start=1):
        if not isinstance(t, Mapping) or "name" not in t:
            raise PlanError(f"table {i} of the plan has no name")
        dims = t.get("dimensions", [])
        if isinstance(dims, str) or not isinstance(dims, Sequence):
            raise PlanError(f"table {t['name']!r}: dimensions must be a list")
        try:
            weight = float(t.get("weight", 1.0))
        except (TypeError, ValueError):
            raise PlanError(f"table {t['name']!r}: weight must be a number") from None
        spec = TableSpec(
            name=str(t["name"]),
            dimensions=tuple(str(d) for d in dims),
            stage=None if t.get("stage") is None else str(t["stage"]),
            weight=weight,
            title_nl=str(t.get("title_nl", "")),
            title_en=str(t.get("title_en", "")),
        )
        check_table(spec)
        tables.append(spec)
    names = [t.name for t in tables]
    if len(set(names)) != len(names):
        raise PlanError("two tables of the plan have the same name")
    return tuple(tables)


def load_plan_text(text: str, filename: str = "plan.json") -> tuple[TableSpec, ...]:
    """A plan from the text of a JSON or TOML file."""
    try:
        raw = tomllib.loads(text) if filename.endswith(".toml") else json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PlanError(
            f"{filename}: not valid {'TOML' if filename.endswith('.toml') else 'JSON'}: {exc}"
        ) from exc
    return parse_plan(raw)
