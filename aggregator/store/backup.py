"""Backups: every table exported as Parquet with a manifest that is authenticated with the key.

The manifest lists every file with its SHA-256 and carries an HMAC-SHA256 over itself under the
backup subkey of the data key (:mod:`aggregator.store.crypto`), which lives outside the backup:
whoever can edit a backup but has not the key cannot make a changed ledger, a raised budget or
an added token pass. Raw rows are in the backup only as they are in the database: sealed.

A restore checks the manifest's HMAC first, then reads each listed file **once**, into memory,
checks its SHA-256 and loads exactly those bytes (through a private copy with a plain name, so
no path is ever read as a pattern: a backup folder called ``bk[1]`` is read, not ``bk1``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from aggregator.store.crypto import Keyring, KeyringError
from aggregator.store.errors import StoreError
from aggregator.store.schema import MIGRATIONS, SCHEMA_VERSION

BACKUP_FORMAT = "lekstat-backup/2"
MANIFEST = "MANIFEST.json"
#: The names a backup's files may have (DuckDB's export: one Parquet file per table, its SQL).
_FILE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}\.(parquet|sql)$")


def quote(path: Path) -> str:
    """A path as a DuckDB string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def _signed(body: dict[str, object]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def export(
    con: duckdb.DuckDBPyConnection, directory: Path, schema_version: int, keyring: Keyring
) -> None:
    """Export every table of ``con`` to ``directory`` as Parquet, with the signed manifest."""
    con.execute(f"EXPORT DATABASE {quote(directory)} (FORMAT parquet)")
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.iterdir())
        if p.is_file()
    }
    body: dict[str, object] = {
        "format": BACKUP_FORMAT,
        "schema_version": schema_version,
        "key_id": keyring.current.id,
        "files": files,
    }
    manifest = {**body, "hmac": keyring.backup_mac(keyring.current.id, _signed(body))}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def read_manifest(directory: Path, keyring: Keyring) -> tuple[int, dict[str, str]]:
    """The schema version and the files of a backup whose manifest the key authenticates."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        files: dict[str, str] = {str(k): str(v) for k, v in dict(manifest["files"]).items()}
        version = int(manifest["schema_version"])
        key_id, mac = str(manifest["key_id"]), str(manifest["hmac"])
        fmt = manifest["format"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise StoreError(
            f"{directory} is not a lekstat backup of this version (no valid {MANIFEST}; a "
            "backup made before backups were authenticated is refused)"
        ) from None
    if fmt != BACKUP_FORMAT:
        raise StoreError(f"{directory}: a backup this lekstat cannot read ({MANIFEST})")
    body = {k: v for k, v in manifest.items() if k != "hmac"}
    try:
        expected = keyring.backup_mac(key_id, _signed(body))
    except KeyringError as exc:
        raise StoreError(f"{directory}: made with a key that is not here: {exc}") from None
    if not hmac.compare_digest(expected, mac):
        raise StoreError(
            f"{directory}: the manifest is not authentic (changed, or made with another key); "
            "not restored"
        )
    if any(not _FILE_NAME.match(name) for name in files):
        raise StoreError(f"{directory}: the manifest names a file outside the backup")
    return version, files


def tables_at(version: int) -> list[str]:
    """Our tables at a schema version, in the order the migrations made them."""
    probe = duckdb.connect(":memory:")
    try:
        probe.execute("CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMP)")
        for migration in MIGRATIONS[:version]:
            if isinstance(migration, str):
                probe.execute(migration)
            else:
                migration(probe, None)
        return [r[0] for r in probe.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    finally:
        probe.close()


def check(directory: Path, keyring: Keyring) -> tuple[int, dict[str, bytes]]:
    """The schema version and the checked bytes of each of our tables' files."""
    version, files = read_manifest(directory, keyring)
    if not 1 <= version <= SCHEMA_VERSION:
        raise StoreError(f"{directory}: a backup this lekstat cannot read ({MANIFEST})")
    migrations = tables_at(version)
    try:
        present = {p.name for p in directory.iterdir() if p.name != MANIFEST}
    except OSError as exc:
        raise StoreError(f"{directory} cannot be read: {exc.strerror}") from None
    if present != set(files):
        raise StoreError(f"{directory}: the files differ from the manifest; not restored")
    missing = [t for t in migrations if f"{t}.parquet" not in files]
    if missing:
        raise StoreError(f"{directory}: no data for table(s) {', '.join(missing)}; not restored")
    contents: dict[str, bytes] = {}
    for name, digest in sorted(files.items()):
        path = directory / name
        if path.is_symlink() or not path.is_file():
            raise StoreError(f"{directory}: {name} is not a plain file; not restored")
        content = path.read_bytes()
        if not hmac.compare_digest(hashlib.sha256(content).hexdigest(), digest):
            raise StoreError(f"{directory}: {name} was changed after the backup; not restored")
        contents[name] = content
    return version, {table: contents[f"{table}.parquet"] for table in migrations}


@contextmanager
def private_copies(data: dict[str, bytes]) -> Iterator[dict[str, Path]]:
    """Checked bytes as files with plain names in a private folder, for DuckDB to read."""
    with tempfile.TemporaryDirectory(prefix="lekstat-restore-") as folder:
        if any(c in folder for c in "*?[]{}"):
            raise StoreError(f"the temporary folder {folder} has a pattern character in its name")
        paths = {}
        for n, (table, content) in enumerate(data.items()):
            path = Path(folder) / f"t{n}.parquet"
            path.write_bytes(content)
            paths[table] = path
        yield paths
