"""The privacy unit holds for every table: one incident moves a table by at most its sensitivity.

The measurements declare L2 sensitivity √S for a table by stage and 1 for a table fixed to one
stage. Tables are linear in the rows, so the change from adding or removing one incident is the
table of that incident alone; these tests compute it for arbitrary incidents (hypothesis) and for
every incident of a synthetic year, and compare it with what the engine declares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.demo.synth import SyntheticConfig, generate
from aggregator.dp import engine
from schemas.municipalities import load_register
from schemas.tables import ALL_STAGE_PLAN, DEFAULT_PLAN, TableSpec
from schemas.taxonomy import load_taxonomy

TAX = load_taxonomy()
MUNICIPALITIES = [m.code for m in load_register().valid_in(2025)]
PLAN = (
    *DEFAULT_PLAN,
    ALL_STAGE_PLAN[2],  # stage × function type
    ALL_STAGE_PLAN[7],  # stage × province
    TableSpec("arrests_by_group", ("function_group",), stage="ST05_AANHOUDING"),
    TableSpec("convictions", (), stage="ST07_VEROORDELING"),
    TableSpec("stage_motive_employment", ("stage", "motive", "employment_type")),
)
DECLARED = {t.name: t.sensitivity_l2 for t in engine.preview(PLAN, 1.0, year=2025)}


def _norms(rows: pd.DataFrame, quarter: int | None = None) -> dict[str, float]:
    tables = engine.exact_tables(rows, PLAN, year=2025, quarter=quarter)
    return {name: float(np.linalg.norm(v)) for name, v in tables.items()}


@st.composite
def incidents(draw: st.DrawFn) -> pd.DataFrame:
    """One incident: one value per dimension, each stage reached at most once, in any quarter."""
    municipality = draw(st.sampled_from(MUNICIPALITIES))
    dims = {d: draw(st.sampled_from(TAX.codes(d))) for d in TAX.dimension_names if d != "stage"}
    stages = draw(st.lists(st.sampled_from(TAX.stages), unique=True, max_size=len(TAX.stages)))
    rows = [
        {
            "municipality": municipality,
            "period": f"2025-Q{draw(st.integers(1, 4))}",
            **dims,
            "stage": s,
            "count": 1,
        }
        for s in stages
    ]
    return pd.DataFrame(rows, columns=list(engine.ROW_COLUMNS))


@settings(max_examples=200, deadline=None)
@given(incidents())
def test_sensitivity_one_incident_moves_each_table_by_at_most_the_declared_amount(
    rows: pd.DataFrame,
) -> None:
    for name, norm in _norms(rows).items():
        assert norm <= DECLARED[name] + 1e-12, (name, norm, DECLARED[name])


def test_sensitivity_the_bound_is_reached_by_an_incident_through_every_stage() -> None:
    rows = pd.DataFrame(
        [
            {
                "municipality": "GM0363",
                "period": "2025-Q1",
                "function_type": "FT01_BRP",
                "data_category": "DC01_BRP_ADRES",
                "employment_type": "EM01_VAST",
                "motive": "MO01_CRIMINEEL",
                "stage": s,
                "count": 1,
            }
            for s in TAX.stages
        ],
        columns=list(engine.ROW_COLUMNS),
    )
    norms = _norms(rows)
    assert norms["totals"] == DECLARED["totals"] == np.sqrt(8)
    assert norms["convictions"] == DECLARED["convictions"] == 1.0


def test_sensitivity_every_incident_of_a_synthetic_year() -> None:
    data = generate([2025], SyntheticConfig(seed=11))
    stage_columns = [s for s in TAX.stages if s in data.incidents.columns]
    checked = 0
    for incident in data.incidents.to_dict("records"):
        rows = [
            {
                "municipality": incident["municipality"],
                "period": incident[s],
                **{d: incident[d] for d in TAX.dimension_names if d != "stage"},
                "stage": s,
                "count": 1,
            }
            for s in stage_columns
            if isinstance(incident[s], str) and incident[s].startswith("2025-")
        ]
        if not rows:
            continue
        frame = pd.DataFrame(rows, columns=list(engine.ROW_COLUMNS))
        for name, norm in _norms(frame).items():
            assert norm <= DECLARED[name] + 1e-12, (incident["incident_id"], name)
        checked += 1
    assert checked > 50
