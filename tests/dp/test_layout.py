"""The plan's linear structure: agreement constraints without redundancy, nesting, bounds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.dp import layout
from aggregator.dp.layout import plan_layout
from schemas.municipalities import load_register
from schemas.tables import (
    ALL_STAGE_PLAN,
    DEFAULT_PLAN,
    MAX_PLAN_CELLS,
    MAX_PLAN_TABLES,
    PlanError,
    TableSpec,
)
from schemas.taxonomy import load_taxonomy

YEAR = 2026
TAX = load_taxonomy()
STAGES = TAX.stages


def _same_row_space(basis: np.ndarray, rows: np.ndarray) -> None:
    assert basis.shape[0] == np.linalg.matrix_rank(rows) if len(rows) else basis.shape[0] == 0
    if len(rows):
        # Every defining row lies in the span of the basis, and the basis is orthonormal.
        residual = rows - (rows @ basis.T) @ basis
        assert np.abs(residual).max() < 1e-9
    assert basis @ basis.T == pytest.approx(np.eye(basis.shape[0]), abs=1e-12)


EXTRA = (
    TableSpec("a", ("stage", "motive", "quarter")),
    TableSpec("b", ("stage", "quarter", "employment_type")),
    TableSpec("c", ("stage", "motive", "employment_type")),
    TableSpec("d", ("motive",), "ST02_INTERN_ONDERZOEK"),
    TableSpec("e", ("function_type", "motive"), "ST02_INTERN_ONDERZOEK"),
    TableSpec("f", ("stage", "function_group", "motive")),
)


@pytest.mark.parametrize(
    "plan",
    [DEFAULT_PLAN, ALL_STAGE_PLAN, (*DEFAULT_PLAN, *ALL_STAGE_PLAN[1:]), EXTRA],
    ids=["default", "all_stage", "both", "overlapping"],
)
def test_layout_constraints_span_every_pairwise_agreement(plan: tuple[TableSpec, ...]) -> None:
    lay = plan_layout(plan, year=YEAR)
    _same_row_space(lay.basis, layout.pairwise_constraints(plan, lay, YEAR))
    # The null basis spans exactly the vectors that satisfy them.
    assert lay.null_basis.shape == (lay.size, lay.size - lay.basis.shape[0])
    assert np.abs(lay.basis @ lay.null_basis).max() < 1e-12


SPECS = st.sampled_from(
    [
        (("stage",), None),
        (("stage", "motive"), None),
        (("stage", "function_type"), None),
        (("stage", "function_group"), None),
        (("stage", "quarter"), None),
        (("function_group",), "stage"),
        (("function_type",), "stage"),
        (("motive", "employment_type"), "stage"),
        ((), "stage"),
    ]
)


@settings(max_examples=25, deadline=None)
@given(chosen=st.lists(st.tuples(SPECS, st.sampled_from(STAGES[:3])), min_size=2, max_size=6))
def test_layout_constraints_span_the_pairwise_ones_for_any_plan(
    chosen: list[tuple[tuple[tuple[str, ...], str | None], str]],
) -> None:
    plan = tuple(
        TableSpec(f"t{i}", dims, None if fixed is None else stage)
        for i, ((dims, fixed), stage) in enumerate(chosen)
    )
    lay = plan_layout(plan, year=YEAR)
    _same_row_space(lay.basis, layout.pairwise_constraints(plan, lay, YEAR))


def test_layout_copies_of_one_table_need_one_chain_not_every_pair() -> None:
    plan = tuple(
        TableSpec(f"t{i}", ("function_type",), "ST01_SIGNAAL") for i in range(MAX_PLAN_TABLES)
    )
    lay = plan_layout(plan, year=YEAR)
    coords = [layout._coordinates(s, YEAR, None, TAX, load_register()) for s in plan]
    rows = layout._constraints(plan, coords, lay.tables, lay.stages)
    # 31 links of 15 cells each: exactly the rank, where the pairs gave 496 × 15 rows.
    assert rows.shape[0] == lay.basis.shape[0] == (MAX_PLAN_TABLES - 1) * 15


def test_layout_default_plan_nests_every_table_in_the_totals_or_its_group() -> None:
    lay = plan_layout(DEFAULT_PLAN, year=YEAR)
    names = [t.spec.name for t in lay.tables]
    parents = {t.spec.name: t.parent for t in lay.tables}
    assert parents.pop("totals") is None
    assert parents.pop("signals_by_function_type") == names.index("signals_by_function_group")
    assert set(parents.values()) == {names.index("totals")}
    assert [t.sensitivity_l2 for t in lay.tables] == [8**0.5] + [1.0] * (len(DEFAULT_PLAN) - 1)
    # A block of an outcome table adds up to its stage's national total.
    convictions = lay.tables[names.index("convictions_by_function_group")]
    blocks = [b for b in lay.blocks if convictions.start <= b.cells[0] < convictions.stop]
    assert len(blocks) == 1 and blocks[0].parent_cell == STAGES.index("ST07_VEROORDELING")


def test_layout_refuses_a_plan_beyond_the_bounds() -> None:
    many = tuple(TableSpec(f"t{i}", ("stage",)) for i in range(MAX_PLAN_TABLES + 1))
    with pytest.raises(PlanError, match=f"at most {MAX_PLAN_TABLES}") as refused:
        plan_layout(many, year=YEAR)
    assert "hoogstens" in refused.value.message_nl
    fine = (TableSpec("fine", ("stage", "function_type", "data_category")),)  # 960 cells
    assert plan_layout(fine, year=YEAR).size == 960 <= MAX_PLAN_CELLS
    with pytest.raises(PlanError, match="cells"):
        plan_layout((*fine, TableSpec("more", ("stage", "motive", "quarter"))), year=YEAR)
    tiny = (
        TableSpec("a", ("stage",), weight=1.0),
        TableSpec("b", ("stage", "motive"), weight=1e-300),
    )
    with pytest.raises(PlanError, match="weight"):
        plan_layout(tiny, year=YEAR)
