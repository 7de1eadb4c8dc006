from __future__ import annotations

import pytest

from schemas.tables import (
    DEFAULT_PLAN,
    PlanError,
    TableSpec,
    check_table,
    code_label,
    dimension_codes,
    load_plan_text,
    parse_plan,
    table_cells,
)


def test_tables_default_plan_is_the_one_of_the_design() -> None:
    assert [t.name for t in DEFAULT_PLAN] == [
        "totals",
        "function_group",
        "function_type",
        "data_category",
        "employment_type",
        "motive",
        "quarter",
        "province",
    ]
    for table in DEFAULT_PLAN:
        check_table(table)
        assert table.dimensions[0] == "stage" and table.by_stage
        assert table.title("nl") != table.title("en")


def test_tables_cells_are_the_product_of_the_dimensions() -> None:
    sizes = {t.name: len(table_cells(t, year=2026)) for t in DEFAULT_PLAN}
    assert sizes == {
        "totals": 8,
        "function_group": 56,
        "function_type": 120,
        "data_category": 64,
        "employment_type": 40,
        "motive": 32,
        "quarter": 32,
        "province": 96,
    }
    quarter_table = DEFAULT_PLAN[6]
    assert len(table_cells(quarter_table, year=2026, quarter=2)) == 8
    assert table_cells(quarter_table, year=2026)[0] == ("ST01_SIGNAAL", "Q1")


def test_tables_a_table_that_adds_stages_is_refused() -> None:
    with pytest.raises(PlanError, match="adds stages together"):
        check_table(TableSpec("motive_all", ("motive",)))


def test_tables_a_table_fixed_to_one_stage_is_allowed() -> None:
    spec = TableSpec("convictions_by_group", ("function_group",), stage="ST07_VEROORDELING")
    check_table(spec)
    assert not spec.by_stage
    assert len(table_cells(spec, year=2026)) == 7


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (TableSpec("x", ("stage", "colour")), "unknown dimension"),
        (TableSpec("x", ("stage", "stage")), "appears twice"),
        (TableSpec("x", ("stage",), stage="ST01_SIGNAAL"), "fixed stage"),
        (TableSpec("x", ("motive",), stage="ST99"), "unknown stage"),
        (TableSpec("x", ("stage", "function_type", "function_group")), "overlap"),
        (TableSpec("x", ("stage",), weight=0), "weight"),
        (TableSpec("x y", ("stage",)), "table name"),
        (TableSpec("中", ("stage",)), "table name"),
        (TableSpec("Totals", ("stage",)), "table name"),
        (TableSpec("x", ("stage",), weight=float("inf")), "weight"),
        (TableSpec("x", ("stage",), weight=1e308), "weight"),
    ],
)
def test_tables_bad_definitions_are_refused(spec: TableSpec, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        check_table(spec)


def test_tables_plan_from_json_and_toml() -> None:
    plan = load_plan_text(
        '{"tables": [{"name": "totals", "dimensions": ["stage"], "weight": 2},'
        ' {"name": "conv", "dimensions": ["province"], "stage": "ST07_VEROORDELING"}]}'
    )
    assert [t.name for t in plan] == ["totals", "conv"] and plan[0].weight == 2.0
    toml_plan = load_plan_text(
        '[[tables]]\nname = "totals"\ndimensions = ["stage"]\n', filename="plan.toml"
    )
    assert toml_plan[0].dimensions == ("stage",)
    assert parse_plan([t.to_dict() for t in DEFAULT_PLAN]) == DEFAULT_PLAN


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("[]", "non-empty list"),
        ("{", "not valid JSON"),
        ('[{"dimensions": ["stage"]}]', "has no name"),
        ('[{"name": "a", "dimensions": "stage"}]', "must be a list"),
        ('[{"name": "a", "dimensions": ["stage"], "weight": "x"}]', "must be a number"),
        ('[{"name": "a", "dimensions": ["motive"]}]', "adds stages together"),
        (
            '[{"name": "a", "dimensions": ["stage"]}, {"name": "a", "dimensions": ["stage"]}]',
            "same name",
        ),
    ],
)
def test_tables_bad_plans_are_refused(raw: str, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        load_plan_text(raw)


def test_tables_labels_of_extra_dimensions() -> None:
    assert dimension_codes("province", year=2026)[0] == "PV20"
    assert code_label("province", "PV21", "nl") == "Fryslân"
    assert code_label("quarter", "Q3", "nl") == "K3" and code_label("quarter", "Q3", "en") == "Q3"
    assert code_label("function_group", "FG4_VEILIGHEID", "en") == "Safety"


def test_tables_a_plan_with_too_many_cells_is_refused() -> None:
    from schemas.tables import MAX_PLAN_CELLS, check_plan_size

    assert check_plan_size(DEFAULT_PLAN, year=2026) == 448
    huge = [TableSpec("fine", ("stage", "function_type", "data_category", "motive", "province"))]
    with pytest.raises(PlanError, match=f"at most {MAX_PLAN_CELLS:,}"):
        check_plan_size(huge, year=2026)
