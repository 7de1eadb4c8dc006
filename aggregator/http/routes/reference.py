"""Reference data for everyone: the taxonomy with labels, and the municipality register."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from aggregator.http.deps import ContextDep
from aggregator.http.errors import Unprocessable
from aggregator.http.models import COMMON
from schemas.municipalities import load_register
from schemas.taxonomy import GROUP_DIMENSION, load_taxonomy

router = APIRouter(prefix="/api/v1", tags=["reference"], responses=COMMON)


@router.get("/taxonomy", summary="The current taxonomy: codes with Dutch and English labels")
def taxonomy() -> dict[str, Any]:
    """Every dimension with its codes, labels and descriptions, and the function groups."""
    tax = load_taxonomy()
    dims = []
    for name in (*tax.dimension_names, GROUP_DIMENSION):
        dim = tax.dimension(name)
        dims.append(
            {
                "name": name,
                "label_nl": dim.label_nl,
                "label_en": dim.label_en,
                "description_nl": dim.description_nl,
                "description_en": dim.description_en,
                "codes": [
                    {
                        "code": c.code,
                        "label_nl": c.label_nl,
                        "label_en": c.label_en,
                        "description_nl": c.description_nl,
                        "description_en": c.description_en,
                        **({"group": c.group} if c.group else {}),
                    }
                    for c in dim.entries
                ],
            }
        )
    return {
        "version": tax.version,
        "submission_columns": [*tax.dimension_names, "count"],
        "dimensions": dims,
    }


@router.get("/municipalities", summary="The municipalities of a year, with their provinces")
def municipalities(
    context: ContextDep, year: int | None = Query(None, ge=2024, le=2100)
) -> dict[str, Any]:
    """The register for ``year`` (default: this year)."""
    register = load_register()
    the_year = year or context.now().year
    current = register.valid_in(the_year)
    if not current:
        raise Unprocessable(
            f"geen gemeenten bekend voor {the_year}",
            f"no municipalities known for {the_year}",
            code="unknown_year",
        )
    return {
        "year": the_year,
        "municipalities": [
            {
                "code": m.code,
                "name": m.name,
                "province": m.province_code,
                "province_name": m.province_name,
            }
            for m in current
        ],
        "provinces": [{"code": p.code, "name": p.name} for p in register.provinces],
    }
