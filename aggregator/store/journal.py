"""The release journal: an append-only, hash-chained record of everything published.

Every release (its metadata, its tables and the ρ it spent) and every change of a year's budget
is appended here before the database transaction that stores it commits, and each line carries
the SHA-256 of the line before it. The journal lives in its own file, apart from the database
(``LEKSTAT_JOURNAL``, by default ``<database>.journal``; put it on other storage), so that:

- restoring an older backup can never forget a release that was published after it: the restore
  carries over from the journal what the backup lacks, and refuses when the journal cannot prove
  that nothing published was lost (a broken chain, a release of the backup the journal lacks);
- a release id is never given to other figures: ids are counted over the journal too;
- a crash between the journal line and the commit loses nothing: the store catches up with the
  journal when it opens.

Each line is a JSON object ``{"seq", "kind", "prev", "body", "hash"}`` where ``hash`` is the
SHA-256 of the canonical JSON of the other four fields and ``prev`` the hash of the line before
(the first line's ``prev`` is :data:`GENESIS`). Certificates publish the journal's head, so a
journal cut short at its end is visible against any published certificate.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The ``prev`` of the first line.
GENESIS = "0" * 64


class JournalError(RuntimeError):
    """The journal cannot be read or its chain is broken."""


@dataclass(frozen=True)
class JournalEntry:
    """One verified line of the journal."""

    seq: int
    kind: str
    prev: str
    body: dict[str, Any]
    hash: str


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(seq: int, kind: str, prev: str, body: dict[str, Any]) -> str:
    """The hash of a line: SHA-256 of its canonical JSON without the hash."""
    return hashlib.sha256(
        _canonical({"seq": seq, "kind": kind, "prev": prev, "body": body})
    ).hexdigest()


def content_hash(body: dict[str, Any]) -> str:
    """The SHA-256 of a body's canonical JSON (how a release is compared with its journal line)."""
    return hashlib.sha256(_canonical(body)).hexdigest()


def read(path: Path) -> list[JournalEntry]:
    """Every line of the journal at ``path``, with its chain checked ([] when there is none)."""
    if not path.exists():
        return []
    entries: list[JournalEntry] = []
    prev = GENESIS
    try:
        lines = path.read_bytes().splitlines()
    except OSError as exc:
        raise JournalError(f"{path}: cannot be read ({exc.strerror})") from None
    for number, line in enumerate(lines, start=1):
        try:
            raw = json.loads(line)
            entry = JournalEntry(
                int(raw["seq"]),
                str(raw["kind"]),
                str(raw["prev"]),
                dict(raw["body"]),
                str(raw["hash"]),
            )
        except (ValueError, KeyError, TypeError):
            raise JournalError(f"{path}: line {number} is not a journal line") from None
        if entry.seq != number or entry.prev != prev:
            raise JournalError(f"{path}: line {number} does not follow line {number - 1}")
        if entry_hash(entry.seq, entry.kind, entry.prev, entry.body) != entry.hash:
            raise JournalError(f"{path}: line {number} was changed after it was written")
        entries.append(entry)
        prev = entry.hash
    return entries


class Journal:
    """The journal of one database: read and checked once, then appended to."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries = read(path)

    @property
    def head(self) -> str:
        """The hash of the last line (:data:`GENESIS` for an empty journal)."""
        return self.entries[-1].hash if self.entries else GENESIS

    def releases(self) -> list[dict[str, Any]]:
        """The bodies of the release lines, in order."""
        return [e.body for e in self.entries if e.kind == "release"]

    def create(self) -> None:
        """Make the (empty) journal file if there is none, readable by its owner only."""
        os.close(os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))

    def append(self, kind: str, body: dict[str, Any]) -> JournalEntry:
        """Append a line and make it durable (fsync) before returning."""
        seq = len(self.entries) + 1
        entry = JournalEntry(seq, kind, self.head, body, entry_hash(seq, kind, self.head, body))
        line = _canonical(
            {"seq": seq, "kind": kind, "prev": entry.prev, "body": body, "hash": entry.hash}
        )
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        self.entries.append(entry)
        return entry
