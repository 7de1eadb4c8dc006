"""Real processes: the lekstat-server service on a free loopback port, the command lines in
subprocesses, and onboarding (a token for every municipality).

Shared by the demo, the end-to-end tests and the benchmarks, so that starting a server and
waiting for it is written once.
"""

from __future__ import annotations

import csv
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def script(name: str) -> str:
    """The console script ``name`` installed beside this Python."""
    path = Path(sys.executable).parent / name
    if not path.exists():
        raise FileNotFoundError(f"{name} is not installed in {path.parent}")
    return str(path)


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(
    name: str,
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    input_text: str | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run a console script to completion, capturing its output."""
    return subprocess.run(  # noqa: S603 - our own console scripts
        [script(name), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        input=input_text,
        timeout=timeout,
        check=False,
    )


@dataclass
class Server:
    """A running service."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        """What the server has written so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_server(
    db: Path,
    *,
    env: dict[str, str] | None = None,
    port: int | None = None,
    log: Path | None = None,
    timeout: float = 60,
) -> Server:
    """Start ``lekstat-server serve`` on ``db`` and wait until /healthz answers."""
    port = port or free_port()
    log = log or db.with_name(db.name + f".{port}.log")
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 - our own console script
            [
                script("lekstat-server"),
                "--db",
                str(db),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            cwd=db.parent,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return Server(url, process, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    process.wait()
    raise RuntimeError(f"server did not start within {timeout:g} s:\n{log.read_text()}")


def stop_server(server: Server, sig: int = signal.SIGTERM) -> int:
    """Stop the server with ``sig`` and wait for it; return its exit code."""
    if server.process.poll() is None:
        server.process.send_signal(sig)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    return server.process.returncode


@contextmanager
def running_server(db: Path, **kw: object) -> Iterator[Server]:
    """A server for the duration of a ``with`` block."""
    server = start_server(db, **kw)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        stop_server(server)


def onboard(db: Path, out: Path) -> dict[str, str]:
    """A token for every municipality, written to ``out`` by the real command line; by code."""
    result = run(
        "lekstat-server",
        "--db",
        str(db),
        "token",
        "create",
        "--role",
        "municipality",
        "--all-municipalities",
        "--out",
        str(out),
    )
    if result.returncode != 0:
        raise RuntimeError(f"onboarding failed: {result.stderr.strip()}")
    with out.open(encoding="utf-8") as f:
        return {row["municipality"]: row["token"] for row in csv.DictReader(f)}
