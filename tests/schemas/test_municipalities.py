from __future__ import annotations

import pytest

from schemas.municipalities import RegisterError, load_register, parse_register

PROVINCES = "code,name\nPV26,Utrecht\nPV27,Noord-Holland\n"


def test_register_has_the_342_municipalities_of_2025_in_12_provinces() -> None:
    reg = load_register()
    current = reg.valid_in(2025)
    assert len(current) == 342
    assert len({m.code for m in current}) == 342
    assert len(reg.provinces) == 12
    per_province: dict[str, int] = {}
    for m in current:
        per_province[m.province_name] = per_province.get(m.province_name, 0) + 1
    assert per_province["Noord-Brabant"] == 56
    assert per_province["Flevoland"] == 6
    assert per_province["Fryslân"] == 18


def test_register_lookup_by_code() -> None:
    reg = load_register()
    assert reg.get("GM0363").name == "Amsterdam"
    assert reg.get("GM0518").name == "'s-Gravenhage"
    assert reg.get("GM0344").province_code == "PV26"
    assert reg.is_valid("GM1992", 2025)  # Voorne aan Zee, formed 2023
    assert not reg.is_valid("GM9999", 2025)
    with pytest.raises(KeyError):
        reg.get("GM9999")


def test_register_a_merger_is_data_valid_for_a_range_of_years() -> None:
    municipalities = (
        "code,name,province,valid_from,valid_to\n"
        "GM0001,Oud-A,PV26,2024,2025\n"
        "GM0002,Oud-B,PV26,2024,2025\n"
        "GM0003,Nieuw-AB,PV26,2026,\n"
        "GM0004,Blijft,PV27,2024,\n"
    )
    reg = parse_register(municipalities, PROVINCES)
    assert [m.code for m in reg.valid_in(2025)] == ["GM0001", "GM0002", "GM0004"]
    assert [m.code for m in reg.valid_in(2026)] == ["GM0003", "GM0004"]
    assert reg.is_valid("GM0001", 2025) and not reg.is_valid("GM0001", 2026)
    assert reg.get("GM0004").province_name == "Noord-Holland"


def test_register_refuses_bad_rows() -> None:
    header = "code,name,province,valid_from,valid_to\n"
    with pytest.raises(RegisterError, match="not a CBS municipality code"):
        parse_register(header + "0363,Amsterdam,PV27,2024,\n", PROVINCES)
    with pytest.raises(RegisterError, match="unknown province"):
        parse_register(header + "GM0363,Amsterdam,PV99,2024,\n", PROVINCES)
    with pytest.raises(RegisterError, match="overlapping"):
        parse_register(header + "GM0363,A,PV27,2024,\nGM0363,B,PV27,2026,\n", PROVINCES)
