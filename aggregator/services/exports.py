"""Downloads of a published table with its provenance: CSV, JSON, Parquet, or CSV in a zip.

- **CSV**: UTF-8 with a byte-order mark, ``;``-separated with a decimal comma (what Dutch
  Excel opens into columns), or ``,`` with a decimal point on request. The metadata stands
  beside it as W3C *CSV on the Web* metadata (``<file>.csv-metadata.json``, linked from the
  answer's ``Link`` header): a header block inside the CSV would break Excel and every CSV
  reader, so the data stays a plain table.
- **zip**: the CSV, its metadata and a short text note, together, so they cannot be separated
  by a download (what CBS offers as "CSV met metadata").
- **JSON**: one document, ``metadata`` (the provenance) beside ``rows``.
- **Parquet**: the provenance in the file's key-value metadata (``lekstat``, and
  ``PANDAS_ATTRS`` so that ``pandas.read_parquet`` gives it back in ``DataFrame.attrs``), and
  each column's meaning in its field metadata.

Reading a release spends nothing; a caller reads what :func:`releases.visible` lets them.
"""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from aggregator.services import provenance, releases
from aggregator.services.auth import Principal
from aggregator.services.context import Context
from aggregator.services.refusals import invalid, not_found
from schemas.safe_cells import csv_cell, neutralise
from schemas.tables import with_labels

Format = Literal["csv", "json", "parquet", "zip", "csv-metadata.json"]
FORMATS: tuple[Format, ...] = ("csv", "json", "parquet", "zip", "csv-metadata.json")
SEPARATORS = (";", ",")
#: ``latest``: the newest final release the caller may read (a yearly one before a quarterly).
LATEST = "latest"

MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
    "zip": "application/zip",
    "csv-metadata.json": "application/csvm+json",
}


@dataclass(frozen=True)
class Download:
    """A file to hand over: its name, media type and bytes."""

    filename: str
    media_type: str
    body: bytes
    #: The file that describes this one (CSV on the Web), if any.
    described_by: str | None = None


def resolve(ctx: Context, actor: Principal, release_id: str) -> dict[str, Any]:
    """The release ``release_id`` the caller may read; ``latest`` is the newest final one."""
    if release_id != LATEST:
        return releases.get(ctx, actor, release_id)
    final = [r for r in releases.listing(ctx, actor) if not r.get("provisional", True)]
    yearly = [r for r in final if not r.get("quarter")]
    chosen = sorted(yearly or final, key=lambda r: (str(r["created_at"]), str(r["id"])))
    if not chosen:
        raise not_found(
            "no_final_release",
            "er is nog geen definitieve publicatie",
            "there is no final release yet",
        )
    return chosen[-1]


def table(
    ctx: Context, actor: Principal, release_id: str, name: str
) -> tuple[dict[str, Any], dict[str, Any], pd.DataFrame]:
    """One published table (``latest`` allowed): the release, the table's metadata, its rows."""
    release = resolve(ctx, actor, release_id)
    return releases.table(ctx, actor, str(release["id"]), name)


def check_format(fmt: str, sep: str) -> tuple[Format, str]:
    """Refuse a format or separator lekstat does not write."""
    if fmt not in FORMATS:
        raise invalid(
            "bad_format",
            f"onbekend formaat {fmt!r}; kies uit {', '.join(FORMATS)}",
            f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}",
        )
    if sep not in SEPARATORS:
        raise invalid(
            "bad_separator",
            f"scheidingsteken {sep!r}: kies ; (Nederlandse Excel) of ,",
            f"separator {sep!r}: choose ; (Dutch Excel) or ,",
        )
    return fmt, sep


def export(
    ctx: Context,
    actor: Principal,
    release_id: str,
    name: str,
    fmt: str,
    *,
    sep: str = ";",
    lang: str = "nl",
) -> Download:
    """One table of a release as a file with its provenance (labels in ``lang``)."""
    kind, sep = check_format(fmt, sep)
    release, meta, frame = table(ctx, actor, release_id, name)
    dims = [str(d) for d in meta["dimensions"]]
    labelled = with_labels(frame, dims, "en" if lang == "en" else "nl")
    data = provenance.provenance(release, meta)
    # A release made before a value column existed lacks it: describe what the file has.
    data["columns"] = [c for c in data["columns"] if c["name"] in labelled.columns]
    stem = f"lekstat-{release['id']}-{name}"
    csv_name = f"{stem}.csv"
    if kind == "csv":
        return Download(
            csv_name, MEDIA_TYPES["csv"], csv_bytes(labelled, sep), f"{csv_name}-metadata.json"
        )
    if kind == "csv-metadata.json":
        return Download(f"{csv_name}-metadata.json", MEDIA_TYPES[kind], metadata_bytes(data, sep))
    if kind == "json":
        return Download(f"{stem}.json", MEDIA_TYPES["json"], json_bytes(data, labelled, dims))
    if kind == "parquet":
        return Download(f"{stem}.parquet", MEDIA_TYPES["parquet"], parquet_bytes(data, labelled))
    files = [csv_name, f"{csv_name}-metadata.json", "LEESMIJ.txt" if lang != "en" else "README.txt"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(files[0], csv_bytes(labelled, sep))
        archive.writestr(files[1], metadata_bytes(data, sep))
        archive.writestr(files[2], provenance.readme(data, lang, files).encode("utf-8"))
    return Download(f"{stem}.zip", MEDIA_TYPES["zip"], buffer.getvalue())


def _number(value: Any, decimal: str) -> Any:
    """A cell as CSV text: numbers with the file's decimal mark, text neutralised."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if isinstance(value, float):
            if not math.isfinite(value):
                return ""
            text = repr(value)
            return text.replace(".", decimal) if decimal != "." else text
        return str(value)
    return csv_cell(value)


def csv_bytes(frame: pd.DataFrame, sep: str) -> bytes:
    """A table as CSV: UTF-8 with BOM; ``;`` with a decimal comma, or ``,`` with a point."""
    decimal = "," if sep == ";" else "."
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerow([neutralise(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([_number(_plain(v), decimal) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _plain(value: Any) -> Any:
    """numpy scalars as plain Python values."""
    return value.item() if hasattr(value, "item") else value


def metadata_bytes(data: dict[str, Any], sep: str) -> bytes:
    """The CSV on the Web metadata of the CSV of ``data``'s table."""
    url = f"lekstat-{data['release_id']}-{data['table']}.csv"
    document = provenance.csvw(data, url, sep=sep)
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def json_bytes(data: dict[str, Any], frame: pd.DataFrame, dims: list[str]) -> bytes:
    """The table as one JSON document: its provenance beside its rows."""
    rows = json.loads(frame.to_json(orient="records", force_ascii=False))
    document = {
        "release_id": data["release_id"],
        "table": data["table"],
        "title_nl": data["title"]["nl"],
        "title_en": data["title"]["en"],
        "dimensions": dims,
        "stage": (data["stage"] or {}).get("code"),
        "metadata": data,
        "rows": rows,
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def parquet_bytes(data: dict[str, Any], frame: pd.DataFrame) -> bytes:
    """The table as Parquet, with its provenance in the file and each column's meaning."""
    import pyarrow as pa  # a server dependency, imported where a Parquet file is made
    import pyarrow.parquet as pq

    described = {c["name"]: c for c in data["columns"]}
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    fields = [
        field.with_metadata(
            {
                "description_nl": described.get(field.name, {}).get("nl", ""),
                "description_en": described.get(field.name, {}).get("en", ""),
            }
        )
        for field in arrow.schema
    ]
    text = json.dumps(data, ensure_ascii=False)
    schema = pa.schema(fields, metadata={**(arrow.schema.metadata or {}), b"lekstat": text,
                                         b"PANDAS_ATTRS": text})  # fmt: skip
    buffer = io.BytesIO()
    pq.write_table(arrow.cast(schema), buffer)
    return buffer.getvalue()
