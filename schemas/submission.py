"""A validated submission and its canonical form (the basis of receipts and idempotency keys).

The canonical form is independent of how the file was written: codes normalised, combinations
with count 0 left out (a missing combination means 0), rows sorted in taxonomy order. Two files
that mean the same thing have the same SHA-256.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pandas as pd

from schemas.periods import Period
from schemas.reading import COUNT
from schemas.taxonomy import Taxonomy, load_taxonomy

CANONICAL_HEADER = "lekstat-submission/1"


@dataclass(frozen=True)
class Submission:
    """A valid submission: the non-zero counts of one municipality for one quarter."""

    period: Period
    municipality: str | None
    nil_return: bool
    taxonomy_version: str
    rows: pd.DataFrame
    rows_received: int

    @classmethod
    def from_rows(
        cls,
        rows: pd.DataFrame,
        *,
        period: Period,
        municipality: str | None,
        nil_return: bool,
        taxonomy: Taxonomy | None = None,
    ) -> Submission:
        """Normalise validated rows (dimension columns and ``count``) into a submission."""
        taxonomy = taxonomy or load_taxonomy()
        dims = list(taxonomy.dimension_names)
        kept = rows.loc[rows[COUNT] > 0, [*dims, COUNT]]
        if len(kept) > 1:
            order = {d: {c: i for i, c in enumerate(taxonomy.codes(d))} for d in dims}
            kept = kept.sort_values(dims, key=lambda col: col.map(order[str(col.name)]))
        kept = kept.reset_index(drop=True).astype({COUNT: "int64", **dict.fromkeys(dims, object)})
        return cls(period, municipality, nil_return, taxonomy.version, kept, len(rows))

    @property
    def total(self) -> int:
        """The sum of all counts."""
        return int(self.rows[COUNT].sum()) if len(self.rows) else 0

    @property
    def row_count(self) -> int:
        """The number of non-zero combinations."""
        return len(self.rows)

    def canonical_text(self) -> str:
        """The canonical text whose SHA-256 identifies the submission's content."""
        dims = [c for c in self.rows.columns if c != COUNT]
        lines = [
            CANONICAL_HEADER,
            f"taxonomy={self.taxonomy_version}",
            f"municipality={self.municipality or ''}",
            f"period={self.period}",
            f"nil_return={'true' if self.nil_return else 'false'}",
            ",".join([*dims, COUNT]),
        ]
        lines.extend(",".join(str(v) for v in row) for row in self.rows.itertuples(index=False))
        return "\n".join(lines) + "\n"

    def sha256(self) -> str:
        """The SHA-256 of the canonical text, in hex."""
        return hashlib.sha256(self.canonical_text().encode("utf-8")).hexdigest()

    def records(self) -> list[dict[str, Any]]:
        """The rows as JSON-ready records."""
        return [
            {str(k): (int(v) if k == COUNT else str(v)) for k, v in rec.items()}
            for rec in self.rows.to_dict(orient="records")
        ]
