"""Crash durability: the real server is killed (SIGKILL) in the middle of a few hundred
concurrent submissions and restarted on the same file. Everything acknowledged is there
intact; nothing unacknowledged is half there; retrying with the idempotency keys gives exactly
one version per submission."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import signal
import threading
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest

from aggregator.demo.processes import onboard, run, start_server, stop_server
from aggregator.store import Store
from schemas.periods import Period
from schemas.submission import Submission
from schemas.taxonomy import load_taxonomy
from schemas.validation import validate_submission

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SUBMISSIONS = 300
WORKERS = 16
#: The server is killed once this many submissions have been acknowledged.
KILL_AFTER = 100
#: Submissions go to this many municipalities, so that most get several versions.
MUNICIPALITIES = 40

TAX = load_taxonomy()
DIMS = list(TAX.dimension_names)
COMBOS = list(itertools.product(*(TAX.codes(d) for d in DIMS)))


@dataclass
class Planned:
    """One submission: who, what, and what became of it."""

    municipality: str
    token: str
    period: str
    key: str
    rows: list[dict[str, Any]]
    nil_return: bool
    as_csv: bool
    expected: Submission
    receipt: dict[str, Any] | None = None  # the 201 answer, if one arrived
    failure: str = ""
    retries: list[int] = field(default_factory=list)

    def request(self) -> dict[str, Any]:
        """The keyword arguments of the POST."""
        headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": self.key}
        if self.as_csv:
            lines = [";".join([*DIMS, "count"])]
            lines += [";".join(str(r[c]) for c in [*DIMS, "count"]) for r in self.rows]
            return {
                "url": f"/api/v1/submissions?period={self.period}",
                "content": ("\n".join(lines) + "\n").encode(),
                "headers": {**headers, "Content-Type": "text/csv"},
            }
        body = {"period": self.period, "nil_return": self.nil_return, "rows": self.rows}
        return {"url": "/api/v1/submissions", "json": body, "headers": headers}


def _plan(tokens: dict[str, str], seed: int) -> list[Planned]:
    rng = random.Random(seed)
    current = Period.current(dt.date.today())
    periods = [str(current), str(current.previous()), str(current.previous().previous())]
    chosen = rng.sample(sorted(tokens), MUNICIPALITIES)
    plans = []
    for i in range(SUBMISSIONS):
        municipality, period = rng.choice(chosen), rng.choice(periods)
        nil = rng.random() < 0.05
        rows = []
        if not nil:
            for combo in rng.sample(COMBOS, rng.randint(1, 40)):
                count = rng.choice([0, 1, 2, 3, rng.randint(0, 10_000)])
                rows.append({**dict(zip(DIMS, combo, strict=True)), "count": count})
        result = validate_submission(rows, period, municipality, nil, today=dt.date.today())
        assert result.ok and result.submission is not None, result.records("en")
        plans.append(
            Planned(
                municipality,
                tokens[municipality],
                period,
                f"crash-{i}-{uuid.uuid4().hex[:8]}",
                rows,
                nil,
                as_csv=not nil and i % 3 == 0,
                expected=result.submission,
            )
        )
    return plans


def _canonical(data: list[dict[str, Any]], record: dict[str, Any]) -> Submission:
    """A stored version rebuilt from its rows as the API returns them."""
    frame = pd.DataFrame(data, columns=[*DIMS, "count"])
    return Submission.from_rows(
        frame,
        period=Period.parse(record["period"]),
        municipality=record["municipality"],
        nil_return=record["nil_return"],
    )


def test_crash_sigkill_mid_load_loses_nothing_acknowledged(tmp_path: Path) -> None:
    db = tmp_path / "lekstat.duckdb"
    assert run("lekstat-server", "--db", str(db), "init").returncode == 0
    tokens = onboard(db, tmp_path / "tokens.csv")
    plans = _plan(tokens, seed=20261129)

    server = start_server(db)
    acked = threading.Semaphore(0)
    killed = threading.Event()

    def submit(plan: Planned) -> None:
        try:
            kw = plan.request()
            r = httpx.post(server.url + kw.pop("url"), timeout=30, **kw)
        except httpx.HTTPError as exc:
            plan.failure = type(exc).__name__
            return
        assert r.status_code == 201, r.text[:300]  # before the kill nothing is refused
        plan.receipt = r.json()
        acked.release()

    def kill_in_the_middle() -> None:
        for _ in range(KILL_AFTER):
            acked.acquire()
        os.kill(server.process.pid, signal.SIGKILL)
        killed.set()

    killer = threading.Thread(target=kill_in_the_middle, daemon=True)
    killer.start()
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(submit, plans))
    assert killed.is_set(), "the server was never killed"
    server.process.wait(timeout=30)
    assert server.process.returncode == -signal.SIGKILL

    answered = [p for p in plans if p.receipt is not None]
    unanswered = [p for p in plans if p.receipt is None]
    assert len(answered) >= KILL_AFTER and unanswered, (len(answered), len(unanswered))

    restarted = start_server(db)
    try:
        with httpx.Client(base_url=restarted.url, timeout=30) as client:
            # 1. Every acknowledged submission is there, byte for byte.
            for plan in answered:
                assert plan.receipt is not None
                got = client.get(
                    f"/api/v1/submissions/{plan.receipt['id']}",
                    headers={"Authorization": f"Bearer {plan.token}"},
                )
                assert got.status_code == 200, got.text
                stored = got.json()
                data = stored.pop("data")
                assert stored == plan.receipt
                assert data == plan.expected.records()
                assert plan.receipt["sha256"] == plan.expected.sha256()

            # 2. Unacknowledged ones: a retry with the same key stores each exactly once
            # (201), or finds it stored before the kill (200); a second retry replays it.
            def retry(plan: Planned) -> None:
                kw = plan.request()
                first = client.post(kw.pop("url"), **kw)
                assert first.status_code in (200, 201), first.text[:300]
                kw = plan.request()
                again = client.post(kw.pop("url"), **kw)
                assert again.status_code == 200 and again.json() == first.json()
                assert again.headers["Idempotent-Replayed"] == "true"
                assert first.json()["sha256"] == plan.expected.sha256()
                plan.retries = [first.status_code, again.status_code]
                plan.receipt = first.json()

            with ThreadPoolExecutor(WORKERS) as pool:
                list(pool.map(retry, unanswered))
            present_before_retry = sum(p.retries[0] == 200 for p in unanswered)
    finally:
        assert stop_server(restarted) == 0

    # 3. Nothing is half there: every stored version has exactly its rows, versions count
    # 1, 2, 3... per municipality and period, and every key was stored once.
    with Store(db) as store:
        records = store.list_submissions()
        versions: dict[tuple[str, str], list[int]] = defaultdict(list)
        for record in records:
            versions[(record.municipality, record.period)].append(record.version)
            rows = store.submission_rows(record.id)
            rebuilt = _canonical(rows.to_dict(orient="records"), asdict(record))
            assert rebuilt.sha256() == record.sha256, record
            assert (rebuilt.row_count, rebuilt.total) == (record.row_count, record.total)
        for key, numbers in versions.items():
            assert numbers == list(range(1, len(numbers) + 1)), (key, numbers)
        keys = Counter(r.idempotency_key for r in records)
    assert len(records) == SUBMISSIONS
    assert all(keys[p.key] == 1 for p in plans)
    by_key = {r.idempotency_key: r for r in records}
    assert all(by_key[p.key].id == p.receipt["id"] for p in plans if p.receipt)
    print(
        f"\ncrash: {SUBMISSIONS} submissions from {WORKERS} threads to {MUNICIPALITIES} "
        f"municipalities; {len(answered)} acknowledged before SIGKILL; {len(unanswered)} "
        f"unanswered, of which {present_before_retry} had been stored before the kill "
        f"(the retry replayed them) and {len(unanswered) - present_before_retry} had not "
        f"(the retry stored them); {len(versions)} municipality-periods, versions contiguous"
    )
