"""A release in SDMX, the official statistics' exchange format: SDMX-CSV 2.0 data per table, and
one SDMX-ML 3.0 structure message that defines them, generated from the taxonomy.

The structure message holds, for a release:

- a codelist per dimension its tables use (the taxonomy's codes with their Dutch and English
  labels; quarters; provinces), and the two SDMX status codelists it needs: observation status
  with the codes of SDMX's ``CL_OBS_STATUS`` (``A`` normal, ``P`` provisional, ``U`` low
  reliability) and confidentiality status with those of ``CL_CONF_STATUS`` (``F`` free: every
  published figure is free for publication, as CBS marks open data);
- one concept scheme (every dimension, measure and attribute, with its meaning);
- a data structure definition per set of dimensions (``STAGE`` always first: a table fixed to
  one stage has that one code; ``TIME_PERIOD`` the release's period), with the measures
  ``OBS_VALUE`` (the published count), ``ESTIMATE_UNROUNDED``, ``STD_ERROR``, ``CI_LOW`` and
  ``CI_HIGH``, the observation attributes ``OBS_STATUS`` and ``CONF_STATUS``, and the
  release's id as a dataflow attribute;
- a dataflow per table.

An observation has one status: ``U`` when the figure is unreliable (it matters most for reading
that figure), else ``P`` in a provisional release, else ``A``. Whether the whole release is
provisional is also in the JSON and CSV metadata of every download.
"""

from __future__ import annotations

import csv
import io
import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from aggregator.clock import iso
from aggregator.services import exports, provenance
from aggregator.services.auth import Principal
from aggregator.services.context import Context
from schemas.tables import STAGE, VALUE_DESCRIPTIONS, code_label, dimension_codes, dimension_label
from schemas.taxonomy import load_taxonomy

AGENCY = "LEKSTAT"
VERSION = "1.0"
STRUCTURE_TYPE = "application/vnd.sdmx.structure+xml; version=3.0"
DATA_TYPE = "application/vnd.sdmx.data+csv; version=2.0.0"
_NS = {
    "mes": "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message",
    "str": "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/structure",
    "com": "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common",
}
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
for _prefix, _uri in _NS.items():
    ET.register_namespace(_prefix, _uri)

#: Measures: SDMX id, the published column, its SDMX text type.
MEASURES = (
    ("OBS_VALUE", "estimate", "Integer"),
    ("ESTIMATE_UNROUNDED", "estimate_unrounded", "Double"),
    ("STD_ERROR", "std_error", "Double"),
    ("CI_LOW", "ci_low", "Integer"),
    ("CI_HIGH", "ci_high", "Integer"),
)
#: The codes of SDMX's CL_OBS_STATUS that lekstat uses, with their SDMX names.
OBS_STATUS = {
    "A": ("Normale waarde", "Normal value"),
    "P": ("Voorlopige waarde", "Provisional value"),
    "U": ("Lage betrouwbaarheid", "Low reliability"),
}
CONF_STATUS = {"F": ("Vrij voor publicatie", "Free")}

#: Concepts besides the dimensions: id → (Dutch name, English name, Dutch and English meaning).
_CONCEPTS: dict[str, tuple[str, str, str, str]] = {
    "TIME_PERIOD": ("Periode", "Period", "de periode van de publicatie", "the release's period"),
    "OBS_VALUE": ("Aantal", "Count", *VALUE_DESCRIPTIONS["estimate"]),
    "ESTIMATE_UNROUNDED": (
        "Onafgeronde schatting",
        "Unrounded estimate",
        *VALUE_DESCRIPTIONS["estimate_unrounded"],
    ),
    "STD_ERROR": ("Standaardfout", "Standard error", *VALUE_DESCRIPTIONS["std_error"]),
    "CI_LOW": ("Ondergrens 95%-interval", "95% interval, lower", *VALUE_DESCRIPTIONS["ci_low"]),
    "CI_HIGH": ("Bovengrens 95%-interval", "95% interval, upper", *VALUE_DESCRIPTIONS["ci_high"]),
    "OBS_STATUS": (
        "Status van de waarneming",
        "Observation status",
        "A normaal, P voorlopig, U lage betrouwbaarheid (codes van SDMX CL_OBS_STATUS)",
        "A normal, P provisional, U low reliability (codes of SDMX CL_OBS_STATUS)",
    ),
    "CONF_STATUS": (
        "Vertrouwelijkheid",
        "Confidentiality status",
        "F: vrij voor publicatie (code van SDMX CL_CONF_STATUS)",
        "F: free for publication (code of SDMX CL_CONF_STATUS)",
    ),
    "RELEASE_ID": (
        "Publicatie",
        "Release",
        "het id van de lekstat-publicatie waar de cijfers uit komen",
        "the id of the lekstat release the figures come from",
    ),
}


def sdmx_id(dimension: str) -> str:
    """The SDMX id of a table dimension: ``function_group`` → ``FUNCTION_GROUP``."""
    return dimension.upper()


def dimensions_of(meta: Mapping[str, Any]) -> list[str]:
    """A table's dimensions in SDMX: ``stage`` first (a fixed stage is a dimension of one code)."""
    dims = [str(d) for d in meta["dimensions"]]
    return dims if STAGE in dims else [STAGE, *dims]


def dsd_id(meta: Mapping[str, Any]) -> str:
    """The id of the structure of a table: one per set of dimensions."""
    return "DSD_" + "_".join(sdmx_id(d) for d in dimensions_of(meta))


def dataflow_id(meta: Mapping[str, Any]) -> str:
    """The id of a table's dataflow."""
    return "DF_" + str(meta["name"]).upper()


def _urn(kind: str, ident: str) -> str:
    return f"urn:sdmx:org.sdmx.infomodel.{kind}={AGENCY}:{ident}({VERSION})"


def _codelist_urn(dimension: str) -> str:
    return _urn("codelist.Codelist", f"CL_{sdmx_id(dimension)}")


def _concept_urn(ident: str) -> str:
    scheme = f"{AGENCY}:CS_LEKSTAT({VERSION})"
    return f"urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept={scheme}.{ident}"


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    prefix, name = tag.split(":")
    element = ET.SubElement(parent, f"{{{_NS[prefix]}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def _names(parent: ET.Element, nl: str, en: str, tag: str = "com:Name") -> None:
    for lang, text in (("nl", nl), ("en", en)):
        if text:
            _el(parent, tag, text, **{_LANG: lang})


def _maintainable(parent: ET.Element, tag: str, ident: str, kind: str) -> ET.Element:
    return _el(
        parent,
        tag,
        id=ident,
        agencyID=AGENCY,
        version=VERSION,
        urn=_urn(kind, ident),
        isExternalReference="false",
    )


def _codelist(
    parent: ET.Element, ident: str, nl: str, en: str, codes: Sequence[tuple[str, str, str]]
) -> None:
    codelist = _maintainable(parent, "str:Codelist", ident, "codelist.Codelist")
    _names(codelist, nl, en)
    for code, label_nl, label_en in codes:
        item = _el(codelist, "str:Code", id=code, urn=f"{_urn('codelist.Code', ident)}.{code}")
        _names(item, label_nl, label_en)


def _dimension_codes(dimension: str, year: int, quarter: int | None) -> list[tuple[str, str, str]]:
    return [
        (code, code_label(dimension, code, "nl"), code_label(dimension, code, "en"))
        for code in dimension_codes(dimension, year=year, quarter=quarter)
    ]


def _representation(parent: ET.Element, *, enumeration: str | None = None, text: str = "") -> None:
    local = _el(parent, "str:LocalRepresentation")
    if enumeration is not None:
        _el(local, "str:Enumeration", enumeration)
    else:
        _el(local, "str:TextFormat", textType=text)


def _component(parent: ET.Element, tag: str, ident: str, **attrs: str) -> ET.Element:
    component = _el(parent, tag, id=ident, **attrs)
    _el(component, "str:ConceptIdentity", _concept_urn(ident))
    return component


def _dsd(parent: ET.Element, meta: Mapping[str, Any]) -> None:
    ident = dsd_id(meta)
    dsd = _maintainable(parent, "str:DataStructure", ident, "datastructure.DataStructure")
    labels = [dimension_label(d, "nl") for d in dimensions_of(meta)]
    labels_en = [dimension_label(d, "en") for d in dimensions_of(meta)]
    _names(dsd, "lekstat: " + " × ".join(labels), "lekstat: " + " × ".join(labels_en))
    components = _el(dsd, "str:DataStructureComponents")
    dimension_list = _el(components, "str:DimensionList", id="DimensionDescriptor")
    for position, d in enumerate(dimensions_of(meta), start=1):
        dim = _component(dimension_list, "str:Dimension", sdmx_id(d), position=str(position))
        _representation(dim, enumeration=_codelist_urn(d))
    time = _component(dimension_list, "str:TimeDimension", "TIME_PERIOD")
    _representation(time, text="ObservationalTimePeriod")
    attributes = _el(components, "str:AttributeList", id="AttributeDescriptor")
    for ident in ("OBS_STATUS", "CONF_STATUS"):
        attribute = _component(attributes, "str:Attribute", ident, usage="mandatory")
        _representation(attribute, enumeration=_urn("codelist.Codelist", f"CL_{ident}"))
        _el(_el(attribute, "str:AttributeRelationship"), "str:Observation")
    release = _component(attributes, "str:Attribute", "RELEASE_ID", usage="mandatory")
    _representation(release, text="String")
    _el(_el(release, "str:AttributeRelationship"), "str:Dataflow")
    measures = _el(components, "str:MeasureList", id="MeasureDescriptor")
    for ident, _, text_type in MEASURES:
        measure = _component(measures, "str:Measure", ident)
        _representation(measure, text=text_type)


def structure_xml(release: Mapping[str, Any], prepared: str) -> bytes:
    """The SDMX-ML 3.0 structure message of a release's tables."""
    year, quarter = int(release["year"]), release.get("quarter")
    tables = list(release["tables"])
    used = sorted({d for meta in tables for d in dimensions_of(meta)})
    root = ET.Element(f"{{{_NS['mes']}}}Structure")
    header = _el(root, "mes:Header")
    _el(header, "mes:ID", f"LEKSTAT_{str(release['id']).upper().replace('-', '_')}")
    _el(header, "mes:Test", "false")
    _el(header, "mes:Prepared", prepared)
    _el(header, "mes:Sender", id=AGENCY)
    structures = _el(root, "mes:Structures")
    codelists = _el(structures, "str:Codelists")
    for d in used:
        _codelist(
            codelists,
            f"CL_{sdmx_id(d)}",
            dimension_label(d, "nl"),
            dimension_label(d, "en"),
            _dimension_codes(d, year, quarter),
        )
    for ident, codes, nl, en in (
        ("CL_OBS_STATUS", OBS_STATUS, "Status van de waarneming", "Observation status"),
        ("CL_CONF_STATUS", CONF_STATUS, "Vertrouwelijkheid", "Confidentiality status"),
    ):
        _codelist(codelists, ident, nl, en, [(c, *names) for c, names in codes.items()])
    schemes = _el(structures, "str:ConceptSchemes")
    scheme = _maintainable(
        schemes, "str:ConceptScheme", "CS_LEKSTAT", "conceptscheme.ConceptScheme"
    )
    _names(scheme, "Begrippen van lekstat", "Concepts of lekstat")
    taxonomy = load_taxonomy(str(release.get("taxonomy_version") or "1"))
    for d in used:
        concept = _el(scheme, "str:Concept", id=sdmx_id(d), urn=_concept_urn(sdmx_id(d)))
        _names(concept, dimension_label(d, "nl"), dimension_label(d, "en"))
        if d in taxonomy.dimensions:
            _names(
                concept,
                taxonomy.dimension(d).description("nl"),
                taxonomy.dimension(d).description("en"),
                "com:Description",
            )
    for ident, (nl, en, meaning_nl, meaning_en) in _CONCEPTS.items():
        concept = _el(scheme, "str:Concept", id=ident, urn=_concept_urn(ident))
        _names(concept, nl, en)
        _names(concept, meaning_nl, meaning_en, "com:Description")
    flows = _el(structures, "str:Dataflows")
    for meta in tables:
        flow = _maintainable(flows, "str:Dataflow", dataflow_id(meta), "datastructure.Dataflow")
        _names(flow, str(meta.get("title_nl", "")), str(meta.get("title_en", "")))
        _el(flow, "str:Structure", _urn("datastructure.DataStructure", dsd_id(meta)))
    dsds = _el(structures, "str:DataStructures")
    for ident in sorted({dsd_id(m) for m in tables}):
        _dsd(dsds, next(m for m in tables if dsd_id(m) == ident))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def obs_status(unreliable: bool, provisional: bool) -> str:
    """An observation's status: ``U`` unreliable, else ``P`` provisional, else ``A``."""
    return "U" if unreliable else "P" if provisional else "A"


def data_csv(release: Mapping[str, Any], meta: Mapping[str, Any], frame: pd.DataFrame) -> bytes:
    """A table as SDMX-CSV 2.0 (UTF-8, ``,``, decimal point), for :func:`structure_xml`."""
    dims = dimensions_of(meta)
    stage = meta.get("stage")
    provisional = bool(release.get("provisional", True))
    structure_id = f"{AGENCY}:{dataflow_id(meta)}({VERSION})"
    measures = [(ident, column) for ident, column, _ in MEASURES if column in frame.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "STRUCTURE",
            "STRUCTURE_ID",
            "ACTION",
            *[sdmx_id(d) for d in dims],
            "TIME_PERIOD",
            *[ident for ident, _ in measures],
            "OBS_STATUS",
            "CONF_STATUS",
            "RELEASE_ID",
        ]
    )
    period = provenance.period_of(release)
    for row in frame.to_dict(orient="records"):
        codes = [str(stage) if d == STAGE and STAGE not in frame.columns else str(row[d])
                 for d in dims]  # fmt: skip
        values = [_value(row[column]) for _, column in measures]
        status = obs_status(bool(row["unreliable"]), provisional)
        writer.writerow(
            ["dataflow", structure_id, "I", *codes, period, *values, status, "F", release["id"]]
        )
    return buffer.getvalue().encode("utf-8")


def _value(value: Any) -> str:
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    return str(value)


def structure(ctx: Context, actor: Principal, release_id: str) -> exports.Download:
    """The SDMX-ML 3.0 structure message of a release the caller may read."""
    release = exports.resolve(ctx, actor, release_id)
    body = structure_xml(release, iso(ctx.now()) or "")
    return exports.Download(f"lekstat-{release['id']}-sdmx-structure.xml", STRUCTURE_TYPE, body)


def data(ctx: Context, actor: Principal, release_id: str, name: str) -> exports.Download:
    """One table of a release as SDMX-CSV 2.0."""
    release, meta, frame = exports.table(ctx, actor, release_id, name)
    return exports.Download(
        f"lekstat-{release['id']}-{name}-sdmx.csv",
        DATA_TYPE,
        data_csv(release, meta, frame),
    )
