"""The engine's entry points: exact tables, previews, and the shape and sums of a release."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aggregator.demo.synth import SyntheticConfig, generate
from aggregator.dp import engine, privacy
from aggregator.dp.estimation import Z95
from schemas.tables import ALL_STAGE_PLAN, DEFAULT_PLAN, SIGNAL, PlanError, TableSpec, table_cells
from schemas.taxonomy import load_taxonomy

YEAR = 2026
CONVICTIONS = TableSpec(
    "convictions", ("function_group",), stage="ST07_VEROORDELING", title_en="Convictions"
)
#: The machinery's tests: tables by stage of every kind, and one fixed to a stage.
PLAN = (*ALL_STAGE_PLAN, CONVICTIONS)
STAGES = 8

HAND_ROWS = pd.DataFrame(
    [
        ["GM0363", "2026-Q1", "FT01_BRP", "DC01_BRP_ADRES", "ST01_SIGNAAL", "EM01_VAST",
         "MO01_CRIMINEEL", 2],
        ["GM0363", "2026-Q2", "FT02_REISDOC", "DC02_DOCUMENT", "ST02_INTERN_ONDERZOEK",
         "EM02_TIJDELIJK", "MO02_PRIVE", 1],
        ["GM0014", "2026-Q3", "FT08_SOCIAAL", "DC05_SOCIAAL_ZORG", "ST01_SIGNAAL", "EM03_INHUUR",
         "MO99_ONBEKEND", 3],
        ["GM0014", "2026-Q4", "FT04_PARKEREN", "DC03_KENTEKEN", "ST07_VEROORDELING", "EM01_VAST",
         "MO01_CRIMINEEL", 1],
    ],
    columns=list(engine.ROW_COLUMNS),
)  # fmt: skip


def _truth(seed: int, quarter: int | None = None) -> pd.DataFrame:
    """The true latest rows of YEAR (or one quarter) in the default synthetic world of ``seed``."""
    return generate([YEAR], SyntheticConfig(seed=seed)).truth_rows(YEAR, quarter)


def _vector(spec: TableSpec, values: dict[tuple[str, ...], int], **kw: int) -> np.ndarray:
    cells = table_cells(spec, year=YEAR, **kw)
    return np.array([values.get(c, 0) for c in cells], dtype=np.int64)


@pytest.fixture(scope="module")
def exact() -> dict[str, np.ndarray]:
    return engine.exact_tables(_truth(7), PLAN, year=YEAR)


@pytest.fixture(scope="module")
def release(exact: dict[str, np.ndarray]) -> engine.ReleaseResult:
    return engine.compute_release(exact, PLAN, 0.5, year=YEAR)


def test_exact_tables_hand_rows_give_hand_counts() -> None:
    got = engine.exact_tables(HAND_ROWS, PLAN, year=YEAR)
    spec = {t.name: t for t in PLAN}
    assert got["totals"].tolist() == [5, 1, 0, 0, 0, 0, 1, 0]
    # Amsterdam (GM0363) is in Noord-Holland (PV27), Groningen (GM0014) in Groningen (PV20).
    expected = {
        "function_group": {
            ("ST01_SIGNAAL", "FG1_PUBLIEKSZAKEN"): 2,
            ("ST01_SIGNAAL", "FG3_SOCIAAL"): 3,
            ("ST02_INTERN_ONDERZOEK", "FG1_PUBLIEKSZAKEN"): 1,
            ("ST07_VEROORDELING", "FG2_OPENBARE_RUIMTE"): 1,
        },
        "quarter": {
            ("ST01_SIGNAAL", "Q1"): 2,
            ("ST01_SIGNAAL", "Q3"): 3,
            ("ST02_INTERN_ONDERZOEK", "Q2"): 1,
            ("ST07_VEROORDELING", "Q4"): 1,
        },
        "province": {
            ("ST01_SIGNAAL", "PV27"): 2,
            ("ST01_SIGNAAL", "PV20"): 3,
            ("ST02_INTERN_ONDERZOEK", "PV27"): 1,
            ("ST07_VEROORDELING", "PV20"): 1,
        },
        "motive": {
            ("ST01_SIGNAAL", "MO01_CRIMINEEL"): 2,
            ("ST01_SIGNAAL", "MO99_ONBEKEND"): 3,
            ("ST02_INTERN_ONDERZOEK", "MO02_PRIVE"): 1,
            ("ST07_VEROORDELING", "MO01_CRIMINEEL"): 1,
        },
        "convictions": {("FG2_OPENBARE_RUIMTE",): 1},
    }
    for name, values in expected.items():
        assert got[name].tolist() == _vector(spec[name], values).tolist(), name
    assert all(v.dtype == np.int64 for v in got.values())
    assert {k: len(v) for k, v in got.items()} == {
        t.name: len(table_cells(t, year=YEAR)) for t in PLAN
    }


def test_exact_tables_quarter_release_has_one_quarter() -> None:
    rows = HAND_ROWS[HAND_ROWS["period"] == "2026-Q3"]
    got = engine.exact_tables(rows, PLAN, year=YEAR, quarter=3)
    assert len(got["quarter"]) == STAGES
    assert got["quarter"].tolist() == [3, 0, 0, 0, 0, 0, 0, 0]


def test_exact_tables_no_rows_give_zeros() -> None:
    got = engine.exact_tables(HAND_ROWS.iloc[0:0], PLAN, year=YEAR)
    assert all(int(v.sum()) == 0 for v in got.values())


@pytest.mark.parametrize(
    ("change", "kw", "message"),
    [
        ({"period": "2025-Q4"}, {}, "outside the release period 2026"),
        ({"period": "2026-Q1"}, {"quarter": 2}, "outside the release period 2026-Q2"),
        ({"period": "2026-Q5"}, {}, "not a valid quarter"),
        ({"municipality": "GM9999"}, {}, "does not exist"),
        ({"stage": "ST99"}, {}, "unknown stage"),
        ({"count": -1}, {}, "non-negative integers"),
        ({"count": 1.5}, {}, "non-negative integers"),
    ],
)
def test_exact_tables_refuses_rows_it_cannot_count(
    change: dict[str, object], kw: dict[str, int], message: str
) -> None:
    rows = HAND_ROWS.copy()
    for column, value in change.items():
        rows[column] = rows[column].astype(object)
        rows.loc[0, column] = value
    with pytest.raises(ValueError, match=message):
        engine.exact_tables(rows, PLAN, year=YEAR, **kw)


def test_exact_tables_refuses_rows_without_a_column() -> None:
    with pytest.raises(ValueError, match="lack the column"):
        engine.exact_tables(HAND_ROWS.drop(columns="motive"), PLAN, year=YEAR)


def test_release_tables_have_the_cells_and_columns_of_the_plan(
    release: engine.ReleaseResult,
) -> None:
    assert list(release.tables) == [t.name for t in PLAN]
    for spec in PLAN:
        frame = release.tables[spec.name]
        assert list(frame.columns) == [*spec.dimensions, *engine.VALUE_COLUMNS]
        cells = table_cells(spec, year=YEAR)
        assert [tuple(r) for r in frame[list(spec.dimensions)].itertuples(index=False)] == cells
        assert frame["estimate"].dtype == np.int64
        assert frame["ci_low"].dtype == np.int64 and frame["ci_high"].dtype == np.int64
        assert frame["std_error"].dtype == np.float64 and frame["unreliable"].dtype == bool
        assert (frame["estimate"] >= 0).all() and (frame["std_error"] > 0).all()


def test_release_tables_add_up_to_the_published_totals(release: engine.ReleaseResult) -> None:
    totals = release.tables["totals"].set_index("stage")["estimate"]
    for spec in ALL_STAGE_PLAN[1:]:
        sums = release.tables[spec.name].groupby("stage", sort=False)["estimate"].sum()
        assert sums.to_dict() == totals.to_dict(), spec.name
    # The quarters add up to the year; the fixed-stage table to its stage's total.
    assert release.tables["quarter"]["estimate"].sum() == totals.sum()
    assert release.tables["convictions"]["estimate"].sum() == totals["ST07_VEROORDELING"]


def test_release_function_types_add_up_to_their_groups(release: engine.ReleaseResult) -> None:
    from schemas.taxonomy import load_taxonomy

    types = release.tables["function_type"].copy()
    types["function_group"] = types["function_type"].map(load_taxonomy().group_of)
    sums = types.groupby(["stage", "function_group"])["estimate"].sum()
    groups = release.tables["function_group"].set_index(["stage", "function_group"])["estimate"]
    assert sums.sort_index().to_dict() == groups.sort_index().to_dict()
    convictions = release.tables["convictions"].set_index("function_group")["estimate"]
    at_stage = groups.xs("ST07_VEROORDELING", level="stage")
    assert convictions.to_dict() == at_stage.to_dict()


def test_release_intervals_contain_the_estimate_and_flag_follows_the_rule(
    release: engine.ReleaseResult,
) -> None:
    for frame in release.tables.values():
        assert (frame["ci_low"] <= frame["estimate"]).all()
        assert (frame["estimate"] <= frame["ci_high"]).all()
        assert (frame["ci_low"] >= 0).all()
        margin = np.maximum(
            frame["ci_high"] - frame["ci_low"], 2 * 1.959963984540054 * frame["std_error"]
        )
        assert frame["unreliable"].tolist() == (margin > frame["estimate"]).tolist()
        # a zero whose interval was cut to [0, 0] is never presented as a certain zero
        cut = (frame["estimate"] == 0) & (frame["ci_high"] == 0)
        assert frame.loc[cut, "unreliable"].all()
    assert release.tables["function_type"]["unreliable"].any()


def test_release_metadata_and_guarantee(release: engine.ReleaseResult) -> None:
    assert release.delta == 1e-9
    assert release.rho <= 0.5 and release.rho == pytest.approx(0.5, rel=1e-9)
    assert release.epsilon == pytest.approx(privacy.rho_to_epsilon(release.rho), rel=1e-12)
    assert "discrete Gaussian" in release.mechanism and "incident" in release.privacy_unit
    meta = release.table_meta
    assert sum(m["rho"] for m in meta.values()) <= 0.5
    assert meta["convictions"]["sensitivity_l2"] == 1.0
    assert meta["convictions"]["stage"] == "ST07_VEROORDELING"
    assert meta["province"]["cells"] == 96 and meta["province"]["dimensions"] == [
        "stage",
        "province",
    ]
    for name, m in meta.items():
        assert set(m) >= {
            "name", "title_nl", "title_en", "dimensions", "stage", "cells", "rho",
            "sensitivity_l2", "noise_scale", "expected_std_error",
        }  # fmt: skip
        frame = release.tables[name]
        assert m["expected_std_error"] == pytest.approx(frame["std_error"].mean(), rel=1e-12)


def test_release_refuses_exact_tables_that_do_not_fit_the_plan(
    exact: dict[str, np.ndarray],
) -> None:
    cases = [
        ({k: v for k, v in exact.items() if k != "motive"}, "missing"),
        ({**exact, "motive": exact["motive"][:-1]}, "must have 32 cells"),
        ({**exact, "motive": exact["motive"].astype(float)}, "integers"),
        ({**exact, "motive": -exact["motive"] - 1}, "negative"),
    ]
    for bad, message in cases:
        with pytest.raises(ValueError, match=message):
            engine.compute_release(bad, PLAN, 0.5, year=YEAR)


def test_release_refuses_a_plan_that_adds_stages(exact: dict[str, np.ndarray]) -> None:
    plan = (*DEFAULT_PLAN, TableSpec("motive_all", ("motive",)))
    with pytest.raises(PlanError, match="adds stages together"):
        engine.compute_release(exact, plan, 0.5, year=YEAR)
    with pytest.raises(PlanError, match="same name"):
        engine.preview((DEFAULT_PLAN[0], DEFAULT_PLAN[0]), 0.5, year=YEAR)


def test_release_refuses_a_bad_rho_or_period(exact: dict[str, np.ndarray]) -> None:
    with pytest.raises(ValueError, match="rho must be positive"):
        engine.compute_release(exact, PLAN, -0.5, year=YEAR)
    with pytest.raises(ValueError, match="quarter"):
        engine.compute_release(exact, PLAN, 0.5, year=YEAR, quarter=5)


def test_release_of_a_quarter_has_one_quarter_and_adds_up() -> None:
    exact = engine.exact_tables(_truth(3, quarter=2), ALL_STAGE_PLAN, year=YEAR, quarter=2)
    result = engine.compute_release(exact, ALL_STAGE_PLAN, 0.5, year=YEAR, quarter=2)
    quarter = result.tables["quarter"]
    assert len(quarter) == STAGES and set(quarter["quarter"]) == {"Q2"}
    assert quarter["estimate"].tolist() == result.tables["totals"]["estimate"].tolist()
    exact = engine.exact_tables(_truth(3, quarter=2), DEFAULT_PLAN, year=YEAR, quarter=2)
    result = engine.compute_release(exact, DEFAULT_PLAN, 0.5, year=YEAR, quarter=2)
    signals = result.tables["totals"].set_index("stage").loc[SIGNAL, "estimate"]
    assert result.tables["signals_by_quarter"]["estimate"].tolist() == [signals]


def test_release_without_a_totals_table_still_adds_up() -> None:
    plan = ALL_STAGE_PLAN[3:6]
    exact = engine.exact_tables(_truth(4), plan, year=YEAR)
    result = engine.compute_release(exact, plan, 0.5, year=YEAR)
    sums = [result.tables[t.name].groupby("stage")["estimate"].sum() for t in plan]
    assert sums[0].to_dict() == sums[1].to_dict() == sums[2].to_dict()
    shares = engine.allocate(plan, 0.5, year=YEAR)
    assert sum(shares.values()) == pytest.approx(0.5, rel=1e-12)
    assert min(shares.values()) >= 0.5 * 0.25 / 3


def test_allocate_is_deterministic_and_favours_the_totals() -> None:
    first = engine.allocate(DEFAULT_PLAN, 2.0, year=YEAR)
    engine._LAYOUTS.clear()
    second = engine.allocate(DEFAULT_PLAN, 2.0, year=YEAR)
    assert first == second
    assert sum(first.values()) == pytest.approx(2.0, rel=1e-12)
    assert max(first, key=first.__getitem__) == "totals"
    # Shares do not depend on ρ.
    half = engine.allocate(DEFAULT_PLAN, 1.0, year=YEAR)
    assert [v / 2 for v in first.values()] == pytest.approx(list(half.values()), rel=1e-12)


def test_preview_agrees_with_the_release_it_previews(release: engine.ReleaseResult) -> None:
    rows = engine.preview(PLAN, 0.5, year=YEAR)
    assert [r.name for r in rows] == [t.name for t in PLAN]
    for row in rows:
        meta = release.table_meta[row.name]
        assert row.expected_std_error == pytest.approx(meta["expected_std_error"], rel=1e-12)
        assert row.noise_scale == meta["noise_scale"] and row.rho == meta["rho"]
        assert row.sensitivity_l2 == meta["sensitivity_l2"] and row.cells == meta["cells"]
        assert row.half_width_95 == pytest.approx(1.959964 * row.expected_std_error, rel=1e-6)
    by_name = {r.name: r for r in rows}
    assert by_name["convictions"].title_en == "Convictions"
    # More budget, smaller errors.
    more = {r.name: r for r in engine.preview(PLAN, 2.0, year=YEAR)}
    assert more["totals"].expected_std_error == pytest.approx(
        by_name["totals"].expected_std_error / 2, rel=1e-6
    )


def test_preview_reads_no_data_and_spends_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_draws(*_: object, **__: object) -> None:
        raise AssertionError("preview drew noise")

    monkeypatch.setattr(privacy.Mechanism, "measure", no_draws)
    engine._PLANNED.clear()
    rows = engine.preview(DEFAULT_PLAN, 0.25, year=YEAR)
    assert len(rows) == len(DEFAULT_PLAN)
    assert all(r.expected_std_error > 0 for r in rows)


def test_engine_a_table_of_one_stage_without_dimensions_is_one_number() -> None:
    plan = (
        TableSpec("totals", ("stage",)),
        TableSpec("convictions", (), stage="ST07_VEROORDELING"),
    )
    rows = pd.DataFrame(
        [
            (
                "GM0363",
                "2025-Q1",
                "FT01_BRP",
                "DC01_BRP_ADRES",
                "ST07_VEROORDELING",
                "EM01_VAST",
                "MO01_CRIMINEEL",
                2,
            ),
            (
                "GM0344",
                "2025-Q3",
                "FT04_PARKEREN",
                "DC03_KENTEKEN",
                "ST07_VEROORDELING",
                "EM03_INHUUR",
                "MO02_PRIVE",
                1,
            ),
            (
                "GM0344",
                "2025-Q3",
                "FT04_PARKEREN",
                "DC03_KENTEKEN",
                "ST01_SIGNAAL",
                "EM03_INHUUR",
                "MO02_PRIVE",
                4,
            ),
        ],
        columns=list(engine.ROW_COLUMNS),
    )
    exact = engine.exact_tables(rows, plan, year=2025)
    assert exact["convictions"].tolist() == [3]
    assert exact["totals"].tolist() == [4, 0, 0, 0, 0, 0, 3, 0]
    release = engine.compute_release(exact, plan, 1.0, year=2025)
    assert len(release.tables["convictions"]) == 1


@pytest.fixture(scope="module")
def default_release() -> tuple[dict[str, np.ndarray], engine.ReleaseResult]:
    exact = engine.exact_tables(_truth(8), DEFAULT_PLAN, year=YEAR)
    return exact, engine.compute_release(exact, DEFAULT_PLAN, 1.0, year=YEAR)


def test_default_plan_release_adds_up_to_the_pipeline(
    default_release: tuple[dict[str, np.ndarray], engine.ReleaseResult],
) -> None:
    _, release = default_release
    totals = release.tables["totals"].set_index("stage")
    for spec in DEFAULT_PLAN[1:]:
        frame = release.tables[spec.name]
        assert spec.stage is not None and spec.by_stage is False
        # Every fixed-stage table adds up to its stage's national total, exactly in integers
        # and, for the unbiased estimates, up to rounding error.
        assert frame["estimate"].sum() == totals.loc[spec.stage, "estimate"], spec.name
        assert frame["estimate_unrounded"].sum() == pytest.approx(
            totals.loc[spec.stage, "estimate_unrounded"], abs=1e-8
        )
    types = release.tables["signals_by_function_type"].copy()
    types["function_group"] = types["function_type"].map(load_taxonomy().group_of)
    groups = release.tables["signals_by_function_group"].set_index("function_group")
    sums = types.groupby("function_group")[["estimate", "estimate_unrounded"]].sum()
    assert sums["estimate"].to_dict() == groups["estimate"].to_dict()
    assert sums["estimate_unrounded"].to_numpy() == pytest.approx(
        groups.loc[sums.index, "estimate_unrounded"].to_numpy(), abs=1e-8
    )


def test_default_plan_publishes_the_unrounded_estimate_its_interval_is_built_on(
    default_release: tuple[dict[str, np.ndarray], engine.ReleaseResult],
) -> None:
    from aggregator.dp.estimation import intervals

    _, release = default_release
    for frame in release.tables.values():
        assert frame["estimate_unrounded"].dtype == np.float64
        low, high = intervals(frame["estimate_unrounded"].to_numpy(), frame["std_error"].to_numpy())
        widened = (frame["ci_low"] < low) | (frame["ci_high"] > high)
        same = (frame["ci_low"] == low) & (frame["ci_high"] == high)
        assert (same | widened).all() and widened.sum() <= 1
        # Publishing moves a non-negative estimate by less than its interval allows; a negative
        # one becomes a count from 0 up to at most its interval's end.
        gap = (frame["estimate"] - frame["estimate_unrounded"]).abs()
        kept = ~widened & (frame["estimate_unrounded"] >= 0)
        assert (gap[kept] <= Z95 * frame["std_error"][kept] + 1).all()
        negative = ~widened & (frame["estimate_unrounded"] < 0)
        assert (frame.loc[negative, "estimate"] <= frame.loc[negative, "ci_high"]).all()


def test_preview_smallest_reliable_count_is_the_flag_rule_of_the_published_tables(
    default_release: tuple[dict[str, np.ndarray], engine.ReleaseResult],
) -> None:
    _, release = default_release
    rows = {r.name: r for r in engine.preview(DEFAULT_PLAN, 1.0, year=YEAR)}
    reliable_seen = 0
    for name, frame in release.tables.items():
        n = rows[name].smallest_reliable
        assert release.table_meta[name]["smallest_reliable"] == n
        margin = 2 * Z95 * frame["std_error"]
        widened = (frame["ci_high"] - frame["ci_low"]) > margin
        # Every cell of at least n is reliable, and n is the least count with that property.
        at_least = (frame["estimate"] >= n) & ~widened
        assert not frame.loc[at_least, "unreliable"].any(), name
        assert n - 1 < margin.max() <= n
        below = frame["estimate"] < margin
        assert frame.loc[below, "unreliable"].all(), name
        reliable_seen += int((~frame["unreliable"]).sum())
    assert reliable_seen > 0
    # At ρ = 1 the new cases by function group are reliable from about ten.
    assert 5 <= rows["signals_by_function_group"].smallest_reliable <= 15
    half = {r.name: r for r in engine.preview(DEFAULT_PLAN, 0.5, year=YEAR)}
    assert half["totals"].smallest_reliable > rows["totals"].smallest_reliable


def test_release_refuses_the_fabricated_reliable_figures_of_issue_18() -> None:
    # A year without data and a table weighted 1e-300 published 2048 ± 0, marked reliable.
    empty = engine.exact_tables(HAND_ROWS.iloc[0:0], DEFAULT_PLAN, year=YEAR)
    tiny = (DEFAULT_PLAN[0], TableSpec("motive", ("stage", "motive"), weight=1e-300))
    with pytest.raises(PlanError, match="weight"):
        engine.compute_release(
            {"totals": empty["totals"], "motive": np.zeros(32, np.int64)}, tiny, 1.0, year=YEAR
        )
    # The most uneven weights a plan may have still give sound numbers.
    skewed = tuple(
        TableSpec(t.name, t.dimensions, t.stage, 100.0 if i == 0 else 1.0)
        for i, t in enumerate(DEFAULT_PLAN)
    )
    result = engine.compute_release(empty, skewed, 1.0, year=YEAR)
    for frame in result.tables.values():
        assert np.isfinite(frame[["estimate_unrounded", "std_error"]].to_numpy()).all()
        assert (frame["std_error"] > 0.3).all()
        # Truth 0 everywhere: a reliable cell would be a fabricated figure; at ρ = 1 one in
        # several thousand cells could be (a 3.9-SE error), not a table full.
        assert frame["unreliable"].sum() >= len(frame) - 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"variances": 0.0}, "zero or not finite"),
        ({"variances": np.nan}, "zero or not finite"),
        ({"variances": 1e-12}, "outside what the measurements allow"),
        ({"variances": 1e6}, "outside what the measurements allow"),
        ({"var": np.inf}, "noise variance"),
    ],
)
def test_engine_refuses_standard_errors_no_measurement_allows(
    change: dict[str, float], message: str
) -> None:
    planned = engine._prepare(DEFAULT_PLAN, 1.0, YEAR, None, None, None)
    var = np.repeat(
        [m.scale**2 for m in planned.mechanism.tables],
        [len(t.cells) for t in planned.layout.tables],
    )
    variances = planned.std_error**2
    engine._check_variances(planned.layout, var, variances)  # the real ones pass
    if "variances" in change:
        variances = variances.copy()
        variances[5] = change["variances"]
    else:
        var = var.copy()
        var[5] = change["var"]
    with pytest.raises(engine.UnsoundReleaseError, match=message) as refused:
        engine._check_variances(planned.layout, var, variances)
    assert refused.value.code == "unsound_numbers"
    assert "niets gepubliceerd" in refused.value.message_nl


def test_release_table_as_csv_keeps_the_unrounded_estimate_as_a_number(
    default_release: tuple[dict[str, np.ndarray], engine.ReleaseResult],
) -> None:
    import io

    from schemas.safe_cells import write_csv

    _, release = default_release
    frame = release.tables["signals_by_province"]
    buffer = io.StringIO()
    write_csv(frame, buffer)
    back = pd.read_csv(io.StringIO(buffer.getvalue()), dtype={"province": str})
    assert list(back.columns) == list(frame.columns)
    assert back["estimate_unrounded"].to_numpy() == pytest.approx(
        frame["estimate_unrounded"].to_numpy(), rel=1e-12
    )
    assert back["unreliable"].tolist() == frame["unreliable"].tolist()
