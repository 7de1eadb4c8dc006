"""The engine's entry points: exact tables, previews, and the shape and sums of a release."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aggregator.demo.synth import SyntheticConfig, generate
from aggregator.dp import engine, privacy
from schemas.tables import DEFAULT_PLAN, PlanError, TableSpec, table_cells

YEAR = 2026
CONVICTIONS = TableSpec(
    "convictions", ("function_group",), stage="ST07_VEROORDELING", title_en="Convictions"
)
PLAN = (*DEFAULT_PLAN, CONVICTIONS)
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
    for spec in DEFAULT_PLAN[1:]:
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
    exact = engine.exact_tables(_truth(3, quarter=2), DEFAULT_PLAN, year=YEAR, quarter=2)
    result = engine.compute_release(exact, DEFAULT_PLAN, 0.5, year=YEAR, quarter=2)
    quarter = result.tables["quarter"]
    assert len(quarter) == STAGES and set(quarter["quarter"]) == {"Q2"}
    assert quarter["estimate"].tolist() == result.tables["totals"]["estimate"].tolist()


def test_release_without_a_totals_table_still_adds_up() -> None:
    plan = DEFAULT_PLAN[3:6]
    exact = engine.exact_tables(_truth(4), plan, year=YEAR)
    result = engine.compute_release(exact, plan, 0.5, year=YEAR)
    sums = [result.tables[t.name].groupby("stage")["estimate"].sum() for t in plan]
    assert sums[0].to_dict() == sums[1].to_dict() == sums[2].to_dict()
    shares = engine.allocate(plan, 0.5, year=YEAR)
    assert list(shares.values()) == pytest.approx([0.5 / 3] * 3)


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
