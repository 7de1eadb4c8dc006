"""The columns of a submission file by name, in English and Dutch (no pandas: cheap to import).

>>> column_header("count", "nl"), column_header("count", "en"), column_header("opmerking", "nl")
('aantal', 'count', 'opmerking')
"""

from __future__ import annotations

from schemas.lang import Lang

COUNT = "count"
MUNICIPALITY = "municipality"
PERIOD = "period"
OPTIONAL_COLUMNS = (MUNICIPALITY, PERIOD)

#: Dutch (and a few common) header names accepted for each column.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "function_type": ("functietype", "functie_type", "functie", "werkveld"),
    "data_category": ("gegevenscategorie", "gegevens_categorie", "categorie"),
    "stage": ("fase",),
    "employment_type": ("dienstverband", "dienstverbandtype"),
    "motive": ("motief",),
    COUNT: ("aantal", "number", "n"),
    MUNICIPALITY: ("gemeente", "gemeentecode"),
    PERIOD: ("periode", "kwartaal", "quarter"),
}


def column_header(column: str, lang: Lang = "nl") -> str:
    """The header a template writes for ``column``: ``aantal`` in Dutch, ``count`` in English.

    Reading accepts both, whatever the language of the template the file came from.
    """
    return HEADER_ALIASES.get(column, (column,))[0] if lang == "nl" else column
