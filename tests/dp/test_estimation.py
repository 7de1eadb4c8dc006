"""Least squares, budget split, integer publication and intervals, without any noise."""

from __future__ import annotations

import math

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
from schemas.tables import DEFAULT_PLAN

LAYOUT = plan_layout(DEFAULT_PLAN, year=2026)
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


def test_split_budget_without_totals_table_follows_the_weights() -> None:
    shares = split_budget([3, 3], [1.0, 1.0], [1.0, 3.0], np.zeros((0, 6)), None)
    assert shares == pytest.approx([0.25, 0.75])


def test_split_budget_keeps_every_other_table_at_its_reference_and_feeds_the_totals() -> None:
    weights = [1.0] * len(SIZES)
    shares = split_budget(SIZES, SENS, weights, LAYOUT.basis, LAYOUT.anchor)
    assert shares.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(shares > 0)
    reference = np.full(len(SIZES), 1 / len(SIZES))
    var = np.repeat(np.square(SENS) / (2 * shares), SIZES)
    after = estimation.table_mean_variances(var, LAYOUT.basis, _spans())
    before = np.square(SENS) / (2 * reference)
    assert after[1:] == pytest.approx(before[1:], rel=1e-8)
    assert shares[0] > 2 * reference[0]
    assert after[0] < 0.4 * before[0]
    again = split_budget(SIZES, SENS, weights, LAYOUT.basis, LAYOUT.anchor)
    assert np.array_equal(shares, again)


def test_split_budget_gives_a_heavier_table_more() -> None:
    light = split_budget(SIZES, SENS, [1.0] * 8, LAYOUT.basis, LAYOUT.anchor)
    heavy = split_budget(SIZES, SENS, [1.0] * 7 + [3.0], LAYOUT.basis, LAYOUT.anchor)
    assert heavy[-1] > 2 * light[-1]


@pytest.mark.parametrize("weights", [[0.0, 1.0], [-1.0, 1.0], [math.nan, 1.0]])
def test_split_budget_refuses_bad_weights(weights: list[float]) -> None:
    with pytest.raises(ValueError, match="weights"):
        split_budget([1, 1], [1.0, 1.0], weights, np.zeros((0, 2)), None)


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
