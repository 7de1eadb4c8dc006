"""Least squares, budget split, integer publication and intervals, without any noise."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.dp import estimation
from aggregator.dp.estimation import (
    Z95,
    Z95_ONE_SIDED,
    LeastSquares,
    intervals,
    project_block,
    publish,
    publish_block,
    split_budget,
)
from aggregator.dp.layout import Block, plan_layout
from schemas.tables import ALL_STAGE_PLAN, DEFAULT_PLAN, TableSpec

#: The least-squares tests use the plan whose every table keeps all eight stages.
LAYOUT = plan_layout(ALL_STAGE_PLAN, year=2026)
LAYOUT_OF = {plan: plan_layout(plan, year=2026).tables for plan in (DEFAULT_PLAN, ALL_STAGE_PLAN)}
SIZES = [len(t.cells) for t in LAYOUT.tables]
SENS = [t.sensitivity_l2 for t in LAYOUT.tables]


def _spans() -> list[slice]:
    return [t.slice for t in LAYOUT.tables]


def test_least_squares_weights_two_measurements_by_inverse_variance() -> None:
    # Two measurements of one quantity: x̂ = (4·y1 + 1·y2) / 5 with variance 4/5.
    basis = np.array([[1.0, -1.0]]) / math.sqrt(2)
    fit = LeastSquares.build(np.array([1.0, 4.0]), basis)
    est = fit.estimate(np.array([10.0, 20.0]))
    assert est == pytest.approx([12.0, 12.0])
    assert fit.variances() == pytest.approx([0.8, 0.8])


def test_least_squares_estimate_satisfies_every_agreement() -> None:
    rng = np.random.default_rng(1)
    var = np.repeat(rng.uniform(1, 50, len(SIZES)), SIZES)
    fit = LeastSquares.build(var, LAYOUT.basis)
    est = fit.estimate(rng.normal(0, 10, LAYOUT.size))
    totals = [est[t.slice].reshape(8, -1).sum(axis=1) for t in LAYOUT.tables]
    for sums in totals[1:]:
        assert sums == pytest.approx(totals[0], abs=1e-8)
    # Function types add up to their group's cell.
    group, types = LAYOUT.tables[1], LAYOUT.tables[2]
    for block in LAYOUT.blocks:
        if block.parent_cell is not None and group.start <= block.parent_cell < group.stop:
            assert est[block.cells].sum() == pytest.approx(est[block.parent_cell], abs=1e-8)
            assert types.start <= block.cells[0] < types.stop


def test_least_squares_variances_are_the_diagonal_of_the_projected_covariance() -> None:
    rng = np.random.default_rng(2)
    var = np.repeat(rng.uniform(1, 50, len(SIZES)), SIZES)
    fit = LeastSquares.build(var, LAYOUT.basis)
    projection = np.eye(LAYOUT.size) - fit.half.T @ fit.whitened
    covariance = projection @ np.diag(var) @ projection.T
    assert fit.variances() == pytest.approx(np.diag(covariance), rel=1e-9, abs=1e-9)
    cells = LAYOUT.stage_cells[3]
    a = np.zeros(LAYOUT.size)
    a[cells] = 1
    assert fit.variance_of_sum(cells) == pytest.approx(a @ covariance @ a, rel=1e-9)
    # Consistency never makes a cell worse than its own measurement.
    assert np.all(fit.variances() <= var + 1e-9)


def test_least_squares_is_unbiased_on_consistent_truth() -> None:
    # A consistent truth is left untouched by the projection (so E x̂ = x).
    truth = np.zeros(LAYOUT.size)
    for t in LAYOUT.tables:
        truth[t.start + np.flatnonzero(t.stage_index == 0)[0]] = 5  # 5 incidents at stage 1
    fix = LAYOUT.tables[2]
    truth[fix.slice] = 0
    first_type_in_group = [
        b.cells[0] for b in LAYOUT.blocks if b.parent_cell == LAYOUT.tables[1].start
    ]
    truth[first_type_in_group[0]] = 5
    fit = LeastSquares.build(np.repeat(np.arange(1.0, 9.0), SIZES), LAYOUT.basis)
    assert fit.estimate(truth) == pytest.approx(truth, abs=1e-9)


def _problem(plan: tuple[TableSpec, ...]) -> tuple[estimation.SplitProblem, list[int]]:
    layout = plan_layout(plan, year=2026)
    sizes = [len(t.cells) for t in layout.tables]
    problem = estimation.SplitProblem.build(
        sizes,
        [t.sensitivity_l2 for t in layout.tables],
        [t.spec.weight for t in layout.tables],
        layout.basis,
        layout.null_basis,
    )
    return problem, sizes


def _split(plan: tuple[TableSpec, ...]) -> np.ndarray:
    problem, sizes = _problem(plan)
    return split_budget(
        sizes, problem.sensitivities, problem.weights, problem.basis, problem.null_basis
    )


@pytest.mark.parametrize("plan", [DEFAULT_PLAN, ALL_STAGE_PLAN], ids=["default", "all_stage"])
def test_split_problem_gradient_is_the_derivative_of_the_objective(
    plan: tuple[TableSpec, ...],
) -> None:
    problem, sizes = _problem(plan)
    shares = np.random.default_rng(5).dirichlet(np.ones(len(sizes))) * 0.7 + 0.3 / len(sizes)
    value, grad = problem.value_and_gradient(shares)
    # The objective is Σ w_t · mean variance of table t after least squares, computed apart.
    var = np.repeat(np.square(problem.sensitivities) / (2 * shares), sizes)
    means = estimation.table_mean_variances(var, problem.basis, [t.slice for t in LAYOUT_OF[plan]])
    assert value == pytest.approx(float(np.dot(problem.weights, means)), rel=1e-10)
    step = 1e-7
    numeric = [
        (problem.value(shares + step * e) - problem.value(shares - step * e)) / (2 * step)
        for e in np.eye(len(sizes))
    ]
    assert grad == pytest.approx(numeric, rel=1e-5)
    # Both ways of computing it (through the constraints and through their null space) agree.
    by_rows = problem._through_constraints(shares)
    by_null = problem._through_null_space(shares)
    assert by_rows[0] == pytest.approx(by_null[0], rel=1e-10)
    assert by_rows[1] == pytest.approx(by_null[1], rel=1e-8, abs=1e-12)


def test_split_budget_of_unrelated_tables_is_the_closed_form() -> None:
    # Two tables fixed to different stages share no sum: f = Σ w_t Δ²/(2ρ_t) (Δ = 1), whose
    # minimum on Σρ = 1 is ρ_t ∝ √w_t.
    plan = (
        TableSpec("arrests", ("function_group",), "ST05_AANHOUDING", weight=1.0),
        TableSpec("convictions", ("function_group",), "ST07_VEROORDELING", weight=4.0),
    )
    assert _split(plan) == pytest.approx([1 / 3, 2 / 3], rel=1e-6)


SMALL = (
    TableSpec("totals", ("stage",), weight=2.0),
    TableSpec("groups", ("function_group",), "ST01_SIGNAAL", weight=2.0),
    TableSpec("types", ("function_type",), "ST01_SIGNAAL", weight=1.0),
)


def test_split_budget_matches_a_brute_force_search_on_a_small_plan() -> None:
    problem, _ = _problem(SMALL)
    floor = estimation.FLOOR / 3
    step = 0.005
    best, best_at = math.inf, np.zeros(3)
    for a in np.arange(floor, 1 - 2 * floor + 1e-12, step):
        for b in np.arange(floor, 1 - a - floor + 1e-12, step):
            x = np.array([a, b, 1 - a - b])
            value = problem.value(x)
            if value < best:
                best, best_at = value, x
    shares = _split(SMALL)
    found = problem.value(shares)
    assert found <= best * (1 + 1e-9)  # at least as good as every grid point
    assert found >= best * (1 - 1e-3)  # and the grid is fine enough to come close
    assert shares == pytest.approx(best_at, abs=2 * step)
    assert shares.sum() == pytest.approx(1.0, abs=1e-12) and np.all(shares >= floor)


def test_split_budget_two_tables_against_a_fine_line_search() -> None:
    plan = SMALL[:2]
    problem, _ = _problem(plan)
    grid = np.linspace(estimation.FLOOR / 2, 1 - estimation.FLOOR / 2, 20_001)
    values = [problem.value(np.array([a, 1 - a])) for a in grid]
    shares = _split(plan)
    assert problem.value(shares) <= min(values) * (1 + 1e-12)
    assert shares[0] == pytest.approx(grid[int(np.argmin(values))], abs=1e-4)


def test_split_budget_certifies_its_optimum_and_beats_even_and_heuristic_splits() -> None:
    for plan in (DEFAULT_PLAN, ALL_STAGE_PLAN):
        problem, sizes = _problem(plan)
        shares = _split(plan)
        value, grad = problem.value_and_gradient(shares)
        floor = estimation.FLOOR / len(sizes)
        assert estimation.optimality_gap(grad, shares, floor) <= estimation.SPLIT_GAP * value
        rng = np.random.default_rng(9)
        for _ in range(20):
            other = floor + rng.dirichlet(np.ones(len(sizes))) * (1 - floor * len(sizes))
            assert problem.value(other) >= value * (1 - 1e-9)
        assert value < problem.value(np.full(len(sizes), 1 / len(sizes)))


def test_optimality_gap_bounds_the_distance_to_the_optimum() -> None:
    problem, _ = _problem(SMALL)
    optimum = problem.value(_split(SMALL))
    floor = estimation.FLOOR / 3
    rng = np.random.default_rng(4)
    for _ in range(50):
        x = floor + rng.dirichlet(np.ones(3)) * (1 - 3 * floor)
        value, grad = problem.value_and_gradient(x)
        assert value - optimum <= estimation.optimality_gap(grad, x, floor) + 1e-9


def test_split_budget_keeps_a_floor_for_a_table_the_others_already_measure() -> None:
    # In a quarterly release the new cases by quarter are one cell, the same number as the
    # totals' first stage and the sum of every other new-case table: without the floor the
    # optimum would give it (almost) nothing.
    layout = plan_layout(DEFAULT_PLAN, year=2026, quarter=2)
    shares = split_budget(
        [len(t.cells) for t in layout.tables],
        [t.sensitivity_l2 for t in layout.tables],
        [t.spec.weight for t in layout.tables],
        layout.basis,
        layout.null_basis,
    )
    floor = estimation.FLOOR / len(DEFAULT_PLAN)
    assert np.all(shares >= floor * (1 - 1e-12))
    names = [t.spec.name for t in layout.tables]
    assert shares[names.index("signals_by_quarter")] == pytest.approx(floor, rel=1e-9)


def test_split_budget_follows_the_weights_and_only_their_ratios() -> None:
    light = _split(DEFAULT_PLAN)
    heavy_plan = tuple(
        replace(t, weight=t.weight * 4) if t.name == "signals_by_province" else t
        for t in DEFAULT_PLAN
    )
    heavy = _split(heavy_plan)
    i = [t.name for t in DEFAULT_PLAN].index("signals_by_province")
    assert heavy[i] > 1.5 * light[i]
    scaled = _split(tuple(replace(t, weight=t.weight * 10) for t in DEFAULT_PLAN))
    assert scaled == pytest.approx(light, rel=1e-6)
    assert np.array_equal(_split(DEFAULT_PLAN), light)  # deterministic


@pytest.mark.parametrize("weights", [[0.0, 1.0], [-1.0, 1.0], [math.nan, 1.0]])
def test_split_budget_refuses_bad_weights(weights: list[float]) -> None:
    with pytest.raises(ValueError, match="weights"):
        split_budget([1, 1], [1.0, 1.0], weights, np.zeros((0, 2)))


def test_flag_rule_and_smallest_reliable_count_agree() -> None:
    se = np.array([1.0, 2.0, 2.5])
    n = estimation.smallest_reliable(se)
    assert n == math.ceil(2 * Z95 * 2.5) == 10
    # Without widening an interval is at most 2 × 1.96 SE wide; the widest allowed here is used.
    width = np.floor(2 * Z95 * se)
    count = np.full(3, n)
    assert not estimation.unreliable(count, np.zeros(3), width, se).any()
    assert estimation.unreliable(count - 1, np.zeros(3), width, se)[2]
    # A widened interval wider than the estimate flags it, whatever the standard error.
    assert estimation.unreliable(np.array([20]), np.array([0]), np.array([21]), np.array([0.5]))[0]
    # An interval cut off at 0 is no precise zero.
    assert estimation.unreliable(np.array([0]), np.array([0]), np.array([0]), np.array([1.0]))[0]


def test_intervals_hand_cases() -> None:
    est = np.array([10.0, -10.0, 3.0, 3.5, 0.0])
    se = np.full(5, 2.0)
    low, high = intervals(est, se)
    # 10 ± 3.92 → [7, 13]; far below 0 → [0, 0]; 3 ≤ 1.645·2 keeps 0; 3.5 does not.
    assert low.tolist() == [7, 0, 0, 1, 0]
    assert high.tolist() == [13, 0, 6, 7, 3]


@settings(max_examples=500, deadline=None)
@given(
    k=st.one_of(st.just(0), st.integers(1, 30)),
    se=st.floats(0.3, 20),
    z=st.one_of(st.floats(-3, 3), st.floats(-50, 50)),
)
def test_intervals_contain_k_exactly_when_the_estimate_does_not_reject_it(
    k: int, se: float, z: float
) -> None:
    est = k + z * se  # the estimate z standard errors away from the truth k
    low, high = intervals(np.array([est]), np.array([se]))
    inside = bool(low[0] <= k <= high[0])
    accepts = est <= Z95_ONE_SIDED * se if k == 0 else abs(est - k) <= Z95 * se
    # Away from the exact boundary (float rounding), membership is the acceptance rule, so each
    # integer truth is covered with exactly the probability of its acceptance region: 95%.
    margin = min(abs(est - Z95_ONE_SIDED * se), abs(abs(est - k) - Z95 * se))
    if margin > 1e-6:
        assert inside == accepts
    assert 0 <= low[0] <= high[0]


@settings(max_examples=300, deadline=None)
@given(
    x=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=40),
    total=st.integers(0, 10_000),
)
def test_publish_block_any_vector_gives_non_negative_integers_adding_to_the_total(
    x: list[float], total: int
) -> None:
    out = publish_block(np.array(x), total)
    assert out.dtype == np.int64
    assert np.all(out >= 0)
    assert int(out.sum()) == total


@settings(max_examples=200, deadline=None)
@given(
    data=st.data(),
    n=st.integers(1, 20),
)
def test_publish_block_respects_bounds_when_they_allow_the_total(
    data: st.DataObject, n: int
) -> None:
    low = np.array(data.draw(st.lists(st.integers(0, 10), min_size=n, max_size=n)))
    extra = np.array(data.draw(st.lists(st.integers(0, 10), min_size=n, max_size=n)))
    high = low + extra
    total = data.draw(st.integers(int(low.sum()), int(high.sum())))
    x = np.array(data.draw(st.lists(st.floats(-100, 100), min_size=n, max_size=n)))
    out = publish_block(x, total, low, high)
    assert int(out.sum()) == total
    assert np.all(out >= low) and np.all(out <= high)


def test_project_block_is_the_euclidean_projection_onto_the_simplex() -> None:
    x = np.array([2.6, -1.0, 0.7])
    v = project_block(x, 3.0, np.zeros(3), np.full(3, 3.0))
    assert v == pytest.approx([2.45, 0.0, 0.55])
    # Sorting by remainder then gives the integers.
    assert publish_block(x, 3).tolist() == [2, 0, 1]


def test_project_block_refuses_impossible_totals() -> None:
    with pytest.raises(ValueError, match="no vector"):
        project_block(np.zeros(2), 5.0, np.zeros(2), np.ones(2))
    with pytest.raises(ValueError, match="finite"):
        publish_block(np.array([math.inf, 0.0]), 1)
    with pytest.raises(ValueError, match="negative"):
        publish_block(np.zeros(2), -1)


def test_publish_nests_blocks_and_keeps_estimates_inside_intervals() -> None:
    # Stage total 10 ± 1; three children; one grandchild block under child 0.
    fit = np.array([10.0, 7.0, 4.0, -1.0, 5.0, 2.0])
    low = np.array([9, 5, 2, 0, 3, 0])
    high = np.array([11, 9, 6, 1, 7, 4])
    blocks = [
        Block(np.array([0]), None, 0),
        Block(np.array([1, 2, 3]), 0, 0),
        Block(np.array([4, 5]), 1, 0),
    ]
    pub = publish(fit, low, high, [(10.2, 9, 11)], blocks)
    assert pub.estimate[0] == 10
    assert pub.estimate[1:4].sum() == pub.estimate[0]
    assert pub.estimate[4:].sum() == pub.estimate[1]
    assert np.all(pub.estimate >= pub.ci_low) and np.all(pub.estimate <= pub.ci_high)
    assert pub.widened == 0


def test_publish_raises_a_parent_that_its_childrens_intervals_need() -> None:
    # The total's estimate rounds to 1, but its children's intervals start at 3 and 2, so the
    # smallest total that keeps every child inside its interval (and the total in its own) is 5.
    fit = np.array([1.0, 5.0, 4.0, -8.0])
    low, high = np.array([0, 3, 2, 0]), np.array([6, 9, 8, 0])
    blocks = [Block(np.array([0]), None, 0), Block(np.array([1, 2, 3]), 0, 0)]
    pub = publish(fit, low, high, [(1.0, 0, 6)], blocks)
    assert pub.estimate.tolist() == [5, 3, 2, 0]
    assert pub.widened == 0


def test_publish_widens_an_interval_only_when_intervals_contradict_each_other() -> None:
    # The total is at most 2, but a child's interval starts at 5: one of them missed the truth.
    fit = np.array([0.0, 8.0, -8.0])
    low, high = np.array([0, 5, 0]), np.array([2, 11, 0])
    blocks = [Block(np.array([0]), None, 0), Block(np.array([1, 2]), 0, 0)]
    pub = publish(fit, low, high, [(0.0, 0, 2)], blocks)
    assert pub.estimate[1:].sum() == pub.estimate[0] <= 2
    assert pub.widened == 1
    assert pub.ci_low[1] == pub.estimate[1]
    assert np.all(pub.estimate >= pub.ci_low) and np.all(pub.estimate <= pub.ci_high)
