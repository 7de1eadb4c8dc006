"""The guarantee, read from OpenDP's maps, and the noise's distribution by repeated draws."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest

from aggregator.dp import engine, privacy
from schemas.tables import ALL_STAGE_PLAN, DEFAULT_PLAN, TableSpec

YEAR = 2026
CONVICTIONS = TableSpec("convictions", ("function_group",), stage="ST07_VEROORDELING")


def _mechanism(rho: float, plan: tuple[TableSpec, ...] = DEFAULT_PLAN) -> privacy.Mechanism:
    shares = engine.allocate(plan, rho, year=YEAR)
    layout = engine._layout_and_shares(plan, YEAR, None, None, None)[0]
    return privacy.build_mechanism(
        [
            privacy.TableNoise(t.spec.name, len(t.cells), t.sensitivity_l2, shares[t.spec.name])
            for t in layout.tables
        ],
        budget=rho,
    )


@pytest.mark.parametrize("rho", [0.01, 0.5, 1.0, 7.3])
def test_privacy_each_table_rho_is_opendps_map_within_its_share(rho: float) -> None:
    shares = engine.allocate(DEFAULT_PLAN, rho, year=YEAR)
    mech = _mechanism(rho)
    for table in mech.tables:
        mapped = table.measurement.map(1)
        assert table.rho == mapped
        assert mapped <= shares[table.name]
        assert mapped >= shares[table.name] * (1 - 1e-9)


@pytest.mark.parametrize("rho", [0.01, 0.5, 1.0, 7.3])
def test_privacy_total_rho_is_the_compositions_map_and_never_above_plan(rho: float) -> None:
    mech = _mechanism(rho)
    assert mech.rho == mech.measurement.map(1)
    assert mech.rho <= rho
    assert mech.rho >= rho * (1 - 1e-9)


def test_privacy_check_passes_at_planned_rho_and_fails_below() -> None:
    mech = _mechanism(1.0)
    assert mech.measurement.check(1, 1.0)
    assert not mech.measurement.check(1, 1.0 * (1 - 1e-6))
    for table in mech.tables:
        assert table.measurement.check(1, table.rho)
        assert not table.measurement.check(1, table.rho * (1 - 1e-6))
    # Two incidents cost four times as much: the map is quadratic in the distance.
    assert mech.measurement.map(2) == pytest.approx(4 * mech.rho, rel=1e-9)


def test_privacy_epsilon_comes_from_opendps_conversion() -> None:
    mech = _mechanism(0.5)
    assert mech.delta == 1e-9
    assert mech.epsilon == pytest.approx(privacy.rho_to_epsilon(mech.rho), rel=1e-12)
    # OpenDP's conversion is tighter than the textbook bound ρ + 2√(ρ ln 1/δ) ...
    textbook = 0.5 + 2 * math.sqrt(0.5 * math.log(1e9))
    assert 0.5 < privacy.rho_to_epsilon(0.5) < textbook
    # ... and this is the value OpenDP 0.16 gives for ρ = 0.5, δ = 1e-9.
    assert privacy.rho_to_epsilon(0.5) == pytest.approx(6.474070020726487, rel=1e-9)
    assert privacy.rho_to_epsilon(0.5, delta=1e-6) < privacy.rho_to_epsilon(0.5)


def test_privacy_sensitivity_is_sqrt_stages_by_stage_and_one_for_a_fixed_stage() -> None:
    plan = (*DEFAULT_PLAN, *ALL_STAGE_PLAN[1:], CONVICTIONS)
    layout = engine._layout_and_shares(plan, YEAR, None, None, None)[0]
    sens = {t.spec.name: t.sensitivity_l2 for t in layout.tables}
    assert sens["convictions"] == 1.0
    assert all(sens[t.name] == math.sqrt(8) for t in ALL_STAGE_PLAN)
    assert all(sens[t.name] == 1.0 for t in DEFAULT_PLAN[1:])
    # OpenDP's map agrees: ρ = Δ² / (2 σ²) for each table.
    for table in _mechanism(1.0, plan).tables:
        expected = sens[table.name] ** 2 / (2 * table.scale**2)
        assert table.rho == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("bad", [0, -1.0, math.nan, math.inf, "1", None, True])
def test_privacy_bad_rho_is_refused_with_a_clear_error(bad: object) -> None:
    with pytest.raises(ValueError, match="rho must be"):
        privacy.check_rho(bad)
    with pytest.raises(ValueError, match="rho must be"):
        privacy.rho_to_epsilon(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rho must be"):
        engine.allocate(DEFAULT_PLAN, bad, year=YEAR)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rho must be"):
        engine.preview(DEFAULT_PLAN, bad, year=YEAR)  # type: ignore[arg-type]


def test_privacy_shares_above_the_budget_are_refused() -> None:
    tables = [privacy.TableNoise("a", 3, 1.0, 0.6), privacy.TableNoise("b", 3, 1.0, 0.6)]
    with pytest.raises(privacy.PrivacyError, match="more than"):
        privacy.build_mechanism(tables, budget=1.0)


def test_privacy_measure_refuses_a_vector_of_the_wrong_length() -> None:
    mech = privacy.build_mechanism([privacy.TableNoise("a", 3, 1.0, 1.0)])
    with pytest.raises(ValueError, match="expected 3 cells"):
        mech.measure({"a": np.zeros(4, dtype=np.int64)})


def test_privacy_noise_on_zeros_has_mean_zero_and_variance_scale_squared() -> None:
    scale, cells, draws = 3.0, 4000, 3
    meas = privacy.table_measurement("z", cells, 1.0, scale)
    noise = np.concatenate([np.asarray(meas({"z": [0] * cells})) for _ in range(draws)])
    n = noise.size
    assert noise.dtype.kind == "i"
    # Sample variance has relative SE √(2/n) ≈ 1.3%; mean has SE σ/√n ≈ 0.027. Allow 5 SE.
    assert abs(noise.mean()) < 5 * scale / math.sqrt(n)
    assert noise.var() == pytest.approx(scale**2, rel=5 * math.sqrt(2 / n))
    # Symmetric and not degenerate: roughly as many positive as negative draws.
    assert abs(np.mean(noise > 0) - np.mean(noise < 0)) < 5 / math.sqrt(n)


def test_privacy_noise_is_fresh_on_every_draw() -> None:
    meas = privacy.table_measurement("z", 50, 1.0, 10.0)
    first, second = meas({"z": [0] * 50}), meas({"z": [0] * 50})
    assert first != second


def test_privacy_is_the_only_module_that_imports_opendp() -> None:
    root = Path(__file__).resolve().parents[2] / "aggregator"
    importers = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "opendp" or n.startswith("opendp.") for n in names):
                importers.append(path.name)
    assert importers == ["privacy.py"]


def test_privacy_estimation_and_engine_draw_no_randomness_of_their_own() -> None:
    root = Path(__file__).resolve().parents[2] / "aggregator"
    for name in ("estimation.py", "engine.py", "layout.py", "privacy.py"):
        text = (root / "dp" / name).read_text(encoding="utf-8")
        assert "np.random" not in text and "import random" not in text, name
