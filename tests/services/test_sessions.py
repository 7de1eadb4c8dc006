"""Browser sessions: exchanged for a valid token, ended by expiry, sign-out and revocation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from aggregator.config import Settings
from aggregator.services import sessions
from aggregator.services.auth import new_token
from aggregator.services.context import Context
from aggregator.services.refusals import Refusal
from aggregator.store import Store

START = dt.datetime(2026, 11, 29, 9, 0)


@dataclass
class Setup:
    """A store with one municipality token, and a clock the test moves."""

    ctx: Context
    clock: dict[str, dt.datetime]
    token: str
    token_id: str


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    store = Store(tmp_path / "db.duckdb")
    clock = {"now": START}
    ctx = Context(store, Settings(db_path=store.path, session_hours=8), lambda: clock["now"])
    token, record = new_token("municipality", "GM0363", "t", START)
    store.add_token(record)
    yield Setup(ctx, clock, token, record.id)
    store.close()


def test_sessions_a_valid_token_signs_in_and_the_session_is_its_principal(setup: Setup) -> None:
    ctx, clock, token = setup.ctx, setup.clock, setup.token
    secret, principal = sessions.sign_in(ctx, f"  {token}\n")
    assert (principal.role, principal.municipality) == ("municipality", "GM0363")
    assert sessions.resolve(ctx, secret) == principal
    clock["now"] = START + dt.timedelta(hours=7, minutes=59)
    assert sessions.resolve(ctx, secret) == principal
    clock["now"] = START + dt.timedelta(hours=8)
    assert sessions.resolve(ctx, secret) is None  # expired


def test_sessions_end_on_sign_out_and_when_the_token_is_revoked(setup: Setup) -> None:
    ctx, token = setup.ctx, setup.token
    first, _ = sessions.sign_in(ctx, token)
    second, _ = sessions.sign_in(ctx, token)
    sessions.sign_out(ctx, first)
    assert sessions.resolve(ctx, first) is None and sessions.resolve(ctx, second) is not None
    ctx.store.revoke_token(setup.token_id, START)
    assert sessions.resolve(ctx, second) is None


def test_sessions_refuse_a_bad_token_and_ignore_forged_secrets(setup: Setup) -> None:
    ctx, token = setup.ctx, setup.token
    with pytest.raises(Refusal) as refused:
        sessions.sign_in(ctx, token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert refused.value.code == "invalid_token"
    for forged in (None, "", "x" * 43, "../" * 20, token):
        assert sessions.resolve(ctx, forged) is None


def test_sessions_store_only_a_hash_of_the_secret(setup: Setup, tmp_path: Path) -> None:
    ctx, token = setup.ctx, setup.token
    secret, _ = sessions.sign_in(ctx, token)
    ctx.store.close()
    with duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True) as con:
        stored = con.execute("SELECT hash FROM web_sessions").fetchall()
    assert len(stored) == 1 and secret not in stored[0][0] and len(stored[0][0]) == 64
