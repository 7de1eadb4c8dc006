"""The taxonomy: code lists with Dutch and English labels, loaded from a versioned data file.

>>> tax = load_taxonomy()
>>> tax.version
'1'
>>> tax.dimension("stage").codes[0]
'ST01_SIGNAAL'
>>> tax.label("function_type", "FT04_PARKEREN", "en")
'Parking and licence-plate data'
>>> tax.group_of("FT08_SOCIAAL")
'FG3_SOCIAAL'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from schemas.lang import Lang

#: The version that new submissions are validated against.
CURRENT_VERSION = "1"

#: The roll-up dimension derived from ``function_type``.
GROUP_DIMENSION = "function_group"


class TaxonomyError(ValueError):
    """The taxonomy file is malformed or a code or dimension is unknown."""


@dataclass(frozen=True)
class Code:
    """One code of a dimension, with its labels and description in both languages."""

    code: str
    label_nl: str
    label_en: str
    description_nl: str
    description_en: str
    group: str | None = None

    def label(self, lang: Lang = "nl") -> str:
        """The label in ``lang``."""
        return self.label_nl if lang == "nl" else self.label_en

    def description(self, lang: Lang = "nl") -> str:
        """The description in ``lang``."""
        return self.description_nl if lang == "nl" else self.description_en


@dataclass(frozen=True)
class Dimension:
    """A dimension (``stage``, ``motive``, …) and its codes in publication order."""

    name: str
    label_nl: str
    label_en: str
    description_nl: str
    description_en: str
    entries: tuple[Code, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes in order."""
        return tuple(c.code for c in self.entries)

    def get(self, code: str) -> Code:
        """The entry for ``code``; raises :class:`TaxonomyError` when unknown."""
        for entry in self.entries:
            if entry.code == code:
                return entry
        raise TaxonomyError(f"unknown {self.name} code {code!r}")

    def __contains__(self, code: object) -> bool:
        return any(c.code == code for c in self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def label(self, lang: Lang = "nl") -> str:
        """The dimension's own label in ``lang``."""
        return self.label_nl if lang == "nl" else self.label_en

    def description(self, lang: Lang = "nl") -> str:
        """The dimension's description in ``lang``."""
        return self.description_nl if lang == "nl" else self.description_en


@dataclass(frozen=True)
class Taxonomy:
    """A complete taxonomy version: the submission dimensions and the function-group roll-up."""

    version: str
    valid_from: str
    dimension_names: tuple[str, ...]
    dimensions: dict[str, Dimension]
    counting_rules_nl: tuple[str, ...] = ()
    counting_rules_en: tuple[str, ...] = ()

    def counting_rules(self, lang: Lang = "nl") -> tuple[str, ...]:
        """The counting rules (what one count means) in ``lang``."""
        return self.counting_rules_nl if lang == "nl" else self.counting_rules_en

    def dimension(self, name: str) -> Dimension:
        """The dimension called ``name`` (including ``function_group``)."""
        try:
            return self.dimensions[name]
        except KeyError:
            known = ", ".join(self.dimensions)
            raise TaxonomyError(f"unknown dimension {name!r}; known: {known}") from None

    def codes(self, name: str) -> tuple[str, ...]:
        """The codes of dimension ``name`` in order."""
        return self.dimension(name).codes

    def label(self, dimension: str, code: str, lang: Lang = "nl") -> str:
        """The label of ``code`` in ``dimension``."""
        return self.dimension(dimension).get(code).label(lang)

    def is_valid(self, dimension: str, code: str) -> bool:
        """Whether ``code`` is a code of ``dimension``."""
        return code in self.dimension(dimension)

    def group_of(self, function_type: str) -> str:
        """The publication group of a function type."""
        group = self.dimension("function_type").get(function_type).group
        assert group is not None  # checked when loading
        return group

    @property
    def stages(self) -> tuple[str, ...]:
        """The stage codes in order; their number is the sensitivity of a table by stage."""
        return self.codes("stage")


def available_versions() -> tuple[str, ...]:
    """The taxonomy versions shipped with the package, oldest first."""
    names = [p.name for p in resources.files("schemas.data").iterdir()]
    versions = [n[len("taxonomy-v") : -len(".toml")] for n in names if n.startswith("taxonomy-v")]
    return tuple(sorted(versions, key=int))


@cache
def load_taxonomy(version: str = CURRENT_VERSION) -> Taxonomy:
    """Load and check the taxonomy file of ``version`` shipped with the package."""
    path = resources.files("schemas.data") / f"taxonomy-v{version}.toml"
    if not path.is_file():
        known = ", ".join(available_versions())
        raise TaxonomyError(f"no taxonomy version {version!r}; available: {known}")
    return parse_taxonomy(path.read_text(encoding="utf-8"))


def parse_taxonomy(text: str) -> Taxonomy:
    """Parse and check taxonomy TOML text."""
    try:
        raw = tomllib.loads(text)
        version = str(raw["version"])
        names = tuple(raw["dimensions"])
        dims = {name: _dimension(name, raw[name]) for name in (*names, GROUP_DIMENSION)}
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise TaxonomyError(f"malformed taxonomy file: {exc}") from exc
    groups = set(dims[GROUP_DIMENSION].codes)
    for entry in dims["function_type"].entries:
        if entry.group not in groups:
            raise TaxonomyError(f"function type {entry.code} has no valid group ({entry.group!r})")
    for dim in dims.values():
        if len(set(dim.codes)) != len(dim.codes):
            raise TaxonomyError(f"dimension {dim.name} has a duplicate code")
    rules = raw.get("counting_rules", {})
    return Taxonomy(
        version=version,
        valid_from=str(raw.get("valid_from", "")),
        dimension_names=names,
        dimensions=dims,
        counting_rules_nl=tuple(str(r) for r in rules.get("nl", ())),
        counting_rules_en=tuple(str(r) for r in rules.get("en", ())),
    )


def _dimension(name: str, raw: dict[str, object]) -> Dimension:
    entries = raw["codes"]
    if not isinstance(entries, list) or not entries:
        raise TaxonomyError(f"dimension {name} has no codes")
    return Dimension(
        name=name,
        label_nl=str(raw["label_nl"]),
        label_en=str(raw["label_en"]),
        description_nl=str(raw["description_nl"]),
        description_en=str(raw["description_en"]),
        entries=tuple(
            Code(
                code=str(e["code"]),
                label_nl=str(e["label_nl"]),
                label_en=str(e["label_en"]),
                description_nl=str(e["description_nl"]),
                description_en=str(e["description_en"]),
                group=e.get("group"),
            )
            for e in entries
        ),
    )
