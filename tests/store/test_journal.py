"""The release journal: append-only and hash-chained; the store catches up with it."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path

import pandas as pd
import pytest

from aggregator.store import Store, StoreError
from aggregator.store.journal import GENESIS, Journal, JournalError, read
from tests.http.conftest import NOW

TABLE = pd.DataFrame({"stage": ["ST01_SIGNAAL"], "estimate": [3]})


def _release(store: Store, rho: float = 0.1) -> str:
    return store.add_release(
        year=2026,
        quarter=None,
        rho=rho,
        created_at=NOW,
        created_by="t",
        metadata={"note": "x"},
        tables={"totals": TABLE},
    )


def test_journal_every_release_and_budget_change_is_chained(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.duckdb")
    store.set_budget(2026, 1.0, NOW, "admin")
    assert [_release(store), _release(store)] == ["2026-r1", "2026-r2"]
    store.close()
    entries = read(tmp_path / "db.duckdb.journal")
    assert [e.kind for e in entries] == ["budget_change", "release", "release"]
    assert entries[0].prev == GENESIS
    assert all(b.prev == a.hash for a, b in itertools.pairwise(entries))
    body = entries[1].body
    assert (body["id"], body["rho"], body["metadata"]["id"]) == ("2026-r1", 0.1, "2026-r1")
    assert pd.read_json(io.StringIO(body["tables"]["totals"]), orient="split").equals(TABLE)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda lines: [lines[0], lines[1].replace('"rho":0.1', '"rho":0.01'), *lines[2:]],
            "changed",
        ),
        (lambda lines: [lines[0], *lines[2:]], "does not follow"),
        (lambda lines: [*lines[:-1], "not json"], "not a journal line"),
    ],
)
def test_journal_a_changed_journal_stops_the_store(tmp_path: Path, damage, message: str) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "db.duckdb")
    store.set_budget(2026, 1.0, NOW, "admin")
    _release(store)
    _release(store)
    store.close()
    path = tmp_path / "db.duckdb.journal"
    path.write_text("\n".join(damage(path.read_text().splitlines())) + "\n")
    with pytest.raises(StoreError, match=f"journal cannot be trusted.*{message}"):
        Store(tmp_path / "db.duckdb")


def test_journal_a_release_journalled_but_not_committed_is_taken_over(tmp_path: Path) -> None:
    """A crash after the journal line and before the commit: the release was journalled (its
    noise drawn), so the store treats it as published when it opens again."""
    store = Store(tmp_path / "db.duckdb")
    store.set_budget(2026, 1.0, NOW, "admin")
    _release(store)
    lost = json.loads(json.dumps(store.journal.releases()[-1]))
    lost.update(id="2026-r2", rho=0.25)
    lost["metadata"]["id"] = "2026-r2"
    store.journal.append("release", lost)  # as if the database's commit never came
    store.close()
    reopened = Store(tmp_path / "db.duckdb")
    assert reopened.caught_up == ["2026-r2"]
    assert [e.release_id for e in reopened.get_budget(2026).ledger] == ["2026-r1", "2026-r2"]
    assert reopened.get_budget(2026).spent_rho == pytest.approx(0.35)
    assert _release(reopened) == "2026-r3"
    reopened.close()
    assert Store(tmp_path / "db.duckdb").caught_up == []  # once taken over, nothing more


def test_journal_a_database_older_than_its_journal_gives_it_its_releases(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.duckdb")
    store.set_budget(2026, 1.0, NOW, "admin")
    _release(store)
    store.close()
    (tmp_path / "db.duckdb.journal").unlink()  # a database from before journals existed
    again = Store(tmp_path / "db.duckdb")
    assert [b["id"] for b in again.journal.releases()] == ["2026-r1"]
    assert again.unproven_releases() == []
    again.close()


def test_journal_refuses_a_broken_line_in_the_middle(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j")
    journal.append("release", {"id": "a"})
    journal.append("release", {"id": "b"})
    lines = (tmp_path / "j").read_text().splitlines()
    (tmp_path / "j").write_text(lines[1] + "\n" + lines[0] + "\n")
    with pytest.raises(JournalError, match="line 1"):
        read(tmp_path / "j")
