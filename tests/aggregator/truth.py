"""Synthetic truth for the engine's tests: incidents turned into latest-submission rows.

Incidents are drawn with concentrated categories (a few function types, data categories and
municipalities carry most cases) and a path through the stages, each stage reached at most once
and never before the previous one. Aggregating them gives rows like the store hands the engine,
so every table built from them is consistent, as with real data. numpy's Generator is fine
here: this is the *truth*, never privacy noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aggregator.counting import ROW_COLUMNS
from schemas.municipalities import load_register
from schemas.taxonomy import load_taxonomy

_FUNCTION_WEIGHTS = [35, 12, 10, 12, 5, 2, 2, 10, 5, 2, 1, 1, 1, 1, 1]
_CATEGORY_WEIGHTS = [45, 15, 15, 3, 10, 5, 2, 5]
_EMPLOYMENT_WEIGHTS = [60, 20, 12, 3, 5]
_MOTIVE_WEIGHTS = [30, 35, 25, 10]
# Probability that an incident goes on from the stage in the key to the stage in the value.
_PATH = {
    "ST01_SIGNAAL": [("ST02_INTERN_ONDERZOEK", 0.7), ("ST03_DATALEK_AP", 0.25)],
    "ST02_INTERN_ONDERZOEK": [
        ("ST04_MELDING_RR_AANGIFTE", 0.45),
        ("ST06_DISCIPLINAIR", 0.4),
        ("ST08_AFGESLOTEN_GEEN_GEVOLG", 0.35),
    ],
    "ST04_MELDING_RR_AANGIFTE": [("ST05_AANHOUDING", 0.2), ("ST07_VEROORDELING", 0.15)],
}


def _probabilities(weights: list[int]) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


def incidents(seed: int, *, year: int = 2026, count: int = 120) -> pd.DataFrame:
    """One row per (incident, stage reached in ``year``), with the incident's dimensions."""
    rng = np.random.default_rng(seed)
    tax = load_taxonomy()
    municipalities = [m.code for m in load_register().valid_in(year)]
    # A few large municipalities see most incidents (Zipf-like, order shuffled per seed).
    size = 1.0 / np.arange(1, len(municipalities) + 1) ** 1.1
    size = rng.permutation(size / size.sum())
    records = []
    for _ in range(count):
        fixed = {
            "municipality": municipalities[rng.choice(len(municipalities), p=size)],
            "function_type": rng.choice(
                tax.codes("function_type"), p=_probabilities(_FUNCTION_WEIGHTS)
            ),
            "data_category": rng.choice(
                tax.codes("data_category"), p=_probabilities(_CATEGORY_WEIGHTS)
            ),
            "employment_type": rng.choice(
                tax.codes("employment_type"), p=_probabilities(_EMPLOYMENT_WEIGHTS)
            ),
            "motive": rng.choice(tax.codes("motive"), p=_probabilities(_MOTIVE_WEIGHTS)),
        }
        reached = {"ST01_SIGNAAL": int(rng.integers(1, 5))}
        frontier = ["ST01_SIGNAAL"]
        while frontier:
            stage = frontier.pop()
            for nxt, p in _PATH.get(stage, []):
                if nxt not in reached and rng.random() < p:
                    reached[nxt] = reached[stage] + int(rng.integers(0, 3))
                    frontier.append(nxt)
        for stage, q in reached.items():
            if q <= 4:  # later quarters fall in the next data year
                records.append({**fixed, "stage": stage, "period": f"{year}-Q{q}"})
    return pd.DataFrame(records)


def rows(
    seed: int, *, year: int = 2026, quarter: int | None = None, count: int = 120
) -> pd.DataFrame:
    """Latest-submission rows (non-zero combinations with their counts) from the incidents."""
    events = incidents(seed, year=year, count=count)
    if quarter is not None:
        events = events[events["period"] == f"{year}-Q{quarter}"]
    keys = [c for c in ROW_COLUMNS if c != "count"]
    out = events.groupby(keys, as_index=False).size().rename(columns={"size": "count"})
    out["count"] = out["count"].astype(np.int64)
    return out
