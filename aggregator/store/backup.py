"""Backups: every table exported as Parquet with a manifest of SHA-256 sums, and checked on
restore before anything is loaded."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

from aggregator.store.errors import StoreError
from aggregator.store.schema import MIGRATIONS, SCHEMA_VERSION

BACKUP_FORMAT = "lekstat-backup/1"
MANIFEST = "MANIFEST.json"


def check(directory: Path) -> tuple[int, list[str]]:
    """The schema version and tables of a backup whose files match its manifest."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        files: dict[str, str] = dict(manifest["files"])
        version = int(manifest["schema_version"])
    except (OSError, ValueError, KeyError, TypeError):
        raise StoreError(f"{directory} is not a lekstat backup (no valid {MANIFEST})") from None
    if manifest.get("format") != BACKUP_FORMAT or not 1 <= version <= SCHEMA_VERSION:
        raise StoreError(f"{directory}: a backup this lekstat cannot read ({MANIFEST})")
    present = {p.name for p in directory.iterdir() if p.is_file() and p.name != MANIFEST}
    if present != set(files):
        raise StoreError(f"{directory}: the files differ from the manifest; not restored")
    for name, digest in files.items():
        if hashlib.sha256((directory / name).read_bytes()).hexdigest() != digest:
            raise StoreError(f"{directory}: {name} was changed after the backup; not restored")
    # Our tables at that schema version, in the order the migrations created them.
    probe = duckdb.connect(":memory:")
    try:
        probe.execute("CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMP)")
        for migration in MIGRATIONS[:version]:
            probe.execute(migration)
        tables = [r[0] for r in probe.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    finally:
        probe.close()
    missing = [t for t in tables if f"{t}.parquet" not in files]
    if missing:
        raise StoreError(f"{directory}: no data for table(s) {', '.join(missing)}; not restored")
    return version, tables


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export(con: duckdb.DuckDBPyConnection, directory: Path, schema_version: int) -> None:
    """Export every table of ``con`` to ``directory`` as Parquet, with the manifest."""
    con.execute(f"EXPORT DATABASE {_quote(directory)} (FORMAT parquet)")
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.iterdir())
        if p.is_file()
    }
    manifest = {"format": BACKUP_FORMAT, "schema_version": schema_version, "files": files}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
