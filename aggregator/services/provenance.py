"""Where a published figure comes from: the metadata every download carries, and the marks.

One dictionary per table of a release (:func:`provenance`): the release id and period, whether
it is provisional or final, ρ and (ε, δ), when it was made, the taxonomy version, what each
column means and which marks a figure can carry. Every format writes the same dictionary: in
the JSON document, in the Parquet file's metadata, beside the CSV as W3C *CSV on the Web*
metadata (:func:`csvw`), in the SDMX structure, and in the client's ``DataFrame.attrs``.

Marks follow CBS and SDMX: ``*`` for a provisional figure (CBS, "voorlopig cijfer"), and for
a figure whose 95% interval is wider than itself the report's unreliable mark.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aggregator.report import i18n as report_text
from schemas.tables import VALUE_COLUMNS, VALUE_DESCRIPTIONS, VALUE_TYPES, dimension_label
from schemas.taxonomy import load_taxonomy

#: The report's marks (:mod:`aggregator.report.i18n`), so pages, files and report agree: CBS's
#: ``*`` for a provisional figure, SDMX's and Eurostat's ``u`` (low reliability) for one whose
#: 95% interval is wider than itself.
PROVISIONAL_MARK: str = report_text.PROVISIONAL_MARK
UNRELIABLE_MARK: str = report_text.UNRELIABLE_MARK

#: The marks, with what they mean in both languages.
MARKS: tuple[dict[str, str], ...] = (
    {
        "mark": PROVISIONAL_MARK,
        "meaning": "provisional",
        "nl": "voorlopig cijfer: de publicatie is gemaakt voordat elk kwartaal ervan was "
        "afgelopen en vergrendeld; de definitieve publicatie kan ervan afwijken",
        "en": "provisional figure: the release was made before every quarter of it had ended "
        "and was locked; the final release may differ",
    },
    {
        "mark": UNRELIABLE_MARK,
        "meaning": "unreliable",
        "nl": "onbetrouwbaar: het 95%-interval is breder dan het cijfer zelf (kolom "
        "unreliable); lees het als een orde van grootte",
        "en": "unreliable: the 95% interval is wider than the figure itself (column "
        "unreliable); read it as an order of magnitude",
    },
)

#: What a label column means, in both languages (``{dimension}`` is its dimension's label).
LABEL_DESCRIPTION = (
    "de omschrijving van de code in de kolom ervoor ({dimension})",
    "the label of the code in the column before it ({dimension})",
)


def period_of(release: Mapping[str, Any]) -> str:
    """``2025`` or ``2025-Q3``: the period a release is about."""
    quarter = release.get("quarter")
    return f"{release['year']}" + (f"-Q{quarter}" if quarter else "")


def status_of(release: Mapping[str, Any]) -> str:
    """``provisional`` or ``final``."""
    return "provisional" if release.get("provisional", True) else "final"


def columns(dimensions: Sequence[str], *, labels: bool) -> list[dict[str, Any]]:
    """Every column of a downloaded table, in order: name, type and meaning in both languages."""
    out: list[dict[str, Any]] = []
    for d in dimensions:
        nl, en = dimension_label(d, "nl"), dimension_label(d, "en")
        out.append({"name": d, "type": "string", "nl": f"code: {nl}", "en": f"code: {en}"})
        if labels:
            out.append(
                {
                    "name": f"{d}_label",
                    "type": "string",
                    "nl": LABEL_DESCRIPTION[0].format(dimension=nl),
                    "en": LABEL_DESCRIPTION[1].format(dimension=en),
                }
            )
    for name in VALUE_COLUMNS:
        nl, en = VALUE_DESCRIPTIONS[name]
        out.append({"name": name, "type": VALUE_TYPES[name], "nl": nl, "en": en})
    return out


def provenance(
    release: Mapping[str, Any], meta: Mapping[str, Any], *, labels: bool = True
) -> dict[str, Any]:
    """The metadata of one published table: everything a reader needs to cite and read it."""
    taxonomy = load_taxonomy(str(release.get("taxonomy_version") or "1"))
    dims = [str(d) for d in meta["dimensions"]]
    stage = meta.get("stage")
    release_id = str(release["id"])
    return {
        "release_id": release_id,
        "table": str(meta["name"]),
        "title": {"nl": meta.get("title_nl", ""), "en": meta.get("title_en", "")},
        "period": period_of(release),
        "year": int(release["year"]),
        "quarter": release.get("quarter"),
        "status": status_of(release),
        "provisional": bool(release.get("provisional", True)),
        "created_at": release["created_at"],
        "rho": float(release["rho"]),
        "epsilon": float(release["epsilon"]),
        "delta": float(release["delta"]),
        "table_rho": float(meta["rho"]),
        "privacy_unit": release.get("privacy_unit", ""),
        "mechanism": release.get("mechanism", ""),
        "taxonomy_version": str(release.get("taxonomy_version", "")),
        "package_version": str(release.get("package_version", "")),
        "stage": None
        if stage is None
        else {
            "code": stage,
            "nl": taxonomy.label("stage", stage, "nl"),
            "en": taxonomy.label("stage", stage, "en"),
        },
        "dimensions": [
            {"name": d, "nl": dimension_label(d, "nl"), "en": dimension_label(d, "en")}
            for d in dims
        ],
        "columns": columns(dims, labels=labels),
        "marks": [dict(m) for m in MARKS],
        "smallest_reliable": meta.get("smallest_reliable"),
        "coverage": {
            period: {"expected": c["expected"], "reported": c["reported"], "ended": c["ended"]}
            for period, c in sorted((release.get("coverage") or {}).items())
        },
        "coverage_check": dict(release.get("coverage_check") or {}),
        "certificate": f"/api/v1/releases/{release_id}/certificate",
        "methodology": "/methodology",
    }


def _texts(nl: str, en: str) -> list[dict[str, str]]:
    return [{"@value": nl, "@language": "nl"}, {"@value": en, "@language": "en"}]


def _datatype(kind: str, decimal: str) -> Any:
    if kind == "int64":
        return "integer"
    if kind == "float64":
        return {"base": "double", "format": {"decimalChar": decimal}}
    if kind == "bool":
        return {"base": "boolean", "format": "true|false"}
    return "string"


def csvw(data: Mapping[str, Any], url: str, *, sep: str) -> dict[str, Any]:
    """W3C CSV on the Web metadata of a downloaded CSV (``<file>.csv-metadata.json``): the
    dialect, every column with its type and meaning, and the provenance in ``notes``."""
    decimal = "," if sep == ";" else "."
    title = data["title"]
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "nl"}],
        "url": url,
        "dc:identifier": f"{data['release_id']}/{data['table']}",
        "dc:title": _texts(title["nl"], title["en"]),
        "dc:description": _texts(
            f"Publicatie {data['release_id']} over {data['period']} ({_status_nl(data)}); "
            f"rho = {data['rho']:.6g}, epsilon = {data['epsilon']:.6g}, delta = {data['delta']:g}",
            f"Release {data['release_id']} of {data['period']} ({data['status']}); "
            f"rho = {data['rho']:.6g}, epsilon = {data['epsilon']:.6g}, delta = {data['delta']:g}",
        ),
        "dc:issued": data["created_at"],
        "dc:publisher": "lekstat",
        "dialect": {
            "delimiter": sep,
            "encoding": "utf-8",
            "header": True,
            "doubleQuote": True,
            "lineTerminators": ["\n"],
        },
        "tableSchema": {
            "columns": [
                {
                    "name": c["name"],
                    "titles": c["name"],
                    "dc:description": _texts(c["nl"], c["en"]),
                    "datatype": _datatype(c["type"], decimal),
                }
                for c in data["columns"]
            ],
            "primaryKey": [d["name"] for d in data["dimensions"]],
        },
        "notes": [{"type": "lekstat-provenance", **data}],
    }


def _status_nl(data: Mapping[str, Any]) -> str:
    return "voorlopig" if data["provisional"] else "definitief"


def readme(data: Mapping[str, Any], lang: str, files: Sequence[str]) -> str:
    """A plain-text note beside the files of a download: what they are and where they come from."""
    en = lang == "en"
    title = data["title"]["en" if en else "nl"]
    lines = [
        title,
        "=" * len(title),
        "",
        ("Release" if en else "Publicatie") + f": {data['release_id']}",
        ("Period" if en else "Periode") + f": {data['period']}",
        "Status: "
        + (data["status"] if en else _status_nl(data))
        + (f" ({PROVISIONAL_MARK})" if data["provisional"] else ""),
        ("Created" if en else "Gemaakt op") + f": {data['created_at']}",
        f"rho = {data['rho']:.6g}; epsilon = {data['epsilon']:.6g}; delta = {data['delta']:g}",
        ("Taxonomy version" if en else "Versie van de taxonomie") + f": {data['taxonomy_version']}",
        "",
        "Files" if en else "Bestanden",
        *[f"- {name}" for name in files],
        "",
        "Columns" if en else "Kolommen",
        *[f"- {c['name']}: {c['en' if en else 'nl']}" for c in data["columns"]],
        "",
        "Marks" if en else "Tekens",
        *[f"- {m['mark']}  {m['en' if en else 'nl']}" for m in data["marks"]],
        "",
        (
            "The figures are protected with differential privacy (OpenDP) and have a margin "
            "of error. How to read them: /methodology; the privacy certificate: "
            if en
            else "De cijfers zijn beschermd met differentiële privacy (OpenDP) en hebben een "
            "foutmarge. Hoe u ze leest: /methodology; het privacycertificaat: "
        )
        + data["certificate"],
        "",
    ]
    return "\n".join(lines)
