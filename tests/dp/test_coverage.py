"""The 95% intervals keep their coverage after every post-processing step, through real noise.

Repeated releases of one year (and one quarter) of the default synthetic world (national totals
from a handful to about a hundred per stage, many cells small or 0) through the real OpenDP
noise, which cannot be seeded. Coverage is counted on the published intervals, i.e. after least
squares, the integer publication and any widening.

The Monte-Carlo standard error is computed from the spread of the per-release coverage (cells
of one release are correlated), and the test first checks that it is small enough for the
93–97% band to be many standard errors away from 95%, so that the test is not flaky.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from aggregator.demo.synth import SyntheticConfig, generate
from aggregator.dp import engine
from schemas.tables import DEFAULT_PLAN

YEAR = 2026
#: (ρ, quarter, releases): a poor and a generous yearly budget, and a quarterly release.
CASES = ((0.2, None, 200), (2.0, None, 200), (0.5, 3, 120))


@pytest.mark.slow
def test_coverage_of_95_percent_intervals_after_post_processing() -> None:
    per_release: list[float] = []
    covered: dict[str, int] = {}
    cells: dict[str, int] = {}
    world = generate([YEAR], SyntheticConfig(seed=11))
    for rho, quarter, releases in CASES:
        exact = engine.exact_tables(
            world.truth_rows(YEAR, quarter), DEFAULT_PLAN, year=YEAR, quarter=quarter
        )
        assert 10 <= exact["totals"].max() <= 400  # the domain's scale
        for _ in range(releases):
            result = engine.compute_release(exact, DEFAULT_PLAN, rho, year=YEAR, quarter=quarter)
            hit = total = 0
            for name, frame in result.tables.items():
                x = exact[name]
                inside = (frame["ci_low"].to_numpy() <= x) & (x <= frame["ci_high"].to_numpy())
                key = f"{name}@{rho}"
                covered[key] = covered.get(key, 0) + int(inside.sum())
                cells[key] = cells.get(key, 0) + len(x)
                hit, total = hit + int(inside.sum()), total + len(x)
            per_release.append(hit / total)
    coverage = sum(covered.values()) / sum(cells.values())
    mc_se = float(np.std(per_release, ddof=1)) / math.sqrt(len(per_release))
    shares = {key: covered[key] / cells[key] for key in covered}
    lowest, highest = min(shares, key=shares.__getitem__), max(shares, key=shares.__getitem__)
    print(  # the figures docs/methodology.md quotes (pytest -s)
        f"\ncoverage {coverage:.4f} (MC SE {mc_se:.4f}) over {len(per_release)} releases; "
        f"per table and ρ {shares[lowest]:.3f} ({lowest}, {cells[lowest]} intervals) "
        f"to {shares[highest]:.3f} ({highest})"
    )
    assert mc_se < 0.004, f"too few releases for a stable test (MC SE {mc_se:.4f})"
    assert 0.93 <= coverage <= 0.97, f"coverage {coverage:.4f} (MC SE {mc_se:.4f})"
    for key, share in shares.items():
        assert 0.88 <= share <= 0.995, f"{key}: coverage {share:.3f} over {cells[key]} cells"
