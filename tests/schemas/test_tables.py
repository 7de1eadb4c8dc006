from __future__ import annotations

from dataclasses import replace

import pytest

from schemas.tables import (
    ALL_STAGE_PLAN,
    DEFAULT_PLAN,
    MAX_PLAN_CELLS,
    MAX_PLAN_TABLES,
    MAX_WEIGHT_RATIO,
    MIN_WEIGHT,
    PlanError,
    TableSpec,
    check_plan,
    check_plan_size,
    check_table,
    code_label,
    dimension_codes,
    load_plan_text,
    parse_plan,
    table_cells,
)


def test_tables_default_plan_is_the_pipeline_and_stage_fixed_tables() -> None:
    assert [(t.name, t.dimensions, t.stage, t.weight) for t in DEFAULT_PLAN] == [
        ("totals", ("stage",), None, 2.0),
        ("signals_by_function_group", ("function_group",), "ST01_SIGNAAL", 2.0),
        ("signals_by_function_type", ("function_type",), "ST01_SIGNAAL", 1.0),
        ("signals_by_data_category", ("data_category",), "ST01_SIGNAAL", 1.0),
        ("signals_by_motive", ("motive",), "ST01_SIGNAAL", 1.0),
        ("signals_by_employment_type", ("employment_type",), "ST01_SIGNAAL", 1.0),
        ("signals_by_quarter", ("quarter",), "ST01_SIGNAAL", 0.5),
        ("signals_by_province", ("province",), "ST01_SIGNAAL", 0.5),
        ("arrests_by_function_group", ("function_group",), "ST05_AANHOUDING", 1.0),
        ("disciplinary_by_function_group", ("function_group",), "ST06_DISCIPLINAIR", 1.0),
        ("convictions_by_function_group", ("function_group",), "ST07_VEROORDELING", 1.0),
    ]
    check_plan(DEFAULT_PLAN)
    check_plan(ALL_STAGE_PLAN)
    for table in (*DEFAULT_PLAN, *ALL_STAGE_PLAN):
        assert table.title("nl") != table.title("en")
    assert all(t.by_stage for t in ALL_STAGE_PLAN)
    assert [t.by_stage for t in DEFAULT_PLAN] == [True] + [False] * 10


def test_tables_cells_are_the_product_of_the_dimensions() -> None:
    sizes = {t.name: len(table_cells(t, year=2026)) for t in DEFAULT_PLAN}
    assert list(sizes.values()) == [8, 7, 15, 8, 4, 5, 4, 12, 7, 7, 7]
    assert check_plan_size(DEFAULT_PLAN, year=2026) == 84
    sizes = {t.name: len(table_cells(t, year=2026)) for t in ALL_STAGE_PLAN}
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
    quarter_table = ALL_STAGE_PLAN[6]
    assert len(table_cells(quarter_table, year=2026, quarter=2)) == 8
    assert table_cells(quarter_table, year=2026)[0] == ("ST01_SIGNAAL", "Q1")
    assert table_cells(DEFAULT_PLAN[6], year=2026, quarter=3) == [("Q3",)]


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
        (TableSpec("x", ("stage",), weight=1e-300), "from 0.01 to 100"),
        (TableSpec("x", ("stage",), weight=0.009), "from 0.01 to 100"),
        (TableSpec("x", ("stage",), weight=101), "from 0.01 to 100"),
        (TableSpec("x", ("stage",), weight=float("nan")), "must be a number"),
        (TableSpec("x", ("stage",), weight=True), "must be a number"),
        (TableSpec("x y", ("stage",)), "table name"),
        (TableSpec("中", ("stage",)), "table name"),
        (TableSpec("Totals", ("stage",)), "table name"),
        (TableSpec("x", ("stage",), weight=float("inf")), "weight"),
        (TableSpec("x", ("stage",), weight=1e308), "weight"),
    ],
)
def test_tables_bad_definitions_are_refused(spec: TableSpec, message: str) -> None:
    with pytest.raises(PlanError, match=message) as refused:
        check_table(spec)
    assert refused.value.message_nl.startswith(("tabel", "tabelnaam"))


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
    assert parse_plan({"tables": [t.to_dict() for t in ALL_STAGE_PLAN]}) == ALL_STAGE_PLAN


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("[]", "non-empty list"),
        ("{", "not valid JSON"),
        ('[{"dimensions": ["stage"]}]', "has no name"),
        ('[{"name": "a", "dimensions": "stage"}]', "must be a list"),
        ('[{"name": "a", "dimensions": ["stage"], "weight": "x"}]', "must be a number"),
        ('[{"name": "a", "dimensions": ["stage"], "weight": true}]', "must be a number"),
        ('[{"name": "a", "dimensions": ["stage"], "weight": 1e-300}]', "from 0.01 to 100"),
        (
            '[{"name": "a", "dimensions": ["stage"], "weight": 0.5},'
            ' {"name": "b", "dimensions": ["stage"], "weight": 51}]',
            "more than 100 times",
        ),
        ("[" + ",".join(['{"name": "a", "dimensions": ["stage"]}'] * 33) + "]", "at most 32"),
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


def test_tables_a_plan_beyond_the_bounds_is_refused_in_both_languages() -> None:
    huge = [TableSpec("fine", ("stage", "function_type", "data_category", "motive", "province"))]
    with pytest.raises(PlanError, match=f"at most {MAX_PLAN_CELLS:,}") as refused:
        check_plan_size(huge, year=2026)
    assert "hoogstens 1.000" in refused.value.message_nl
    many = [TableSpec(f"t{i}", ("stage",)) for i in range(MAX_PLAN_TABLES + 1)]
    with pytest.raises(PlanError, match="tables") as refused:
        check_plan_size(many, year=2026)
    assert "tabellen" in refused.value.message_nl
    check_plan(many[:MAX_PLAN_TABLES])
    uneven = [
        TableSpec("a", ("stage",), weight=MIN_WEIGHT),
        TableSpec("b", ("stage", "motive"), weight=MIN_WEIGHT * MAX_WEIGHT_RATIO),
    ]
    check_plan(uneven)
    with pytest.raises(PlanError, match="times the smallest") as refused:
        check_plan([uneven[0], replace(uneven[1], weight=uneven[1].weight * 1.01)])
    assert "keer het kleinste" in refused.value.message_nl
    with pytest.raises(PlanError, match="at least one"):
        check_plan([])


def test_tables_value_columns_are_typed_and_described_in_both_languages() -> None:
    from schemas.tables import VALUE_COLUMNS, VALUE_DESCRIPTIONS, VALUE_TYPES

    assert list(VALUE_TYPES) == list(VALUE_DESCRIPTIONS) == list(VALUE_COLUMNS)
    assert VALUE_COLUMNS[:3] == ("estimate", "estimate_unrounded", "std_error")
    nl, en = VALUE_DESCRIPTIONS["std_error"]
    assert "onafgeronde" in nl and "unrounded" in en
