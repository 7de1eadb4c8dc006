"""Checked uploads kept for their session: bound to it, bounded, expiring."""

from __future__ import annotations

from typing import Any

from aggregator.web.pending import PendingUploads


def _pending(**options: Any) -> tuple[PendingUploads, dict[str, float]]:
    clock = {"now": 1000.0}
    return PendingUploads(clock=lambda: clock["now"], **options), clock


def test_pending_upload_is_found_only_by_its_session() -> None:
    pending, _ = _pending()
    upload = pending.put("session-a", "2026-Q3", "a.csv", b"data", "f" * 64)
    assert pending.get("session-a", upload.id) == upload
    assert pending.get("session-b", upload.id) is None
    assert pending.get("session-a", "another id") is None
    assert pending.get("session-a", None) is None
    assert len(upload.id) >= 20  # not guessable


def test_pending_upload_expires() -> None:
    pending, clock = _pending(ttl_seconds=60)
    upload = pending.put("s", "2026-Q3", "a.csv", b"data", "f" * 64)
    clock["now"] += 59
    assert pending.get("s", upload.id) is not None
    clock["now"] += 2
    assert pending.get("s", upload.id) is None
    assert len(pending) == 0


def test_pending_keeps_a_few_per_session_and_a_bounded_total() -> None:
    pending, _ = _pending(per_session=2, max_bytes=10)
    first = pending.put("s", "2026-Q3", "1.csv", b"12", "1" * 64)
    second = pending.put("s", "2026-Q3", "2.csv", b"34", "2" * 64)
    third = pending.put("s", "2026-Q3", "3.csv", b"56", "3" * 64)
    assert pending.get("s", first.id) is None  # the oldest of the session went
    assert pending.get("s", second.id) is not None and pending.get("s", third.id) is not None
    big = pending.put("t", "2026-Q3", "big.csv", b"x" * 8, "4" * 64)  # 12 bytes in all
    assert pending.get("s", second.id) is None  # over the total: the oldest of all went
    assert pending.get("s", third.id) is not None and pending.get("t", big.id) is not None


def test_pending_drop_session_forgets_its_uploads_only() -> None:
    pending, _ = _pending()
    mine = pending.put("s", "2026-Q3", "a.csv", b"a", "a" * 64)
    theirs = pending.put("t", "2026-Q3", "b.csv", b"b", "b" * 64)
    pending.drop_session("s")
    assert pending.get("s", mine.id) is None
    assert pending.get("t", theirs.id) == theirs
