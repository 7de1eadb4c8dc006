"""`lekstat-server demo`: the whole story, as a newcomer runs it (`make demo`)."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from aggregator.demo.processes import run
from aggregator.report import load_report_data
from aggregator.store import Store

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_demo_runs_the_whole_story_and_leaves_nothing_running(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = run("lekstat-server", "demo", "--out", str(out), "--year", "2025", timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    text = result.stdout
    for step in ("2025-Q1:", "2025-Q4:", "Lock the four quarters", "release 2025-r1", "in all"):
        assert step in text, step
    reports = [
        out / f"lekstat-2025-{lang}.{kind}" for lang in ("nl", "en") for kind in ("pdf", "html")
    ]
    for report in reports:
        assert report.exists() and 10_000 < report.stat().st_size < 2_000_000, report
    assert (out / "lekstat-2025-nl.pdf").read_bytes().startswith(b"%PDF")
    # nothing left running: the database opens, and no server holds its socket
    assert not (out / "lekstat-demo.duckdb.sock").exists()
    with Store(out / "lekstat-demo.duckdb") as store:
        assert [r["id"] for r in store.list_releases()] == ["2025-r1"]
        assert len(store.list_locks()) == 4
        assert len({s.municipality for s in store.list_submissions(period="2025-Q1")}) > 300
        # The demo clock only moves forwards: the release is stamped after every submission
        # it counts (late ones included), so its 'as of' and its coverage tell the same story.
        release = store.list_releases()[0]
        made = dt.datetime.fromisoformat(release["created_at"].removesuffix("Z"))
        stamps = [s.received_at for s in store.list_submissions()]
        assert stamps and max(stamps) <= made
        data = load_report_data(store, 2025)
    for c in data.coverage:
        assert c.not_reported is not None and len(c.not_reported) == c.missing, c.period
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True).stdout
    assert str(out / "lekstat-demo.duckdb") not in ps


def test_demo_replaces_its_own_folder_and_refuses_any_other(tmp_path: Path) -> None:
    from aggregator.demo.run import MARKER, DemoError, _prepare_out

    mine = tmp_path / "mine"
    _prepare_out(mine)
    (mine / "old-report.pdf").write_text("x")
    _prepare_out(mine)
    assert sorted(p.name for p in mine.iterdir()) == [MARKER]
    other = tmp_path / "other"
    other.mkdir()
    (other / "thesis.docx").write_text("precious")
    with pytest.raises(DemoError, match="not a lekstat demo folder"):
        _prepare_out(other)
    assert (other / "thesis.docx").read_text() == "precious"
