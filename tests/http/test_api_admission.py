"""Cost admission in the guard: heavy work (a large body) at most one at a time per token and a
few at a time in all; the rest waits its turn and is refused with 429 after the wait, while
light requests and other tokens' work go on."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import httpx
from starlette.types import Receive, Scope, Send

from aggregator.http.errors import TooManyRequests
from aggregator.http.guard import CostGate, Guard, RateLimiter
from aggregator.store import Store
from tests.http.conftest import add_tokens

T = TypeVar("T")


def in_own_loop(scenario: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a scenario in a new event loop on its own thread: the browser tests' Playwright
    keeps a loop running on the main thread for the whole session, where asyncio.run fails."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(scenario())).result()


def test_admission_gate_per_key_and_in_all() -> None:
    async def scenario() -> list[str]:
        gate = CostGate(per_key=1, total=2, wait=0.2)
        order: list[str] = []
        release = asyncio.Event()

        async def work(key: str, name: str) -> None:
            try:
                async with gate.admit(key):
                    order.append(f"start {name}")
                    await release.wait()
            except TooManyRequests as exc:
                order.append(f"busy {name} {exc.code} {exc.headers['Retry-After']}")

        first = asyncio.create_task(work("a", "a1"))
        await asyncio.sleep(0.01)
        second = asyncio.create_task(work("a", "a2"))  # the same key waits
        third = asyncio.create_task(work("b", "b1"))  # another key goes ahead
        await asyncio.sleep(0.01)
        fourth = asyncio.create_task(work("c", "c1"))  # two are running in all: waits
        await asyncio.gather(second, fourth)
        release.set()
        await asyncio.gather(first, third)
        return order

    assert in_own_loop(scenario) == ["start a1", "start b1", "busy a2 busy 1", "busy c1 busy 1"]


def test_admission_one_tokens_large_files_queue_behind_each_other(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.duckdb")
    tokens, _ = add_tokens(store)
    reached: list[str] = []
    release = asyncio.Event()

    async def slow_app(scope: Scope, receive: Receive, send: Send) -> None:
        while (await receive()).get("more_body"):
            pass
        reached.append(scope["path"])
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    guard = Guard(
        slow_app,
        store=store,
        max_body_bytes=5_000_000,
        limiter=RateLimiter(6000, 1000),
        gate=CostGate(per_key=1, total=2, wait=0.3),
        heavy_bytes=1_000,
    )

    async def scenario() -> dict[str, int]:
        transport = httpx.ASGITransport(app=guard)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:

            def post(who: str, size: int) -> asyncio.Task[httpx.Response]:
                headers = {"Authorization": f"Bearer {tokens[who]}"}
                return asyncio.create_task(c.post("/x", content=b"x" * size, headers=headers))

            first = post("own", 50_000)
            await asyncio.sleep(0.05)
            again = post("own", 50_000)  # the same municipality's second large file
            other = post("other", 50_000)  # another municipality's large file
            light = post("own", 100)  # a small request of the busy municipality
            await asyncio.sleep(0.05)
            assert len(reached) == 3  # first, other and light reached the app
            statuses = {"again": (await again).status_code}
            release.set()
            for name, task in (("first", first), ("other", other), ("light", light)):
                statuses[name] = (await task).status_code
            return statuses

    assert in_own_loop(scenario) == {"again": 429, "first": 200, "other": 200, "light": 200}
    store.close()
