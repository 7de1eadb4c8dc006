"""A fake lekstat server on ``httpx.MockTransport``, and a user config dir of the test's own."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from schemas.validation import validate_submission

if TYPE_CHECKING:
    from client.api import Client

URL = "http://lekstat.test"
TOKEN = "t0ken-of-amsterdam"
PERIOD = "2026-Q1"

HEADER = "function_type,data_category,stage,employment_type,motive,count\n"
VALID_CSV = (
    HEADER
    + "FT01_BRP,DC01_BRP_ADRES,ST01_SIGNAAL,EM01_VAST,MO01_CRIMINEEL,2\n"
    + "FT04_PARKEREN,DC03_KENTEKEN,ST02_INTERN_ONDERZOEK,EM03_INHUUR,MO02_PRIVE,1\n"
)

ME_MUNICIPALITY = {
    "token_id": "tok-1",
    "role": "municipality",
    "municipality": "GM0363",
    "municipality_name": "Amsterdam",
}
ME_ANALYST = {
    "token_id": "tok-2",
    "role": "analyst",
    "municipality": None,
    "municipality_name": None,
}


def receipt(**changes: Any) -> dict[str, Any]:
    """A receipt as the server sends it."""
    body = {
        "id": "sub-1",
        "municipality": "GM0363",
        "period": PERIOD,
        "version": 1,
        "nil_return": False,
        "rows": 2,
        "total": 3,
        "sha256": "0" * 64,
        "taxonomy_version": "1",
        "received_at": "2026-04-02T10:00:00Z",
        "late": False,
    }
    body.update(changes)
    return body


def error(
    status: int, code: str, message: str, details: list[Any] | None = None, **kw: Any
) -> Reply:
    """An error answer in the API's one shape."""
    body = {"error": {"code": code, "message": message, "details": details or []}}
    return Reply(status, body, **kw)


@dataclass
class Reply:
    """One answer; built afresh for every request."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    text: str | None = None

    def response(self) -> httpx.Response:
        if self.text is not None:
            return httpx.Response(self.status, text=self.text, headers=self.headers)
        return httpx.Response(self.status, json=self.body, headers=self.headers)


Responder = Reply | type[Exception] | Callable[[httpx.Request], httpx.Response]


class FakeServer:
    """Routes ``(method, path)`` to answers given in order; the last answer repeats."""

    def __init__(self, me: dict[str, Any] | None = None) -> None:
        self.routes: dict[tuple[str, str], list[Responder]] = {}
        self.requests: list[httpx.Request] = []
        self.on("GET", "/api/v1/me", Reply(200, me or ME_MUNICIPALITY))
        # No earlier versions unless a test says otherwise (submit asks before it uploads).
        self.on("GET", "/api/v1/submissions", Reply(200, {"submissions": []}))

    def on(self, method: str, path: str, *answers: Responder) -> FakeServer:
        self.routes[(method, path)] = list(answers)
        return self

    def to(self, method: str, path: str) -> list[httpx.Request]:
        """The requests received for one route."""
        return [r for r in self.requests if (r.method, r.url.path) == (method, path)]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answers = self.routes.get((request.method, request.url.path))
        if not answers:
            return error(404, "not_found", "no such route in the fake").response()
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Reply):
            return answer.response()
        if isinstance(answer, type) and issubclass(answer, Exception):
            raise answer("simulated", request=request)  # type: ignore[call-arg]
        return answer(request)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def accept_submission(request: httpx.Request) -> httpx.Response:
    """A submissions endpoint that answers like the real one: the key's SHA-256, rows, total."""
    body = json.loads(request.content)
    rows = body["rows"]
    # The SHA-256 of the canonical content, computed as the real server does.
    checked = validate_submission(
        rows,
        body["period"],
        body.get("municipality"),
        body["nil_return"],
        today=dt.date(2099, 1, 1),
    )
    fields = {
        "sha256": checked.submission.sha256() if checked.submission else "f" * 64,
        "rows": len(rows),
        "total": sum(r["count"] for r in rows),
        "nil_return": body["nil_return"],
        "period": body["period"],
    }
    if request.url.params.get("dry_run") == "true":
        dry = {k: v for k, v in receipt(**fields).items() if k not in ("id", "version")}
        return httpx.Response(200, json={"dry_run": True, **dry})
    return httpx.Response(201, json=receipt(**fields))


class Sleeps(list[float]):
    """An injected ``sleep`` that records the delays instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_client(server: FakeServer, sleeps: Sleeps) -> Iterator[Callable[..., Client]]:
    from client.api import Client  # the fake server itself needs no client code

    clients: list[Client] = []

    def make(**kwargs: Any) -> Client:
        kwargs.setdefault("transport", server.transport)
        kwargs.setdefault("sleep", sleeps)
        c = Client(URL, TOKEN, **kwargs)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def valid_csv(tmp_path: Path) -> Path:
    path = tmp_path / "aantallen.csv"
    path.write_text(VALID_CSV, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def user_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own config dir and no LEKSTAT_* variables from the caller."""
    for name in ("LEKSTAT_URL", "LEKSTAT_TOKEN", "LEKSTAT_LANG", "APPDATA"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config-home"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return config
