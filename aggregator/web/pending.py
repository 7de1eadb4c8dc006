"""Checked uploads waiting to be submitted, kept on the server for the session that checked them.

The portal checks a file before anything is stored and submits exactly the file it checked: the
check keeps the upload's bytes here under a random id, bound to the session; the page that says
"no problems" carries that id and the content's SHA-256, and submitting reads the same bytes
again. A browser therefore never sends the file twice, and a file cannot be swapped between the
check and the submission. Kept in memory (lekstat runs as one process), for an hour at most,
a few per session and a bounded total; a restart loses them, and the page then asks for the file
again.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request


@dataclass(frozen=True)
class Upload:
    """A checked file: its id, quarter, name as uploaded, bytes and checked content hash."""

    id: str
    period: str
    filename: str
    data: bytes
    sha256: str
    checked_at: float


class PendingUploads:
    """The checked uploads of every session; thread-safe, bounded, expiring."""

    def __init__(
        self,
        *,
        ttl_seconds: float = 3600.0,
        per_session: int = 4,
        max_bytes: int = 200_000_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl_seconds
        self.per_session = per_session
        self.max_bytes = max_bytes
        self.clock = clock
        self._uploads: OrderedDict[tuple[str, str], Upload] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, session: str, period: str, filename: str, data: bytes, sha256: str) -> Upload:
        """Keep a checked upload for ``session``; returns it with its new id."""
        upload = Upload(secrets.token_urlsafe(16), period, filename, data, sha256, self.clock())
        with self._lock:
            self._expire()
            mine = [k for k in self._uploads if k[0] == session]
            for key in mine[: max(0, len(mine) - self.per_session + 1)]:
                del self._uploads[key]
            self._uploads[(session, upload.id)] = upload
            while self._size() > self.max_bytes and len(self._uploads) > 1:
                self._uploads.popitem(last=False)
        return upload

    def get(self, session: str, upload_id: object) -> Upload | None:
        """The upload ``upload_id`` of ``session``, if it is still kept."""
        if not isinstance(upload_id, str):
            return None
        with self._lock:
            self._expire()
            return self._uploads.get((session, upload_id))

    def drop_session(self, session: str) -> None:
        """Forget every upload of ``session`` (it signed out)."""
        with self._lock:
            for key in [k for k in self._uploads if k[0] == session]:
                del self._uploads[key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._uploads)

    def _expire(self) -> None:
        limit = self.clock() - self.ttl
        while self._uploads:
            key, oldest = next(iter(self._uploads.items()))
            if oldest.checked_at > limit:
                break
            del self._uploads[key]

    def _size(self) -> int:
        return sum(len(u.data) for u in self._uploads.values())


def pending_of(request: Request) -> PendingUploads:
    """The app's checked uploads that wait for submission."""
    pending: PendingUploads = request.app.state.pending_uploads
    return pending
