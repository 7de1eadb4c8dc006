"""The linear structure of a release plan: which sums the tables share, and how they nest.

All tables of a release count the same (incident, stage) events, so any two tables agree on
their common margin: a stage × motive and a stage × province table on the per-stage totals, a
stage × function type and a stage × function group table on the stage × group counts (a function
type belongs to one group). The estimator uses these agreements (as linear constraints); the
integer publication uses the nesting (each table's cells add up to the cells of a coarser
"parent" table, the coarsest ones to the per-stage national totals).

>>> from schemas.tables import DEFAULT_PLAN
>>> layout = plan_layout(DEFAULT_PLAN, year=2026)
>>> layout.size, layout.anchor, layout.tables[2].parent
(448, 0, 1)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from schemas.municipalities import Register, load_register
from schemas.tables import TABLE_DIMENSIONS, PlanError, TableSpec, check_table, table_cells
from schemas.taxonomy import GROUP_DIMENSION, Taxonomy, load_taxonomy

STAGE = "stage"


@dataclass(frozen=True)
class TableLayout:
    """One table's place in the stacked vector of all cells, and the table it nests in."""

    spec: TableSpec
    cells: tuple[tuple[str, ...], ...]
    start: int
    sensitivity_l2: float
    stage_index: np.ndarray
    #: Index of the table whose cells this table's cells add up to; None: the per-stage totals.
    parent: int | None

    @property
    def stop(self) -> int:
        """One past the table's last position in the stacked vector."""
        return self.start + len(self.cells)

    @property
    def slice(self) -> slice:
        """The table's positions in the stacked vector."""
        return slice(self.start, self.stop)


@dataclass(frozen=True)
class Block:
    """Cells (stacked positions) that add up to one parent cell, or to a per-stage total."""

    cells: np.ndarray
    parent_cell: int | None
    stage: int


@dataclass(frozen=True)
class PlanLayout:
    """A checked plan laid out as one vector, with its agreement constraints and nesting."""

    tables: tuple[TableLayout, ...]
    stages: tuple[str, ...]
    #: Orthonormal rows spanning every "these two sums are equal" constraint (rank × size).
    basis: np.ndarray
    #: Per stage: positions whose sum is that stage's national total (empty if no table has it).
    stage_cells: tuple[np.ndarray, ...]
    #: Blocks in publication order: a parent cell is always published before its children.
    blocks: tuple[Block, ...]
    #: Index of the national totals table (dimensions exactly ``stage``), if the plan has one.
    anchor: int | None

    @property
    def size(self) -> int:
        """The number of cells of all tables together."""
        return self.tables[-1].stop


def plan_layout(
    plan: Sequence[TableSpec],
    *,
    year: int,
    quarter: int | None = None,
    taxonomy: Taxonomy | None = None,
    register: Register | None = None,
) -> PlanLayout:
    """Check the plan and lay it out; raises :class:`PlanError` for a plan that cannot be used."""
    taxonomy = taxonomy or load_taxonomy()
    register = register or load_register()
    if not plan:
        raise PlanError("a plan needs at least one table")
    for spec in plan:
        check_table(spec, taxonomy)
    names = [spec.name for spec in plan]
    if len(set(names)) != len(names):
        raise PlanError("two tables of the plan have the same name")
    stages = taxonomy.stages
    coords = [_coordinates(spec, year, quarter, taxonomy, register) for spec in plan]
    cells = [
        tuple(table_cells(s, year=year, quarter=quarter, taxonomy=taxonomy, register=register))
        for s in plan
    ]
    starts = np.cumsum([0] + [len(c) for c in cells[:-1]])
    parents = [_parent(i, plan) for i in range(len(plan))]
    tables = tuple(
        TableLayout(
            spec=spec,
            cells=cells[i],
            start=int(starts[i]),
            sensitivity_l2=math.sqrt(len(stages)) if spec.by_stage else 1.0,
            stage_index=np.array([stages.index(c[STAGE]) for c in coords[i]], dtype=np.int64),
            parent=parents[i],
        )
        for i, spec in enumerate(plan)
    )
    anchor = next((i for i, s in enumerate(plan) if s.dimensions == (STAGE,)), None)
    return PlanLayout(
        tables=tables,
        stages=stages,
        basis=_basis(_constraints(plan, coords, tables)),
        stage_cells=_stage_cells(tables, len(stages), anchor),
        blocks=_blocks(tables, coords),
        anchor=anchor,
    )


def _coordinates(
    spec: TableSpec, year: int, quarter: int | None, taxonomy: Taxonomy, register: Register
) -> list[dict[str, str]]:
    """Each cell as dimension → code, with its stage and (if derivable) its function group."""
    out = []
    for cell in table_cells(spec, year=year, quarter=quarter, taxonomy=taxonomy, register=register):
        c = dict(zip(spec.dimensions, cell, strict=True))
        if spec.stage is not None:
            c[STAGE] = spec.stage
        if "function_type" in c:
            c[GROUP_DIMENSION] = taxonomy.group_of(c["function_type"])
        out.append(c)
    return out


def _available(spec: TableSpec) -> set[str]:
    dims = {*spec.dimensions, STAGE}
    if "function_type" in dims:
        dims.add(GROUP_DIMENSION)
    return dims


def _own(spec: TableSpec) -> set[str]:
    return {*spec.dimensions, STAGE}


def _nests_in(child: TableSpec, parent: TableSpec) -> bool:
    """Whether every cell of ``child`` adds into exactly one cell of ``parent``."""
    if not _own(parent) <= _available(child):
        return False
    return parent.by_stage or (not child.by_stage and parent.stage == child.stage)


def _parent(i: int, plan: Sequence[TableSpec]) -> int | None:
    """The finest other table that ``plan[i]`` nests in (ties: the earlier one)."""
    child = plan[i]
    candidates = []
    for j, spec in enumerate(plan):
        if j == i or not _nests_in(child, spec):
            continue
        if _nests_in(spec, child) and j > i:
            continue  # the same margin twice: the earlier table is the parent
        candidates.append((-len(_own(spec)), j))
    return min(candidates)[1] if candidates else None


def _constraints(
    plan: Sequence[TableSpec], coords: list[list[dict[str, str]]], tables: Sequence[TableLayout]
) -> np.ndarray:
    """One row per shared sum of every pair of tables: (sum in t) − (sum in u) = 0."""
    size = tables[-1].stop
    rows: list[np.ndarray] = []
    for t in range(len(plan)):
        for u in range(t + 1, len(plan)):
            common = [d for d in TABLE_DIMENSIONS if d in _available(plan[t]) & _available(plan[u])]
            keys_t = _keys(coords[t], common, tables[t].start)
            keys_u = _keys(coords[u], common, tables[u].start)
            for key in keys_t.keys() & keys_u.keys():
                row = np.zeros(size)
                row[keys_t[key]] = 1.0
                row[keys_u[key]] = -1.0
                rows.append(row)
    return np.array(rows).reshape(len(rows), size)


def _keys(
    coords: list[dict[str, str]], dims: list[str], start: int
) -> dict[tuple[str, ...], list[int]]:
    out: dict[tuple[str, ...], list[int]] = {}
    for k, c in enumerate(coords):
        out.setdefault(tuple(c[d] for d in dims), []).append(start + k)
    return out


def _basis(constraints: np.ndarray) -> np.ndarray:
    """Orthonormal rows spanning the constraints' row space (pairwise rows are redundant)."""
    size = constraints.shape[1]
    if constraints.shape[0] == 0:
        return np.zeros((0, size))
    _, singular, vt = np.linalg.svd(constraints, full_matrices=False)
    tol = singular.max() * max(constraints.shape) * np.finfo(float).eps
    return np.ascontiguousarray(vt[singular > tol])


def _stage_cells(
    tables: Sequence[TableLayout], n_stages: int, anchor: int | None
) -> tuple[np.ndarray, ...]:
    out = []
    order = ([anchor] if anchor is not None else []) + list(range(len(tables)))
    for s in range(n_stages):
        found = np.zeros(0, dtype=np.int64)
        for i in order:
            hit = np.flatnonzero(tables[i].stage_index == s)
            if hit.size:
                found = tables[i].start + hit
                break
        out.append(found)
    return tuple(out)


def _blocks(tables: Sequence[TableLayout], coords: list[list[dict[str, str]]]) -> tuple[Block, ...]:
    blocks: list[Block] = []
    done: set[int] = set()

    def visit(i: int) -> None:
        if i in done:
            return
        table = tables[i]
        if table.parent is None:
            for s in np.unique(table.stage_index):
                positions = table.start + np.flatnonzero(table.stage_index == s)
                blocks.append(Block(positions, None, int(s)))
        else:
            visit(table.parent)
            parent = tables[table.parent]
            dims = [d for d in TABLE_DIMENSIONS if d in _own(parent.spec)]
            where = {k: v[0] for k, v in _keys(coords[table.parent], dims, parent.start).items()}
            groups = _keys(coords[i], dims, table.start)
            for key, members in groups.items():
                target = where[key]
                stage = int(parent.stage_index[target - parent.start])
                blocks.append(Block(np.array(members, dtype=np.int64), target, stage))
        done.add(i)

    for i in range(len(tables)):
        visit(i)
    return tuple(blocks)
