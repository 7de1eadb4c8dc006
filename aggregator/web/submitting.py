"""Submitting from the portal as the lekstat client does: check, then store once.

- An upload is read by the client's own readers: ``.xlsx`` with :func:`client.files.read_excel`,
  everything else with :func:`schemas.reading.read_csv`, so a file reads the same in the
  browser as with ``lekstat validate``.
- Storing first checks again (a dry run of :func:`aggregator.services.submissions.accept`);
  content that is already the current version is not sent again (its receipt is the answer),
  and otherwise the idempotency key is the client's: the content's SHA-256 and the version it
  replaces. A double click, a reload or a retry therefore stores one version.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from aggregator.services import submissions
from aggregator.services.audit import Note
from aggregator.services.auth import Principal
from aggregator.services.context import Context
from aggregator.services.refusals import conflict
from aggregator.store import SubmissionRecord
from client.files import read_excel
from schemas.reading import RawTable, from_records, read_csv

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and every password-protected workbook
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def read_upload(filename: str, data: bytes) -> RawTable:
    """The table of an uploaded file: a workbook by its content or name, else CSV."""
    suffix = PurePath(filename).suffix.lower()
    if data.startswith((_ZIP, _OLE)) or suffix in EXCEL_SUFFIXES:
        return read_excel(data)
    return read_csv(data)


def nil_table() -> RawTable:
    """The (empty) table of a nil return."""
    return from_records([])


def idempotency_key(sha256: str, replaces: int) -> str:
    """The client's key: the content and the version it replaces (0 for none)."""
    return hashlib.sha256(f"{sha256}@{replaces}".encode()).hexdigest()


@dataclass(frozen=True)
class Stored:
    """The version a submission ended as, and whether this request stored it."""

    record: SubmissionRecord
    new: bool


def store(
    ctx: Context,
    actor: Principal,
    *,
    period: str,
    table: RawTable,
    nil_return: bool = False,
    checked_sha256: str | None = None,
    lang: str = "nl",
    note: Note | None = None,
) -> Stored:
    """Check and store a submission once; ``checked_sha256`` is the content the person saw
    checked (anything else is refused and nothing is stored)."""
    note = note or Note()

    def accept(dry_run: bool, key: str | None = None) -> submissions.Accepted:
        return submissions.accept(
            ctx,
            actor,
            period_text=period,
            table=table,
            nil_return=nil_return,
            idempotency_key=key,
            dry_run=dry_run,
            lang=lang,
            note=note,
        )

    checked = accept(dry_run=True).record
    if checked_sha256 is not None and checked.sha256 != checked_sha256:
        raise conflict(
            "upload_changed",
            "het bestand is niet meer het bestand dat is gecontroleerd; er is niets opgeslagen. "
            "Controleer het bestand opnieuw",
            "the file is no longer the file that was checked; nothing was stored. Check the "
            "file again",
        )
    versions = submissions.versions(ctx, actor, period)
    current = versions[-1] if versions else None
    if current is not None and current.sha256 == checked.sha256:
        note.set("submit", f"{current.municipality} {current.period}", f"{current.id} unchanged")
        return Stored(current, new=False)
    key = idempotency_key(checked.sha256, current.version if current else 0)
    accepted = accept(dry_run=False, key=key)
    return Stored(accepted.record, new=not accepted.replay)
