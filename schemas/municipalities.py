"""The municipality register: CBS codes, names and provinces, each valid for a range of years.

Mergers are data: a municipality that ceases to exist gets a ``valid_to`` year, a new one a
``valid_from`` year (see ``schemas/data/SOURCES.md``).

>>> reg = load_register()
>>> len(reg.valid_in(2025))
342
>>> m = reg.get("GM0363")
>>> m.name, m.province_code, m.province_name
('Amsterdam', 'PV27', 'Noord-Holland')
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_CODE = re.compile(r"^GM\d{4}$")


class RegisterError(ValueError):
    """The register data is malformed."""


@dataclass(frozen=True)
class Province:
    """A province with its CBS code (``PV27``) and name."""

    code: str
    name: str


@dataclass(frozen=True)
class Municipality:
    """A municipality with its CBS code (``GM0363``), valid from ``valid_from`` to ``valid_to``."""

    code: str
    name: str
    province_code: str
    province_name: str
    valid_from: int
    valid_to: int | None = None

    def is_valid_in(self, year: int) -> bool:
        """Whether the municipality exists in ``year``."""
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)


@dataclass(frozen=True)
class Register:
    """All municipalities that have existed, with lookups by code and year."""

    municipalities: tuple[Municipality, ...]
    provinces: tuple[Province, ...]

    def get(self, code: str, year: int | None = None) -> Municipality:
        """The municipality with ``code`` (valid in ``year`` if given); raises ``KeyError``."""
        for m in self.municipalities:
            if m.code == code and (year is None or m.is_valid_in(year)):
                return m
        raise KeyError(code)

    def is_valid(self, code: str, year: int) -> bool:
        """Whether ``code`` is a municipality in ``year``."""
        return any(m.code == code and m.is_valid_in(year) for m in self.municipalities)

    def valid_in(self, year: int) -> tuple[Municipality, ...]:
        """The municipalities that exist in ``year``, ordered by code."""
        return tuple(m for m in self.municipalities if m.is_valid_in(year))

    def province(self, code: str) -> Province:
        """The province with ``code``; raises ``KeyError``."""
        for p in self.provinces:
            if p.code == code:
                return p
        raise KeyError(code)


def parse_register(municipalities_csv: str, provinces_csv: str) -> Register:
    """Build a register from the text of the two CSV files, checking every row."""
    provinces = tuple(
        Province(r["code"].strip(), r["name"].strip())
        for r in csv.DictReader(io.StringIO(provinces_csv))
    )
    names = {p.code: p.name for p in provinces}
    rows: list[Municipality] = []
    for line, r in enumerate(csv.DictReader(io.StringIO(municipalities_csv)), start=2):
        code, province = r["code"].strip(), r["province"].strip()
        if not _CODE.match(code):
            raise RegisterError(f"line {line}: {code!r} is not a CBS municipality code")
        if province not in names:
            raise RegisterError(f"line {line}: unknown province {province!r}")
        valid_to = r["valid_to"].strip()
        rows.append(
            Municipality(
                code=code,
                name=r["name"].strip(),
                province_code=province,
                province_name=names[province],
                valid_from=int(r["valid_from"]),
                valid_to=int(valid_to) if valid_to else None,
            )
        )
    _check_overlaps(rows)
    return Register(tuple(sorted(rows, key=lambda m: (m.code, m.valid_from))), provinces)


def _check_overlaps(rows: list[Municipality]) -> None:
    by_code: dict[str, list[Municipality]] = {}
    for m in rows:
        by_code.setdefault(m.code, []).append(m)
    for code, versions in by_code.items():
        versions.sort(key=lambda m: m.valid_from)
        for a, b in itertools.pairwise(versions):
            if a.valid_to is None or a.valid_to >= b.valid_from:
                raise RegisterError(f"{code} has overlapping validity ranges")


@cache
def load_register() -> Register:
    """The register shipped with the package."""
    data = resources.files("schemas.data")
    return parse_register(
        (data / "municipalities.csv").read_text(encoding="utf-8"),
        (data / "provinces.csv").read_text(encoding="utf-8"),
    )
