"""Raw counts never leak: one municipality submits distinctive counts, everyone else probes,
fails and gets refused, and no log line (uvicorn's access and error logs, the ``lekstat``
loggers), no audit line, no error message and no response to anyone but that municipality
contains those counts or their totals.

The session runs twice: against the real ``lekstat-server serve`` with its output captured, and
against the app under uvicorn in this process with every logger captured by ``caplog`` — the
second one also with a fault that makes an endpoint fail with the counts in its exception.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from aggregator.config import Settings
from aggregator.demo.processes import free_port, run, start_server, stop_server
from aggregator.http.app import create_app
from aggregator.services.auth import new_token
from aggregator.store import Store
from tests.http.conftest import NOW
from tests.reliability.conftest import assert_error_shape

#: The counts only GM0363 may ever see back: two cells and their total.
SECRET = re.compile(r"(?<![0-9A-Za-z])(7777|8888|16665)(?![0-9A-Za-z])")

CODES = {
    "function_type": "FT04_PARKEREN",
    "data_category": "DC03_KENTEKEN",
    "employment_type": "EM03_INHUUR",
    "motive": "MO01_CRIMINEEL",
}
ROWS = [
    {**CODES, "stage": "ST01_SIGNAAL", "count": 7777},
    {**CODES, "stage": "ST02_INTERN_ONDERZOEK", "count": 8888},
]
CSV = (
    "function_type;data_category;stage;employment_type;motive;count\n"
    "FT04_PARKEREN;DC03_KENTEKEN;ST01_SIGNAAL;EM03_INHUUR;MO01_CRIMINEEL;7777\n"
    "FT04_PARKEREN;DC03_KENTEKEN;ST02_INTERN_ONDERZOEK;EM03_INHUUR;MO01_CRIMINEEL;8888\n"
)


@dataclass
class Exchange:
    """One request of the session and its answer."""

    who: str
    method: str
    path: str
    status: int
    text: str


@dataclass
class Session:
    """The callers and everything they got back."""

    url: str
    tokens: dict[str, str]
    exchanges: list[Exchange] = field(default_factory=list)

    def call(self, who: str, method: str, path: str, **kw: object) -> httpx.Response:
        """A request as ``who`` (a key of ``tokens``, or a literal bearer value)."""
        headers = dict(kw.pop("headers", {}) or {})  # type: ignore[call-overload]
        token = self.tokens.get(who, who if who.startswith("lks_") else None)
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        r = httpx.request(method, self.url + path, headers=headers, timeout=30, **kw)  # type: ignore[arg-type]
        self.exchanges.append(Exchange(who, method, path, r.status_code, r.text))
        return r


def play(session: Session) -> None:
    """GM0363 submits; the others look, guess, fail and are refused."""
    s = session
    json_h = {"Content-Type": "application/json"}
    first = s.call(
        "own",
        "POST",
        "/api/v1/submissions",
        json={"period": "2026-Q2", "rows": ROWS},
        headers={"Idempotency-Key": "leak-1"},
    )
    assert first.status_code == 201, first.text
    sub_id = first.json()["id"]
    csv = s.call(
        "own",
        "POST",
        "/api/v1/submissions?period=2026-Q3",
        content=CSV.encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert csv.status_code == 201, csv.text
    assert s.call("own", "POST", "/api/v1/submissions?period=2026-Q1&dry_run=true",
                  json={"period": "2026-Q1", "rows": ROWS}).status_code == 200  # fmt: skip
    assert s.call("own", "GET", f"/api/v1/submissions/{sub_id}").status_code == 200
    # The owner's refused requests: messages and details never quote a valid count back.
    refused_by_owner = [
        ("POST", "/api/v1/submissions", {"json": {"period": "2026-Q2", "rows": ROWS[:1]},
                                         "headers": {"Idempotency-Key": "leak-1"}}, 409),
        ("POST", "/api/v1/submissions", {"json": {"period": "2026-Q2", "rows": [
            *ROWS, {**CODES, "stage": "ST03_MELDING_AP", "count": "veel"}]}}, 422),
        ("POST", "/api/v1/submissions", {"json": {"period": "2026-Q2", "rows": [*ROWS, ROWS[0]]}},
         422),
        ("POST", "/api/v1/submissions", {"json": {"period": "2099-Q1", "rows": ROWS}}, 422),
        ("POST", "/api/v1/submissions?period=2026-Q3",
         {"content": CSV.encode() * 40_000, "headers": {"Content-Type": "text/csv"}}, 413),
        ("POST", "/api/v1/submissions", {"content": CSV.encode(),
                                         "headers": {"Content-Type": "text/plain"}}, 415),
        ("POST", "/api/v1/submissions", {"content": b'{"rows": [7777, 8888', "headers": json_h},
         400),
    ]  # fmt: skip
    for method, path, kw, status in refused_by_owner:
        r = s.call("own", method, path, **kw)
        assert r.status_code == status, (path, r.text[:300])
    # Everyone else.
    assert s.call("statistician", "POST", "/api/v1/periods/2026-Q2/lock").status_code == 201
    locked = s.call("own", "POST", "/api/v1/submissions", json={"period": "2026-Q2", "rows": ROWS})
    assert locked.status_code == 409
    probes = [
        ("other", "GET", f"/api/v1/submissions/{sub_id}", {}, 404),
        ("other", "GET", "/api/v1/submissions", {}, 200),
        ("other", "GET", "/api/v1/submissions?period=2026-Q2", {}, 200),
        ("other", "POST", "/api/v1/submissions",
         {"json": {"period": "2026-Q3", "municipality": "GM0363", "rows": ROWS}}, 403),
        ("other", "GET", "/api/v1/completeness?period=2026-Q2", {}, 200),  # its own line only
        ("statistician", "GET", "/api/v1/submissions", {}, 403),
        ("statistician", "GET", f"/api/v1/submissions/{sub_id}", {}, 403),
        ("statistician", "GET", "/api/v1/completeness?period=2026-Q2", {}, 200),
        ("statistician", "GET", "/api/v1/completeness?period=2026-Q3", {}, 200),
        ("statistician", "POST", "/api/v1/submissions", {"json": {"period": "2026-Q3"}}, 403),
        ("analyst", "GET", "/api/v1/completeness?period=2026-Q3", {}, 200),
        ("analyst", "GET", "/api/v1/periods/locks", {}, 200),
        ("analyst", "GET", f"/api/v1/submissions/{sub_id}", {}, 403),
        ("admin", "GET", "/api/v1/audit?limit=10000", {}, 200),
        ("admin", "GET", "/api/v1/tokens", {}, 200),
        ("admin", "GET", f"/api/v1/submissions/{sub_id}", {}, 403),
        ("outsider", "GET", f"/api/v1/submissions/{sub_id}", {}, 401),
        ("outsider", "GET", "/api/v1/submissions?period=2026-Q2", {}, 401),
        ("outsider", "POST", "/api/v1/submissions", {"json": {"period": "2026-Q3"}}, 401),
        ("outsider", "GET", "/api/v1/completeness?period=2026-Q2", {}, 401),
        ("outsider", "GET", "/openapi.json", {}, 200),
        ("outsider", "GET", "/healthz", {}, 200),
        ("outsider", "GET", "/api/v1/audit", {}, 401),
        ("outsider", "GET", "/api/v1/nope/7777", {}, 404),
    ]  # fmt: skip
    forged = "lks_" + session.tokens["own"].split("_")[1] + "_" + "A" * 43
    for who, method, path, kw, status in probes:
        r = s.call(who, method, path, **kw)
        assert r.status_code == status, (who, path, r.text[:300])
    assert s.call(forged, "GET", f"/api/v1/submissions/{sub_id}").status_code == 401


def assert_no_leak(session: Session) -> None:
    """No response to anyone but GM0363, and no error message to anyone, has the counts."""
    shown = 0
    for ex in session.exchanges:
        if ex.path == "/api/v1/nope/7777":
            continue  # the caller's own URL; checked below for the message only
        if ex.who != "own":
            assert not SECRET.search(ex.text), (ex.who, ex.method, ex.path, ex.text[:300])
        if ex.status >= 400:
            error = assert_error_shape(json.loads(ex.text))
            assert not SECRET.search(error["message"]), (ex.path, error["message"])
            if ex.who == "own":
                # The owner's refusals point at the faulty cells only, never a valid count.
                assert not SECRET.search(ex.text), (ex.path, ex.text[:300])
        else:
            shown += 1 if SECRET.search(ex.text) else 0
    assert shown, "the owner should see its own counts; the session did not run as planned"


def assert_log_clean(text: str, session: Session) -> None:
    """No log line has the counts or a token's secret; and the log was really captured."""
    assert '"POST /api/v1/submissions HTTP/1.1" 201' in text, text[-2000:]
    for line in text.splitlines():
        if "/api/v1/nope/7777" in line:
            continue  # the access log names the path the caller typed
        assert not SECRET.search(line), line
    assert_no_secret(text, session)


def assert_no_secret(text: str, session: Session) -> None:
    """No token's secret part (``lks_<id>_<secret>``) is in ``text``; ids are not secret."""
    for who, token in session.tokens.items():
        secret = token.split("_", 2)[2]
        assert len(secret) >= 32 and secret not in text, who


def _token(db: Path, *args: str) -> str:
    result = run("lekstat-server", "--db", str(db), "token", "create", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.e2e
@pytest.mark.slow
def test_leaks_real_server_logs_audit_and_answers_never_show_the_counts(tmp_path: Path) -> None:
    db = tmp_path / "lekstat.duckdb"
    assert run("lekstat-server", "--db", str(db), "init").returncode == 0
    tokens = {
        "own": _token(db, "--role", "municipality", "--municipality", "GM0363"),
        "other": _token(db, "--role", "municipality", "--municipality", "GM0344"),
        "statistician": _token(db, "--role", "statistician"),
        "analyst": _token(db, "--role", "analyst"),
        "admin": (tmp_path / "lekstat-admin-token.txt").read_text().strip(),
    }
    server = start_server(db)
    try:
        session = Session(server.url, tokens)
        play(session)
    finally:
        assert stop_server(server) == 0
    assert_no_leak(session)
    assert_log_clean(server.output(), session)
    with Store(db) as store:
        audit = store.audit_entries(limit=100_000)
    assert len(audit) > 10
    assert not SECRET.search(repr(audit)), repr(audit)
    assert_no_secret(repr(audit) + "".join(ex.text for ex in session.exchanges), session)


@contextmanager
def uvicorn_in_thread(app: FastAPI) -> Iterator[str]:
    """The app under a real uvicorn on loopback, in this process (its logs reach caplog)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, log_level="debug")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_leaks_in_process_every_logger_and_a_failing_endpoint(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = Settings(db_path=tmp_path / "lekstat.duckdb")
    store = Store(settings.db_path)  # the test's, so that it outlives the server
    app = create_app(settings, store=store, clock=lambda: NOW)
    tokens = {}
    for who, role, municipality in [
        ("own", "municipality", "GM0363"),
        ("other", "municipality", "GM0344"),
        ("statistician", "statistician", None),
        ("analyst", "analyst", None),
        ("admin", "admin", None),
    ]:
        token, record = new_token(role, municipality, who, NOW)
        store.add_token(record)
        tokens[who] = token

    # A fault: an endpoint that fails with the counts in its exception message, as a bug deep
    # in validation or storage might.
    def explode() -> None:
        raise RuntimeError(f"row 3 has count {ROWS[0]['count']} and {ROWS[1]['count']}")

    app.add_api_route("/api/v1/explode", explode, methods=["POST"])

    with uvicorn_in_thread(app) as url:
        session = Session(url, tokens)
        play(session)
        failed = session.call("own", "POST", "/api/v1/explode")
    assert failed.status_code == 500
    assert assert_error_shape(failed.json())["code"] == "internal_error"
    assert_no_leak(session)
    # Every record in full, tracebacks included: an exception message in a logged traceback
    # is a log line too.
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    assert_log_clean("\n".join(formatter.format(r) for r in caplog.records), session)
    assert any("RuntimeError" in r.getMessage() for r in caplog.records)  # logged by its type
    audit = store.audit_entries(limit=100_000)
    assert not SECRET.search(repr(audit)), repr(audit)
    assert_no_secret(repr(audit) + "".join(ex.text for ex in session.exchanges), session)
    # The failed request left its audit line, like every other data-changing request.
    assert [(e.path, e.status, e.outcome) for e in audit if e.path == "/api/v1/explode"] == [
        ("/api/v1/explode", 500, "error")
    ]
    store.close()
