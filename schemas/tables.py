"""Definitions of released tables and release plans.

A released table is a national count over the cells of one or more dimensions. Every table
either keeps ``stage`` as a dimension or is fixed to one stage: adding stages together would
count an incident more than once, so such a table is refused.

>>> [t.name for t in DEFAULT_PLAN][:3]
['totals', 'signals_by_function_group', 'signals_by_function_type']
>>> len(table_cells(DEFAULT_PLAN[1], year=2026)), DEFAULT_PLAN[1].stage
(7, 'ST01_SIGNAAL')
"""

from __future__ import annotations

import itertools
import json
import math
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


#: The columns of every published table after its dimension columns (see
#: :data:`VALUE_DESCRIPTIONS`; ``docs/methodology.md`` §6–§9). ``estimate_unrounded`` is absent
#: from releases made before it was added; a reader of old releases must allow for that.
VALUE_COLUMNS = ("estimate", "estimate_unrounded", "std_error", "ci_low", "ci_high", "unreliable")

#: The type of each value column, for readers that build frames from JSON.
VALUE_TYPES = {
    "estimate": "int64",
    "estimate_unrounded": "float64",
    "std_error": "float64",
    "ci_low": "int64",
    "ci_high": "int64",
    "unreliable": "bool",
}

#: What each value column means, in Dutch and English (for API documentation and legends).
VALUE_DESCRIPTIONS = {
    "estimate": (
        "het gepubliceerde aantal: een geheel getal ≥ 0; de tabellen tellen hiermee precies op",
        "the published count: a whole number ≥ 0; with these the tables add up exactly",
    ),
    "estimate_unrounded": (
        "de zuivere kleinste-kwadratenschatting vóór afronding (kan negatief zijn); tel deze "
        "op voor sommen van cellen en over jaren",
        "the unbiased least-squares estimate before rounding (may be negative); add these up "
        "for sums of cells and across years",
    ),
    "std_error": (
        "de standaardfout van de onafgeronde schatting (estimate_unrounded), niet van het "
        "afgeronde aantal",
        "the standard error of the unrounded estimate (estimate_unrounded), not of the rounded "
        "count",
    ),
    "ci_low": (
        "ondergrens van het 95%-interval (geheel getal)",
        "lower bound of the 95% interval (a whole number)",
    ),
    "ci_high": (
        "bovengrens van het 95%-interval (geheel getal)",
        "upper bound of the 95% interval (a whole number)",
    ),
    "unreliable": (
        "waar als max(ci_high − ci_low, 2 × 1,96 × std_error) groter is dan estimate",
        "true when max(ci_high − ci_low, 2 × 1.96 × std_error) exceeds estimate",
    ),
}

#: A table's weight in the objective of the budget split (``docs/methodology.md`` §4) is a
#: number from MIN_WEIGHT to MAX_WEIGHT, and within one plan the largest weight is at most
#: MAX_WEIGHT_RATIO times the smallest. Only ratios matter; from a ratio of about 16 a light
#: table sits at the split's floor (a quarter of an even share) anyway, so larger ratios say
#: nothing more, and tiny weights such as 1e-300 are refused before they reach the arithmetic.
MIN_WEIGHT = 0.01
MAX_WEIGHT = 100.0
MAX_WEIGHT_RATIO = 100.0
#: The most tables one release may have (the default plan has 11). Together with
#: MAX_PLAN_CELLS it bounds the time and memory of planning and computing any accepted plan
#: (measured in ``docs/benchmarks.md``, section Planning cost).
MAX_PLAN_TABLES = 32
#: The most cells one release may have (the default plan has 84, ALL_STAGE_PLAN 448).
MAX_PLAN_CELLS = 1_000

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class PlanError(ValueError):
    """A plan or table definition that cannot be released; the message in English and Dutch."""

    def __init__(self, message_en: str, message_nl: str | None = None) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_nl = message_nl or message_en


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
    name = spec.name
    unknown = [d for d in spec.dimensions if d not in TABLE_DIMENSIONS]
    known = ", ".join(TABLE_DIMENSIONS)
    if unknown:
        raise PlanError(
            f"table {name!r}: unknown dimension {unknown[0]!r}; known: {known}",
            f"tabel {name!r}: onbekende dimensie {unknown[0]!r}; bekend zijn: {known}",
        )
    if len(set(spec.dimensions)) != len(spec.dimensions):
        raise PlanError(
            f"table {name!r}: a dimension appears twice",
            f"tabel {name!r}: een dimensie komt twee keer voor",
        )
    if spec.by_stage and spec.stage is not None:
        raise PlanError(
            f"table {name!r}: has stage as a dimension and a fixed stage",
            f"tabel {name!r}: heeft fase als dimensie én een vaste fase",
        )
    if not spec.by_stage and spec.stage is None:
        raise PlanError(
            f"table {name!r} adds stages together and would count an incident more than "
            "once; add 'stage' to its dimensions or fix it to one stage",
            f"tabel {name!r} telt fasen op en zou een incident meer dan eens tellen; neem "
            "'stage' op in de dimensies of kies één vaste fase",
        )
    if spec.stage is not None and spec.stage not in taxonomy.stages:
        raise PlanError(
            f"table {name!r}: unknown stage {spec.stage!r}",
            f"tabel {name!r}: onbekende fase {spec.stage!r}",
        )
    if {"function_type", GROUP_DIMENSION} <= set(spec.dimensions):
        raise PlanError(
            f"table {name!r}: function_type and function_group overlap",
            f"tabel {name!r}: function_type en function_group overlappen",
        )
    weight = spec.weight
    if isinstance(weight, bool) or not (isinstance(weight, int | float) and math.isfinite(weight)):
        raise PlanError(
            f"table {name!r}: weight must be a number", f"tabel {name!r}: het gewicht is geen getal"
        )
    if not (MIN_WEIGHT <= weight <= MAX_WEIGHT):
        raise PlanError(
            f"table {name!r}: weight must be a number from {MIN_WEIGHT:g} to {MAX_WEIGHT:g}",
            f"tabel {name!r}: het gewicht is een getal van {MIN_WEIGHT:g} tot en met "
            f"{MAX_WEIGHT:g}",
        )
    if not _NAME.match(name):
        raise PlanError(
            f"table name {name!r}: use lower-case letters a-z, digits and underscores "
            "(at most 64, starting with a letter)",
            f"tabelnaam {name!r}: gebruik kleine letters a-z, cijfers en liggende streepjes "
            "(hoogstens 64, beginnend met een letter)",
        )


def _check_count(tables: int) -> None:
    if tables > MAX_PLAN_TABLES:
        raise PlanError(
            f"the plan has {tables} tables; at most {MAX_PLAN_TABLES} can be released at once",
            f"het plan heeft {tables} tabellen; er kunnen er hoogstens {MAX_PLAN_TABLES} "
            "tegelijk worden gepubliceerd",
        )


def check_plan(plan: Sequence[TableSpec], taxonomy: Taxonomy | None = None) -> None:
    """Raise :class:`PlanError` unless every table and the plan as a whole can be released.

    Checks what does not depend on the period: each table (:func:`check_table`), at least one
    and at most :data:`MAX_PLAN_TABLES` tables, distinct names, and the weights' ratio.
    """
    if not plan:
        raise PlanError("a plan needs at least one table", "een plan heeft minstens één tabel")
    _check_count(len(plan))
    for spec in plan:
        check_table(spec, taxonomy)
    names = [spec.name for spec in plan]
    if len(set(names)) != len(names):
        raise PlanError(
            "two tables of the plan have the same name",
            "twee tabellen van het plan hebben dezelfde naam",
        )
    weights = [spec.weight for spec in plan]
    if max(weights) > MAX_WEIGHT_RATIO * min(weights):
        raise PlanError(
            f"the largest table weight is more than {MAX_WEIGHT_RATIO:g} times the smallest; "
            "leave out a table that matters that little",
            f"het grootste tabelgewicht is meer dan {MAX_WEIGHT_RATIO:g} keer het kleinste; "
            "laat een tabel die zo weinig telt liever weg",
        )


def check_plan_size(
    plan: Sequence[TableSpec],
    *,
    year: int,
    quarter: int | None = None,
    taxonomy: Taxonomy | None = None,
    register: Register | None = None,
) -> int:
    """The plan's number of cells, after :func:`check_plan`; :class:`PlanError` above
    :data:`MAX_PLAN_CELLS`. Every bound on a plan is checked here, before any work is done."""
    check_plan(plan, taxonomy)
    cells = sum(
        len(table_cells(t, year=year, quarter=quarter, taxonomy=taxonomy, register=register))
        for t in plan
    )
    if cells > MAX_PLAN_CELLS:
        raise PlanError(
            f"the plan has {cells:,} cells; at most {MAX_PLAN_CELLS:,} can be released at once "
            "(national counts are small: finer tables would be noise)",
            f"het plan heeft {_nl(cells)} cellen; er kunnen er hoogstens {_nl(MAX_PLAN_CELLS)} "
            "tegelijk worden gepubliceerd (landelijke aantallen zijn klein: fijnere tabellen "
            "zouden ruis zijn)",
        )
    return cells


def _nl(n: int) -> str:
    """A whole number as Dutch writes it (``1.500``)."""
    return f"{n:,}".replace(",", ".")


def _table(name: str, other: str | None, nl: str, en: str, weight: float = 1.0) -> TableSpec:
    dims = (STAGE,) if other is None else (STAGE, other)
    return TableSpec(name, dims, None, weight, nl, en)


def _fixed(name: str, stage: str, dim: str, weight: float, nl: str, en: str) -> TableSpec:
    return TableSpec(name, (dim,), stage, weight, nl, en)


#: The stage of new cases.
SIGNAL = "ST01_SIGNAAL"

#: The default release plan (DESIGN.md; reasoning and weights in ``docs/methodology.md`` §4):
#: the pipeline, i.e. the national totals by stage; new cases (stage ST01) by every dimension
#: a reader asks about; and the outcomes that matter (arrest, disciplinary measure,
#: conviction) by function group. Each table but the totals is fixed to one stage
#: (sensitivity 1 instead of √8). The weights are the plan's declared objective: the budget
#: split minimises the weighted sum of the tables' mean cell variances.
DEFAULT_PLAN: tuple[TableSpec, ...] = (
    _table(
        "totals", None, "Landelijk totaal naar fase", "National totals by stage", weight=2.0
    ),
    _fixed(
        "signals_by_function_group", SIGNAL, GROUP_DIMENSION, 2.0,
        "Nieuwe zaken (signalen) naar functiegroep", "New cases (signals) by function group",
    ),
    _fixed(
        "signals_by_function_type", SIGNAL, "function_type", 1.0,
        "Nieuwe zaken (signalen) naar functietype", "New cases (signals) by function type",
    ),
    _fixed(
        "signals_by_data_category", SIGNAL, "data_category", 1.0,
        "Nieuwe zaken (signalen) naar gegevenscategorie", "New cases (signals) by data category",
    ),
    _fixed(
        "signals_by_motive", SIGNAL, "motive", 1.0,
        "Nieuwe zaken (signalen) naar motief", "New cases (signals) by motive",
    ),
    _fixed(
        "signals_by_employment_type", SIGNAL, "employment_type", 1.0,
        "Nieuwe zaken (signalen) naar dienstverband", "New cases (signals) by employment type",
    ),
    _fixed(
        "signals_by_quarter", SIGNAL, QUARTER, 0.5,
        "Nieuwe zaken (signalen) naar kwartaal", "New cases (signals) by quarter",
    ),
    _fixed(
        "signals_by_province", SIGNAL, PROVINCE, 0.5,
        "Nieuwe zaken (signalen) naar provincie", "New cases (signals) by province",
    ),
    _fixed(
        "arrests_by_function_group", "ST05_AANHOUDING", GROUP_DIMENSION, 1.0,
        "Strafrechtelijk onderzoek of aanhouding naar functiegroep",
        "Criminal investigations or arrests by function group",
    ),
    _fixed(
        "disciplinary_by_function_group", "ST06_DISCIPLINAIR", GROUP_DIMENSION, 1.0,
        "Disciplinaire maatregelen naar functiegroep", "Disciplinary measures by function group",
    ),
    _fixed(
        "convictions_by_function_group", "ST07_VEROORDELING", GROUP_DIMENSION, 1.0,
        "Vervolging en veroordeling naar functiegroep",
        "Prosecutions and convictions by function group",
    ),
)  # fmt: skip

#: The earlier default: every table keeps all eight stages (sensitivity √8 each). Available
#: for custom plans (``release create --plan``); most of its cells are noise at a yearly ρ.
ALL_STAGE_PLAN: tuple[TableSpec, ...] = (
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
    if isinstance(tables_raw, str) or not isinstance(tables_raw, Sequence) or not tables_raw:
        raise PlanError(
            "a plan is a non-empty list of tables", "een plan is een niet-lege lijst van tabellen"
        )
    _check_count(len(tables_raw))  # before reading thousands of tables
    tables: list[TableSpec] = []
    for i, t in enumerate(tables_raw, start=1):
        if not isinstance(t, Mapping) or "name" not in t:
            raise PlanError(
                f"table {i} of the plan has no name", f"tabel {i} van het plan heeft geen naam"
            )
        name = t["name"]
        dims = t.get("dimensions", [])
        if isinstance(dims, str) or not isinstance(dims, Sequence):
            raise PlanError(
                f"table {name!r}: dimensions must be a list",
                f"tabel {name!r}: de dimensies zijn een lijst",
            )
        raw_weight = t.get("weight", 1.0)
        try:
            if isinstance(raw_weight, bool):
                raise TypeError
            weight = float(raw_weight)
        except (TypeError, ValueError):
            raise PlanError(
                f"table {name!r}: weight must be a number",
                f"tabel {name!r}: het gewicht is geen getal",
            ) from None
        tables.append(
            TableSpec(
                name=str(name),
                dimensions=tuple(str(d) for d in dims),
                stage=None if t.get("stage") is None else str(t["stage"]),
                weight=weight,
                title_nl=str(t.get("title_nl", "")),
                title_en=str(t.get("title_en", "")),
            )
        )
    check_plan(tables)
    return tuple(tables)


def load_plan_text(text: str, filename: str = "plan.json") -> tuple[TableSpec, ...]:
    """A plan from the text of a JSON or TOML file."""
    kind = "TOML" if filename.endswith(".toml") else "JSON"
    try:
        raw = tomllib.loads(text) if kind == "TOML" else json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PlanError(
            f"{filename}: not valid {kind}: {exc}", f"{filename}: geen geldige {kind}: {exc}"
        ) from exc
    return parse_plan(raw)
