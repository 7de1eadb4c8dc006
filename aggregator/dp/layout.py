"""The linear structure of a release plan: which sums the tables share, and how they nest.

All tables of a release count the same (incident, stage) events, so any two tables agree on
their common margin: a stage × motive and a stage × province table on the per-stage totals, a
stage × function type and a stage × function group table on the stage × group counts (a function
type belongs to one group), new cases by motive (a table fixed to stage ST01) on the national
total of new cases, new cases by function type and by function group on the new cases per
group. The estimator uses these agreements (as linear constraints); the integer publication
uses the nesting (each table's cells add up to the cells of a coarser "parent" table, the
coarsest ones to the per-stage national totals).

>>> from schemas.tables import DEFAULT_PLAN
>>> layout = plan_layout(DEFAULT_PLAN, year=2026)
>>> layout.size, layout.anchor, layout.basis.shape[0]
(84, 0, 16)
>>> [layout.tables[i].parent for i in (1, 2, 3, 8)]  # group → totals, type → group, ...
[0, 1, 0, 0]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.linalg

from schemas.municipalities import Register, load_register
from schemas.tables import TABLE_DIMENSIONS, TableSpec, check_plan_size, table_cells
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
    #: Orthonormal columns spanning the vectors that satisfy them (size × (size − rank)).
    null_basis: np.ndarray
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
    # Every bound first: beyond them the work below would not be bounded in time and memory.
    check_plan_size(plan, year=year, quarter=quarter, taxonomy=taxonomy, register=register)
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
    basis, null_basis = _bases(_constraints(plan, coords, tables, stages))
    return PlanLayout(
        tables=tables,
        stages=stages,
        basis=basis,
        null_basis=null_basis,
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
    plan: Sequence[TableSpec],
    coords: list[list[dict[str, str]]],
    tables: Sequence[TableLayout],
    stages: Sequence[str],
) -> np.ndarray:
    """Rows ``(sum in t) − (sum in u) = 0`` that together say every pair of tables agrees on its
    common margin, without the pairs' redundancy.

    Two tables agree on the margin D of their common dimensions. Every table whose dimensions
    include D then has the same D-margin (at the stages it has), so per D and stage one chain of
    tables says it all, and the chain needs no link between tables already tied by a finer
    common margin (equal D′-margins give equal D-margins for D ⊂ D′). D is a set of dimensions,
    so there are at most 2⁷ of them, and the rows grow with the cells rather than with the pairs
    of tables (31 copies of one table had 465 pairs; now 30 links).
    """
    avail = [frozenset(_available(spec)) for spec in plan]
    margins = {avail[t] & avail[u] for t in range(len(plan)) for u in range(t + 1, len(plan))}
    order = sorted(margins, key=lambda d: (-len(d), sorted(TABLE_DIMENSIONS.index(x) for x in d)))
    tied: list[tuple[frozenset[str], str, list[int]]] = []  # (margin, stage, tables chained)
    links: list[tuple[list[int], list[int]]] = []
    for margin in order:
        dims = [d for d in TABLE_DIMENSIONS if d in margin]  # stage first
        for stage in stages:
            members = [
                t for t in range(len(plan)) if margin <= avail[t] and plan[t].stage in (None, stage)
            ]
            if len(members) < 2:
                continue
            group = {t: t for t in members}
            for finer, at, chained in tied:
                if at == stage and margin < finer:
                    for t in chained[1:]:
                        group[_root(group, t)] = _root(group, chained[0])
            heads = [t for t in members if _root(group, t) == t]
            for a, b in itertools.pairwise(heads):
                keys_a = _keys(coords[a], dims, tables[a].start)
                keys_b = _keys(coords[b], dims, tables[b].start)
                links.extend(
                    (cells, keys_b[key]) for key, cells in keys_a.items() if key[0] == stage
                )
            tied.append((margin, stage, members))
    rows = np.zeros((len(links), tables[-1].stop))
    for i, (plus, minus) in enumerate(links):
        rows[i, plus] = 1.0
        rows[i, minus] = -1.0
    return rows


def pairwise_constraints(
    plan: Sequence[TableSpec], lay: PlanLayout, year: int, quarter: int | None = None
) -> np.ndarray:
    """The definition the chains of :func:`_constraints` must span: one row per shared sum of
    every pair of tables (the construction before the chains; for its test and benchmark)."""
    tax, register = load_taxonomy(), load_register()
    coords = [_coordinates(s, year, quarter, tax, register) for s in plan]
    rows = []
    for t, u in itertools.combinations(range(len(plan)), 2):
        common = [d for d in TABLE_DIMENSIONS if d in _available(plan[t]) & _available(plan[u])]
        keys_t = _keys(coords[t], common, lay.tables[t].start)
        keys_u = _keys(coords[u], common, lay.tables[u].start)
        for key in keys_t.keys() & keys_u.keys():
            row = np.zeros(lay.size)
            row[keys_t[key]] = 1.0
            row[keys_u[key]] = -1.0
            rows.append(row)
    return np.array(rows).reshape(len(rows), lay.size)


def _root(group: dict[int, int], t: int) -> int:
    while group[t] != t:
        t = group[t]
    return t


def _keys(
    coords: list[dict[str, str]], dims: list[str], start: int
) -> dict[tuple[str, ...], list[int]]:
    out: dict[tuple[str, ...], list[int]] = {}
    for k, c in enumerate(coords):
        out.setdefault(tuple(c[d] for d in dims), []).append(start + k)
    return out


def _bases(constraints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Orthonormal rows spanning the constraints' row space, and columns spanning its null
    space (the vectors whose tables agree).

    A QR factorisation with column pivoting of the constraint rows reveals their rank and gives
    both bases at a fraction of the cost of an SVD.
    """
    size = constraints.shape[1]
    if constraints.shape[0] == 0:
        return np.zeros((0, size)), np.eye(size)
    q, r, _ = scipy.linalg.qr(constraints.T, mode="full", pivoting=True)
    diagonal = np.abs(np.diag(r))
    tol = diagonal[0] * max(constraints.shape) * np.finfo(float).eps
    rank = int(np.count_nonzero(diagonal > tol))
    return np.ascontiguousarray(q[:, :rank].T), np.ascontiguousarray(q[:, rank:])


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
