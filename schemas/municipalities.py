"""The municipality register: CBS codes, names and provinces, each valid for a range of years.

Mergers are data: a municipality that ceases to exist gets a ``valid_to`` year, a new one a
``valid_from`` year (see ``schemas/data/SOURCES.md``).

>>> reg = load_register()
>>> len(reg.valid_in(2025))
342
>>> m = reg.get("GM0363")
>>> m.name, m.province_code, m.province_name
('Amsterdam', 'PV27', 'Noord-Holland')

A municipality can be looked up as people write it: its CBS code with or without ``GM`` and
leading zeros, its register name in any case, with or without accents, apostrophes and
hyphens, without the province suffix, or a usual name (``municipality-aliases.csv``):

>>> [m.code for m in reg.lookup("Den Bosch", 2025)], [m.code for m in reg.lookup("796", 2025)]
(['GM0796'], ['GM0796'])
>>> [m.name for m in reg.lookup("bergen", 2025)]
['Bergen (NH.)', 'Bergen (L.)']
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

_CODE = re.compile(r"^GM\d{4}$")
# "GM0796", "gm 796", "0796", "796": the CBS number, as a spreadsheet may have shortened it.
_NUMBER = re.compile(r"^(?:gm)?[\s-]*0*(\d{1,4})$", re.IGNORECASE)
# "Bergen (NH.)" → "Bergen": the register's suffix that tells two namesakes apart.
_SUFFIX = re.compile(r"\s*\([^)]*\)\s*$")


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
    #: Usual names besides the register's, as ``(code, name)``.
    aliases: tuple[tuple[str, str], ...] = ()

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

    def lookup(self, text: str, year: int) -> tuple[Municipality, ...]:
        """The municipalities of ``year`` that ``text`` may name (none, one, or namesakes)."""
        number = _NUMBER.match(text.strip())
        if number is not None:
            codes: set[str] = {f"GM{int(number.group(1)):04d}"}
        else:
            codes = self._names.get(name_key(text), set())
        return tuple(m for m in self.valid_in(year) if m.code in codes)

    @cached_property
    def _names(self) -> dict[str, set[str]]:
        """Every name key → the codes it may mean (several for a name without its suffix)."""
        names: dict[str, set[str]] = {}
        provinces = {p.code: p.name for p in self.provinces}
        for m in self.municipalities:
            base = _SUFFIX.sub("", m.name)
            spellings = [m.name, base, f"{base} {provinces.get(m.province_code, '')}"]
            spellings += [alias for code, alias in self.aliases if code == m.code]
            for spelling in spellings:
                for key in _keys(spelling):
                    names.setdefault(key, set()).add(m.code)
        return names

    def province(self, code: str) -> Province:
        """The province with ``code``; raises ``KeyError``."""
        for p in self.provinces:
            if p.code == code:
                return p
        raise KeyError(code)


def name_key(text: str) -> str:
    """A name compared without case, accents, apostrophes, hyphens or extra spaces.

    >>> name_key("'s-Hertogenbosch"), name_key("Súdwest Fryslân")
    ('s hertogenbosch', 'sudwest fryslan')
    """
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def _keys(name: str) -> set[str]:
    """The keys of a name: ``'s-Gravenhage`` is also written ``Gravenhage``."""
    key = name_key(name)
    keys = {key}
    for article in ("s ", "t "):  # 's- and 't
        if key.startswith(article):
            keys.add(key.removeprefix(article))
    return keys


def parse_register(
    municipalities_csv: str, provinces_csv: str, aliases_csv: str = "code,alias\n"
) -> Register:
    """Build a register from the text of its CSV files, checking every row."""
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
    codes = {m.code for m in rows}
    aliases = []
    for line, r in enumerate(csv.DictReader(io.StringIO(aliases_csv)), start=2):
        code, alias = r["code"].strip(), r["alias"].strip()
        if code not in codes or not alias:
            raise RegisterError(f"aliases line {line}: {code!r} is not in the register")
        aliases.append((code, alias))
    ordered = tuple(sorted(rows, key=lambda m: (m.code, m.valid_from)))
    return Register(ordered, provinces, tuple(aliases))


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
        (data / "municipality-aliases.csv").read_text(encoding="utf-8"),
    )
