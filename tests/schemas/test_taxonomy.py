from __future__ import annotations

import pytest

from schemas.taxonomy import TaxonomyError, available_versions, load_taxonomy, parse_taxonomy


def test_taxonomy_v1_has_the_codes_of_the_notes() -> None:
    tax = load_taxonomy("1")
    assert tax.version == "1"
    assert tax.dimension_names == (
        "function_type",
        "data_category",
        "stage",
        "employment_type",
        "motive",
    )
    assert [len(tax.dimension(d)) for d in tax.dimension_names] == [15, 8, 8, 5, 4]
    assert tax.codes("function_type")[0] == "FT01_BRP"
    assert tax.codes("function_type")[-1] == "FT99_ONBEKEND"
    assert tax.codes("data_category")[-1] == "DC99_OVERIG"
    assert tax.stages[0] == "ST01_SIGNAAL"
    assert tax.stages[-1] == "ST08_AFGESLOTEN_GEEN_GEVOLG"
    assert tax.codes("employment_type") == (
        "EM01_VAST",
        "EM02_TIJDELIJK",
        "EM03_INHUUR",
        "EM04_STAGIAIR",
        "EM99_ONBEKEND",
    )
    assert tax.codes("motive") == (
        "MO01_CRIMINEEL",
        "MO02_PRIVE",
        "MO03_NIEUWSGIERIG",
        "MO99_ONBEKEND",
    )


def test_taxonomy_every_code_has_labels_and_descriptions_in_both_languages() -> None:
    tax = load_taxonomy()
    for name in (*tax.dimension_names, "function_group"):
        dim = tax.dimension(name)
        assert dim.label("nl") and dim.label("en") and dim.description("nl")
        for entry in dim.entries:
            for text in (
                entry.label_nl,
                entry.label_en,
                entry.description_nl,
                entry.description_en,
            ):
                assert text.strip(), f"{name}/{entry.code} has an empty text"


#: The roll-up of docs/taxonomy-notes.md ("Suggested roll-up for publishing"),
#: written out: every one of the 15 function types and the one group it is published in.
ROLL_UP = {
    # Publiekszaken = FT01–FT03
    "FT01_BRP": "FG1_PUBLIEKSZAKEN",
    "FT02_REISDOC": "FG1_PUBLIEKSZAKEN",
    "FT03_KCC": "FG1_PUBLIEKSZAKEN",
    # Openbare ruimte & handhaving = FT04–FT06
    "FT04_PARKEREN": "FG2_OPENBARE_RUIMTE",
    "FT05_HANDHAVING": "FG2_OPENBARE_RUIMTE",
    "FT06_VTH": "FG2_OPENBARE_RUIMTE",
    # Sociaal domein = FT08
    "FT08_SOCIAAL": "FG3_SOCIAAL",
    # Veiligheid = FT09
    "FT09_OOV": "FG4_VEILIGHEID",
    # Middelen & informatie = FT07, FT10–FT12
    "FT07_BELASTINGEN": "FG5_MIDDELEN",
    "FT10_ICT": "FG5_MIDDELEN",
    "FT11_INFO": "FG5_MIDDELEN",
    "FT12_BEDRIJFSVOERING": "FG5_MIDDELEN",
    # Beleid & management = FT13
    "FT13_BELEID_MGMT": "FG6_BELEID",
    # Overig/onbekend = FT14, FT99
    "FT14_OVERIG": "FG7_OVERIG",
    "FT99_ONBEKEND": "FG7_OVERIG",
}


def test_taxonomy_rolls_function_types_up_into_seven_groups() -> None:
    tax = load_taxonomy()
    assert len(ROLL_UP) == 15 and len(set(ROLL_UP.values())) == 7
    assert tax.codes("function_group") == (
        "FG1_PUBLIEKSZAKEN",
        "FG2_OPENBARE_RUIMTE",
        "FG3_SOCIAAL",
        "FG4_VEILIGHEID",
        "FG5_MIDDELEN",
        "FG6_BELEID",
        "FG7_OVERIG",
    )
    assert {ft: tax.group_of(ft) for ft in tax.codes("function_type")} == ROLL_UP


def test_taxonomy_label_lookup_in_both_languages() -> None:
    tax = load_taxonomy()
    assert tax.label("motive", "MO01_CRIMINEEL", "nl") == "Lekken aan criminelen"
    assert tax.label("motive", "MO01_CRIMINEEL", "en") == "Leaking to criminals"
    assert tax.is_valid("stage", "ST03_DATALEK_AP")
    assert not tax.is_valid("stage", "ST09")


def test_taxonomy_unknown_code_or_dimension_raises() -> None:
    tax = load_taxonomy()
    with pytest.raises(TaxonomyError, match="unknown stage code"):
        tax.dimension("stage").get("ST99")
    with pytest.raises(TaxonomyError, match="unknown dimension"):
        tax.dimension("colour")


def test_taxonomy_unknown_version_names_the_available_ones() -> None:
    assert "1" in available_versions()
    with pytest.raises(TaxonomyError, match="available: 1"):
        load_taxonomy("999")


def test_taxonomy_parse_rejects_a_function_type_without_group() -> None:
    text = """
version = "x"
dimensions = ["function_type"]
[function_type]
label_nl = "a"
label_en = "a"
description_nl = "a"
description_en = "a"
[[function_type.codes]]
code = "FT01"
label_nl = "a"
label_en = "a"
description_nl = "a"
description_en = "a"
group = "NOPE"
[function_group]
label_nl = "g"
label_en = "g"
description_nl = "g"
description_en = "g"
[[function_group.codes]]
code = "G1"
label_nl = "g"
label_en = "g"
description_nl = "g"
description_en = "g"
"""
    with pytest.raises(TaxonomyError, match="no valid group"):
        parse_taxonomy(text)
    with pytest.raises(TaxonomyError, match="malformed"):
        parse_taxonomy("version = 1\n")


def test_taxonomy_counting_rules_in_both_languages() -> None:
    tax = load_taxonomy()
    nl, en = tax.counting_rules("nl"), tax.counting_rules("en")
    assert len(nl) == len(en) == 6
    assert any("gemeenschappelijke regeling" in r for r in nl)  # shared services report once
    assert any("joint arrangement" in r for r in en)
    assert nl[0].startswith("De eenheid is één incident") and en[0].startswith(
        "The unit is one incident"
    )
    assert any("10.000" in r for r in nl) and any("10,000" in r for r in en)
