"""One published figure across the years: its value in each year's yearly release, the change
from year to year, and the sum over the final years (post-processing: no budget is spent).

Per year the series takes the newest yearly release the caller may read, a final one before a
provisional one (which only analysts and statisticians see). Changes and the sum use only the
final years: a provisional figure can still change. How the sum and the changes are computed is
:mod:`aggregator.dp.multiyear` (methodology §8).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from aggregator.dp.multiyear import MultiYearError, changes, multiyear_sum
from aggregator.services import provenance, releases
from aggregator.services.auth import Principal
from aggregator.services.context import Context
from aggregator.services.refusals import invalid, not_found
from schemas.tables import VALUE_COLUMNS, code_label, dimension_codes, dimension_label

#: What a change from one year to the next says (:func:`aggregator.dp.multiyear.changes`).
CHANGE_FIELDS = (
    "from_year",
    "to_year",
    "change",
    "std_error",
    "ci_low",
    "ci_high",
    "excludes_zero",
)


def yearly_releases(ctx: Context, actor: Principal, name: str) -> dict[int, dict[str, Any]]:
    """Per year, the newest yearly release with table ``name`` the caller may read (final first)."""
    chosen: dict[int, dict[str, Any]] = {}
    for release in releases.listing(ctx, actor):  # oldest first
        if release.get("quarter") or not any(t["name"] == name for t in release["tables"]):
            continue
        year = int(release["year"])
        held = chosen.get(year)
        if held is None or held.get("provisional", True) or not release.get("provisional", True):
            chosen[year] = release
    return dict(sorted(chosen.items()))


def _meta(release: Mapping[str, Any], name: str) -> dict[str, Any]:
    return dict(next(t for t in release["tables"] if t["name"] == name))


def check_cell(meta: Mapping[str, Any], year: int, cell: Mapping[str, str]) -> dict[str, str]:
    """The cell's codes by dimension, or a refusal that names what the table's cells are."""
    dims = [str(d) for d in meta["dimensions"]]
    given = {str(k): str(v).strip().upper() for k, v in cell.items()}
    problems_nl, problems_en = [], []
    unknown = sorted(set(given) - set(dims))
    if unknown:
        problems_nl.append(f"de tabel heeft geen dimensie {', '.join(unknown)}")
        problems_en.append(f"the table has no dimension {', '.join(unknown)}")
    for d in dims:
        codes = dimension_codes(d, year=year)
        if d not in given:
            problems_nl.append(f"kies {d} uit {', '.join(codes)}")
            problems_en.append(f"choose {d} from {', '.join(codes)}")
        elif given[d] not in codes:
            problems_nl.append(f"{d} {given[d]!r} bestaat niet; kies uit {', '.join(codes)}")
            problems_en.append(f"{d} {given[d]!r} does not exist; choose from {', '.join(codes)}")
    if problems_en:
        raise invalid(
            "bad_cell",
            f"welk cijfer van {meta['name']}? " + "; ".join(problems_nl),
            f"which figure of {meta['name']}? " + "; ".join(problems_en),
            [{"dimensions": {d: list(dimension_codes(d, year=year)) for d in dims}}],
        )
    return {d: given[d] for d in dims}


def _row(frame: pd.DataFrame, codes: Mapping[str, str]) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    for d, code in codes.items():
        mask &= frame[d].astype(str) == code
    return frame[mask].reset_index(drop=True)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): (v.item() if hasattr(v, "item") else v) for k, v in r.items()}
        for r in frame.to_dict(orient="records")
    ]


def series(ctx: Context, actor: Principal, name: str, cell: Mapping[str, str]) -> dict[str, Any]:
    """Figure ``cell`` of table ``name`` in every year the caller may read, with the changes
    and the sum over the final years."""
    chosen = yearly_releases(ctx, actor, name)
    if not chosen:
        known = sorted(
            {
                t["name"]
                for r in releases.listing(ctx, actor)
                if not r.get("quarter")
                for t in r["tables"]
            }
        )
        raise not_found(
            "no_such_table",
            f"geen jaarpublicatie heeft een tabel {name!r}; wel: {', '.join(known) or 'geen'}",
            f"no yearly release has a table {name!r}; tables: {', '.join(known) or 'none'}",
            [{"tables": known}],
        )
    newest = chosen[max(chosen)]
    meta = _meta(newest, name)
    codes = check_cell(meta, int(newest["year"]), cell)
    points, frames = [], {}
    for year, release in chosen.items():
        if _meta(release, name)["dimensions"] != meta["dimensions"]:
            continue  # another table under the same name: not the same figure
        table = ctx.store.release_table(str(release["id"]), name)
        row = _row(table, codes) if table is not None else pd.DataFrame()
        if row.empty:
            continue
        values = {c: v for c, v in _records(row)[0].items() if c in VALUE_COLUMNS}
        points.append(
            {
                "year": year,
                "release_id": release["id"],
                "status": provenance.status_of(release),
                "provisional": bool(release.get("provisional", True)),
                "created_at": release["created_at"],
                "rho": release["rho"],
                **values,
            }
        )
        if not release.get("provisional", True):
            frames[year] = row
    return {
        "table": name,
        "title": {"nl": meta.get("title_nl", ""), "en": meta.get("title_en", "")},
        "dimensions": list(meta["dimensions"]),
        "stage": meta.get("stage"),
        "cell": codes,
        "cell_labels": {
            d: {
                "dimension_nl": dimension_label(d, "nl"),
                "dimension_en": dimension_label(d, "en"),
                "nl": code_label(d, c, "nl"),
                "en": code_label(d, c, "en"),
            }
            for d, c in codes.items()
        },
        "points": points,
        **_combined(frames),
        "marks": [dict(m) for m in provenance.MARKS],
    }


def _combined(frames: dict[int, pd.DataFrame]) -> dict[str, Any]:
    """The changes between consecutive final years and their sum (when there are two)."""
    if len(frames) < 2:
        return {"changes": [], "sum": None}
    try:
        moved = changes(frames)
        total = multiyear_sum(frames)
    except MultiYearError:  # a release made before the unrounded estimate was published
        return {"changes": [], "sum": None}
    values = {c: v for c, v in _records(total)[0].items() if c in VALUE_COLUMNS}
    return {
        "changes": [{k: r[k] for k in CHANGE_FIELDS} for r in _records(moved)],
        "sum": {"years": sorted(frames), **values},
    }
