"""Sums over years, the trend and year-to-year changes of published tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from aggregator.demo.synth import SyntheticConfig, generate
from aggregator.dp import engine
from aggregator.dp.estimation import Z95, intervals
from aggregator.dp.multiyear import MultiYearError, changes, multiyear_sum, trend
from schemas.tables import DEFAULT_PLAN, VALUE_COLUMNS


def _table(codes: list[str], unrounded: list[float], se: list[float]) -> pd.DataFrame:
    x, s = np.array(unrounded), np.array(se)
    low, high = intervals(x, s)
    return pd.DataFrame(
        {
            "motive": codes,
            "estimate": np.clip(np.rint(np.maximum(x, 0)), low, high).astype(np.int64),
            "estimate_unrounded": x,
            "std_error": s,
            "ci_low": low,
            "ci_high": high,
            "unreliable": [True] * len(codes),
        }
    )


CODES = ["MO01_CRIMINEEL", "MO02_PRIVE", "MO03_NIEUWSGIERIG"]


def test_multiyear_sum_adds_unbiased_estimates_and_variances() -> None:
    years = {
        2024: _table(CODES, [20.3, 4.1, -1.2], [2.0, 2.0, 2.0]),
        2025: _table(CODES, [25.0, 3.2, 0.4], [2.5, 2.0, 2.0]),
        # The same cells in another order: matched on the codes.
        2026: _table(CODES[::-1], [1.1, 6.0, 22.5], [2.0, 2.0, 3.0]),
    }
    total = multiyear_sum(years)
    assert list(total.columns) == ["motive", *VALUE_COLUMNS]
    assert total["motive"].tolist() == CODES and total.attrs["years"] == [2024, 2025, 2026]
    assert total["estimate_unrounded"].tolist() == pytest.approx([67.8, 13.3, 0.3])
    se = np.sqrt([4 + 6.25 + 9, 12.0, 12.0])
    assert total["std_error"].to_numpy() == pytest.approx(se)
    low, high = intervals(total["estimate_unrounded"].to_numpy(), se)
    assert total["ci_low"].tolist() == low.tolist() and total["ci_high"].tolist() == high.tolist()
    assert total["estimate"].tolist() == [68, 13, 0]
    # The flag rule of a single release: 13 < 2 × 1.96 × 3.46, 68 is not.
    assert total["unreliable"].tolist() == [False, True, True]


def test_multiyear_refuses_tables_that_do_not_match() -> None:
    one = _table(CODES, [1.0, 2.0, 3.0], [1.0, 1.0, 1.0])
    with pytest.raises(MultiYearError, match="no estimate_unrounded"):
        multiyear_sum({2024: one, 2025: one.drop(columns="estimate_unrounded")})
    with pytest.raises(MultiYearError, match="other cells"):
        multiyear_sum({2024: one, 2025: one.iloc[:2]})
    with pytest.raises(MultiYearError, match="other dimensions"):
        multiyear_sum({2024: one, 2025: one.rename(columns={"motive": "province"})})
    with pytest.raises(MultiYearError, match="no years"):
        multiyear_sum({})
    with pytest.raises(MultiYearError, match="at least two years"):
        changes({2024: one})


def test_trend_stacks_the_years_and_changes_say_when_a_year_differs() -> None:
    years = {
        2025: _table(CODES, [10.0, 5.0, 2.0], [2.0, 2.0, 2.0]),
        2024: _table(CODES, [30.0, 4.0, 2.0], [2.0, 2.0, 2.0]),
    }
    stacked = trend(years)
    assert stacked["year"].tolist() == [2024] * 3 + [2025] * 3
    assert list(stacked.columns) == ["motive", "year", *VALUE_COLUMNS]
    diff = changes(years)
    assert diff["change"].tolist() == pytest.approx([-20.0, 1.0, 0.0])
    se = math.sqrt(8)
    assert diff["std_error"].tolist() == pytest.approx([se] * 3)
    assert diff["ci_low"].tolist() == [math.ceil(-20 - Z95 * se), math.ceil(1 - Z95 * se), -5]
    assert diff["ci_high"].tolist() == [math.floor(-20 + Z95 * se), math.floor(1 + Z95 * se), 5]
    assert diff["excludes_zero"].tolist() == [True, False, False]
    assert diff[["from_year", "to_year"]].drop_duplicates().values.tolist() == [[2024, 2025]]


#: A small plan keeps the repeated releases quick; the sums do not depend on the plan's size.
SMALL = tuple(
    t
    for t in DEFAULT_PLAN
    if t.name in {"totals", "signals_by_function_group", "signals_by_motive"}
)
YEARS = (2024, 2025, 2026)


@pytest.mark.slow
def test_multiyear_intervals_cover_the_true_sums_and_changes() -> None:
    world = generate(list(YEARS), SyntheticConfig(seed=21))
    exact = {y: engine.exact_tables(world.truth_rows(y), SMALL, year=y) for y in YEARS}
    truth_sum = {n: sum(exact[y][n] for y in YEARS) for n in exact[YEARS[0]]}
    truth_change = {n: exact[2026][n] - exact[2025][n] for n in exact[YEARS[0]]}
    hits: list[tuple[int, int, int]] = []  # per draw: sums covered, changes covered, cells
    for _ in range(150):
        releases = {y: engine.compute_release(exact[y], SMALL, 0.5, year=y) for y in YEARS}
        covered_sum = covered_change = cells = 0
        for name in truth_sum:
            total = multiyear_sum({y: releases[y].tables[name] for y in YEARS})
            x = truth_sum[name]
            covered_sum += int(((total["ci_low"] <= x) & (x <= total["ci_high"])).sum())
            diff = changes({y: releases[y].tables[name] for y in (2025, 2026)})
            d = truth_change[name]
            covered_change += int(((diff["ci_low"] <= d) & (d <= diff["ci_high"])).sum())
            cells += len(x)
        hits.append((covered_sum, covered_change, cells))
    counts = np.array(hits, dtype=float)
    for column, what in ((0, "sums"), (1, "changes")):
        share = counts[:, column].sum() / counts[:, 2].sum()
        mc_se = float(np.std(counts[:, column] / counts[:, 2], ddof=1)) / math.sqrt(len(hits))
        print(f"\ncoverage of three-year {what}: {share:.4f} (MC SE {mc_se:.4f})")
        assert mc_se < 0.006, f"too few draws for a stable test ({what}, MC SE {mc_se:.4f})"
        assert 0.93 <= share <= 0.97, f"coverage of {what} {share:.4f}"
